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
  // One line per object, sorted, hashed once: a plan fingerprints every host of the Fabric.
  const lines: string[] = [];
  for (const name of Object.keys(state.bridges).sort()) {
    const b = state.bridges[name]!;
    const records = Object.entries(b.externalIds).filter(([k]) => !isAddressRecord(k));
    lines.push(`bridge ${JSON.stringify([name, b.datapathType, b.failMode, sortEntries(records)])}`);
    for (const p of Object.keys(b.ports).sort()) {
      const port = b.ports[p]!;
      if (port.externalIds[KIND_KEY] === 'endpoint') continue;
      lines.push(`port ${name} ${JSON.stringify({ ...port, options: sortEntries(Object.entries(port.options)), externalIds: sortEntries(Object.entries(port.externalIds)) })}`);
    }
    const flows: string[] = [];
    for (const key in b.flows) {
      const f = b.flows[key]!;
      const kind = decodeCookie(f.cookie).kind;
      if (kind === 'endpoint') continue;
      flows.push(`flow ${name} ${key} ${f.cookie} ${kind === 'network' ? '' : f.actions}`);
    }
    lines.push(...flows.sort());
  }
  for (const path of Object.keys(state.files ?? {}).sort()) lines.push(`file ${JSON.stringify([path, state.files![path]!.sha256, state.files![path]!.mode])}`);
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

function sortEntries(entries: Array<[string, string]>): Array<[string, string]> {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
