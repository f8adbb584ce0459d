import { createHash } from 'node:crypto';
import { toHostRelative, type HostRelativeChange } from './host-relative.js';
import type { Plan } from './types.js';

/*
 * Changes made alike on several hosts, found once. Two hosts' changes are the same change when
 * they are equal once host-relative (src/plan/host-relative.ts): same type, action, address
 * below the host, before, after, flows and reason. Linear in the size of the plan: each change
 * is keyed by a hash of its canonical JSON in one map, never compared host against host.
 */

export interface ChangeGroup {
  /** The hosts that make it, in the plan's order of hosts. */
  hosts: string[];
  /** The change, host-relative. */
  change: HostRelativeChange;
}

export interface GroupedChanges {
  /** Every distinct change, in the order first met (hosts in plan order, each host's changes in order). */
  groups: ChangeGroup[];
  /** Per host of the plan, in the plan's order: its changes in apply order, as indexes into `groups`. */
  hosts: Array<{ host: string; changes: number[] }>;
}

export function groupChanges(plan: Pick<Plan, 'hosts'>): GroupedChanges {
  const groups: ChangeGroup[] = [];
  const bySignature = new Map<string, number>();
  const hosts = plan.hosts.map((h) => ({
    host: h.host,
    changes: h.changes.map((c) => {
      const relative = toHostRelative(c);
      const signature = createHash('sha256').update(canonicalJson(relative)).digest('base64');
      let index = bySignature.get(signature);
      if (index === undefined) {
        index = groups.push({ hosts: [], change: relative }) - 1;
        bySignature.set(signature, index);
      }
      groups[index]!.hosts.push(h.host);
      return index;
    }),
  }));
  return { groups, hosts };
}

/** JSON with every object's keys sorted: equal data, equal text, whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
