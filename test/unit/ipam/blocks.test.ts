import { describe, expect, it } from 'vitest';
import { chooseBlock, merge, spreadOf } from '../../../src/ipam/choose.js';
import { blockKey, blockValue, describeAddressRecord, isAddressRecord, lentKey, parseBlocks, parseLegacyBlocks, parseLent } from '../../../src/ipam/records.js';
import { settleClaim } from '../../../src/ipam/settle.js';
import { addressSpaces, chunkOf, spaceOfAddress, subtract, type AddressSpace } from '../../../src/ipam/spaces.js';
import type { EndpointGroup, Network } from '../../../src/model/types.js';

const at = { source: { file: 'x.yaml', line: 1, col: 1 }, at: {} };
// 10.1.2.0 = 167838208
const BASE = 167838208;
const ip = (n: number) => BASE + n;
const r = (a: number, b: number) => ({ first: ip(a), last: ip(b) });

function network(extra: Partial<Network> = {}): Network {
  return { tenant: 'default', name: 'net', subnet: { address: '10.1.2.0', prefix: 24 }, blockSize: 28, ...at, ...extra };
}
function pool(name: string, first: string, last: string): EndpointGroup {
  return { tenant: 'default', name, network: 'net', policies: [], ipPool: { first, last }, ...at };
}

describe('address spaces', () => {
  it("the network's space is its usable addresses less the gateway and the pools; each pool is a space less the gateway", () => {
    const [own, db] = addressSpaces([pool('db', '10.1.2.100', '10.1.2.150')], network({ gateway: '10.1.2.120' }));
    expect(own).toMatchObject({ key: 'default/net', chunk: 16, segments: [r(1, 99), r(151, 254)] });
    expect(db).toMatchObject({ key: 'default/net/db', group: 'db', segments: [r(100, 119), r(121, 150)] });
    expect(addressSpaces([], network({ blockSize: 30 }))[0]!.chunk).toBe(4);
  });

  it('a group of another network or tenant cuts nothing', () => {
    const other = { ...pool('db', '10.1.2.100', '10.1.2.150'), network: 'other' };
    const blue = { ...pool('db', '10.1.2.100', '10.1.2.150'), tenant: 'blue' };
    expect(addressSpaces([other, blue], network())).toHaveLength(1);
    expect(addressSpaces([other, blue], network())[0]!.segments).toEqual([r(1, 254)]);
  });

  it('chunks are aligned on their size; an address belongs to a pool space when inside one', () => {
    expect(chunkOf(ip(37), 16)).toEqual(r(32, 47));
    expect(chunkOf(ip(32), 16)).toEqual(r(32, 47));
    expect(chunkOf(ip(31), 16)).toEqual(r(16, 31));
    const spaces = addressSpaces([pool('db', '10.1.2.100', '10.1.2.150')], network());
    expect(spaceOfAddress(spaces, ip(100))?.key).toBe('default/net/db');
    expect(spaceOfAddress(spaces, ip(99))?.key).toBe('default/net');
    expect(spaceOfAddress(spaces, ip(255))).toBeUndefined();
  });

  it('subtract keeps what lies outside the holes, at both edges', () => {
    expect(subtract([r(0, 10)], [r(0, 0), r(10, 10)])).toEqual([r(1, 9)]);
    expect(subtract([r(0, 10)], [r(3, 4)])).toEqual([r(0, 2), r(5, 10)]);
    expect(subtract([r(0, 10)], [r(11, 20)])).toEqual([r(0, 10)]);
    expect(subtract([r(0, 10)], [r(0, 10)])).toEqual([]);
  });

  it('merge sorts and joins touching and overlapping ranges', () => {
    expect(merge([r(20, 30), r(0, 9), r(10, 12), r(25, 40)])).toEqual([r(0, 12), r(20, 40)]);
  });
});

describe('chooseBlock', () => {
  const space = (blockSize = 28, gateway = '10.1.2.1'): AddressSpace => addressSpaces([], network({ gateway, blockSize }))[0]!;

  it('takes the first whole free chunk, skipping one the gateway cuts', () => {
    expect(chooseBlock(space(), [])).toEqual(r(16, 31));
    expect(chooseBlock(space(28, '10.1.2.200'), [])).toEqual(r(16, 31));
  });

  it('skips chunks anyone uses, even by one address', () => {
    expect(chooseBlock(space(), [r(16, 16), r(32, 47)])).toEqual(r(48, 63));
  });

  it('falls back to the cut chunk, then to the largest free piece of a used chunk', () => {
    const all = Array.from({ length: 15 }, (_, i) => r(16 * (i + 1), 16 * (i + 1) + 15));
    expect(chooseBlock(space(), all)).toEqual(r(2, 15));
    expect(chooseBlock(space(), [...all, r(2, 2), r(5, 5)])).toEqual(r(6, 15));
    expect(chooseBlock(space(), [r(0, 255)])).toBeUndefined();
  });

  it('with an address wanted: the free piece of its chunk around it, or nothing when it is taken', () => {
    expect(chooseBlock(space(), [r(40, 40)], ip(44))).toEqual(r(41, 47));
    expect(chooseBlock(space(), [r(40, 40)], ip(33))).toEqual(r(32, 39));
    expect(chooseBlock(space(), [r(40, 40)], ip(40))).toBeUndefined();
    expect(chooseBlock(space(), [], ip(1))).toBeUndefined();
  });

  it('a /32 block is one address', () => {
    expect(chooseBlock(space(32), [])).toEqual(r(2, 2));
  });
});

describe('address records', () => {
  it('blocks read back as written; hand-edited ones are skipped', () => {
    const ids = {
      [blockKey('default/net', ip(16))]: blockValue({ first: ip(16), last: ip(31), state: 'claimed' }),
      [blockKey('default/net/db', ip(100))]: blockValue({ first: ip(100), last: ip(111), state: 'pending' }),
      'contiv.block.default.net.10-1-2-64': '10.1.2.64-10.1.2.79 mine',
      'contiv.block.default.net.10-1-2-80': '10.1.2.81-10.1.2.95 claimed',
      'contiv.block.default.net.10-1-2-96': '10.1.2.111-10.1.2.96 claimed',
      'contiv.vni.default.net': '5',
    };
    expect(parseBlocks(ids)).toEqual([
      { space: 'default/net', first: ip(16), last: ip(31), state: 'claimed' },
      { space: 'default/net/db', first: ip(100), last: ip(111), state: 'pending' },
    ]);
    expect(Object.keys(ids).filter(isAddressRecord)).toHaveLength(5);
    expect(blockKey('default/net/db', ip(100))).toBe('contiv.block.default.net.db.10-1-2-100');
  });

  it('lent and old-style records', () => {
    const ids = { [lentKey('blue', 'net', ip(5))]: 'h2', 'contiv.lent.blue.net.999-1-1-1': 'h3', 'contiv.ipam.default.net': '10.1.2.2-10.1.2.43', 'contiv.ipam.default.net.db': 'garbage' };
    expect(parseLent(ids)).toEqual([{ tenant: 'blue', network: 'net', address: ip(5), to: 'h2' }]);
    expect(parseLegacyBlocks(ids)).toEqual([{ space: 'default/net', first: ip(2), last: ip(43) }]);
    expect(describeAddressRecord('contiv.block.default.net.db.10-1-2-100', '10.1.2.100-10.1.2.111 claimed')).toEqual({ kind: 'block', space: 'default/net/db', what: '10.1.2.100-10.1.2.111' });
    expect(describeAddressRecord('contiv.lent.blue.net.10-1-2-5', 'h2')).toEqual({ kind: 'lent', space: 'blue/net', what: '10.1.2.5' });
  });
});

/*
 * The claim protocol (src/endpoint/claim.ts), played out step by step on records in memory:
 * two hosts claim at the same time; every interleaving of their steps is tried. Each claimer:
 *   read (choose a block from what every host records), write pending, read every host, settle.
 * Whatever the order, never both confirm the same addresses.
 */
describe('the claim protocol: races', () => {
  type Step = 'choose' | 'write' | 'read' | 'settle';
  const STEPS: Step[] = ['choose', 'write', 'read', 'settle'];

  function interleavings(a: number, b: number): Array<Array<'A' | 'B'>> {
    if (a === 0) return [Array(b).fill('B')];
    if (b === 0) return [Array(a).fill('A')];
    return [...interleavings(a - 1, b).map((x) => ['A' as const, ...x]), ...interleavings(a, b - 1).map((x) => ['B' as const, ...x])];
  }

  it('in every interleaving of two claims, at most one block of overlapping addresses is confirmed (and someone wins when they do not overlap in time)', () => {
    const sp = addressSpaces([], network({ gateway: '10.1.2.1' }))[0]!;
    let bothLost = 0;
    const orders = interleavings(4, 4);
    expect(orders).toHaveLength(70);
    for (const order of orders) {
      const records: Record<string, Record<string, string>> = { h1: {}, h2: {} };
      const state = { A: { host: 'h1', step: 0, key: '', value: '', seen: {} as Record<string, Record<string, string>> }, B: { host: 'h2', step: 0, key: '', value: '', seen: {} as Record<string, Record<string, string>> } };
      for (const who of order) {
        const c = state[who];
        const step = STEPS[c.step++]!;
        if (step === 'choose') {
          const occupied = Object.values(records).flatMap((ids) => parseBlocks(ids));
          const piece = chooseBlock(sp, occupied)!;
          c.key = blockKey(sp.key, piece.first);
          c.value = blockValue({ ...piece, state: 'pending' });
        } else if (step === 'write') {
          records[c.host]![c.key] = c.value;
        } else if (step === 'read') {
          c.seen = structuredClone(records);
        } else {
          const [block] = parseBlocks({ [c.key]: c.value });
          const verdict = settleClaim(c.host, block!, c.seen);
          if (verdict.confirm) records[c.host]![c.key] = blockValue({ ...block!, state: 'claimed' });
          else delete records[c.host]![c.key];
        }
      }
      const confirmed = Object.entries(records).flatMap(([h, ids]) => parseBlocks(ids).map((b) => ({ h, ...b })));
      for (const x of confirmed) expect(x.state).toBe('claimed');
      for (const x of confirmed) for (const y of confirmed) if (x !== y) expect(x.first > y.last || y.first > x.last, `${order.join('')}: ${x.h} and ${y.h} both hold ${x.first}`).toBe(true);
      if (confirmed.length === 0) bothLost++;
      // Run one after the other, both win (different blocks).
      if (order.join('') === 'AAAABBBB') expect(confirmed).toHaveLength(2);
    }
    // Withdrawing both is the price of no server; it must stay the exception.
    expect(bothLost).toBeGreaterThan(0);
    expect(bothLost).toBeLessThan(orders.length / 2);
  });

  it('a claim is withdrawn against a pending or a claimed block of the same network on another host, not of another network or its own host', () => {
    const mine = { space: 'default/net', first: ip(16), last: ip(31) };
    const rival = (state: string, key = 'contiv.block.default.net.10-1-2-24') => ({ [key]: `10.1.2.24-10.1.2.27 ${state}` });
    expect(settleClaim('h1', mine, { h2: rival('pending') })).toEqual({ confirm: false, rival: 'h2' });
    expect(settleClaim('h1', mine, { h2: rival('claimed') })).toEqual({ confirm: false, rival: 'h2' });
    expect(settleClaim('h1', mine, { h1: rival('claimed'), h2: {} })).toEqual({ confirm: true });
    expect(settleClaim('h1', mine, { h2: rival('claimed', 'contiv.block.blue.net.10-1-2-24') })).toEqual({ confirm: true });
    expect(settleClaim('h1', mine, { h2: rival('claimed', 'contiv.block.default.net.db.10-1-2-24') })).toEqual({ confirm: false, rival: 'h2' });
    expect(settleClaim('h1', mine, { h2: { 'contiv.block.default.net.10-1-2-32': '10.1.2.32-10.1.2.47 claimed' } })).toEqual({ confirm: true });
  });
});

describe('chooseBlock spread', () => {
  const sp = addressSpaces([], network({ gateway: '10.1.2.1' }))[0]!;
  it('spreads hosts claiming at the same moment over the first whole free chunks, the same one for the same host', () => {
    const picks = ['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => chooseBlock(sp, [], undefined, spreadOf(h))!.first);
    expect(new Set(picks).size).toBeGreaterThanOrEqual(4);
    for (const p of picks) expect((p - BASE) % 16).toBe(0);
    for (const p of picks) expect(p - BASE).toBeLessThanOrEqual(16 * 8);
    expect(chooseBlock(sp, [], undefined, spreadOf('h1'))).toEqual(chooseBlock(sp, [], undefined, spreadOf('h1')));
    // With fewer whole chunks left than the spread, it picks among those.
    const all = Array.from({ length: 13 }, (_, i) => r(16 * (i + 1), 16 * (i + 1) + 15));
    expect([r(224, 239), r(240, 254)]).toContainEqual(chooseBlock(sp, all, undefined, spreadOf('h3')));
    expect(chooseBlock(sp, all, undefined, 1)).toEqual(r(224, 239));
  });
});
