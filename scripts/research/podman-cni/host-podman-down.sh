#!/bin/sh
# Run INSIDE a lab host before `lab down`: removes every container (CNI DEL runs for each).
podman rm -a -f -t 0 >/dev/null 2>&1 || true
podman ps -a -q | wc -l
