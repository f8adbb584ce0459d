import { bundleBlock, bundleLines } from '../apply/script.js';
import { shellQuote, ovsString } from '../apply/quote.js';
import { endpointOwner } from '../compile/endpoint-flows.js';
import { BRIDGE } from '../compile/pipeline.js';
import { intToIp, ipToInt } from '../manifest/ipv4.js';
import type { Change } from '../plan/types.js';
import type { Endpoint } from '../state/endpoint.js';
import { cookieFor } from '../state/marks.js';
import { netnsPath } from './names.js';
import type { LocalAttachPlan } from './plan.js';

/*
 * The scripts of the host-local endpoint path. They run while the caller holds the host's lock
 * (src/endpoint/session.ts), so they take none themselves. In-namespace commands run in one
 * shell under `nsenter --net=PATH`, which takes a runtime's namespace path as well as
 * /run/netns/NAME (one process to enter instead of one per command: attach is on a runtime's
 * critical path).
 */

/** Exit status when the namespace is not on the host. */
export const EXIT_NO_NETNS = 77;
const NS_EOF = 'CONTIV_NS_EOF';

function q(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Make the veth inside the container's namespace with the host side moved to this shell's own
 * namespace (`netns $$`: the host's, also when the host is itself a namespace, as in the lab),
 * configure the container side (address, MAC, MTU, checksum offload off — LAB-NOTES), add the
 * OVS port with the endpoint's marks and the number the flows name, install the flows in one
 * bundle. Any failure undoes what the script made.
 */
export function attachScript(p: LocalAttachPlan): string {
  const e = p.endpoint;
  const ns = netnsPath(e.netns);
  const ifname = e.ifname ?? 'eth0';
  const ids = Object.entries(p.port.externalIds).map(([k, v]) => `external_ids:${ovsString(k)}=${ovsString(v)}`);
  return [
    'set -eu',
    `[ -e ${shellQuote(ns)} ] || { echo ${shellQuote(`no network namespace ${e.netns} on this host`)} >&2; exit ${EXIT_NO_NETNS}; }`,
    'made=0',
    `undo() { if [ "$made" = 1 ]; then ovs-vsctl --if-exists del-port ${BRIDGE} ${shellQuote(e.port)}; ip link del ${shellQuote(e.port)} 2>/dev/null || true; fi; }`,
    "trap 'rc=$?; [ $rc -eq 0 ] || undo; exit $rc' EXIT",
    'made=1',
    // Inside the container's namespace, in one shell: the veth (its host side moved to this
    // shell's namespace, given as $1), then the container side's address, MTU and offload.
    `${q(['nsenter', `--net=${ns}`, '--', 'sh', '-s'])} "$$" <<'${NS_EOF}'`,
    'set -eu',
    `if ${q(['ip', 'link', 'show', ifname])} >/dev/null 2>&1; then echo ${shellQuote(`namespace ${e.netns} already has an interface ${ifname}`)} >&2; exit 1; fi`,
    `${q(['ip', 'link', 'add', ifname, 'mtu', String(p.mtu), 'type', 'veth', 'peer', 'name', e.port, 'mtu', String(p.mtu), 'netns'])} "$1"`,
    q(['ip', 'link', 'set', ifname, 'address', e.mac]),
    q(['ip', 'addr', 'add', `${e.ip}/${p.prefix}`, 'dev', ifname]),
    q(['ip', 'link', 'set', 'lo', 'up']),
    q(['ip', 'link', 'set', ifname, 'up']),
    // The first interface brings the default route; a second one into the same namespace does not replace it.
    ...(p.gateway ? [`[ -n "$(ip -4 route show default)" ] || ${q(['ip', 'route', 'add', 'default', 'via', p.gateway, 'dev', ifname])}`] : []),
    `${q(['ethtool', '-K', ifname, 'tx', 'off'])} >/dev/null`,
    NS_EOF,
    `${q(['ethtool', '-K', e.port, 'tx', 'off'])} >/dev/null`,
    q(['ip', 'link', 'set', e.port, 'up']),
    q(['ovs-vsctl', '--timeout=30', '--', 'add-port', BRIDGE, e.port, '--', 'set', 'interface', e.port, `ofport_request=${e.ofport}`, '--', 'set', 'port', e.port, ...ids]),
    `[ "$(ovs-vsctl get interface ${shellQuote(e.port)} ofport)" = ${e.ofport} ] || { echo ${shellQuote(`Open vSwitch did not give ${e.port} port number ${e.ofport}`)} >&2; exit 1; }`,
    ...bundleBlock(BRIDGE, bundleLines(p.changes, BRIDGE)),
    announce(q(['nsenter', `--net=${ns}`, '--', 'ping', '-b', '-n', '-q', '-c', '1', '-W', '0.2', broadcastOf(e.ip, p.prefix)])),
    '',
  ].join('\n');
}

/**
 * Docker's variant (its Join): Docker made the namespace and moves an interface into it itself,
 * renaming it and giving it the address and gateway from contiv's IPAM answers (the namespace's
 * path, SandboxKey, exists only once the container starts, after Join). So the veth is
 * made in the host's namespace, the container side named `srcName` (what Join returns) with the
 * endpoint's MAC, MTU and offload set; the OVS port, its marks and the flows as for any endpoint.
 * The address Docker's IPAM held for the endpoint (`holdKey`) turns into the endpoint in the
 * same OVSDB transaction. The announcement waits until Docker has configured the interface.
 */
export function dockerAttachScript(p: LocalAttachPlan, srcName: string, holdKey: string | undefined): string {
  const e = p.endpoint;
  const ids = Object.entries(p.port.externalIds).map(([k, v]) => `external_ids:${ovsString(k)}=${ovsString(v)}`);
  return [
    // No check that the namespace exists: Docker binds it to its path only when the container starts, after Join.
    'set -eu',
    `undo() { ovs-vsctl --if-exists del-port ${BRIDGE} ${shellQuote(e.port)}; ip link del ${shellQuote(e.port)} 2>/dev/null || true; }`,
    "trap 'rc=$?; [ $rc -eq 0 ] || undo; exit $rc' EXIT",
    // A veth of an earlier, failed Join of the same endpoint.
    `ip link del ${shellQuote(e.port)} 2>/dev/null || true`,
    q(['ip', 'link', 'add', srcName, 'mtu', String(p.mtu), 'type', 'veth', 'peer', 'name', e.port, 'mtu', String(p.mtu)]),
    q(['ip', 'link', 'set', srcName, 'address', e.mac]),
    `${q(['ethtool', '-K', srcName, 'tx', 'off'])} >/dev/null`,
    `${q(['ethtool', '-K', e.port, 'tx', 'off'])} >/dev/null`,
    q(['ip', 'link', 'set', e.port, 'up']),
    q([
      'ovs-vsctl',
      '--timeout=30',
      '--',
      'add-port',
      BRIDGE,
      e.port,
      '--',
      'set',
      'interface',
      e.port,
      `ofport_request=${e.ofport}`,
      '--',
      'set',
      'port',
      e.port,
      ...ids,
      ...(holdKey ? ['--', 'remove', 'bridge', BRIDGE, 'external_ids', ovsString(holdKey)] : []),
    ]),
    `[ "$(ovs-vsctl get interface ${shellQuote(e.port)} ofport)" = ${e.ofport} ] || { echo ${shellQuote(`Open vSwitch did not give ${e.port} port number ${e.ofport}`)} >&2; exit 1; }`,
    ...bundleBlock(BRIDGE, bundleLines(p.changes, BRIDGE)),
    // In the background, after a second (the space keeps `( (` from reading as arithmetic).
    announce(` (sleep 1; ${q(['nsenter', `--net=${netnsPath(e.netns)}`, '--', 'ping', '-b', '-n', '-q', '-c', '1', '-W', '0.2', broadcastOf(e.ip, p.prefix)])})`),
    '',
  ].join('\n');
}

function broadcastOf(ip: string, prefix: number): string {
  const hostBits = prefix >= 32 ? 0 : 2 ** (32 - prefix) - 1;
  return intToIp((ipToInt(ip) | hostBits) >>> 0);
}

/**
 * One broadcast frame from the new endpoint, so every host of the fabric learns where its MAC
 * is now. Its MAC follows from its address, so an address detached on one host and attached on
 * another keeps its MAC: hosts that talked to it still hold a learned entry (T11, refreshed by
 * their own traffic) pointing at the old host's tunnel, and their unicast to it is black-holed
 * until that entry ages out. A broadcast is flooded over every tunnel, and each receiving host
 * re-learns the MAC from it (a gratuitous announcement with the tools every host has: ping -b).
 * Best effort, in the background (it waits 0.2 s for answers nobody sends): receivers ignore
 * broadcast echo requests, and a failure here breaks nothing.
 */
function announce(ping: string): string {
  return `(${ping} >/dev/null 2>&1 &)`;
}

/**
 * Flows out first, in one bundle: every flow carrying the endpoint's cookie (whatever the
 * manifests made of its group or network since) and its network's flood flows without it; then
 * the port, then the veth (its pair in the container goes with it).
 */
export function detachScript(endpoint: Endpoint, changes: readonly Change[]): string {
  const cookie = cookieFor('endpoint', endpointOwner(endpoint).address);
  return [
    'set -eu',
    ...bundleBlock(BRIDGE, [`delete cookie=0x${cookie}/-1`, ...bundleLines(changes, BRIDGE)]),
    q(['ovs-vsctl', '--timeout=30', '--if-exists', 'del-port', BRIDGE, endpoint.port]),
    `ip link del ${shellQuote(endpoint.port)} 2>/dev/null || true`,
    '',
  ].join('\n');
}
