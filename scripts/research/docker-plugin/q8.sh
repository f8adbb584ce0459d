#!/bin/bash
# Q8: one failing `docker run` per plugin answer. $1 label, $2 control JSON (plugin-control.json), rest: extra run args.
. "$(dirname "$0")/env.sh"
label=$1; ctl=$2; shift 2
echo "$ctl" > $R/plugin-control.json
"$HERE/mark.sh" "Q8 $label"
echo "----- Q8 $label: control $ctl" | tee -a $R/transcript.txt
"$HERE/dk.sh" run --rm "$@" --net contiv-net/blue localhost/contiv-lab:latest true
echo '{}' > $R/plugin-control.json
"$HERE/calls.sh" "Q8 $label" | cut -c1-260
