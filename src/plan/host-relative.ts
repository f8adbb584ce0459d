import type { Change } from './types.js';

/*
 * A change as it reads on any host: without its `host`, and with the host's own name written
 * as HOST_PLACEHOLDER wherever it is the prefix of an address (`h1/bridge/contiv0` →
 * `{host}/bridge/contiv0`, in the change's address, a flow owner's address, a mark's value).
 * The same change made on 500 hosts is then one value: the saved plan stores it once with its
 * hosts, and the text plan shows it once. A name elsewhere (the host a lent address is lent to, `contiv.lent.…=h1`)
 * is what the change is about and stays.
 */

export const HOST_PLACEHOLDER = '{host}';

/** A change without its host (see above); `forHost` makes it a host's change again. */
export type HostRelativeChange = DistributiveOmit<Change, 'host'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The change host-relative. What it leaves as it was (a flow, a list of flows with nothing of
 * the host in them) is the change's own object, not a copy: hosts share their Flow objects, so
 * the changes of a thousand hosts share theirs, and groupChanges reads each once. Read-only.
 */
export function toHostRelative(change: Change): HostRelativeChange {
  const { host, ...rest } = change;
  return rewriteShared(rest, `${host}/`, `${HOST_PLACEHOLDER}/`) as HostRelativeChange;
}

export function forHost(change: HostRelativeChange, host: string): Change {
  return { ...(rewritePrefix(change, `${HOST_PLACEHOLDER}/`, `${host}/`) as object), host } as Change;
}

/** Plain JSON data in which every string starting with `from` starts with `to` instead; an object or array with none is itself. */
function rewriteShared(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.startsWith(from) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    // Stryker disable next-line EqualityOperator: one past the end is undefined, rewritten as itself: no copy
    for (let i = 0; i < value.length; i++) {
      const v = rewriteShared(value[i], from, to);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a number, a boolean or null walked as an object has no keys: itself either way
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const was = (value as Record<string, unknown>)[k];
      const v = rewriteShared(was, from, to);
      if (v !== was) (out ??= { ...value })[k] = v;
    }
    return out ?? value;
  }
  return value;
}

/** A copy of plain JSON data in which every string starting with `from` starts with `to` instead. */
function rewritePrefix(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.startsWith(from) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) return value.map((v) => rewritePrefix(v, from, to));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewritePrefix(v, from, to);
    return out;
  }
  return value;
}
