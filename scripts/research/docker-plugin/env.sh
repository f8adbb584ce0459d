# Sourced by every script here. Everything this research makes is named rsch-dock / under /tmp/rsch-dock.
R=/tmp/rsch-dock
NS=rsch-dock                 # network namespace (ip netns)
CG=rsch-dock                 # dockerd's --cgroup-parent: /sys/fs/cgroup/<ctrl>/rsch-dock
HERE=$(cd "$(dirname "$0")" && pwd)
export DOCKER_HOST=unix://$R/docker.sock
# pid of the holder (sleep) whose net+mount namespaces are "the host"
holder() { cat $R/holder.pid; }
# run a command in the host's net + mount namespaces
inhost() { nsenter -t "$(holder)" --net --mount "$@"; }
# is PID running PROG (pids wrap: check the command line)?
runs() { [ -r /proc/$1/cmdline ] && tr '\0' ' ' </proc/$1/cmdline | grep -q -- "$2"; }
# the newer standalone client (Debian's /usr/bin/docker 20.10 has no `import -q`)
docker() { /usr/local/bin/docker "$@"; }
