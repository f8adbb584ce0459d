import { mergeCidr } from 'cidr-tools';
import type { Host } from '../model/types.js';
import { flowKey, type BridgeState, type PortState } from '../state/host-state.js';
import { ownerIds } from '../state/marks.js';
import { flowAt } from '../state/flow-list.js';
import type { FlowOwner } from './flow-builder.js';
import { T, TUNNEL_OFPORT } from './pipeline.js';

/*
 * One VXLAN port per host, flow-based (`remote_ip=flow`): the flows say which peers a packet
 * goes to (`set_field:VTEP->tun_dst` on the flood list, the VTEP a MAC was learned from) and
 * which sources are admitted (`tun_src=` the Fabric's VTEPs). A port per peer made a full mesh
 * of hosts × hosts OVSDB rows and flows, gathered and planned on every run (149 ports and their
 * flows per host at 150 hosts). Now a host has one port, one flood flow naming its peers, and
 * admission flows that are the same on every host: the VTEPs as the fewest exact prefixes
 * (a Fabric numbered in sequence is a handful of them at any size).
 */

export const TUNNEL_PORT = 'contiv-vxlan';

/** The owner of the admission flows: the same address, so the same flows, on every host. */
export const VTEP_OWNER: FlowOwner = { kind: 'tunnel', address: 'tunnel/vteps' };

/** The host's tunnel port: local VTEP fixed, remote VTEP and VNI set per packet by the flows. */
export function tunnelPort(host: Host, vxlanPort: number): PortState {
  return {
    name: TUNNEL_PORT,
    type: 'vxlan',
    ofport: TUNNEL_OFPORT,
    options: { remote_ip: 'flow', local_ip: host.vtep, key: 'flow', dst_port: String(vxlanPort) },
    externalIds: ownerIds('tunnel', `${host.name}/tunnel`),
    protected: true,
  };
}

/** The hosts of the Fabric in a stable order (by name): the order of every flood list. */
export function byName(hosts: readonly Host[]): Host[] {
  return [...hosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Every VTEP of the Fabric as the fewest prefixes that hold exactly those addresses (no other
 * address is admitted). The host's own VTEP is among them, so the flows are the same on every
 * host: a packet claiming to come from it is as forgeable as one claiming any peer's.
 */
export function vtepPrefixes(hosts: readonly Pick<Host, 'vtep'>[]): string[] {
  if (hosts.length === 0) return [];
  return mergeCidr(hosts.map((h) => `${h.vtep}/32`)).map((p) => p.replace(/\/32$/, ''));
}

const TUN_DST = '->tun_dst';
/** The flood flow: table 70, priority 50, matching everything. */
const FLOOD_KEY = flowKey({ table: T.tunnel, priority: 50, match: '' });

/** Where each `->tun_dst` of a flood flow's actions ends its VTEP: a scan, not a regular expression (plans read one list of every peer on every host). */
function tunDstEnds(bridge: Pick<BridgeState, 'flows'>): { text: string; ends: number[] } {
  const text = flowAt(bridge, FLOOD_KEY)?.actions ?? '';
  const ends: number[] = [];
  for (let end = text.indexOf(TUN_DST); end !== -1; end = text.indexOf(TUN_DST, end + TUN_DST.length)) ends.push(end);
  return { text, ends };
}

/** The VTEPs a bridge's flood flow sends to (`set_field:VTEP->tun_dst` in table 70). */
export function floodVteps(bridge: Pick<BridgeState, 'flows'>): string[] {
  const { text, ends } = tunDstEnds(bridge);
  return ends.map((end) => text.slice(text.lastIndexOf(':', end) + 1, end));
}

/** How many peers a bridge's flood flow sends to, without copying their addresses. */
export function floodCount(bridge: Pick<BridgeState, 'flows'>): number {
  return tunDstEnds(bridge).ends.length;
}
