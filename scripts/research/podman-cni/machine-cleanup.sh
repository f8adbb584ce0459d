#!/bin/sh
# After every lab is down, in the root namespace: what podman left in the machine's cgroup tree.
for h in /sys/fs/cgroup/*/; do
  d=${h}libpod_parent; [ -d "$d" ] || continue
  find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || echo "busy: $d"
done
