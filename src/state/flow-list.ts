import type { Flow } from './host-state.js';

/** A bridge's flows record as two lists in the record's order: its keys, and the flow under each. */
export interface FlowEntries {
  readonly keys: readonly string[];
  readonly flows: readonly Flow[];
}

/*
 * A plan walks every flow of every host several times (diff, fingerprint, checks): over a
 * record of 1,600 keys, for…in costs as much as a look-up per key, an array a tenth of it.
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
