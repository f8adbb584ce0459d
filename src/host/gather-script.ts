/**
 * The one script gather runs on every host, as one exec. It is a constant: nothing from a
 * manifest or a host is interpolated into it, so it cannot carry shell syntax from input.
 * Output is a sequence of sections, each opened by a line `@@contiv SECTION [ARG]`, parsed
 * by src/state/parse/live-host.ts. A section whose command fails still appears, with the
 * command's exit status in a `@@contiv status N` line (and the start of its standard error in
 * the body, for the message), so a parser never confuses "nothing there" with "could not look".
 *
 * Every plan runs it on every host, so it costs the host as little as it can: one `ovs-vsctl`
 * call reads every OVSDB table in one transaction, one `ovs-ofctl` per bridge of contiv's, one
 * `ip`; the rest is shell builtins (no temporary file, no ls, no cat). Sections:
 * - `hostname`; `missing`: binaries contiv needs that the host lacks;
 * - `ovs-vswitchd`: `running` or `stopped`, from the daemon's pidfile, /proc and its control
 *   socket, by builtins (`ovs-appctl version` was a process and a round trip, and waited forever
 *   on a hung daemon); ovs-appctl only where no pidfile is in a run directory we know (OVS built
 *   with another one), and there it finds the daemon as before;
 * - `ovsdb`: the tables, one JSON object per line in OVSDB_COMMANDS' order (ovs-vsctl's
 *   standard error, if any, comes first in the body);
 * - `flows BRIDGE` for each bridge whose external_ids mark it contiv's; none while ovs-vswitchd
 *   is stopped (gather reports the daemon, not a failed dump);
 * - `links` (`ip -j addr`: names, MTUs, addresses), `netns` (the names under /run/netns);
 * - `files`: the files contiv wrote (the CNI plugin and network configurations, the Docker
 *   plugin and its unit, recognised by the mark in their content) as `SHA256 MODE PATH` lines;
 * - `docker`: Docker's inspection of contiv's networks (nothing without a docker command, a
 *   failed status when dockerd does not answer); `docker-plugin`: the build the running plugin
 *   says it runs;
 * - `netns-paths`: the namespace paths of endpoints (a runtime's /proc/PID/ns/net …) that still
 *   exist: with /run/netns, what tells a live endpoint from one whose container is gone. Taken
 *   from the `ovsdb` output (endpoints' contiv.netns), not from a second read.
 *
 * The scripts run under `sh` (dash on Debian), and the locked read runs RECORDS_SCRIPT under
 * `set -eu` (src/endpoint/session.ts): every command that may fail is tested (`if`, `||`), and
 * every variable is set before use.
 */

/** The host-wide lock apply, attach and detach hold while they change the host. */
export const LOCK_FILE = '/run/contiv.lock';

/** What contiv runs on a host: gather needs the first three; apply and attach also ethtool, flock, nsenter and timeout. */
export const REQUIRED_BINARIES = ['ovs-vsctl', 'ovs-ofctl', 'ip', 'ethtool', 'flock', 'nsenter', 'timeout'] as const;

/**
 * The OVSDB read: ovs-vsctl commands run in ONE call (one process, one transaction, one
 * consistent snapshot), whose `-f json` prints one JSON table per command, one per line, in
 * this order. The parser takes the tables by position (OVSDB_TABLES in
 * src/state/parse/live-host.ts; a unit test checks the two agree). Columns are those the parser
 * reads, no more. The first command is also the script's own: the names of contiv's bridges,
 * whose flows it dumps (first, so that the shell cuts its line off cheaply).
 */
export const OVSDB_COMMANDS = [
  '--columns=name find Bridge external_ids:contiv.owner=contiv',
  '--columns=ovs_version list Open_vSwitch',
  '--columns=name,datapath_type,fail_mode,external_ids,ports list Bridge',
  '--columns=_uuid,name,interfaces,external_ids,protected list Port',
  '--columns=_uuid,type,options,ofport,ofport_request,mtu_request list Interface',
] as const;

/**
 * What both reads start with: a known environment, and how sections and their statuses are
 * printed. fd 3 is the script's own standard output: `run` sends a command's output there
 * directly while `$(…)` captures its standard error, shown (400 bytes) only when it fails.
 */
const PREAMBLE = `export LC_ALL=C PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
exec 3>&1
nl='
'
section() { printf '\\n@@contiv %s\\n' "$*"; }
status() { printf '\\n@@contiv status %s\\n' "$1"; }
run() { if err=$("$@" 2>&1 >&3); then rc=0; else rc=$?; printf '%.400s' "$err"; fi; status "$rc"; }
`;

/**
 * The one ovs-vsctl call. Its output stays in $o (and its status in $rc) for the script's own
 * use; its standard error, if any, goes out ahead of it.
 */
const OVSDB_SECTION = `section ovsdb
if o=$(ovs-vsctl --timeout=10 -f json ${OVSDB_COMMANDS.map((c) => `-- ${c}`).join(' ')} 2>&3); then rc=0; else rc=$?; fi
printf '%s\\n' "$o"; status "$rc"
`;

/** The names under /run/netns, by a glob. */
const NETNS_SECTION = `section netns
for n in /run/netns/*; do if [ -e "$n" ]; then printf '%s\\n' "\${n#/run/netns/}"; fi; done
`;

/**
 * Apply, attach and detach change a host while holding its lock (LOCK_FILE) exclusively, and
 * attach writes in two steps (OVSDB, then flows). A read between the two saw an endpoint's
 * flows without its port, and planned to delete them. So a read takes the lock shared: it waits
 * for a change in progress to end, and none starts while it reads. Only for 10 s: a lock held
 * longer (a stuck run) must not stop plans; the read then goes on without it, and apply's own
 * check under the lock (src/apply/execute.ts) refuses a host that moved. No lock file: no
 * contiv ever changed this host.
 */
const SHARED_LOCK = `if [ -r ${LOCK_FILE} ] && command -v flock >/dev/null 2>&1; then exec 8<${LOCK_FILE}; flock -s -w 10 8 || true; fi
`;

const GATHER_BODY = `section hostname
if read -r h </proc/sys/kernel/hostname; then printf '%s\\n' "$h"; status 0; else status 1; fi
section missing
for b in ${REQUIRED_BINARIES.join(' ')}; do command -v "$b" >/dev/null 2>&1 || echo "$b"; done
command -v ovs-vsctl >/dev/null 2>&1 || exit 0
section ovs-vswitchd
vswitchd=stopped pidfile=
for d in \${OVS_RUNDIR:-} /var/run/openvswitch /usr/local/var/run/openvswitch; do
  if [ -f "$d/ovs-vswitchd.pid" ]; then pidfile=$d/ovs-vswitchd.pid; break; fi
done
if [ -n "$pidfile" ]; then
  # A stale pidfile (the daemon was killed) names a pid that is gone, a zombie (state Z) or
  # another program: only a live ovs-vswitchd with its control socket is running.
  pid= comm= state=
  read -r pid 2>/dev/null <"$pidfile" || true
  case $pid in ''|*[!0-9]*) ;; *) read -r _ comm state _ 2>/dev/null <"/proc/$pid/stat" || true;; esac
  if [ "$comm" = '(ovs-vswitchd)' ] && [ "$state" != Z ] && [ -S "\${pidfile%/*}/ovs-vswitchd.$pid.ctl" ]; then vswitchd=running; fi
fi
# No pidfile where OVS packages put it (a build with another run directory), or one whose pid
# this host cannot see (ovs-vswitchd in a container sharing the run directory): its own tool
# asks the daemon. One more process, only on such hosts.
if [ "$vswitchd" = stopped ] && ovs-appctl --timeout=10 -t ovs-vswitchd version >/dev/null 2>&1; then vswitchd=running; fi
echo "$vswitchd"
${OVSDB_SECTION}# The ovsdb output's first line is {"data":[["contiv0"],…],"headings":["name"]}: split at the
# double quotes, a bridge name is every second field from the fourth until "headings".
if [ "$rc" -eq 0 ] && [ "$vswitchd" = running ]; then
  set -f; IFS='"'; set -- \${o%%"$nl"*}; unset IFS; set +f
  if [ $# -gt 3 ]; then shift 3; fi
  while [ $# -gt 1 ] && [ "$1" != headings ]; do
    section flows "$1"; run ovs-ofctl -O OpenFlow14 --timeout=10 dump-flows --no-stats "$1"
    shift 2
  done
fi
section links; run ip -j addr show
${NETNS_SECTION}section files
for f in /opt/cni/bin/contiv /etc/cni/net.d/*.conflist /usr/local/lib/contiv/contiv-docker /etc/systemd/system/contiv-docker.service; do
  [ -f "$f" ] || continue
  case "$f" in *.conflist) grep -q '"owner":"contiv"' "$f" || continue;; *) head -c 300 "$f" | grep -q 'contiv-[a-z]*: installed by contiv apply' || continue;; esac
  sum=$(sha256sum <"$f"); printf '%s %s %s\\n' "\${sum%% *}" "$(stat -c %a "$f")" "$f"
done
section docker
if command -v docker >/dev/null 2>&1; then
  if [ -z "\${DOCKER_HOST:-}\${DOCKER_CONTEXT:-}\${DOCKER_CONFIG:-}" ] && [ ! -e "\${HOME:-/root}/.docker/config.json" ] && [ ! -S /var/run/docker.sock ]; then
    # Nothing listens where the client would look: said in its words, without starting it (≈12 ms).
    echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'; status 1
  else
    e=$(mktemp 2>/dev/null || echo /tmp/contiv-gather.$$)
    if ids=$(timeout 20 docker network ls -q --no-trunc --filter driver=contiv 2>"$e"); then
      if [ -n "$ids" ]; then run timeout 20 docker network inspect $ids; else echo '[]'; fi
    else head -c 400 "$e"; status 1; fi
    rm -f "$e"
  fi
fi
section docker-plugin
if [ -f /run/contiv-docker.pid ] && read -r pid build < /run/contiv-docker.pid && tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q contiv-docker; then echo "$build"; fi
section netns-paths
case $o in *'"contiv.netns","/'*)
  set -f; IFS=$nl
  for p in $(grep -o '"contiv.netns","/[^"]*' <<EOF
$o
EOF
  ); do p=\${p#'"contiv.netns","'}; if [ -e "$p" ]; then printf '%s\\n' "$p"; fi; done
  unset IFS; set +f;;
esac
`;

/** What plan, show and verify run on every host: the read under the host's lock, shared. */
export const GATHER_SCRIPT = `
${PREAMBLE}${SHARED_LOCK}${GATHER_BODY}`;

/** The same read by a run that holds the host's lock itself (the apply executor). */
export const GATHER_SCRIPT_LOCK_HELD = `
${PREAMBLE}${GATHER_BODY}`;

/**
 * The small read of one host the endpoint path and the claim protocol make (under the host's
 * lock, or of every host at once): the OVSDB tables (contiv's bridge with its records, the ports
 * and interfaces: endpoints, port numbers) and the named network namespaces. No flows, no links:
 * the same sections as GATHER_SCRIPT, parsed by the same parser.
 */
export const RECORDS_SCRIPT = `
${PREAMBLE}${OVSDB_SECTION}${NETNS_SECTION}`;
