/*
 * Allocations recorded on each host, in the external_ids of contiv's bridge. They make VNIs,
 * group ids, conntrack zones and address blocks stable across runs without a state file: a
 * plan reads them back from the hosts and keeps every value already in use.
 *
 *   contiv.vni.<tenant>.<network>          = 200
 *   contiv.gid.<tenant>.<group>            = 3
 *   contiv.zone.<tenant>                   = 1
 *
 * The host's address blocks and lent addresses (contiv.block.*, contiv.lent.*) are described
 * in src/ipam/records.ts.
 *
 * And the part of the model that endpoints and policy meaning depend on, as last applied
 * (model-records.ts): what a plan compares the manifests with.
 *
 *   contiv.net.<tenant>.<network>          = 10.1.2.0/24 10.1.2.1   (subnet and gateway)
 *   contiv.grp.<tenant>.<group>            = contiv-net db-policy,audit   (network and policies)
 *   contiv.pol.<tenant>.<policy>           = [{"id":"1","direction":"in",…}]   (its rules)
 *   contiv.pool.<tenant>.<group>           = 10.1.2.100-10.1.2.150   (its ipPool)
 *   contiv.mtu                             = 1450   (the endpoints' MTU)
 *
 * Names are DNS labels, which have no dots, so the keys split unambiguously.
 */

export const RECORD_KINDS = ['vni', 'gid', 'zone', 'net', 'grp', 'pol', 'pool', 'mtu'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function recordKey(kind: RecordKind, ...parts: string[]): string {
  return parts.length ? `contiv.${kind}.${parts.join('.')}` : `contiv.${kind}`;
}

export interface ParsedRecord {
  kind: RecordKind;
  parts: string[];
  value: string;
}

/**
 * A plan reads one host's records in several checks (allocations, VNIs under endpoints, owner
 * names, the recorded model); with thousands of records per host and a thousand hosts, they are
 * split once per external_ids object. Callers never change the result, nor the object after.
 */
const parsed = new WeakMap<Record<string, string>, readonly ParsedRecord[]>();

export function parseRecords(externalIds: Record<string, string>): readonly ParsedRecord[] {
  let out = parsed.get(externalIds);
  if (!out) parsed.set(externalIds, (out = parseRecordsOnce(externalIds)));
  return out;
}

function parseRecordsOnce(externalIds: Record<string, string>): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (const [key, value] of Object.entries(externalIds)) {
    const [prefix, kind, ...parts] = key.split('.');
    if (prefix !== 'contiv' || !(RECORD_KINDS as readonly string[]).includes(kind ?? '')) continue;
    out.push({ kind: kind as RecordKind, parts, value });
  }
  return out;
}
