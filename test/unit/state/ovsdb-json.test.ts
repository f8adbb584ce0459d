import { describe, expect, it } from 'vitest';
import { mapOf, optional, parseOvsdbTable, parseOvsdbTables, setOf, str } from '../../../src/state/parse/ovsdb-json.js';

// Cells as `ovs-vsctl -f json list` prints them (shapes taken from fixtures/probes/gather/*.txt).
describe('OVSDB JSON cells', () => {
  it('a table becomes one record per row, keyed by heading', () => {
    const text = '{"data":[[["uuid","d4f8"],"br-phy","netdev"],[["uuid","5a38"],"contiv0",""]],"headings":["_uuid","name","datapath_type"]}';
    expect(parseOvsdbTable(text)).toStrictEqual([
      { _uuid: ['uuid', 'd4f8'], name: 'br-phy', datapath_type: 'netdev' },
      { _uuid: ['uuid', '5a38'], name: 'contiv0', datapath_type: '' },
    ]);
    expect(parseOvsdbTable('{"data":[],"headings":["_uuid"]}')).toStrictEqual([]);
  });

  it('several commands in one call: one table per line, in order; lines that are not tables left out', () => {
    const text = [
      '2026-11-29T13:00:00Z|00001|reconnect|WARN|unix:db.sock: connection dropped',
      '{"data":[["contiv0"]],"headings":["name"]}',
      '{"data":[],"headings":["_uuid","name"]}',
      '',
    ].join('\n');
    expect(parseOvsdbTables(text)).toStrictEqual([[{ name: 'contiv0' }], []]);
    expect(parseOvsdbTables('')).toStrictEqual([]);
  });

  it('a set: tagged list of atoms, uuids unwrapped; a one-element set may be the bare atom', () => {
    expect(setOf(['set', [['uuid', 'a'], ['uuid', 'b']]])).toStrictEqual(['a', 'b']);
    expect(setOf(['set', ['netdev', 'system']])).toStrictEqual(['netdev', 'system']);
    expect(setOf(['set', []])).toStrictEqual([]);
    expect(setOf(['uuid', '4411d598'])).toStrictEqual(['4411d598']);
    expect(setOf(4096)).toStrictEqual([4096]);
    expect(setOf('secure')).toStrictEqual(['secure']);
  });

  it('an optional column: empty set is absent, else its one atom', () => {
    expect(optional(['set', []])).toBeUndefined();
    expect(optional(1450)).toBe(1450);
    expect(optional('secure')).toBe('secure');
    expect(optional(['set', [100]])).toBe(100);
  });

  it('a map: pairs of atoms as strings; anything else is empty', () => {
    expect(mapOf(['map', [['contiv.owner', 'contiv'], ['contiv.kind', 'bridge']]])).toStrictEqual({ 'contiv.owner': 'contiv', 'contiv.kind': 'bridge' });
    expect(mapOf(['map', [['key', 7], ['peer', ['uuid', 'ab12']]]])).toStrictEqual({ key: '7', peer: 'ab12' });
    expect(mapOf(['map', []])).toStrictEqual({});
    expect(mapOf(['set', [['a', 'b']]])).toStrictEqual({});
    expect(mapOf('contiv')).toStrictEqual({});
  });

  it('a scalar as text, a uuid as its id', () => {
    expect(str('contiv0')).toBe('contiv0');
    expect(str(['uuid', '5a382f12'])).toBe('5a382f12');
    expect(str(65534)).toBe('65534');
    expect(str(true)).toBe('true');
  });

  it('only a two-element list with the right tag is tagged', () => {
    // A bare string atom that happens to spell a tag stays a string.
    expect(setOf('set')).toStrictEqual(['set']);
    expect(str('uuid')).toBe('uuid');
    expect(mapOf('map')).toStrictEqual({});
  });
});
