#!/bin/bash
# Puts a marker line into the plugin log (and transcript) so calls can be grouped per step.
. "$(dirname "$0")/env.sh"
echo "{\"mark\": \"$*\", \"t\": \"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\"}" >> $R/plugin.log
echo "##### $*" >> $R/transcript.txt
