import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, expandModel, isModelChunk, modelDifference, modelText, sameModel, UNREADABLE } from '../../../src/compile/model-blob.js';
import { isRecordKey, parseRecords, unreadableModel } from '../../../src/compile/records.js';
import { readModelRecords } from '../../../src/compile/model-records.js';

/*
 * The records every host carries alike, as one compressed value in chunks: written, read back,
 * compared by what they hold (not by their text), and read alongside the one-key-each records
 * of older contivs.
 */

const RECORDS = {
  'contiv.vni.default.web': '2',
  'contiv.zone.default': '1',
  'contiv.net.default.web': '10.1.2.0/24 10.1.2.1',
  'contiv.grp.default.front': 'web p1',
  'contiv.pol.default.p1': '[{"id":"1","direction":"in","priority":10,"protocol":"tcp","action":"allow"}]',
  'contiv.mtu': '1450',
};
const OWNER = { 'contiv.owner': 'contiv', 'contiv.kind': 'bridge' };

/** The same records in another text: another zlib (here another level) writes other bytes. */
function otherText(records: Record<string, string>): Record<string, string> {
  const sorted = Object.fromEntries(Object.entries(records).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { 'contiv.model.0': `z1:${deflateRawSync(JSON.stringify(sorted), { level: 0 }).toString('base64')}` };
}

describe('the model text', () => {
  it('reads back the records it was written from, whatever their order', () => {
    const chunks = encodeModel(RECORDS);
    expect(Object.keys(chunks)).toEqual(['contiv.model.0']);
    expect(chunks['contiv.model.0']!.startsWith('z1:')).toBe(true);
    expect(decodeModel(modelText(chunks)!)).toEqual(RECORDS);
    const reversed = Object.fromEntries(Object.entries(RECORDS).reverse());
    expect(encodeModel(reversed)).toEqual(chunks);
  });

  it('is cut in chunks of 60,000 characters, read back in order; a gap ends the text', () => {
    // Values that hardly compress: hashes.
    const big: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) big[`contiv.pol.t.p${i}`] = createHash('sha256').update(String(i)).digest('hex');
    const chunks = encodeModel(big);
    const keys = Object.keys(chunks);
    expect(keys.length).toBeGreaterThan(1);
    expect(keys).toEqual(keys.map((_, i) => `contiv.model.${i}`));
    for (const k of keys.slice(0, -1)) expect(chunks[k]).toHaveLength(60_000);
    expect(decodeModel(modelText(chunks)!)).toEqual(big);
    const gap = { ...chunks };
    delete gap['contiv.model.1'];
    expect(modelText(gap)).toBe(chunks['contiv.model.0']);
    expect(decodeModel(modelText(gap)!)).toBe(UNREADABLE);
  });

  it('no chunks: no text', () => {
    expect(modelText(OWNER)).toBeUndefined();
    expect(modelText({ 'contiv.model.1': 'z1:' })).toBeUndefined();
  });

  it('a chunk key is contiv.model. and a number, nothing else', () => {
    expect(isModelChunk('contiv.model.0')).toBe(true);
    expect(isModelChunk('contiv.model.12')).toBe(true);
    for (const k of ['contiv.model.', 'contiv.model.x', 'contiv.model.0.1', 'contiv.model', 'x.contiv.model.0', 'contiv.models.0']) expect(isModelChunk(k), k).toBe(false);
  });

  it('text it cannot read is UNREADABLE: another format, damaged base64 or deflate, not an object of strings', () => {
    const z = (json: string) => `z1:${deflateRawSync(json).toString('base64')}`;
    for (const text of ['z2:abc', 'abc', 'z1:!!!!', 'z1:AAAA', z('[1,2]'), z('null'), z('"x"'), z('{"a":1}'), z('{"a":"b"')]) expect(decodeModel(text), text).toBe(UNREADABLE);
    expect(decodeModel(z('{"a":"b"}'))).toEqual({ a: 'b' });
  });

  it('one decoding per text: hosts with the same text share it', () => {
    const text = modelText(encodeModel(RECORDS))!;
    const copy = (' ' + text).slice(1);
    expect(decodeModel(copy)).toBe(decodeModel(text));
    expect(Object.isFrozen(decodeModel(text))).toBe(true);
  });
});

describe('comparing and showing records', () => {
  it('the same records in another text are the same; a record that differs, or no records, is not', () => {
    const a = { ...OWNER, ...encodeModel(RECORDS) };
    const b = { ...OWNER, ...otherText(RECORDS) };
    expect(modelText(a)).not.toBe(modelText(b));
    expect(sameModel(a, b)).toBe(true);
    expect(sameModel(a, a)).toBe(true);
    expect(sameModel(a, { ...OWNER, ...encodeModel({ ...RECORDS, 'contiv.mtu': '1400' }) })).toBe(false);
    expect(sameModel(a, OWNER)).toBe(false);
    expect(sameModel(OWNER, OWNER)).toBe(true);
    expect(sameModel(a, { 'contiv.model.0': 'z1:damaged' })).toBe(false);
  });

  it('the difference of two decodings: the keys added, removed or changed, sorted, worked out once', () => {
    const before = decodeModel(modelText(encodeModel(RECORDS))!) as Record<string, string>;
    const { 'contiv.zone.default': _gone, ...rest } = RECORDS;
    const after = decodeModel(modelText(encodeModel({ ...rest, 'contiv.mtu': '1400', 'contiv.vni.default.api': '3' }))!) as Record<string, string>;
    const diff = modelDifference(before, after);
    expect(diff).toEqual(['contiv.mtu', 'contiv.vni.default.api', 'contiv.zone.default']);
    expect(modelDifference(before, after)).toBe(diff);
    expect(modelDifference(before, before)).toEqual([]);
  });

  it('expanded, the chunks become the records they hold, next to the other keys; unreadable chunks stay', () => {
    expect(expandModel({ ...OWNER, ...encodeModel(RECORDS) })).toEqual({ ...OWNER, ...RECORDS });
    const damaged = { ...OWNER, 'contiv.model.0': 'z1:damaged' };
    expect(expandModel(damaged)).toEqual(damaged);
    expect(expandModel(OWNER)).toEqual(OWNER);
  });
});

describe('reading records', () => {
  it('from the text, as the records of one key each; hosts with the same text share one array', () => {
    const a = { ...OWNER, ...encodeModel(RECORDS) };
    const b = { ...OWNER, 'contiv.block.default.web.10.1.2.0': '10.1.2.0-10.1.2.15 claimed', ...encodeModel(RECORDS) };
    const records = parseRecords(a);
    expect(records.map((r) => `${r.kind} ${r.parts.join('/')}=${r.value}`).sort()).toEqual([
      'grp default/front=web p1',
      `mtu =1450`,
      'net default/web=10.1.2.0/24 10.1.2.1',
      `pol default/p1=${RECORDS['contiv.pol.default.p1']}`,
      'vni default/web=2',
      'zone default=1',
    ]);
    expect(parseRecords(b)).toBe(records);
    expect(readModelRecords(b)).toBe(readModelRecords(a));
  });

  it('an older contiv\'s records, one key each, are read; where the text holds the same record, the text wins', () => {
    const ids = { ...OWNER, ...encodeModel({ 'contiv.vni.default.web': '2' }), 'contiv.vni.default.web': '9', 'contiv.vni.default.api': '5' };
    expect(parseRecords(ids).filter((r) => r.kind === 'vni').map((r) => `${r.parts.join('/')}=${r.value}`)).toEqual(['default/web=2', 'default/api=5']);
    const legacy = { ...OWNER, ...RECORDS };
    expect(readModelRecords(legacy)).toEqual(readModelRecords({ ...OWNER, ...encodeModel(RECORDS) }));
  });

  it('unreadable text: the records of one key each only, and said so', () => {
    const ids = { ...OWNER, 'contiv.model.0': 'z1:damaged', 'contiv.vni.default.web': '4' };
    expect(parseRecords(ids).map((r) => r.value)).toEqual(['4']);
    expect(unreadableModel(ids)).toBe(true);
    expect(unreadableModel({ ...OWNER, ...encodeModel(RECORDS) })).toBe(false);
    expect(unreadableModel(OWNER)).toBe(false);
  });

  it('a record key is contiv., a kind of record, and its parts', () => {
    for (const k of Object.keys(RECORDS)) expect(isRecordKey(k), k).toBe(true);
    for (const k of ['contiv.owner', 'contiv.kind', 'contiv.model.0', 'contiv.block.default.web.10.1.2.0', 'other.vni.a.b', 'contiv']) expect(isRecordKey(k), k).toBe(false);
  });
});
