import { describe, expect, it } from 'vitest';
import { chooseBlock, spreadOf, unoccupied } from '../../../src/ipam/choose.js';
import { settleClaim } from '../../../src/ipam/settle.js';
import { addressSpaces, intersect, sizeOf, type AddressSpace } from '../../../src/ipam/spaces.js';
import type { IntRange } from '../../../src/manifest/ipv4.js';
import { block, ip, network, pool, r } from './behaviour-support.js';

/*
 * Choosing a block to claim (packing: a whole free chunk first, else the largest piece of the
 * first chunk only the gateway or a pool cuts, else the largest free piece of a used chunk),
 * counting what is left, and the claim protocol's settling, at their edges.
 * Addresses are offsets in 10.1.2.0/24, chunks of 16.
 */

const own = (gateway?: string): AddressSpace => addressSpaces([], network(gateway ? { gateway } : {}))[0]!;

/** Every address of 10.1.2.0/24 occupied except the `free` ranges. */
function allBut(...free: Array<[number, number]>): IntRange[] {
  const out: IntRange[] = [];
  let next = 0;
  for (const [a, b] of free) {
    if (a > next) out.push(r(next, a - 1));
    next = b + 1;
  }
  if (next <= 255) out.push(r(next, 255));
  return out;
}

/** Free addresses of a space, one by one: the reference `unoccupied` must agree with. */
function bruteFree(space: AddressSpace, occupied: readonly IntRange[]): number {
  let n = 0;
  for (const s of space.segments) for (let a = s.first; a <= s.last; a++) if (!occupied.some((o) => o.first <= a && a <= o.last)) n++;
  return n;
}

describe('addresses left unclaimed in a space', () => {
  it("count every usable address nobody occupies, at a segment's edges too", () => {
    const s = own();
    expect(unoccupied(s, [])).toBe(254);
    expect(unoccupied(s, [r(254, 254)])).toBe(253);
    expect(unoccupied(s, [r(2, 253)])).toBe(2);
    expect(unoccupied(s, [r(0, 1), r(100, 100), r(30, 40)])).toBe(241);
  });

  it('an occupied range reaching into a segment from before it is subtracted in full', () => {
    const [net] = addressSpaces([pool('db', 100, 150)], network());
    // A block of the pool (144-150) and an endpoint on 151 merge into one range ending where the network's own segment starts.
    const cases: IntRange[][] = [[r(144, 150), r(151, 151)], [r(90, 151)], [r(99, 99), r(151, 152)], [r(10, 20), r(15, 30), r(151, 151), r(254, 254)]];
    for (const occupied of cases) expect(unoccupied(net!, occupied), JSON.stringify(occupied)).toBe(bruteFree(net!, occupied));
    expect(unoccupied(net!, [r(144, 150), r(151, 151)])).toBe(99 + 103);
  });

  it('ranges are sized and clipped to a window edge by edge', () => {
    expect(sizeOf([r(1, 4), r(6, 6)])).toBe(5);
    expect(sizeOf([])).toBe(0);
    expect(intersect([r(0, 16)], r(16, 31))).toEqual([r(16, 16)]);
    expect(intersect([r(31, 40)], r(16, 31))).toEqual([r(31, 31)]);
    expect(intersect([r(0, 15), r(32, 40)], r(16, 31))).toEqual([]);
  });
});

describe('choosing a block', () => {
  it('with an address wanted: its free piece, when the address is on the piece or chunk edge', () => {
    expect(chooseBlock(own(), [], ip(16))).toEqual(r(16, 31));
    expect(chooseBlock(own(), [], ip(31))).toEqual(r(16, 31));
    // The free range 1-16 ends on the chunk's first address.
    expect(chooseBlock(own(), [r(17, 17)], ip(16))).toEqual(r(16, 16));
  });

  it('the last free address of the space is still given, as a block of one', () => {
    expect(chooseBlock(own(), [r(0, 239), r(241, 255)])).toEqual(r(240, 240));
  });

  it('of a chunk the gateway cuts in two, the larger piece, the first when they are as large', () => {
    const taken = [r(16, 255)];
    expect(chooseBlock(own('10.1.2.12'), taken)).toEqual(r(1, 11));
    expect(chooseBlock(own('10.1.2.4'), taken)).toEqual(r(5, 15));
    expect(chooseBlock(own('10.1.2.8'), taken)).toEqual(r(1, 7));
  });

  it('a chunk nobody uses but the gateway cuts comes before any piece of a chunk someone uses', () => {
    const occupied = [r(1, 1), r(20, 20), r(32, 191), r(208, 239)];
    expect(chooseBlock(own('10.1.2.200'), occupied)).toEqual(r(192, 199));
  });

  it('when every chunk is used, the largest free piece of any, the first when as large', () => {
    expect(chooseBlock(own(), allBut([16, 25], [32, 36]))).toEqual(r(16, 25));
    expect(chooseBlock(own(), allBut([16, 20], [32, 41]))).toEqual(r(32, 41));
    expect(chooseBlock(own(), allBut([16, 20], [32, 36]))).toEqual(r(16, 20));
    expect(chooseBlock(own(), allBut([16, 20], [32, 36], [50, 51]))).toEqual(r(16, 20));
  });

  it('spread picks among the first eight whole free chunks, or among fewer when fewer are left', () => {
    // Whole free chunks: 16, 32, ..., 224 (0 and 240 are cut by the network and broadcast addresses).
    expect(chooseBlock(own(), [], undefined, 7)).toEqual(r(128, 143));
    expect(chooseBlock(own(), [], undefined, 8)).toEqual(r(16, 31));
    expect(chooseBlock(own(), [], undefined, 9)).toEqual(r(32, 47));
    expect(chooseBlock(own(), [r(16, 207)], undefined, 1)).toEqual(r(224, 239));
    expect(chooseBlock(own(), [r(16, 207)], undefined, 4)).toEqual(r(208, 223));
  });

  it('hosts whose names differ only in their beginning still spread', () => {
    const names = ['web.example.com', 'db1.example.com', 'api.example.com', 'log.example.com', 'mq1.example.com'];
    const picks = names.map((h) => chooseBlock(own(), [], undefined, spreadOf(h))!.first);
    expect(new Set(picks).size).toBeGreaterThanOrEqual(3);
  });
});

describe('settling a claim', () => {
  it("is withdrawn against another host's block touching it by a single edge address", () => {
    const mine = { space: 'default/net', ...r(16, 31) };
    expect(settleClaim('h1', mine, { h2: block(31, 40) })).toEqual({ confirm: false, rival: 'h2' });
    expect(settleClaim('h1', mine, { h2: block(8, 16) })).toEqual({ confirm: false, rival: 'h2' });
    expect(settleClaim('h1', mine, { h2: block(32, 40) })).toEqual({ confirm: true });
  });
});
