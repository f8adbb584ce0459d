/**
 * The one script gather runs on every host, as one exec. It is a constant: nothing from a
 * manifest or a host is interpolated into it, so it cannot carry shell syntax from input.
 * Output is a sequence of sections, each opened by a line `@@contiv SECTION [ARG]`, parsed
 * by src/state/parse/live-host.ts. A section whose command fails still appears, with the
 * command's exit status in a `@@contiv status N` line (and the start of its standard error in
 * the body, for the message), so a parser never confuses "nothing there" with "could not look". `netns-paths` lists the namespace paths of endpoints
 * (a runtime's /proc/PID/ns/net …) that still exist: with /run/netns, what tells a live
 * endpoint from one whose container is gone. `files` lists the files contiv wrote (the CNI
 * plugin and network configurations, the Docker plugin and its unit, recognised by the mark in
 * their content) with their hash and mode: `SHA256 MODE PATH` per line. `docker` is Docker's
 * inspection of contiv's networks (nothing without a docker command, a failed status when
 * dockerd does not answer); `docker-plugin` the build the running plugin says it runs.
 */
/** What contiv runs on a host: gather needs the first four; apply and attach also ethtool, flock, nsenter and timeout. */
export const REQUIRED_BINARIES = ['ovs-vsctl', 'ovs-ofctl', 'ovs-appctl', 'ip', 'ethtool', 'flock', 'nsenter', 'timeout'] as const;

/** What both reads start with: a known environment, and how sections and their statuses are printed. */
const PREAMBLE = `export LC_ALL=C PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
section() { printf '\\n@@contiv %s\\n' "$*"; }
e=$(mktemp 2>/dev/null || echo /tmp/contiv-gather.$$); trap 'rm -f "$e"' EXIT
run() { "$@" 2>"$e"; rc=$?; [ "$rc" -eq 0 ] || head -c 400 "$e"; printf '\\n@@contiv status %s\\n' "$rc"; }
`;

export const GATHER_SCRIPT = `
${PREAMBLE}section hostname; run cat /proc/sys/kernel/hostname
section missing
for b in ${REQUIRED_BINARIES.join(' ')}; do command -v "$b" >/dev/null 2>&1 || echo "$b"; done
command -v ovs-vsctl >/dev/null 2>&1 || exit 0
section ovs-version; run ovs-appctl -t ovs-vswitchd version
section open-vswitch; run ovs-vsctl --timeout=10 -f json --columns=datapath_types,iface_types list Open_vSwitch
section bridges; run ovs-vsctl --timeout=10 -f json --columns=_uuid,name,datapath_type,fail_mode,external_ids,ports list Bridge
section ports; run ovs-vsctl --timeout=10 -f json --columns=_uuid,name,interfaces,external_ids,protected list Port
section interfaces; run ovs-vsctl --timeout=10 -f json --columns=_uuid,name,type,options,ofport,ofport_request,external_ids,mtu,mtu_request,mac_in_use list Interface
for br in $(ovs-vsctl --timeout=10 --bare --columns=name find Bridge external_ids:contiv.owner=contiv); do
  section flows "$br"; run ovs-ofctl -O OpenFlow14 --timeout=10 dump-flows --no-stats "$br"
done
section links; run ip -d -j addr show
section netns; ls -1 /run/netns 2>/dev/null || true
section files
for f in /opt/cni/bin/contiv /etc/cni/net.d/*.conflist /usr/local/lib/contiv/contiv-docker /etc/systemd/system/contiv-docker.service; do
  [ -f "$f" ] || continue
  case "$f" in *.conflist) grep -q '"owner":"contiv"' "$f" || continue;; *) head -c 300 "$f" | grep -q 'contiv-[a-z]*: installed by contiv apply' || continue;; esac
  printf '%s %s %s\\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$(stat -c %a "$f")" "$f"
done
section docker
if command -v docker >/dev/null 2>&1; then
  if ids=$(timeout 20 docker network ls -q --no-trunc --filter driver=contiv 2>"$e"); then
    if [ -n "$ids" ]; then run timeout 20 docker network inspect $ids; else echo '[]'; fi
  else head -c 400 "$e"; printf '\n@@contiv status 1\n'; fi
fi
section docker-plugin
if [ -f /run/contiv-docker.pid ] && read -r pid build < /run/contiv-docker.pid && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q contiv-docker; then echo "$build"; fi
section netns-paths
ovs-vsctl --timeout=10 --bare --columns=external_ids find Port external_ids:contiv.kind=endpoint | tr ' ' '\\n' | grep '^contiv.netns=/' | cut -d= -f2- | tr -d '"' | while IFS= read -r p; do [ -e "$p" ] && printf '%s\\n' "$p"; done; true
`;

/**
 * The small read of one host the endpoint path and the claim protocol make (under the host's
 * lock, or of every host at once): contiv's bridge with its records, the ports and interfaces
 * (endpoints, port numbers) and the named network namespaces. No flows, no links: the same
 * sections as GATHER_SCRIPT, parsed by the same parser.
 */
export const RECORDS_SCRIPT = `
${PREAMBLE}section bridges; run ovs-vsctl --timeout=10 -f json --columns=_uuid,name,datapath_type,fail_mode,external_ids,ports find Bridge name=contiv0
section ports; run ovs-vsctl --timeout=10 -f json --columns=_uuid,name,interfaces,external_ids,protected list Port
section interfaces; run ovs-vsctl --timeout=10 -f json --columns=_uuid,name,type,options,ofport,ofport_request,external_ids,mtu,mtu_request,mac_in_use list Interface
section netns; ls -1 /run/netns 2>/dev/null || true
`;
