import { describe, expect, it } from 'vitest';
import { blockKey, legacyKey, lentKey } from '../../../src/ipam/records.js';
import { block, blocksOf, endpoint, ip, lent, lentOf, live, model, network, plan } from './behaviour-support.js';

/*
 * What the address plan (src/ipam/fleet.ts) decides, case by case: the rules a user relies on
 * (no address twice, overlaps resolved, blocks claimed on demand, released only when short, a
 * runtime host's reserve, pending claims settled, old records migrated). Addresses are offsets
 * in 10.1.2.0/24; blocks are shown as `first-last state`.
 */

const small = network({ subnet: { address: '10.1.2.0', prefix: 26 } }); // 1-62 usable, chunks of 16
const blue = network({ tenant: 'blue' });

describe('overlapping blocks of two hosts are never both kept', () => {
  it('even when they share only their edge address, and the reason names the keeper and its block', () => {
    // b's block starts on a's last address.
    const p1 = plan(model(['a', 'b']), { a: live([block(16, 31)]), b: live([block(31, 40)]) });
    expect(blocksOf(p1, 'a')).toEqual(['16-31 claimed']);
    expect(blocksOf(p1, 'b')).toEqual([]);
    expect(p1.reasons['b']).toEqual({ [blockKey('default/net', ip(31))]: "overlaps a's block 10.1.2.16-10.1.2.31: a keeps it" });
    // The keeper's block starts on the other's last address.
    const p2 = plan(model(['a', 'b']), { a: live([block(31, 47)]), b: live([block(16, 31)]) });
    expect(blocksOf(p2, 'a')).toEqual(['31-47 claimed']);
    expect(blocksOf(p2, 'b')).toEqual([]);
  });

  it("the loser's endpoints on the shared addresses become addresses lent by the keeper, with a warning naming them", () => {
    const p = plan(model(['a', 'b']), { a: live([block(16, 31)], [20], 'a'), b: live([block(31, 40)], [31], 'b') });
    expect(blocksOf(p, 'a')).toEqual(['16-31 claimed']);
    expect(blocksOf(p, 'b')).toEqual([]);
    expect(lentOf(p, 'a')).toEqual(['31>b']);
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0]).toMatchObject({
      code: 'block-overlap',
      severity: 'warning',
      address: 'b',
      message: "b and a both record addresses 10.1.2.31 of default/net; a keeps them, b's endpoints there stay as addresses lent by a",
    });
  });

  it('the warning names the whole shared range', () => {
    const p = plan(model(['a', 'b']), { a: live([block(16, 31)], [17, 18], 'a'), b: live([block(24, 39)], [25], 'b') });
    expect(p.diagnostics.map((d) => d.message)).toEqual(["b and a both record addresses 10.1.2.24-10.1.2.31 of default/net; a keeps them, b's endpoints there stay as addresses lent by a"]);
  });

  it('an empty losing block just goes, without a warning', () => {
    const p = plan(model(['a', 'b']), { a: live([block(16, 31)]), b: live([block(16, 31)]) });
    expect(blocksOf(p, 'a')).toEqual(['16-31 claimed']);
    expect(blocksOf(p, 'b')).toEqual([]);
    expect(p.diagnostics).toEqual([]);
  });

  it('the block with more endpoints inside it stays, whoever has more endpoints elsewhere; an endpoint on either edge counts', () => {
    // a has more endpoints, in its other block above or below the contested one.
    for (const [other, theirs] of [[[32, 47], [33, 34]], [[1, 15], [2, 3]]] as const) for (const edge of [16, 31]) {
      const p = plan(model(['a', 'b']), { a: live([block(16, 31), block(other[0], other[1])], [...theirs], 'a'), b: live([block(16, 31)], [edge], 'b') });
      expect(blocksOf(p, 'a'), `b's endpoint on ${edge}`).toEqual([`${other[0]}-${other[1]} claimed`]);
      expect(blocksOf(p, 'b'), `b's endpoint on ${edge}`).toEqual(['16-31 claimed']);
      expect(p.reasons['a']).toEqual({ [blockKey('default/net', ip(16))]: "overlaps b's block 10.1.2.16-10.1.2.31: b keeps it" });
    }
  });

  it('between blocks with as many endpoints inside, the lower host name keeps', () => {
    const p = plan(model(['c', 'b', 'a']), { a: live([block(16, 31)]), b: live([block(16, 31)], [20], 'b'), c: live([block(16, 31)], [21], 'c') });
    expect(blocksOf(p, 'b')).toEqual(['16-31 claimed']);
    expect(blocksOf(p, 'a')).toEqual([]);
    expect(blocksOf(p, 'c')).toEqual([]);
    expect(lentOf(p, 'b')).toEqual(['21>c']);
    expect(p.reasons['a']).toEqual({ [blockKey('default/net', ip(16))]: "overlaps b's block 10.1.2.16-10.1.2.31: b keeps it" });
    const q = plan(model(['b', 'a']), { a: live([block(16, 31)], [20], 'a'), b: live([block(16, 31)], [21], 'b') });
    expect(blocksOf(q, 'a')).toEqual(['16-31 claimed']);
    expect(blocksOf(q, 'b')).toEqual([]);
    expect(lentOf(q, 'a')).toEqual(['21>b']);
  });

  it("the reason names the keeper's first block the loser overlaps", () => {
    const p = plan(model(['a', 'b']), { a: live([block(16, 23), block(24, 31)], [17, 25], 'a'), b: live([block(16, 31)], [18], 'b') });
    expect(blocksOf(p, 'a')).toEqual(['16-23 claimed', '24-31 claimed']);
    expect(p.reasons['b']).toEqual({ [blockKey('default/net', ip(16))]: "overlaps a's block 10.1.2.16-10.1.2.23: a keeps it" });
    expect(lentOf(p, 'a')).toEqual(['18>b']);
  });

  it("a host's own blocks never withdraw one another, claimed or pending", () => {
    const p = plan(model(['h1']), { h1: live([block(16, 31), block(24, 39)]) });
    expect(blocksOf(p, 'h1')).toEqual(['16-31 claimed', '24-39 claimed']);
    const q = plan(model(['h1']), { h1: live([block(16, 31, 'pending'), block(24, 39, 'pending')]) });
    expect(blocksOf(q, 'h1')).toEqual(['16-31 claimed', '24-39 claimed']);
  });
});

describe('pending claims are settled from what every host records', () => {
  it('two hosts pending on overlapping addresses both withdraw', () => {
    const p = plan(model(['a', 'b']), { a: live([block(16, 31, 'pending')]), b: live([block(24, 39, 'pending')]) });
    expect(blocksOf(p, 'a')).toEqual([]);
    expect(blocksOf(p, 'b')).toEqual([]);
    expect(p.reasons).toEqual({
      a: { [blockKey('default/net', ip(16))]: 'claim withdrawn: b records 10.1.2.24-10.1.2.39' },
      b: { [blockKey('default/net', ip(24))]: 'claim withdrawn: a records 10.1.2.16-10.1.2.31' },
    });
  });

  it("a pending claim overlapping the host's own claimed block is withdrawn; the claimed block stays", () => {
    const p = plan(model(['h1']), { h1: live([block(16, 31), block(24, 39, 'pending')]) });
    expect(blocksOf(p, 'h1')).toEqual(['16-31 claimed']);
    expect(p.reasons['h1']).toEqual({ [blockKey('default/net', ip(24))]: 'claim withdrawn: h1 records 10.1.2.16-10.1.2.31' });
  });

  it('a pending claim nobody else records is confirmed', () => {
    const p = plan(model(['a', 'b']), { a: live([block(16, 31, 'pending')]), b: live([block(32, 47)]) });
    expect(blocksOf(p, 'a')).toEqual(['16-31 claimed']);
    expect(p.reasons['a']).toEqual({ [blockKey('default/net', ip(16))]: 'claim confirmed: no other host records it' });
  });
});

describe('addresses lent to endpoints of other hosts', () => {
  it("another host's endpoints on the first and last addresses of a block are lent by its owner", () => {
    const p = plan(model(['h1', 'h2']), { h1: live([block(16, 31)], [20], 'h1'), h2: live([], [16, 31], 'h2') });
    expect(lentOf(p, 'h1')).toEqual(['16>h2', '31>h2']);
    expect(blocksOf(p, 'h2')).toEqual([]);
    expect(p.reasons['h1']).toEqual({
      [lentKey('default', 'net', ip(16))]: 'its endpoint on h2 uses 10.1.2.16, inside this host\'s block',
      [lentKey('default', 'net', ip(31))]: 'its endpoint on h2 uses 10.1.2.31, inside this host\'s block',
    });
  });

  it('each address is lent on its own: one lent record does not cover another endpoint of the same host', () => {
    const p = plan(model(['h1', 'h2']), { h1: live([block(16, 31), lent(20, 'h2')]), h2: live([], [20, 21], 'h2') });
    expect(lentOf(p, 'h1')).toEqual(['20>h2', '21>h2']);
    expect(Object.keys(p.reasons['h1']!)).toEqual([lentKey('default', 'net', ip(21))]);
  });

  it("a lent record whose lender no longer holds a block there is dropped, and the endpoint gets the piece around it", () => {
    const p = plan(model(['h1', 'h2']), { h1: live([lent(20, 'h2')]), h2: live([], [20], 'h2') });
    expect(lentOf(p, 'h1')).toEqual([]);
    expect(p.reasons['h1']).toEqual({ [lentKey('default', 'net', ip(20))]: '10.1.2.20 is no longer in a block of this host' });
    expect(blocksOf(p, 'h2')).toEqual(['16-31 pending']);
    expect(p.reasons['h2']).toEqual({ [blockKey('default/net', ip(16))]: 'claimed around 10.1.2.20, which an endpoint here uses outside any block' });
  });

  it("when the lender's block is lost to another host, the keeper lends the address instead", () => {
    const p = plan(model(['a', 'b', 'c']), { a: live([block(16, 31), lent(20, 'c')]), b: live([block(16, 31)], [17, 18], 'b'), c: live([], [20], 'c') });
    expect(blocksOf(p, 'a')).toEqual([]);
    expect(lentOf(p, 'a')).toEqual([]);
    expect(lentOf(p, 'b')).toEqual(['20>c']);
    expect(p.reasons['a']![lentKey('default', 'net', ip(20))]).toBe('10.1.2.20 is no longer in a block of this host');
  });

  it('an address lent to a host no longer in the Fabric is given back', () => {
    const p = plan(model(['h1']), { h1: live([block(16, 31), lent(20, 'gone')], [17], 'h1') });
    expect(p.records['h1']).toEqual(block(16, 31));
    expect(p.reasons['h1']).toEqual({ [lentKey('default', 'net', ip(20))]: 'no endpoint on gone uses 10.1.2.20 any more' });
  });
});

describe('endpoints outside any block get the piece of their chunk around them', () => {
  it("two hosts' endpoints in one chunk get separate pieces, neither holding the other's address", () => {
    const p = plan(model(['h1', 'h2']), { h1: live([], [20], 'h1'), h2: live([], [25], 'h2') });
    expect(blocksOf(p, 'h1')).toEqual(['16-24 pending']);
    expect(blocksOf(p, 'h2')).toEqual(['25-31 pending']);
    expect(lentOf(p, 'h1')).toEqual([]);
  });

  it("the piece leaves out another host's block in the chunk", () => {
    const p = plan(model(['h1', 'h2']), { h1: live([], [28], 'h1'), h2: live([block(16, 23)], [18], 'h2') });
    expect(blocksOf(p, 'h1')).toEqual(['24-31 pending']);
    expect(blocksOf(p, 'h2')).toEqual(['16-23 claimed']);
  });

  it('no piece is claimed on addresses another host still records, even a block this plan drops', () => {
    // b's empty 16-31 loses to c's 24-31; a's endpoint on 16 lies in b's dropped block only.
    const p = plan(model(['a', 'b', 'c']), { a: live([], [16], 'a'), b: live([block(16, 31)]), c: live([block(24, 31)], [25], 'c') });
    expect(blocksOf(p, 'a')).toEqual([]);
    expect(blocksOf(p, 'b')).toEqual([]);
    expect(blocksOf(p, 'c')).toEqual(['24-31 claimed']);
    expect(p.reasons['a']).toEqual({});
    // The same inside another host's old range, on its last address.
    const q = plan(model(['a', 'b']), { a: live([], [40], 'a'), b: live([{ [legacyKey('default/net')]: '10.1.2.2-10.1.2.40' }]) });
    expect(blocksOf(q, 'a')).toEqual([]);
    expect(q.records['a']).toEqual({});
  });
});

describe('networks and spaces keep to themselves', () => {
  it("another network's blocks, endpoints and lent addresses on the same subnet change nothing in this one", () => {
    const blueEp = (host: string, n: number) => endpoint(host, n, 'blue', 'net');
    const records = Object.assign({}, block(16, 31, 'claimed', 'blue/net'), lent(21, 'h2', 'blue', 'net'));
    const q = planWith([network(), blue], { h1: live([records], [blueEp('h1', 20)]), h2: live([], [blueEp('h2', 21)]) });
    expect(q.reasons).toEqual({ h1: {}, h2: {} });
    expect(q.records).toEqual({ h1: records, h2: {} });
    // The same with another network of the same tenant.
    const other = network({ name: 'other' });
    const mine = Object.assign({}, block(16, 31, 'claimed', 'default/other'), lent(21, 'h2', 'default', 'other'));
    const o = planWith([network(), other], { h1: live([mine], [endpoint('h1', 20, 'default', 'other')]), h2: live([], [endpoint('h2', 21, 'default', 'other')]) });
    expect(o.reasons).toEqual({ h1: {}, h2: {} });
    expect(o.records).toEqual({ h1: mine, h2: {} });
  });

  it("another network's old range does not hold addresses of this one", () => {
    const q = planWith([network(), blue], { h1: live(), h2: live([{ [legacyKey('blue/net')]: '10.1.2.16-10.1.2.100' }]) }, [{ name: 'h1', runtimes: ['cni'] }, 'h2']);
    expect(blocksOf(q, 'h1', 'default/net')).toEqual(['16-31 pending']);
    expect(blocksOf(q, 'h1', 'blue/net')).toEqual(['112-127 pending']);
  });

  it('a block of a space that is gone (its group or pool removed) is dropped, saying why', () => {
    const p = plan(model(['h1']), { h1: live([block(100, 111, 'claimed', 'default/net/gone')], [110], 'h1') });
    expect(p.records['h1']).toEqual({});
    expect(p.reasons['h1']).toEqual({ [blockKey('default/net/gone', ip(100))]: 'default/net/gone is no longer an address space (its group or ipPool is gone)' });
  });

  it('an old range of a space that is gone is dropped, whatever endpoints lie in it', () => {
    const p = plan(model(['h1']), { h1: live([{ [legacyKey('default/net/gone')]: '10.1.2.100-10.1.2.150' }], [110], 'h1') });
    expect(p.records['h1']).toEqual({});
    expect(p.reasons['h1']).toEqual({ [legacyKey('default/net/gone')]: "replaced by blocks around this host's endpoints in it" });
  });
});

describe('old records (one range per host) are migrated to the pieces around the endpoints', () => {
  const gw = network({ gateway: '10.1.2.5' });
  const old = (range: string) => ({ [legacyKey('default/net')]: range });

  it("the piece is the one holding the endpoint, inside the chunk and the old range, when the gateway cuts the chunk", () => {
    for (const e of [10, 15]) {
      const p = planWith([gw], { h1: live([old('10.1.2.1-10.1.2.40')], [e], 'h1') });
      expect(blocksOf(p, 'h1'), `endpoint on ${e}`).toEqual(['6-15 claimed']);
      expect(p.reasons['h1']).toEqual({
        [legacyKey('default/net')]: "replaced by blocks around this host's endpoints in it",
        [blockKey('default/net', ip(6))]: 'recorded the old way (one block per host): the piece around its endpoints is kept',
      });
    }
  });

  it("an endpoint on the old range's last address keeps it; two endpoints of one chunk make one block", () => {
    const p = planWith([gw], { h1: live([old('10.1.2.1-10.1.2.40')], [40], 'h1') });
    expect(blocksOf(p, 'h1')).toEqual(['32-40 claimed']);
    const q = planWith([gw], { h1: live([old('10.1.2.1-10.1.2.40')], [33, 34], 'h1') });
    expect(blocksOf(q, 'h1')).toEqual(['32-40 claimed']);
    expect(q.use).toEqual([{ host: 'h1', space: 'default/net', blocks: 1, size: 9, used: 2, free: 7, low: false }]);
  });

  it("the migrated piece competes with another host's block like any block: the one with the endpoint stays", () => {
    // The other host comes first by name.
    const p = planWith([gw], { h1: live([old('10.1.2.1-10.1.2.40')], [33], 'h1'), a: live([block(32, 47)]) });
    expect(blocksOf(p, 'h1')).toEqual(['32-40 claimed']);
    expect(blocksOf(p, 'a')).toEqual([]);
    expect(lentOf(p, 'a')).toEqual([]);
    expect(p.reasons['a']).toEqual({ [blockKey('default/net', ip(32))]: "overlaps h1's block 10.1.2.32-10.1.2.40: h1 keeps it" });
  });

  it('an endpoint on an address of no space (the gateway) gets no block, and the plan goes on', () => {
    const p = planWith([gw], { h1: live([old('10.1.2.1-10.1.2.40')], [5, 20], 'h1') });
    expect(blocksOf(p, 'h1')).toEqual(['16-31 claimed']);
  });
});

describe('blocks claimed in advance only for runtime hosts, in host name order', () => {
  it('hosts claim their reserve in name order, whatever the order of the Fabric', () => {
    const p = planWith([network()], { ha: live(), hb: live() }, [{ name: 'hb', runtimes: ['cni'] }, { name: 'ha', runtimes: ['cni'] }]);
    expect(blocksOf(p, 'ha')).toEqual(['16-31 pending']);
    expect(blocksOf(p, 'hb')).toEqual(['32-47 pending']);
  });

  it('a runtime host with fewer than a quarter block free claims one more, saying how many it had', () => {
    const used = Array.from({ length: 14 }, (_, i) => 16 + i);
    const p = planWith([network()], { h1: live([block(16, 31)], used, 'h1') }, [{ name: 'h1', runtimes: ['docker', 'cni'] }]);
    expect(blocksOf(p, 'h1')).toEqual(['16-31 claimed', '32-47 pending']);
    expect(p.reasons['h1']).toEqual({ [blockKey('default/net', ip(32))]: 'reserve for containers from docker, cni: 2 free, fewer than 4' });
  });

  it('a runtime host with no free block left to claim is warned, with a hint', () => {
    const tiny = network({ subnet: { address: '10.1.2.0', prefix: 28 } });
    const p = planWith([tiny], { h1: live(), h2: live([block(1, 14)], [5], 'h2') }, [{ name: 'h1', runtimes: ['docker', 'cni'] }, 'h2']);
    expect(blocksOf(p, 'h1')).toEqual([]);
    expect(p.diagnostics).toEqual([
      expect.objectContaining({
        code: 'address-reserve-unavailable',
        address: 'h1',
        message: 'h1 runs containers from docker, cni but has 0 free address(es) in default/net and no free block is left to claim',
        hint: 'free addresses (detach endpoints; empty blocks are released by apply), set a smaller spec.ipam.blockSize, or widen the subnet or ipPool',
      }),
    ]);
  });
});

describe('empty blocks are released only when the space runs short', () => {
  it('with exactly one block of the space left unclaimed the space is not short: empty blocks stay', () => {
    const p = planWith([small], { h1: live([block(1, 15), block(48, 62)]), h2: live([block(16, 31)], [20], 'h2') });
    expect(blocksOf(p, 'h1')).toEqual(['1-15 claimed', '48-62 claimed']);
    expect(p.reasons['h1']).toEqual({});
  });

  it('when short, an empty block goes but one with an endpoint stays, even on its last address', () => {
    const p = planWith([small], { h1: live([block(16, 31), block(32, 47)], [40], 'h1'), h2: live([block(48, 62)], [62], 'h2') });
    expect(blocksOf(p, 'h1')).toEqual(['32-47 claimed']);
    expect(blocksOf(p, 'h2')).toEqual(['48-62 claimed']);
    expect(p.reasons['h1']).toEqual({ [blockKey('default/net', ip(16))]: 'no endpoint left, and default/net runs short of unclaimed addresses' });
    expect(p.use.find((u) => u.host === 'h2')).toEqual({ host: 'h2', space: 'default/net', blocks: 1, size: 15, used: 1, free: 14, low: false });
  });

  it('a runtime host releases its highest empty blocks first and keeps its reserve', () => {
    const p = planWith([small], { h1: live([block(48, 62), block(16, 31, 'pending')]), h2: live([block(32, 47)], [40], 'h2') }, [{ name: 'h1', runtimes: ['cni'] }, 'h2']);
    expect(blocksOf(p, 'h1')).toEqual(['16-31 claimed']);
    expect(p.reasons['h1']).toEqual({
      [blockKey('default/net', ip(16))]: 'claim confirmed: no other host records it',
      [blockKey('default/net', ip(48))]: 'no endpoint left, and default/net runs short of unclaimed addresses; the host keeps 4 or more free without it',
    });
  });

  it('an empty block goes when the host keeps exactly its reserve without it, and stays when it would keep fewer', () => {
    const hosts = [{ name: 'h1', runtimes: ['cni' as const] }, 'h2'];
    const other = live([block(48, 62)], [50], 'h2');
    // 16-31 with 12 endpoints: 4 free, the reserve.
    const four = planWith([small], { h1: live([block(16, 31), block(32, 47)], range(16, 27), 'h1'), h2: other }, hosts);
    expect(blocksOf(four, 'h1')).toEqual(['16-31 claimed']);
    expect(four.use.find((u) => u.host === 'h1')).toMatchObject({ free: 4, low: false });
    // 16-31 with 13 endpoints: 3 free, fewer than the reserve: the empty block stays.
    const three = planWith([small], { h1: live([block(16, 31), block(32, 47)], range(16, 28), 'h1'), h2: other }, hosts);
    expect(blocksOf(three, 'h1')).toEqual(['16-31 claimed', '32-47 claimed']);
    // 3 free in a short space (fewer than a quarter block): running low.
    const low = planWith([small], { h1: live([block(16, 31)], range(16, 28), 'h1'), h2: live([block(32, 47), block(48, 62)], [40, 50], 'h2') });
    expect(low.use.find((u) => u.host === 'h1')).toMatchObject({ free: 3, low: true });
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function planWith(networks: ReturnType<typeof network>[], l: Parameters<typeof plan>[1], hosts?: Parameters<typeof model>[0]) {
  return plan(model(hosts ?? Object.keys(l).sort(), networks), l);
}
