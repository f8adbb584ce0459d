#!/bin/bash
# Starts the fake plugin in the research host (socket /run/docker/plugins/contiv.sock there).
set -eu
. "$(dirname "$0")/env.sh"
if [ -s $R/plugin.pid ] && runs "$(cat $R/plugin.pid)" plugin.cjs; then echo "plugin already runs"; exit 0; fi
rm -f $R/plugin.pid
nsenter -t "$(holder)" --net --mount setsid sh -c "echo \$\$ > $R/plugin.pid; exec node $HERE/plugin.cjs" </dev/null >>$R/plugin.out 2>&1 &
n=0; until [ -s $R/plugin.pid ] && grep -q "\"listening\",\"pid\":$(cat $R/plugin.pid)}" $R/plugin.log 2>/dev/null; do sleep 0.05; n=$((n+1)); [ $n -lt 200 ] || { echo plugin did not start; exit 1; }; done
echo "plugin up (pid $(cat $R/plugin.pid))"
