#!/bin/sh
# Builds /tmp/podman-research/contiv-lab.tar from Debian's busybox-static (no network needed).
# Then, inside a host: podman import -q contiv-lab.tar localhost/contiv-lab:latest
set -eu
cd /tmp/podman-research
rm -rf rootfs && mkdir -p rootfs/bin rootfs/sbin rootfs/usr/bin rootfs/usr/sbin rootfs/etc rootfs/proc rootfs/sys rootfs/dev rootfs/tmp rootfs/root rootfs/run rootfs/var
cp /bin/busybox rootfs/bin/busybox
for a in $(rootfs/bin/busybox --list-full); do [ -e "rootfs/$a" ] || ln -s /bin/busybox "rootfs/$a"; done
chmod 1777 rootfs/tmp
tar -C rootfs -cf contiv-lab.tar .
