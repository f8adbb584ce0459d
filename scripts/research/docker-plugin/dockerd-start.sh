#!/bin/bash
# Starts dockerd in the research host (containerd must run); waits until it answers; prints the time.
set -eu
. "$(dirname "$0")/env.sh"
if [ -s $R/dockerd.pid ] && runs "$(cat $R/dockerd.pid)" dockerd; then echo "dockerd already runs"; exit 0; fi
t0=$(date +%s.%N)
echo "=== dockerd start $(date -Is)" >> $R/dockerd.log
nsenter -t "$(holder)" --net --mount setsid dockerd --config-file $R/etc/daemon.json </dev/null >>$R/dockerd.log 2>&1 &
n=0; until docker version >/dev/null 2>&1; do sleep 0.05; n=$((n+1)); [ $n -lt 600 ] || { echo dockerd does not answer; exit 1; }; done
echo "dockerd up (pid $(cat $R/dockerd.pid)) in $(echo "$(date +%s.%N) - $t0" | bc) s"
