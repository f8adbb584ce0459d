import { createHash } from 'node:crypto';
import type { HostState } from './host-state.js';
import { decodeCookie, KIND_KEY } from './marks.js';

/**
 * Fingerprint of a host's managed infrastructure: bridges, tunnel ports and flows, not
 * endpoints (containers come and go between plan and apply without making a plan stale),
 * counters or locks. A saved plan records it per host and apply refuses a host whose
 * fingerprint moved. Keys are sorted, so equal states hash equally whatever the order.
 */
export function fingerprintHost(state: HostState): string {
  const bridges = Object.keys(state.bridges)
    .sort()
    .map((name) => {
      const b = state.bridges[name]!;
      const ports = Object.keys(b.ports)
        .sort()
        .filter((p) => b.ports[p]!.externalIds[KIND_KEY] !== 'endpoint')
        .map((p) => b.ports[p]);
      const flows = Object.keys(b.flows)
        .sort()
        .filter((k) => decodeCookie(b.flows[k]!.cookie).kind !== 'endpoint')
        .map((k) => b.flows[k]);
      return { name, datapathType: b.datapathType, failMode: b.failMode, externalIds: sortKeys(b.externalIds), ports: ports.map((p) => ({ ...p!, options: sortKeys(p!.options), externalIds: sortKeys(p!.externalIds) })), flows };
    });
  return `sha256:${createHash('sha256').update(JSON.stringify(bridges)).digest('hex')}`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
