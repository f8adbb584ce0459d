import { BRIDGE } from '../compile/pipeline.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from '../host/transport.js';
import type { EndpointPlan } from '../plan/endpoint-plan.js';
import type { Change } from '../plan/types.js';
import type { Endpoint } from '../state/endpoint.js';
import { intToIp, ipToInt } from '../manifest/ipv4.js';
import { ovsString, shellQuote } from './quote.js';
import { bundleBlock, bundleLines, EXIT_LOCKED, EXIT_NO_FLOCK, lockPreamble } from './script.js';

/** Exit status of an attach whose address or port number was taken meanwhile: plan again. */
export const EXIT_RACED = 76;
const EXIT_NO_NETNS = 77;
function bundle(changes: readonly Change[]): string[] {
  return bundleBlock(BRIDGE, bundleLines(changes, BRIDGE));
}

/**
 * The attach script: under the host's lock, re-check what the plan assumed (namespace there,
 * address and port number still free), make the veth, configure the container side (address,
 * MTU, checksum offload off — LAB-NOTES), add the OVS port with the endpoint's marks, install
 * its flows in one bundle. Any failure undoes what this script made.
 */
export function attachScript(p: EndpointPlan): string {
  const e = p.endpoint;
  const q = shellQuote;
  const peer = `${e.port}p`;
  const ids = Object.entries(p.port.externalIds).map(([k, v]) => `external_ids:${ovsString(k)}=${ovsString(v)}`);
  const inNs = (...args: string[]) => ['ip', '-n', e.netns, ...args].map(q).join(' ');
  return [
    ...lockPreamble(),
    `[ -e /run/netns/${q(e.netns)} ] || { echo ${q(`no network namespace ${e.netns} on this host`)} >&2; exit ${EXIT_NO_NETNS}; }`,
    `[ -z "$(ovs-vsctl --bare --columns=name find Interface ofport_request=${e.ofport})" ] || exit ${EXIT_RACED}`,
    `[ -z "$(ovs-vsctl --bare --columns=name find Port ${q(`external_ids:contiv.tenant=${e.tenant}`)} ${q(`external_ids:contiv.network=${e.network}`)} ${q(`external_ids:contiv.ip=${e.ip}`)})" ] || exit ${EXIT_RACED}`,
    `if ip -n ${q(e.netns)} link show eth0 >/dev/null 2>&1; then echo ${q(`namespace ${e.netns} already has an eth0`)} >&2; exit 1; fi`,
    'made=0',
    `undo() { if [ "$made" = 1 ]; then ovs-vsctl --if-exists del-port ${BRIDGE} ${q(e.port)}; ip link del ${q(e.port)} 2>/dev/null || true; fi; }`,
    "trap 'rc=$?; [ $rc -eq 0 ] || undo; exit $rc' EXIT",
    'made=1',
    ['ip', 'link', 'add', e.port, 'mtu', String(p.mtu), 'type', 'veth', 'peer', 'name', peer, 'mtu', String(p.mtu)].map(q).join(' '),
    ['ip', 'link', 'set', peer, 'netns', e.netns].map(q).join(' '),
    inNs('link', 'set', peer, 'name', 'eth0'),
    inNs('link', 'set', 'eth0', 'address', e.mac),
    inNs('addr', 'add', `${e.ip}/${p.prefix}`, 'dev', 'eth0'),
    inNs('link', 'set', 'lo', 'up'),
    inNs('link', 'set', 'eth0', 'up'),
    ...(p.gateway ? [inNs('route', 'add', 'default', 'via', p.gateway)] : []),
    ['ip', 'netns', 'exec', e.netns, 'ethtool', '-K', 'eth0', 'tx', 'off'].map(q).join(' ') + ' >/dev/null',
    ['ethtool', '-K', e.port, 'tx', 'off'].map(q).join(' ') + ' >/dev/null',
    ['ip', 'link', 'set', e.port, 'up'].map(q).join(' '),
    ['ovs-vsctl', '--timeout=30', '--', 'add-port', BRIDGE, e.port, '--', 'set', 'interface', e.port, `ofport_request=${e.ofport}`, '--', 'set', 'port', e.port, ...ids].map(q).join(' '),
    ...bundle(p.changes),
    announce(e.netns, broadcastOf(e.ip, p.prefix)),
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
 * Best effort: receivers ignore broadcast echo requests, and a failure here breaks nothing.
 */
function announce(netns: string, broadcast: string): string {
  return `${['ip', 'netns', 'exec', netns, 'ping', '-b', '-n', '-q', '-c', '1', '-W', '0.2', broadcast].map(shellQuote).join(' ')} >/dev/null 2>&1 || true`;
}

/** The detach script: flows out first (one bundle), then the port, then the veth (its pair goes with it). */
export function detachScript(endpoint: Endpoint, changes: readonly Change[]): string {
  const q = shellQuote;
  return [
    ...lockPreamble(),
    ...bundle(changes),
    ['ovs-vsctl', '--timeout=30', '--if-exists', 'del-port', BRIDGE, endpoint.port].map(q).join(' '),
    `ip link del ${q(endpoint.port)} 2>/dev/null || true`,
    '',
  ].join('\n');
}

export async function runEndpointScript(transport: Transport, host: HostTarget, script: string): Promise<'ok' | 'raced'> {
  const r = await transport.exec(host, script);
  if (r.code === 0) return 'ok';
  if (r.code === EXIT_RACED) return 'raced';
  if (r.code === EXIT_LOCKED) throw new HostError(host.name, 'command', 'another contiv run holds the host lock');
  if (r.code === EXIT_NO_FLOCK && /flock is missing/.test(r.stderr)) throw new HostError(host.name, 'missing-binary', 'flock not found on the host', 'install util-linux');
  if (r.code === EXIT_NO_NETNS) throw new HostError(host.name, 'command', r.stderr.trim() || 'network namespace not found');
  throw new HostError(host.name, 'command', `failed (exit ${r.code}): ${stderrSummary(r)}`);
}
