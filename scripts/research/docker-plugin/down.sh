#!/bin/bash
# Removes everything this research made: containers (while dockerd runs), dockerd, containerd,
# shims (by pid, found in our cgroup dir and by parent), the plugin, the holder (its mount
# namespace goes with it), the netns, our cgroup dirs (exact name), /tmp/rsch-dock.
set -u
. "$(dirname "$0")/env.sh"
if [ -s $R/holder.pid ] && runs "$(holder)" 'sleep infinity'; then
  if [ -s $R/dockerd.pid ] && runs "$(cat $R/dockerd.pid)" dockerd; then
    ids=$(docker ps -aq); [ -n "$ids" ] && docker rm -f $ids
    for n in $(docker network ls -q --filter driver=contiv); do docker network rm $n; done
    "$HERE/dockerd-stop.sh"
  fi
  # shims left (containerd-shim-runc-v2 children of pid 1 started by our containerd): by their -address
  for p in $(pgrep -f 'containerd-shim-runc-v2 -namespace moby' || true); do
    tr '\0' ' ' </proc/$p/cmdline 2>/dev/null | grep -q -- "-address /run/containerd/containerd.sock" || continue
    # only ours: same mount namespace as the holder
    [ "$(readlink /proc/$p/ns/mnt)" = "$(readlink /proc/$(holder)/ns/mnt)" ] && kill -TERM $p
  done
  p=$(cat $R/containerd.pid 2>/dev/null); [ -n "$p" ] && runs $p containerd && { kill -TERM $p; while runs $p containerd; do sleep 0.1; done; }
  p=$(cat $R/plugin.pid 2>/dev/null); [ -n "$p" ] && runs $p plugin.cjs && kill -TERM $p
  kill -TERM "$(holder)"; sleep 0.3
fi
[ -e /run/netns/$NS ] && ip netns del $NS
for d in /sys/fs/cgroup/*/$CG; do
  [ -d "$d" ] || continue
  find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || echo "busy: $d"
done
echo "left: netns=$(ip netns list | grep -c "^$NS\b") mounts=$(mount | grep -c rsch) cgroups=$(ls -d /sys/fs/cgroup/*/$CG 2>/dev/null | wc -l)"
# --purge: also the state directory (images, logs, plugin log) — copy what you need first.
[ "${1:-}" = --purge ] && rm -rf "$R" && echo "removed $R"
