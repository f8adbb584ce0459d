#!/bin/bash
# Runs one docker client command against the research dockerd, prints (and appends to
# /tmp/rsch-dock/transcript.txt) the command, its output, exit code and wall time.
# DK_CLIENT=/usr/bin/docker to use Debian's 20.10 client instead of /usr/local/bin/docker.
. "$(dirname "$0")/env.sh"
c=${DK_CLIENT:-/usr/local/bin/docker}
t0=$(date +%s.%N)
out=$("$c" "$@" 2>&1); rc=$?
t=$(echo "$(date +%s.%N) - $t0" | bc)
{ echo "\$ $( [ "$c" = /usr/local/bin/docker ] && echo docker || echo "$c") $*"; [ -n "$out" ] && echo "$out"; printf '(exit %s, %.2f s)\n' $rc $t; } | tee -a $R/transcript.txt
exit $rc
