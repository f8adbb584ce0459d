import { toHostRelative, type HostRelativeChange } from './host-relative.js';
import type { Plan } from './types.js';

/*
 * Changes made alike on several hosts, found once. Two hosts' changes are the same change when
 * they are equal once host-relative (src/plan/host-relative.ts): same type, action, address
 * below the host, before, after, flows and reason. Linear in the size of the plan: each change
 * is keyed by its canonical JSON in one map, never compared host against host.
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
  // Keyed by the canonical JSON itself: a Map compares two texts only when their hashes meet.
  const bySignature = new Map<string, number>();
  const json = canonicalJsonOnce();
  const hosts = plan.hosts.map((h) => ({
    host: h.host,
    changes: h.changes.map((c) => {
      const relative = toHostRelative(c);
      const signature = json(relative);
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
  return canonicalJsonOnce()(value);
}

/**
 * canonicalJson for data that does not change while it is used: an object met again (the
 * Flow objects hosts share) or a long string met again (the model as applied, in each host's
 * bridge change) is written once.
 */
function canonicalJsonOnce(): (value: unknown) => string {
  const objects = new WeakMap<object, string>();
  const longStrings = new Map<string, string>();
  const write = (value: unknown): string => {
    // Stryker disable next-line ConditionalExpression,StringLiteral,BlockStatement: a string not kept is written by JSON.stringify below: the same text
    if (typeof value === 'string') {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: which strings are kept; the same text either way
      if (value.length < 256) return JSON.stringify(value);
      let text = longStrings.get(value);
      // Stryker disable next-line ConditionalExpression: a cache; writing again gives the same text
      if (text === undefined) longStrings.set(value, (text = JSON.stringify(value)));
      return text;
    }
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    let text = objects.get(value);
    // Stryker disable next-line ConditionalExpression: a cache; writing again gives the same text
    if (text !== undefined) return text;
    if (Array.isArray(value)) text = `[${value.map(write).join(',')}]`;
    else {
      const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
    }
    objects.set(value, text);
    return text;
  };
  return write;
}
