import { describe, expect, it } from 'vitest';
import { fieldChanges } from '../../../src/plan/field-changes.js';

/*
 * The fields a plan says change on a bridge or port: records (options, external_ids) are
 * compared key by key, everything else whole, so "failMode secure → standalone" reads as one
 * field and never as the letters that differ.
 */

describe('fieldChanges', () => {
  it('compares plain fields whole', () => {
    expect(fieldChanges({ failMode: 'secure', mtu: 1450, name: 'contiv0' }, { failMode: 'standalone', mtu: 1500, name: 'contiv0' })).toEqual([
      { path: 'failMode', before: 'secure', after: 'standalone' },
      { path: 'mtu', before: 1450, after: 1500 },
    ]);
  });

  it('compares records key by key, in key order, including keys on one side only', () => {
    expect(fieldChanges({ options: { remote_ip: '10.0.0.2', key: 'flow', z: '1' } }, { options: { remote_ip: '10.0.0.3', key: 'flow', a: '2' } })).toEqual([
      { path: 'options.a', before: undefined, after: '2' },
      { path: 'options.remote_ip', before: '10.0.0.2', after: '10.0.0.3' },
      { path: 'options.z', before: '1', after: undefined },
    ]);
  });

  it('a field present on one side only, or null, changes whole', () => {
    expect(fieldChanges({}, { options: { a: '1' }, mtu: 1450 })).toEqual([
      { path: 'options', before: undefined, after: { a: '1' } },
      { path: 'mtu', before: undefined, after: 1450 },
    ]);
    expect(fieldChanges({ options: { a: '1' } }, {})).toEqual([{ path: 'options', before: { a: '1' }, after: undefined }]);
    expect(fieldChanges({ options: null }, { options: { a: '1' } })).toEqual([{ path: 'options', before: null, after: { a: '1' } }]);
    expect(fieldChanges({ options: { a: '1' } }, { options: null })).toEqual([{ path: 'options', before: { a: '1' }, after: null }]);
    expect(fieldChanges({ options: 'ab' }, { options: { a: '1' } })).toEqual([{ path: 'options', before: 'ab', after: { a: '1' } }]);
    expect(fieldChanges({ options: { a: '1' } }, { options: 'ab' })).toEqual([{ path: 'options', before: { a: '1' }, after: 'ab' }]);
  });

  it('finds nothing between equal versions', () => {
    expect(fieldChanges({ failMode: 'secure', options: { a: '1' }, externalIds: {} }, { failMode: 'secure', options: { a: '1' }, externalIds: {} })).toEqual([]);
  });
});
