#!/bin/sh
# Builds /tmp/rsch-dock/contiv-lab.tar from Debian's busybox-static (nothing can be pulled).
set -eu
R=/tmp/rsch-dock; mkdir -p $R; cd $R
rm -rf rootfs && mkdir -p rootfs/bin rootfs/sbin rootfs/usr/bin rootfs/usr/sbin rootfs/etc rootfs/proc rootfs/sys rootfs/dev rootfs/tmp rootfs/root rootfs/run rootfs/var
cp /bin/busybox rootfs/bin/busybox
for a in $(rootfs/bin/busybox --list-full); do [ -e "rootfs/$a" ] || ln -s /bin/busybox "rootfs/$a"; done
chmod 1777 rootfs/tmp
tar -C rootfs -cf contiv-lab.tar .
