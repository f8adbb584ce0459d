#!/bin/bash
# SIGKILLs the fake plugin by its recorded pid (its socket file stays behind, as with a crash).
set -eu
. "$(dirname "$0")/env.sh"
p=$(cat $R/plugin.pid); runs "$p" plugin.cjs && kill -KILL "$p" && echo "plugin $p killed"
