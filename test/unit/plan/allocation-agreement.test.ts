import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/compile/allocate.js';
import { encodeModel } from '../../../src/compile/model-blob.js';
import { allocationsAgree, allocationVoters } from '../../../src/plan/allocation-agreement.js';
import { fleet, group, modelOf, network, tenant } from './records-support.js';

/*
 * Hosts that record different values for one allocation: refused, naming the record, each value
 * and its hosts, unless --trust-host names a host holding one; what a partial apply leaves
 * (a key on some hosts only, a value the manifests now rule out beside the new one) is not a
 * disagreement, so a second plain plan runs.
 */

const HINT = "find out which host's records are right (records edited by hand, or written by a host that lies, are not); then plan again with --trust-host NAME to take that host's records where hosts disagree";
const web = modelOf([network('web', '10.1.0.0/24')]);
const states = (live: ReturnType<typeof fleet>) => Object.values(live).map((l) => l.state);

describe('allocationsAgree: VNIs', () => {
  it('refuses two values of one VNI the allocator could each keep, naming the record, each value (most hosts first) and its hosts', () => {
    const live = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '5' }, h3: { 'contiv.vni.default.web': '7' } });
    expect(allocationsAgree(web, live).diagnostics).toEqual([{ severity: 'error', code: 'host-records-disagree', message: 'hosts disagree about contiv.vni.default.web: 5 on 2 hosts (h1, h2), 7 on h3', hint: HINT }]);
  });

  it('reads records in the model chunks as apply writes them, as well as one key each', () => {
    const live = fleet({ h1: encodeModel({ 'contiv.vni.default.web': '5' }), h2: { 'contiv.vni.default.web': '9' } });
    expect(allocationsAgree(web, live).diagnostics.map((d) => d.message)).toEqual(['hosts disagree about contiv.vni.default.web: 5 on h1, 9 on h2']);
  });

  it('a key some hosts record and others do not is no disagreement (a partial apply added it), nor is a fresh host', () => {
    const live = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: {}, h3: undefined });
    expect(allocationsAgree(web, live).diagnostics).toEqual([]);
  });

  it('a value the manifests rule out beside the one that can be kept is no disagreement: outside vniRange, a given vni, an object gone', () => {
    // A partial apply of a vniRange change: h1 has the new VNI, h2 the old one, outside the range now.
    const narrowed = modelOf([network('web', '10.1.0.0/24')], 3, '100-199');
    expect(allocationsAgree(narrowed, fleet({ h1: { 'contiv.vni.default.web': '100' }, h2: { 'contiv.vni.default.web': '2' } })).diagnostics).toEqual([]);
    // The manifests give the VNI: whatever the hosts record, it is not theirs to decide.
    const given = modelOf([network('web', '10.1.0.0/24', ', vni: 20000')]);
    expect(allocationsAgree(given, fleet({ h1: { 'contiv.vni.default.web': '20000' }, h2: { 'contiv.vni.default.web': '7' } })).diagnostics).toEqual([]);
    // A network no longer in the manifests: every value it held is avoided anyway.
    expect(allocationsAgree(web, fleet({ h1: { 'contiv.vni.default.old': '3' }, h2: { 'contiv.vni.default.old': '4' } })).diagnostics).toEqual([]);
    // Nor is a value that is not a number.
    expect(allocationsAgree(web, fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': 'five' } })).diagnostics).toEqual([]);
  });

  it('but two values inside the range are refused, whatever else is recorded', () => {
    const narrowed = modelOf([network('web', '10.1.0.0/24')], 3, '100-199');
    const live = fleet({ h1: { 'contiv.vni.default.web': '100' }, h2: { 'contiv.vni.default.web': '2' }, h3: { 'contiv.vni.default.web': '150' } });
    expect(allocationsAgree(narrowed, live).diagnostics.map((d) => d.message)).toEqual(['hosts disagree about contiv.vni.default.web: 100 on h1, 150 on h3']);
  });

  it('"02" and "2" are one value, as the allocator reads them', () => {
    expect(allocationsAgree(web, fleet({ h1: { 'contiv.vni.default.web': '2' }, h2: { 'contiv.vni.default.web': '02' } })).diagnostics).toEqual([]);
  });
});

describe('allocationsAgree: group ids and conntrack zones', () => {
  const m = modelOf([tenant('blue'), network('web', '10.1.0.0/24'), group('fe', 'web')]);

  it('refuses a group id or a zone recorded with two values, each record on its own, sorted', () => {
    const live = fleet({
      h1: { 'contiv.gid.default.fe': '2', 'contiv.zone.blue': '1', 'contiv.zone.default': '2' },
      h2: { 'contiv.gid.default.fe': '3', 'contiv.zone.blue': '1', 'contiv.zone.default': '3' },
    });
    expect(allocationsAgree(m, live).diagnostics.map((d) => d.message)).toEqual([
      'hosts disagree about contiv.gid.default.fe: 2 on h1, 3 on h2',
      'hosts disagree about contiv.zone.default: 2 on h1, 3 on h2',
    ]);
  });

  it('a group id outside the ids a group may have is not one the allocator could keep', () => {
    expect(allocationsAgree(m, fleet({ h1: { 'contiv.gid.default.fe': '2' }, h2: { 'contiv.gid.default.fe': '1' } })).diagnostics).toEqual([]);
  });
});

describe('--trust-host', () => {
  const tie = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '7' } });

  it("takes the trusted host's value, saying so in a warning", () => {
    expect(allocationsAgree(web, tie, 'h2').diagnostics).toEqual([
      { severity: 'warning', code: 'host-records-trusted', message: 'taken from h2 (--trust-host) where hosts disagree: contiv.vni.default.web = 7, not 5 as on h1' },
    ]);
  });

  it("makes the allocator keep the trusted host's value, though fewer hosts record it", () => {
    const three = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '5' }, h3: { 'contiv.vni.default.web': '7' } });
    expect(allocate(web, allocationVoters(states(three))).allocations.vni['default/web']).toBe(5);
    expect(allocate(web, allocationVoters(states(three), 'h3')).allocations.vni['default/web']).toBe(7);
    // A tie goes to the lower value without it.
    expect(allocate(web, allocationVoters(states(tie))).allocations.vni['default/web']).toBe(5);
    expect(allocate(web, allocationVoters(states(tie), 'h2')).allocations.vni['default/web']).toBe(7);
  });

  it('changes nothing where the hosts agree', () => {
    const m = modelOf([network('web', '10.1.0.0/24'), network('app', '10.2.0.0/24')], 3, '100-199');
    // web: h2's old VNI is outside the range; app: only h1 records it.
    const live = fleet({ h1: { 'contiv.vni.default.web': '101', 'contiv.vni.default.app': '150' }, h2: { 'contiv.vni.default.web': '2' } });
    expect(allocationsAgree(m, live, 'h2').diagnostics).toEqual([]);
    expect(allocate(m, allocationVoters(states(live), 'h2')).allocations.vni).toEqual(allocate(m, states(live)).allocations.vni);
    expect(allocationVoters(states(live), 'h2').length).toBe(4);
  });

  it('does not settle a record the trusted host holds none of the values of', () => {
    const live = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '7' }, h3: {} });
    expect(allocationsAgree(web, live, 'h3').diagnostics.map((d) => [d.code, d.message])).toEqual([['host-records-disagree', 'hosts disagree about contiv.vni.default.web: 5 on h1, 7 on h2; h3 (--trust-host) records none of them']]);
  });
});

describe('allocationsAgree at scale', () => {
  it('names at most ten records, then how many more; and long host lists in ranges', () => {
    const many = modelOf(Array.from({ length: 12 }, (_, i) => network(`n${i}`, `10.${i}.0.0/24`)), 1000);
    const ids = (v: string) => Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`contiv.vni.default.n${i}`, String(Number(v) + i)]));
    const honest = encodeModel(ids('1'));
    const live = fleet(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`h${i + 1}`, i === 499 ? ids('101') : honest])));
    const d = allocationsAgree(many, live).diagnostics;
    expect(d.length).toBe(11);
    expect(d[0]!.message).toBe('hosts disagree about contiv.vni.default.n0: 1 on 999 hosts (h1–h499, h501–h1000), 101 on h500');
    expect(d[10]!.message).toBe('and 2 more records hosts disagree about');
  });
});
