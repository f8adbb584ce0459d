import { deflateRawSync, inflateRawSync } from 'node:zlib';

/*
 * The records every host carries alike (allocations and the model as applied: records.ts) are
 * kept on contiv's bridge as one compressed value, not one external_ids key per record. With
 * 20 tenants × 10 networks × 50 groups that is 3,400 keys and 366 KB per host; as one value,
 * 17 KB. A plan reads every host, so at 1,000 hosts this is 17 MB through SSH instead of
 * 366 MB, and hosts whose records are the same text share one decoding.
 *
 *   contiv.model.0 … contiv.model.N  = "z1:" + base64(deflate-raw(JSON of the records, keys sorted)), cut in chunks
 *
 * Chunks keep each value well under what one command-line argument may hold (128 KiB on
 * Linux), as apply passes it to ovs-vsctl. They are one unit: written, compared and removed
 * together.
 */

export const MODEL_CHUNK_PREFIX = 'contiv.model.';
const FORMAT = 'z1:';
const CHUNK = 60_000;

export function isModelChunk(key: string): boolean {
  return key.startsWith(MODEL_CHUNK_PREFIX) && /^\d+$/.test(key.slice(MODEL_CHUNK_PREFIX.length));
}

/** The records as chunk keys. Deterministic for one zlib; readers compare decoded records, never the text. */
export function encodeModel(records: Record<string, string>): Record<string, string> {
  const sorted = Object.fromEntries(Object.entries(records).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = FORMAT + deflateRawSync(JSON.stringify(sorted), { level: 9 }).toString('base64');
  const out: Record<string, string> = {};
  for (let i = 0; i * CHUNK < text.length; i++) out[`${MODEL_CHUNK_PREFIX}${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

/** The chunks of external_ids joined in order, or undefined when there are none. */
export function modelText(externalIds: Record<string, string>): string | undefined {
  if (externalIds[`${MODEL_CHUNK_PREFIX}0`] === undefined) return undefined;
  let text = '';
  for (let i = 0; externalIds[`${MODEL_CHUNK_PREFIX}${i}`] !== undefined; i++) text += externalIds[`${MODEL_CHUNK_PREFIX}${i}`];
  return text;
}

/** Unreadable text: edited by hand, cut short, or written by a contiv of a format this one does not know. */
export const UNREADABLE = null;

// Hosts whose records are the same text (all of them, once converged) share one decoding.
const decoded = new Map<string, Readonly<Record<string, string>> | typeof UNREADABLE>();
const KEEP = 16;

/** Decoded records of a model text (modelText), the same object for the same text; UNREADABLE when it cannot be read. */
export function decodeModel(text: string): Readonly<Record<string, string>> | typeof UNREADABLE {
  const known = decoded.get(text);
  if (known !== undefined) return known;
  const value = decodeOnce(text);
  if (decoded.size >= KEEP) decoded.clear();
  decoded.set(text, value);
  return value;
}

function decodeOnce(text: string): Readonly<Record<string, string>> | typeof UNREADABLE {
  if (!text.startsWith(FORMAT)) return UNREADABLE;
  try {
    const value: unknown = JSON.parse(inflateRawSync(Buffer.from(text.slice(FORMAT.length), 'base64')).toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return UNREADABLE;
    if (!Object.values(value).every((v) => typeof v === 'string')) return UNREADABLE;
    return Object.freeze(value as Record<string, string>);
  } catch {
    return UNREADABLE;
  }
}

/** Whether two external_ids hold the same model records (the same text, or texts that decode alike). */
export function sameModel(a: Record<string, string>, b: Record<string, string>): boolean {
  const x = modelText(a);
  const y = modelText(b);
  if (x === y) return true;
  if (x === undefined || y === undefined) return false;
  const dx = decodeModel(x);
  const dy = decodeModel(y);
  return dx !== UNREADABLE && dy !== UNREADABLE && modelDifference(dx, dy).length === 0;
}

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/** The decoded records of external_ids: none without chunks; UNREADABLE when they cannot be read. */
export function modelOf(externalIds: Record<string, string>): Readonly<Record<string, string>> | typeof UNREADABLE {
  const text = modelText(externalIds);
  return text === undefined ? NONE : decodeModel(text);
}

// Every host of a plan compares the same two decodings: their difference is worked out once.
const differences = new WeakMap<object, WeakMap<object, readonly string[]>>();

/** The record keys whose value differs between two decodings (decodeModel), sorted. */
export function modelDifference(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): readonly string[] {
  let byB = differences.get(a);
  if (!byB) differences.set(a, (byB = new WeakMap()));
  let out = byB.get(b);
  if (!out) byB.set(b, (out = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort()));
  return out;
}

/**
 * external_ids with the model chunks replaced by the records they hold, one key each (the form
 * of older contivs): what a person reads in a plan. Unreadable chunks are left as they are.
 */
export function expandModel(externalIds: Record<string, string>): Record<string, string> {
  const text = modelText(externalIds);
  const records = text === undefined ? UNREADABLE : decodeModel(text);
  if (records === UNREADABLE) return externalIds;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(externalIds)) if (!isModelChunk(k)) out[k] = v;
  return Object.assign(out, records);
}
