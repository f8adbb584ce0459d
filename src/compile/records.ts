import { decodeModel, isModelChunk, modelText, UNREADABLE } from './model-blob.js';

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
 *
 * All of these are written as one compressed value (model-blob.ts), which reads back as these
 * keys; older contivs wrote one external_ids key each, and those are still read.
 */

export const RECORD_KINDS = ['vni', 'gid', 'zone', 'net', 'grp', 'pol', 'pool', 'mtu'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function recordKey(kind: RecordKind, ...parts: string[]): string {
  return parts.length ? `contiv.${kind}.${parts.join('.')}` : `contiv.${kind}`;
}

/** Whether an external_ids key is one of these records (as an older contiv wrote them, one key each). */
export function isRecordKey(key: string): boolean {
  const [prefix, kind] = key.split('.', 2);
  return prefix === 'contiv' && (RECORD_KINDS as readonly string[]).includes(kind ?? '');
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

/**
 * The records of the model text (one array for every host with the same text), then those
 * written one key each by an older contiv that the text does not hold.
 */
function parseRecordsOnce(externalIds: Record<string, string>): readonly ParsedRecord[] {
  const text = modelText(externalIds);
  const records = text === undefined ? UNREADABLE : decodeModel(text);
  const fromText = records === UNREADABLE ? [] : recordsOfText(records);
  const perKey = toRecords(Object.entries(externalIds).filter(([k]) => !isModelChunk(k) && (records === UNREADABLE || !(k in records))));
  return perKey.length ? [...fromText, ...perKey] : fromText;
}

const ofText = new WeakMap<Readonly<Record<string, string>>, readonly ParsedRecord[]>();

function recordsOfText(records: Readonly<Record<string, string>>): readonly ParsedRecord[] {
  let out = ofText.get(records);
  if (!out) ofText.set(records, (out = toRecords(Object.entries(records))));
  return out;
}

function toRecords(entries: Array<[string, string]>): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (const [key, value] of entries) {
    const [prefix, kind, ...parts] = key.split('.');
    if (prefix !== 'contiv' || !(RECORD_KINDS as readonly string[]).includes(kind ?? '')) continue;
    out.push({ kind: kind as RecordKind, parts, value });
  }
  return out;
}

/** Whether the bridge carries model text this contiv cannot read (a warning: the other hosts' records are used, and apply writes it again). */
export function unreadableModel(externalIds: Record<string, string>): boolean {
  const text = modelText(externalIds);
  return text !== undefined && decodeModel(text) === UNREADABLE;
}
