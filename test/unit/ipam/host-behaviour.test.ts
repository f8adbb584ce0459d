import { describe, expect, it } from 'vitest';
import { blockUse, freeAddress, ownBlockOf, takenAddresses } from '../../../src/ipam/host.js';
import { heldKey } from '../../../src/ipam/records.js';
import { block, endpoint, ip, lent } from './behaviour-support.js';

/*
 * One host's addresses from its own records (the host-local endpoint path, `contiv show`):
 * what it must not hand out, the next address it hands out, which of its blocks holds an
 * address, and how full each block is.
 */

describe("a host's taken addresses", () => {
  it("are its endpoints', the addresses it lent and those held for Docker, of that network only", () => {
    const ids = { ...block(16, 31), ...lent(21, 'h2'), ...lent(22, 'h2', 'blue', 'net'), ...lent(23, 'h2', 'default', 'other') };
    const held = { [heldKey('default', 'net', ip(24))]: 'docker', [heldKey('blue', 'net', ip(25))]: 'docker', [heldKey('default', 'other', ip(26))]: 'ep-1' };
    const endpoints = [endpoint('h1', 17), endpoint('h1', 18, 'blue', 'net'), endpoint('h1', 19, 'default', 'other')];
    expect([...takenAddresses({ ...ids, ...held }, endpoints, 'default', 'net')].sort()).toEqual([ip(17), ip(21), ip(24)]);
    expect([...takenAddresses({ ...ids, ...held }, endpoints, 'blue', 'net')].sort()).toEqual([ip(18), ip(22), ip(25)]);
  });

  it('the next address handed out is the lowest free one of its claimed blocks of that space', () => {
    const ids = { ...block(32, 47), ...block(16, 31, 'pending'), ...block(48, 63, 'claimed', 'default/net/db') };
    expect(freeAddress(ids, 'default/net', new Set([ip(32), ip(33)]))).toBe(ip(34));
    expect(freeAddress(ids, 'default/net/db', new Set())).toBe(ip(48));
    expect(freeAddress(ids, 'default/net', new Set(Array.from({ length: 16 }, (_, i) => ip(32 + i))))).toBeUndefined();
  });
});

describe("the host's own block of an address", () => {
  it('is a claimed block of the space holding it, first and last addresses included', () => {
    const ids = { ...block(16, 31), ...block(32, 47, 'pending'), ...block(48, 63, 'claimed', 'default/net/db') };
    const at = (n: number, space = 'default/net') => ownBlockOf(ids, space, ip(n))?.first;
    expect(at(16)).toBe(ip(16));
    expect(at(31)).toBe(ip(16));
    expect(at(15)).toBeUndefined();
    expect(at(40)).toBeUndefined(); // pending: not the host's yet
    expect(at(50)).toBeUndefined(); // another space
    expect(at(50, 'default/net/db')).toBe(ip(48));
    expect(at(20, 'default/net/db')).toBeUndefined();
  });
});

describe("each block's use (contiv show)", () => {
  it('counts endpoints and lent addresses inside the block, on its edges too, and nothing outside it', () => {
    const ids = { ...block(16, 31), ...block(32, 47), ...lent(31, 'h2'), ...block(16, 31, 'claimed', 'blue/net') };
    const endpoints = [endpoint('h1', 16), endpoint('h1', 20), endpoint('h1', 48), endpoint('h1', 15), endpoint('h1', 17, 'blue', 'net')];
    expect(blockUse(ids, endpoints)).toEqual([
      { space: 'blue/net', first: ip(16), last: ip(31), state: 'claimed', used: 1 },
      { space: 'default/net', first: ip(16), last: ip(31), state: 'claimed', used: 3 },
      { space: 'default/net', first: ip(32), last: ip(47), state: 'claimed', used: 0 },
    ]);
  });
});
