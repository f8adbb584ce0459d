#!/bin/bash
# Stops dockerd by its recorded pid (SIGTERM), waits for it; prints the time.
set -eu
. "$(dirname "$0")/env.sh"
p=$(cat $R/dockerd.pid 2>/dev/null || true)
[ -n "$p" ] && runs "$p" dockerd || { echo "dockerd not running"; exit 0; }
t0=$(date +%s.%N); kill -TERM "$p"
while runs "$p" dockerd; do sleep 0.05; done
echo "dockerd $p stopped in $(echo "$(date +%s.%N) - $t0" | bc) s"
