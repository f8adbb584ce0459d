// @ts-nocheck
import { endpointAddress, type Endpoint } from '../state/endpoint.js';
import type { FlowOwner, FlowSet } from './flow-builder.js';
import { DST_LOCAL, REG, T } from './pipeline.js';

/*
 * The flows an endpoint changes on its host: its own, and its network's flood flows (which
 * name every local endpoint's port). compile builds every host from these, and the host-local
 * endpoint path (src/endpoint/) builds the same flows from the host's records alone, so what
 * an attach installs is exactly what a later plan expects.
 */

export const MULTICAST = 'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00';

export function networkOwner(tenant: string, network: string): FlowOwner {
  return { kind: 'network', address: `net/${tenant}/${network}` };
}

export function endpointOwner(e: Pick<Endpoint, 'host' | 'netns' | 'ifname'>): FlowOwner {
  return { kind: 'endpoint', address: endpointAddress(e) };
}

/** A network: admission by VNI with its tenant's zone, and flooding to its local endpoints (and peers). */
export function networkFlows(flows: FlowSet, tenant: string, network: string, vni: number, zone: number, localPorts: readonly number[]): void {
  const owner = networkOwner(tenant, network);
  const outputs = [...localPorts].sort((a, b) => a - b).map((p) => `output:${p}`);
  flows.add(owner, T.network, 100, [`metadata=${vni}`], [`set_field:${zone}->${REG.zone}`, `goto_table:${T.destination}`]);
  flows.add(owner, T.destination, 200, [`${REG.fromTunnel}=0`, `metadata=${vni}`, MULTICAST], [...outputs, `goto_table:${T.tunnel}`]);
  flows.add(owner, T.destination, 200, [`${REG.fromTunnel}=1`, `metadata=${vni}`, MULTICAST], outputs.length ? outputs : ['drop']);
}

/** An endpoint (group id `gid`): its traffic is admitted only with its own MAC and IP, and it is a destination. */
export function endpointFlows(flows: FlowSet, e: Endpoint, vni: number, gid: number): void {
  const owner = endpointOwner(e);
  const classify = [`set_field:${vni}->metadata`, `set_field:${gid}->${REG.srcGroup}`, `goto_table:${T.network}`];
  flows.add(owner, T.classify, 100, ['ip', `in_port=${e.ofport}`, `dl_src=${e.mac}`, `nw_src=${e.ip}`], classify);
  flows.add(owner, T.classify, 100, ['arp', `in_port=${e.ofport}`, `dl_src=${e.mac}`, `arp_spa=${e.ip}`, `arp_sha=${e.mac}`], classify);
  flows.add(owner, T.destination, 100, [`metadata=${vni}`, `dl_dst=${e.mac}`], [
    `set_field:${e.ofport}->${REG.outPort}`,
    `set_field:${gid}->${REG.dstGroup}`,
    `set_field:${DST_LOCAL}->${REG.dstKind}`,
    `goto_table:${T.dispatch}`,
  ]);
}
