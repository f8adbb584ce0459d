/*
 * Allocations recorded on each host, in the external_ids of contiv's bridge. They make VNIs,
 * group ids, conntrack zones and address blocks stable across runs without a state file: a
 * plan reads them back from the hosts and keeps every value already in use.
 *
 *   contiv.vni.<tenant>.<network>          = 200
 *   contiv.gid.<tenant>.<group>            = 3
 *   contiv.zone.<tenant>                   = 1
 *   contiv.ipam.<tenant>.<network>         = 10.1.2.2-10.1.2.43   (this host's block; network-wide space)
 *   contiv.ipam.<tenant>.<network>.<group> = 10.1.2.100-10.1.2.116 (this host's block of the group's ipPool)
 *
 * And the part of the model that endpoints and policy meaning depend on, as last applied
 * (model-records.ts): what a plan compares the manifests with.
 *
 *   contiv.net.<tenant>.<network>          = 10.1.2.0/24 10.1.2.1   (subnet and gateway)
 *   contiv.grp.<tenant>.<group>            = contiv-net db-policy,audit   (network and policies)
 *   contiv.pol.<tenant>.<policy>           = [{"id":"1","direction":"in",…}]   (its rules)
 *
 * Names are DNS labels, which have no dots, so the keys split unambiguously.
 */

export const RECORD_KINDS = ['vni', 'gid', 'zone', 'ipam', 'net', 'grp', 'pol'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function recordKey(kind: RecordKind, ...parts: string[]): string {
  return `contiv.${kind}.${parts.join('.')}`;
}

export interface ParsedRecord {
  kind: RecordKind;
  parts: string[];
  value: string;
}

export function parseRecords(externalIds: Record<string, string>): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (const [key, value] of Object.entries(externalIds)) {
    const [prefix, kind, ...parts] = key.split('.');
    if (prefix !== 'contiv' || !(RECORD_KINDS as readonly string[]).includes(kind ?? '')) continue;
    out.push({ kind: kind as RecordKind, parts, value });
  }
  return out;
}
