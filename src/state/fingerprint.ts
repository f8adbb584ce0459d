import { createHash } from 'node:crypto';
import type { HostState } from './host-state.js';
import { decodeCookie, KIND_KEY } from './marks.js';
import { isAddressRecord } from '../ipam/records.js';

/**
 * Fingerprint of a host's managed infrastructure: bridges, tunnel ports, flows and files — not
 * endpoints, address records (blocks, lent addresses), counters or locks. Containers come and go between plan and apply without making
 * a plan stale, so their ports and flows are left out, and so are the actions of network
 * flows (a network's flood list names its local endpoints). What a plan changes among those is
 * checked exactly, under the host's lock, by the executor (plan/scope.ts). A saved plan
 * records this per host; apply refuses a host whose fingerprint moved. Keys are sorted, so
 * equal states hash equally whatever the order.
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
        .map((k) => {
          const f = b.flows[k]!;
          return decodeCookie(f.cookie).kind === 'network' ? { ...f, actions: '' } : f;
        });
      const records = Object.fromEntries(Object.entries(b.externalIds).filter(([k]) => !isAddressRecord(k)));
      return { name, datapathType: b.datapathType, failMode: b.failMode, externalIds: sortKeys(records), ports: ports.map((p) => ({ ...p!, options: sortKeys(p!.options), externalIds: sortKeys(p!.externalIds) })), flows };
    });
  const files = Object.keys(state.files ?? {})
    .sort()
    .map((path) => [path, state.files![path]!.sha256, state.files![path]!.mode]);
  return `sha256:${createHash('sha256').update(JSON.stringify(files.length ? { bridges, files } : bridges)).digest('hex')}`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
