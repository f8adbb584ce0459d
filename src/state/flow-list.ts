import type { Flow } from './host-state.js';

/** A bridge's flows record as two lists in the record's order: its keys, and the flow under each. */
export interface FlowEntries {
  readonly keys: readonly string[];
  readonly flows: readonly Flow[];
}

/*
 * A plan walks every flow of every host several times (diff, fingerprint, checks): over a
 * record of 1,600 keys, for…in costs as much as a look-up per key, an array a fifth of it.
 * Records that can no longer change (frozen) keep their lists; any other record is listed
 * anew each time it is asked, so a list never disagrees with its record.
 */
const listed = new WeakMap<Readonly<Record<string, Flow>>, FlowEntries>();

/**
 * Freezes `record` (a parsed host's flows, a compiled host's) and keeps its lists. `entries`,
 * when given, must be the record's keys and flows in its order, as its maker collected them.
 */
export function freezeFlows(record: Record<string, Flow>, entries?: FlowEntries): Record<string, Flow> {
  Object.freeze(record);
  listed.set(record, entries ?? listEntries(record));
  return record;
}

/** The keys and flows of a record, in its order. */
export function flowEntries(record: Readonly<Record<string, Flow>>): FlowEntries {
  return listed.get(record) ?? listEntries(record);
}

function listEntries(record: Readonly<Record<string, Flow>>): FlowEntries {
  const keys = Object.keys(record);
  return { keys, flows: keys.map((k) => record[k]!) };
}

/**
 * A parsed bridge's flows as lists with an index of their keys: hosts that print the same flow
 * keys share one keys list and one index, and no host keeps a record of its own (a record of
 * 1,600 keys takes 100 KB, most of a parsed host). The record is made when something reads
 * `flows` (a verify, a show, a copy); bridgeFlows and flowAt read the lists without making it.
 */
export interface IndexedFlows extends FlowEntries {
  readonly index: ReadonlyMap<string, number>;
}

const unread = new WeakMap<object, IndexedFlows>();

/** Gives `bridge` its flows as `indexed`; its `flows` record is made, frozen, when first read. */
export function lazyFlows(bridge: { flows: Record<string, Flow> }, indexed: IndexedFlows): void {
  unread.set(bridge, indexed);
  Object.defineProperty(bridge, 'flows', {
    enumerable: true,
    configurable: true,
    get(this: { flows: Record<string, Flow> }) {
      const record: Record<string, Flow> = {};
      for (let i = 0; i < indexed.keys.length; i++) record[indexed.keys[i]!] = indexed.flows[i]!;
      settle(this, freezeFlows(record, indexed));
      return this.flows;
    },
    set(this: { flows: Record<string, Flow> }, value: Record<string, Flow>) {
      settle(this, value);
    },
  });
}

/** `flows` as a plain property from now on: made from the lists, or set anew. */
function settle(bridge: { flows: Record<string, Flow> }, value: Record<string, Flow>): void {
  unread.delete(bridge);
  Object.defineProperty(bridge, 'flows', {
    value,
    writable: true,
    enumerable: true,
    // Stryker disable next-line BooleanLiteral: it only lets the property be defined again, which nothing does once settled
    configurable: true,
  });
}

/** A bridge's flows in order, without making the record of a parsed bridge. */
export function bridgeFlows(bridge: { readonly flows: Readonly<Record<string, Flow>> }): FlowEntries {
  return unread.get(bridge) ?? flowEntries(bridge.flows);
}

/** The flow of a bridge under `key`, without making the record of a parsed bridge. */
export function flowAt(bridge: { readonly flows: Readonly<Record<string, Flow>> }, key: string): Flow | undefined {
  const indexed = unread.get(bridge);
  // Keys start `table=`: never a name an object inherits.
  if (!indexed) return bridge.flows[key];
  const i = indexed.index.get(key);
  // Stryker disable next-line ConditionalExpression: flows[undefined] is undefined too
  return i === undefined ? undefined : indexed.flows[i];
}
