import type { Host } from '../model/types.js';
import type { PortState } from '../state/host-state.js';
import { ownerIds } from '../state/marks.js';
import type { FlowOwner } from './flow-builder.js';
import { TUNNEL_OFPORT } from './pipeline.js';

/*
 * One VXLAN port per host, flow-based (`remote_ip=flow`): the flows say which peer a packet
 * goes to (`set_field:VTEP->tun_dst`) and which peers a packet may come from (`tun_src=VTEP`).
 * A port per peer made a full mesh of hosts × hosts OVSDB rows, gathered and planned on every
 * run (149 ports and their flows per host at 150 hosts); now a host has one port, and what a
 * peer adds on each host — one admission flow and one record — is the same on every host, so
 * a plan that adds a host shows it once for the fleet.
 */

export const TUNNEL_PORT = 'contiv-vxlan';

/** The owner of the flows admitting one peer's traffic: the same address on every host. */
export function peerOwner(peer: string): FlowOwner {
  return { kind: 'tunnel', address: `tunnel/${peer}` };
}

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

/** The other hosts of the Fabric, in a stable order (by name), for records and flood lists. */
export function peersOf(hosts: readonly Host[], host: string): Host[] {
  return hosts.filter((h) => h.name !== host).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
