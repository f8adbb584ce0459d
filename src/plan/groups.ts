import { createHash } from 'node:crypto';
import { toHostRelative, type HostRelativeChange } from './host-relative.js';
import type { Plan } from './types.js';

/*
 * Changes made alike on several hosts, found once. Two hosts' changes are the same change when
 * they are equal once host-relative (src/plan/host-relative.ts): same type, action, address
 * below the host, before, after, flows and reason. Linear in the size of the plan: each change
 * is keyed by its canonical JSON (or that text's hash) in one map, never compared host against host.
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
  const json = canonicalJsonOnce();
  const hosts = plan.hosts.map((h) => ({
    host: h.host,
    changes: h.changes.map((c) => {
      const relative = toHostRelative(c);
      const signature = signatureOf(json(relative));
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

/*
 * A short text is its own key. A long one is keyed by its hash: V8 hashes a string of more
 * than 16,383 characters by its length alone, so a thousand flood lists of one length would
 * each be compared with all the others (a first plan of 1,000 hosts took minutes), and the map
 * would keep every distinct change's whole text.
 */
const LONGEST_KEY = 4_096;

function signatureOf(text: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a text keyed by its hash or by itself: the same groups
  return text.length <= LONGEST_KEY ? text : `sha256:${createHash('sha256').update(text).digest('base64')}`;
}

/** JSON with every object's keys sorted: equal data, equal text, whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  return canonicalJsonOnce()(value);
}

/**
 * canonicalJson for data that does not change while it is used: a small object met again (the
 * Flow objects hosts share) is written once, and so is a long string met again soon (the model
 * as applied, in every host's bridge change). Larger objects (a host's change, its lists of
 * flows) are written each time: keeping their texts would hold a whole plan's JSON.
 */
const LONGEST_KEPT = 1_024;

/** How many long strings a grouping remembers (the model as applied before and after, on every host alike). */
const RECENT_STRINGS = 4;

function canonicalJsonOnce(): (value: unknown) => string {
  const objects = new WeakMap<object, string>();
  // Compared one by one, never looked up by hash (see signatureOf): a few, the last ones met.
  // Stryker disable next-line ArrayDeclaration: a cache; what it starts with is never a string met
  const recent: Array<[string, string]> = [];
  const write = (value: unknown): string => {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral,EqualityOperator,BlockStatement: a string not kept is written by JSON.stringify below: the same text
    if (typeof value === 'string' && value.length > LONGEST_KEPT) {
      // Stryker disable next-line ArrowFunction,ConditionalExpression: a string not found is written again: the same text
      const known = recent.find(([s]) => s === value);
      // Stryker disable next-line ConditionalExpression: a cache; writing again gives the same text
      if (known) return known[1];
      const text = JSON.stringify(value);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArrayDeclaration: the bound of a cache (an empty entry matches no string)
      if (recent.unshift([value, text]) > RECENT_STRINGS) recent.pop();
      return text;
    }
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    let text = objects.get(value);
    // Stryker disable next-line ConditionalExpression: a cache; writing again gives the same text
    if (text !== undefined) return text;
    if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
    // Stryker disable next-line EqualityOperator: an object's keys are distinct, never equal
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: which texts a cache keeps; the same text either way
    if (text.length <= LONGEST_KEPT) objects.set(value, text);
    return text;
  };
  return write;
}
