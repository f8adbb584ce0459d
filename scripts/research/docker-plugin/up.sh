#!/bin/bash
# The research "host": netns rsch-dock + a private mount namespace held by a sleep (pid in
# /tmp/rsch-dock/holder.pid). Inside: a fresh sysfs (as `ip netns exec` gives a lab host), a tmpfs
# on /sys/fs/cgroup with the v1 controllers + name=systemd + cgroup2 (as the lab does), tmpfs on
# /run/docker and /run/containerd. Then containerd, dockerd, the fake plugin, the image.
set -eu
. "$(dirname "$0")/env.sh"
mkdir -p $R/containerd-root $R/containerd-opt $R/docker-data $R/etc
[ -e /run/netns/$NS ] || ip netns add $NS
if ! { [ -s $R/holder.pid ] && runs "$(holder)" 'sleep infinity'; }; then
  setsid nsenter --net=/run/netns/$NS unshare --mount --propagation private sh -c '
    set -e
    mount -t sysfs sysfs /sys
    mount -t tmpfs -o mode=0755 rsch-cgroup /sys/fs/cgroup
    for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
      mkdir -p /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c; done
    mkdir -p /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
    mkdir -p /run/docker /run/containerd
    mount -t tmpfs -o mode=0711 rsch-run-docker /run/docker
    mount -t tmpfs -o mode=0711 rsch-run-containerd /run/containerd
    ip link set lo up
    exec sleep infinity' </dev/null >$R/holder.log 2>&1 &
  echo $! > $R/holder.pid
  sleep 0.5
  runs "$(holder)" 'sleep infinity' || { cat $R/holder.log; exit 1; }
fi
cat > $R/containerd.toml <<CONF
version = 2
root = "$R/containerd-root"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$R/containerd-opt"
CONF
cat > $R/etc/daemon.json <<CONF
{
  "data-root": "$R/docker-data",
  "exec-root": "/run/docker",
  "pidfile": "$R/dockerd.pid",
  "hosts": ["unix://$R/docker.sock"],
  "containerd": "/run/containerd/containerd.sock",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "cgroup-parent": "/$CG",
  "bridge": "none",
  "iptables": false,
  "ip-forward": false,
  "ip-masq": false,
  "userland-proxy": false,
  "storage-driver": "overlay2",
  "log-driver": "json-file"
}
CONF
"$HERE/plugin-start.sh"
if ! { [ -s $R/containerd.pid ] && runs "$(cat $R/containerd.pid)" containerd; }; then
  nsenter -t "$(holder)" --net --mount setsid sh -c "echo \$\$ > $R/containerd.pid; exec containerd --config $R/containerd.toml" </dev/null >>$R/containerd.log 2>&1 &
  n=0; until inhost test -S /run/containerd/containerd.sock; do sleep 0.05; n=$((n+1)); [ $n -lt 400 ] || { echo containerd did not start; exit 1; }; done
fi
"$HERE/dockerd-start.sh"
if ! docker image inspect localhost/contiv-lab:latest >/dev/null 2>&1; then
  [ -s $R/contiv-lab.tar ] || "$HERE/build-image.sh"
  docker import $R/contiv-lab.tar localhost/contiv-lab:latest
fi
echo "up: holder $(holder) containerd $(cat $R/containerd.pid) dockerd $(cat $R/dockerd.pid) plugin $(cat $R/plugin.pid)"
