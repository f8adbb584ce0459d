#!/bin/sh
# Run INSIDE a lab host (contiv lab exec --name LAB HOST -- sh host-podman-up.sh HOSTDIR).
# HOSTDIR = ~/.contiv/labs/LAB/hosts/HOST ; everything podman keeps lives under HOSTDIR/podman.
# Re-runnable: every step is skipped when already done.
set -eu
p=$1/podman
mkdir -p "$p/storage" "$p/cni-lib" "$p/net.d" "$p/cni-bin"
# 1. cgroups: `ip netns exec` gave the host a fresh /sys with nothing on /sys/fs/cgroup, and
#    runc fails with "no cgroup mount found in mountinfo". v1 controllers (devices is mandatory).
if ! mountpoint -q /sys/fs/cgroup; then
  mount -t tmpfs -o mode=0755 contiv-cgroup /sys/fs/cgroup
  for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
    mkdir -p /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c
  done
fi
# 2. podman settings for this host (default_ulimits=[] is the one that is really needed here).
[ -s "$p/containers.conf" ] || cat > "$p/containers.conf" <<'CONF'
[containers]
default_ulimits = []
default_capabilities = ["CHOWN","DAC_OVERRIDE","FOWNER","FSETID","KILL","NET_BIND_SERVICE","SETFCAP","SETGID","SETPCAP","SETUID","SYS_CHROOT","NET_RAW"]
[network]
network_backend = "cni"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
# 3. private state: images/containers, CNI result cache, CNI configs, CNI plugins, the config.
b() { mountpoint -q "$2" || mount --bind "$1" "$2"; }
b "$p/storage"         /var/lib/containers
b "$p/cni-lib"         /var/lib/cni
b "$p/net.d"           /etc/cni/net.d
b "$p/cni-bin"         /opt/cni/bin
b "$p/containers.conf" /etc/containers/containers.conf
