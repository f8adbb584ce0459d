import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import { allocationsAgree, allocationVoters } from '../../../src/plan/allocation-agreement.js';
import { TRUST_HINT } from '../../../src/plan/trust.js';
import { fleet, group, hostWith, modelOf, network, tenant } from './records-support.js';

/*
 * The edges of allocationsAgree: the order records and values are named in (whatever order the
 * hosts were read in), the bounds of the values the allocator could keep, and how many records
 * a refusal or a --trust-host warning names.
 */

const messages = (d: { message: string }[]) => d.map((x) => x.message);

describe('allocationsAgree: order', () => {
  it('names the records in key order, whatever order the hosts hold them in', () => {
    const m = modelOf([network('web', '10.1.0.0/24'), group('fe', 'web')]);
    // h1 is read first and holds only the VNI; the group id comes from hosts read after it.
    const live = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.gid.default.fe': '2', 'contiv.vni.default.web': '6' }, h3: { 'contiv.gid.default.fe': '3' } });
    expect(messages(allocationsAgree(m, live).diagnostics)).toEqual(['hosts disagree about contiv.gid.default.fe: 2 on h2, 3 on h3', 'hosts disagree about contiv.vni.default.web: 5 on h1, 6 on h2']);
  });

  it('orders by tenant, then name: blue/web before blue2/web', () => {
    const m = modelOf([tenant('blue'), tenant('blue2'), network('web', '10.1.0.0/24', '', 'blue'), network('web', '10.2.0.0/24', '', 'blue2')]);
    const live = fleet({ h1: { 'contiv.vni.blue2.web': '5', 'contiv.vni.blue.web': '7' }, h2: { 'contiv.vni.blue2.web': '6', 'contiv.vni.blue.web': '8' } });
    expect(messages(allocationsAgree(m, live).diagnostics)).toEqual(['hosts disagree about contiv.vni.blue.web: 7 on h1, 8 on h2', 'hosts disagree about contiv.vni.blue2.web: 5 on h1, 6 on h2']);
  });

  it('names the value most hosts record first, though a host read before them records another', () => {
    const web = modelOf([network('web', '10.1.0.0/24')]);
    expect(messages(allocationsAgree(web, fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '7' }, h3: { 'contiv.vni.default.web': '7' } })).diagnostics)).toEqual([
      'hosts disagree about contiv.vni.default.web: 7 on 2 hosts (h2, h3), 5 on h1',
    ]);
    expect(messages(allocationsAgree(web, fleet({ h1: { 'contiv.vni.default.web': '7' }, h2: { 'contiv.vni.default.web': '5' }, h3: { 'contiv.vni.default.web': '5' } })).diagnostics)).toEqual([
      'hosts disagree about contiv.vni.default.web: 5 on 2 hosts (h2, h3), 7 on h1',
    ]);
  });

  it('on a tie, names the lower value first, though the host read first records the higher', () => {
    const web = modelOf([network('web', '10.1.0.0/24')]);
    expect(messages(allocationsAgree(web, fleet({ h1: { 'contiv.vni.default.web': '9' }, h2: { 'contiv.vni.default.web': '5' } })).diagnostics)).toEqual(['hosts disagree about contiv.vni.default.web: 5 on h2, 9 on h1']);
  });
});

describe('allocationsAgree: the values the allocator could keep', () => {
  it('the last VNI of vniRange is one, the next is not', () => {
    const m = modelOf([network('web', '10.1.0.0/24')], 3, '100-199');
    expect(messages(allocationsAgree(m, fleet({ h1: { 'contiv.vni.default.web': '100' }, h2: { 'contiv.vni.default.web': '199' } })).diagnostics)).toEqual(['hosts disagree about contiv.vni.default.web: 100 on h1, 199 on h2']);
    expect(allocationsAgree(m, fleet({ h1: { 'contiv.vni.default.web': '100' }, h2: { 'contiv.vni.default.web': '200' } })).diagnostics).toEqual([]);
  });

  it('the last group id and zone are ones, the next are not', () => {
    const m = modelOf([network('web', '10.1.0.0/24'), group('fe', 'web')]);
    expect(messages(allocationsAgree(m, fleet({ h1: { 'contiv.gid.default.fe': '2', 'contiv.zone.default': '1' }, h2: { 'contiv.gid.default.fe': '4094', 'contiv.zone.default': '65535' } })).diagnostics)).toEqual([
      'hosts disagree about contiv.gid.default.fe: 2 on h1, 4094 on h2',
      'hosts disagree about contiv.zone.default: 1 on h1, 65535 on h2',
    ]);
    expect(allocationsAgree(m, fleet({ h1: { 'contiv.gid.default.fe': '2', 'contiv.zone.default': '1' }, h2: { 'contiv.gid.default.fe': '4095', 'contiv.zone.default': '65536' } })).diagnostics).toEqual([]);
  });

  it('a network whose vni the manifests give is not the hosts to decide, even with two values inside vniRange', () => {
    // Recorded when web's VNI was allocated; the manifests give it one since.
    const given = modelOf([network('web', '10.1.0.0/24', ', vni: 20000'), network('app', '10.2.0.0/24')]);
    const live = fleet({ h1: { 'contiv.vni.default.web': '5', 'contiv.vni.default.app': '30' }, h2: { 'contiv.vni.default.web': '7', 'contiv.vni.default.app': '31' } });
    expect(messages(allocationsAgree(given, live).diagnostics)).toEqual(['hosts disagree about contiv.vni.default.app: 30 on h1, 31 on h2']);
  });
});

describe('allocationsAgree with --trust-host: edges', () => {
  const web = modelOf([network('web', '10.1.0.0/24')]);

  it('names every other value it was taken over, with their hosts', () => {
    const live = fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '7' }, h3: { 'contiv.vni.default.web': '9' } });
    expect(messages(allocationsAgree(web, live, 'h1').diagnostics)).toEqual(['taken from h1 (--trust-host) where hosts disagree: contiv.vni.default.web = 5, not 7 as on h2 nor 9 as on h3']);
  });

  it('does not settle a record the trusted host itself records two values of (on two bridges)', () => {
    const h1 = hostWith('h1', { 'contiv.vni.default.web': '5' });
    const own = h1.state.bridges[BRIDGE]!;
    h1.state.bridges['br-old'] = { ...own, name: 'br-old', externalIds: { 'contiv.vni.default.web': '7' } };
    const live = { h1, h2: hostWith('h2', { 'contiv.vni.default.web': '5' }) };
    expect(allocationsAgree(web, live, 'h1').diagnostics).toEqual([
      { severity: 'error', code: 'host-records-disagree', message: 'hosts disagree about contiv.vni.default.web: 5 on all 2 hosts, 7 on h1; h1 (--trust-host) records more than one of them', hint: TRUST_HINT },
    ]);
  });

  it('a trusted host not among the hosts read adds no votes', () => {
    const states = Object.values(fleet({ h1: { 'contiv.vni.default.web': '5' }, h2: { 'contiv.vni.default.web': '7' } })).map((l) => l.state);
    expect(allocationVoters(states, 'h9')).toEqual(states);
    expect(allocationVoters(states)).toEqual(states);
    expect(allocationVoters(states, 'h2').map((s) => s.host)).toEqual(['h1', 'h2', 'h2', 'h2']);
  });
});

describe('allocationsAgree: how many records are named', () => {
  // n00…n<count-1>, named so that key order is number order.
  const names = (count: number) => Array.from({ length: count }, (_, i) => `n${String(i).padStart(2, '0')}`);
  const modelWith = (count: number) => modelOf(names(count).map((n, i) => network(n, `10.${i}.0.0/24`)), 2);
  const liveWith = (count: number) => fleet({ h1: Object.fromEntries(names(count).map((n, i) => [`contiv.vni.default.${n}`, String(1 + i)])), h2: Object.fromEntries(names(count).map((n, i) => [`contiv.vni.default.${n}`, String(101 + i)])) });

  it('ten records hosts disagree about are ten errors; an eleventh is told as one more, with the same code and hint', () => {
    expect(allocationsAgree(modelWith(10), liveWith(10)).diagnostics).toHaveLength(10);
    const d = allocationsAgree(modelWith(11), liveWith(11)).diagnostics;
    expect(d).toHaveLength(11);
    expect(d[9]!.message).toBe('hosts disagree about contiv.vni.default.n09: 10 on h1, 110 on h2');
    expect(d[10]).toEqual({ severity: 'error', code: 'host-records-disagree', message: 'and 1 more records hosts disagree about', hint: TRUST_HINT });
  });

  it('a warning for records taken from the trusted host names ten of them, then how many more', () => {
    const taken = (count: number) => names(count).map((n, i) => `contiv.vni.default.${n} = ${1 + i}, not ${101 + i} as on h2`);
    expect(allocationsAgree(modelWith(10), liveWith(10), 'h1').diagnostics).toEqual([
      { severity: 'warning', code: 'host-records-trusted', message: `taken from h1 (--trust-host) where hosts disagree: ${taken(10).join('; ')}` },
    ]);
    expect(allocationsAgree(modelWith(12), liveWith(12), 'h1').diagnostics).toEqual([
      { severity: 'warning', code: 'host-records-trusted', message: `taken from h1 (--trust-host) where hosts disagree: ${taken(10).join('; ')}; and 2 more` },
    ]);
  });
});
