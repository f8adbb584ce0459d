import { describe, expect, it } from 'vitest';
import { blockKey, describeAddressRecord, heldKey, HELD_BY_DOCKER, isAddressRecord, isHeldRecord, legacyKey, lentKey, parseBlocks, parseHeld, parseLegacyBlocks, parseLent } from '../../../src/ipam/records.js';
import { ip } from './behaviour-support.js';

/*
 * The address records a host keeps in its bridge's external_ids, read back:
 *   contiv.block.T.N[.G].A-B-C-D = "first-last claimed|pending"
 *   contiv.lent.T.N.A-B-C-D = host
 *   contiv.ipam.T.N[.G] = "first-last" (old, read for migration)
 * A record that does not read (edited by hand, another kind) is skipped, never misread.
 */

describe('block records', () => {
  it('a one-address block reads back', () => {
    expect(parseBlocks({ 'contiv.block.default.net.10-1-2-5': '10.1.2.5-10.1.2.5 claimed' })).toEqual([{ space: 'default/net', first: ip(5), last: ip(5), state: 'claimed' }]);
  });

  it('malformed values are skipped: reversed, missing or bad addresses, no dash', () => {
    const bad = ['10.1.2.31-10.1.2.16 claimed', 'garbage-10.1.2.31 claimed', '10.1.2.16-garbage claimed', '10.1.2.16 claimed', '10.1.2.16-10.1.2.31', '10.1.2.16-10.1.2.31 mine', ''];
    for (const value of bad) expect(parseBlocks({ 'contiv.block.default.net.10-1-2-16': value }), value).toEqual([]);
    // One good record beside them still reads.
    expect(parseBlocks({ 'contiv.block.default.net.10-1-2-16': '10.1.2.16-10.1.2.31 pending', 'contiv.block.default.net.10-1-2-32': '10.1.2.33-10.1.2.47 claimed' })).toEqual([{ space: 'default/net', first: ip(16), last: ip(31), state: 'pending' }]);
  });

  it('keys with too few or too many parts, or of another kind, are not blocks', () => {
    const value = '10.1.2.16-10.1.2.31 claimed';
    for (const key of ['contiv.block.net.10-1-2-16', 'contiv.block.default.net.db.x.10-1-2-16', 'contiv.xxxxx.default.net.10-1-2-16', 'contiv.lent.default.net.10-1-2-16']) {
      expect(parseBlocks({ [key]: value }), key).toEqual([]);
    }
    expect(parseBlocks({ 'contiv.block.default.net.db.10-1-2-16': value })).toEqual([{ space: 'default/net/db', first: ip(16), last: ip(31), state: 'claimed' }]);
  });

  it('blocks come back in address order, then by space, whatever the order of the record', () => {
    const ids = {
      'contiv.block.default.net.10-1-2-48': '10.1.2.48-10.1.2.63 claimed',
      'contiv.block.default.net.10-1-2-16': '10.1.2.16-10.1.2.31 claimed',
      'contiv.block.default.net.10-1-2-32': '10.1.2.32-10.1.2.47 pending',
    };
    expect(parseBlocks(ids).map((b) => b.first)).toEqual([ip(16), ip(32), ip(48)]);
    const sameFirst = (spaces: string[]) => Object.fromEntries(spaces.map((s) => [blockKey(s, ip(16)), '10.1.2.16-10.1.2.31 claimed']));
    for (const order of [['blue/net', 'default/net', 'red/net'], ['red/net', 'default/net', 'blue/net']]) {
      expect(parseBlocks(sameFirst(order)).map((b) => b.space), order.join()).toEqual(['blue/net', 'default/net', 'red/net']);
    }
    const mixed = { ...sameFirst(['red/net']), 'contiv.block.blue.net.10-1-2-32': '10.1.2.32-10.1.2.47 claimed' };
    expect(parseBlocks(mixed).map((b) => b.space)).toEqual(['red/net', 'blue/net']);
  });
});

describe('lent records', () => {
  it('read back in address order', () => {
    const ids = { [lentKey('blue', 'net', ip(9))]: 'h3', [lentKey('blue', 'net', ip(5))]: 'h2', [lentKey('default', 'db', ip(7))]: 'h4' };
    expect(parseLent(ids)).toEqual([
      { tenant: 'blue', network: 'net', address: ip(5), to: 'h2' },
      { tenant: 'default', network: 'db', address: ip(7), to: 'h4' },
      { tenant: 'blue', network: 'net', address: ip(9), to: 'h3' },
    ]);
  });

  it('keys missing a tenant, network or address, with extra parts, or of another kind, and empty hosts are skipped', () => {
    const keys = ['contiv.lent.blue.net', 'contiv.lent..net.10-1-2-5', 'contiv.lent.blue..10-1-2-5', 'contiv.lent.blue.net.10-1-2-5.x', 'contiv.lent.blue.net.10-1-2', 'contiv.xxxx.blue.net.10-1-2-5'];
    for (const key of keys) expect(parseLent({ [key]: 'h2' }), key).toEqual([]);
    expect(parseLent({ 'contiv.lent.blue.net.10-1-2-5': '' })).toEqual([]);
  });
});

describe('addresses held for Docker endpoints being made', () => {
  it('read back as written, in address order, with their holder', () => {
    const ids = { [heldKey('blue', 'net', ip(9))]: 'ep-1234', [heldKey('default', 'net', ip(5))]: HELD_BY_DOCKER, [blockKey('default/net', ip(0))]: '10.1.2.0-10.1.2.15 claimed' };
    expect(parseHeld(ids)).toEqual([
      { tenant: 'default', network: 'net', address: ip(5), ip: '10.1.2.5', holder: 'docker' },
      { tenant: 'blue', network: 'net', address: ip(9), ip: '10.1.2.9', holder: 'ep-1234' },
    ]);
  });

  it('keys missing a tenant, network or address, with extra parts, or of another kind, and empty holders are skipped', () => {
    const keys = ['contiv.held.blue.net', 'contiv.held..net.10-1-2-5', 'contiv.held.blue..10-1-2-5', 'contiv.held.blue.net.10-1-2-5.x', 'contiv.held.blue.net.10-1-2', 'contiv.xxxx.blue.net.10-1-2-5', lentKey('blue', 'net', ip(5))];
    for (const key of keys) expect(parseHeld({ [key]: 'docker' }), key).toEqual([]);
    expect(parseHeld({ 'contiv.held.blue.net.10-1-2-5': '' })).toEqual([]);
  });

  it('are address records, and the only ones a plan keeps as they are', () => {
    expect(isAddressRecord(heldKey('default', 'net', ip(5)))).toBe(true);
    expect(isHeldRecord(heldKey('default', 'net', ip(5)))).toBe(true);
    for (const key of [blockKey('default/net', ip(16)), lentKey('default', 'net', ip(5)), legacyKey('default/net'), 'x.contiv.held.']) expect(isHeldRecord(key), key).toBe(false);
    expect(isAddressRecord('x.contiv.held.')).toBe(false);
  });
});

describe('old records (one range per host and space)', () => {
  it('read with or without a group; malformed ones are skipped', () => {
    expect(parseLegacyBlocks({ 'contiv.ipam.default.net.db': '10.1.2.100-10.1.2.150' })).toEqual([{ space: 'default/net/db', first: ip(100), last: ip(150) }]);
    expect(parseLegacyBlocks({ 'contiv.ipam.default.net': '10.1.2.7-10.1.2.7' })).toEqual([{ space: 'default/net', first: ip(7), last: ip(7) }]);
    for (const [key, value] of [
      ['contiv.ipam.default.net', '10.1.2.43-10.1.2.2'],
      ['contiv.ipam.default', '10.1.2.2-10.1.2.43'],
      ['contiv.ipam.default.net.db.x', '10.1.2.2-10.1.2.43'],
      ['contiv.xxxx.default.net', '10.1.2.2-10.1.2.43'],
    ] as const) {
      expect(parseLegacyBlocks({ [key]: value }), key).toEqual([]);
    }
  });
});

describe('what an address record is', () => {
  it('each kind is an address record; other contiv records are not', () => {
    expect(isAddressRecord(blockKey('default/net', ip(16)))).toBe(true);
    expect(isAddressRecord(lentKey('default', 'net', ip(16)))).toBe(true);
    expect(isAddressRecord(legacyKey('default/net'))).toBe(true);
    expect(isAddressRecord('contiv.vni.default.net')).toBe(false);
    expect(isAddressRecord('x.contiv.lent.')).toBe(false);
    expect(isAddressRecord('x.contiv.ipam.')).toBe(false);
  });

  it('described for plan lines, also when the record has no value (it is being removed)', () => {
    expect(describeAddressRecord('contiv.ipam.default.net.db', '10.1.2.100-10.1.2.150')).toEqual({ kind: 'legacy', space: 'default/net/db', what: '10.1.2.100-10.1.2.150' });
    expect(describeAddressRecord('contiv.ipam.default.net', undefined)).toEqual({ kind: 'legacy', space: 'default/net', what: '' });
    expect(describeAddressRecord('contiv.block.default.net.10-1-2-16', undefined)).toEqual({ kind: 'block', space: 'default/net', what: '10.1.2.16' });
    expect(describeAddressRecord('contiv.lent.blue.net.10-1-2-5', undefined)).toEqual({ kind: 'lent', space: 'blue/net', what: '10.1.2.5' });
  });
});
