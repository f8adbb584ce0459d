import { describe, expect, it } from 'vitest';
import type { PolicyRule, PolicyView } from '../../../src/policy/decide.js';
import { policyMeaning, type NetworkView } from '../../../src/policy/meaning.js';

/*
 * The plan's "what the policy changes mean" lines, case by case. Views are written by hand
 * (as the plan reads the last-applied model back from the hosts: rules without source
 * positions), so "a policy changed" means exactly "its rules changed".
 */

type View = PolicyView & { networks: NetworkView[] };
type Group = View['groups'][number];
type Pol = View['policies'][number];

const g = (name: string, policies: string[] = [], network = 'net', tenant = 'default'): Group => ({ tenant, name, network, policies });
const pol = (name: string, rules: PolicyRule[], tenant = 'default'): Pol => ({ tenant, name, rules });
const r = (id: string, direction: 'in' | 'out', priority: number, protocol: PolicyRule['protocol'], action: 'allow' | 'deny', extra: Partial<PolicyRule> = {}): PolicyRule => ({ id, direction, priority, protocol, action, ...extra });
const NET: NetworkView[] = [{ tenant: 'default', name: 'net' }];

function view(groups: readonly Group[], policies: readonly Pol[], networks: NetworkView[] = NET): View {
  return { networks, groups, policies };
}

function lines(before: View, after: View): string[] {
  return policyMeaning(before, after).map((l) => `${l.symbol} ${l.subject}: ${l.text}`);
}

/** web and db on `net`; `policy` (rules) is added to db. */
function addedToDb(rules: PolicyRule[]): string[] {
  return lines(view([g('web'), g('db')], []), view([g('web'), g('db', ['p'])], [pol('p', rules)]));
}

describe('what changed', () => {
  it('nothing changed: no line, even with policies in place', () => {
    const v = view([g('web', ['p']), g('db')], [pol('p', [r('1', 'in', 1, 'tcp', 'deny')])]);
    expect(lines(v, structuredClone(v))).toEqual([]);
  });

  it('detaching an unchanged policy from a group is a change, named after the policy', () => {
    const rules = [r('1', 'in', 1, 'tcp', 'deny')];
    expect(lines(view([g('web'), g('db', ['p'])], [pol('p', rules)]), view([g('web'), g('db')], [pol('p', rules)]))).toEqual(['~ default/p: tcp into db becomes allowed']);
  });

  it('a group moved between policies is a change, however the names would run together', () => {
    const rules = (protocol: 'tcp' | 'udp' | 'icmp') => [r('1', 'in', 1, protocol, 'deny')];
    const policies = [pol('a', rules('tcp')), pol('bc', rules('udp')), pol('ab', rules('icmp')), pol('c', rules('tcp'))];
    expect(lines(view([g('web'), g('db', ['a', 'bc'])], policies), view([g('web'), g('db', ['ab', 'c'])], policies))).toEqual(['~ default/ab: icmp into db becomes denied', '~ default/bc: udp into db becomes allowed']);
  });

  it('one of two policies of a group changes: its change shows', () => {
    const a = [r('1', 'in', 1, 'tcp', 'deny')];
    const b = [r('1', 'in', 1, 'icmp', 'deny')];
    const before = view([g('web'), g('db', ['a', 'b'])], [pol('a', a), pol('b', b)]);
    const after = view([g('web'), g('db', ['a', 'b'])], [pol('a', [...a, r('2', 'in', 1, 'udp', 'deny')]), pol('b', b)]);
    expect(lines(before, after)).toEqual(['~ default/a: udp into db becomes denied']);
  });

  it('a removed policy is "-" even when other policies remain; an added one "+"', () => {
    const p = pol('p', [r('1', 'in', 1, 'tcp', 'deny')]);
    const q = pol('q', [r('1', 'in', 1, 'udp', 'deny')]);
    expect(lines(view([g('web', ['q']), g('db', ['p'])], [p, q]), view([g('web', ['q']), g('db')], [q]))).toEqual(['- default/p: tcp into db becomes allowed (policy removed)']);
    expect(lines(view([g('web', ['q']), g('db')], [q]), view([g('web', ['q']), g('db', ['p'])], [q, p]))).toEqual(['+ default/p: tcp into db becomes denied (policy added)']);
  });

  it('a group listing a policy the hosts have no readable record of: that policy counts as absent', () => {
    const before = view([g('web'), g('db', ['p'])], []);
    const after = view([g('web'), g('db', ['p'])], [pol('p', [r('1', 'in', 1, 'icmp', 'deny')])]);
    expect(lines(before, after)).toEqual(['+ default/p: icmp into db becomes denied (policy added)']);
  });
});

describe('which networks, in which order', () => {
  it('one block per network, in tenant/network order, each about its own groups only', () => {
    const networks: NetworkView[] = [
      { tenant: 'default', name: 'net' },
      { tenant: 'blue', name: 'net' },
      { tenant: 'default', name: 'other' },
    ];
    const groups = (p: string[]) => [g('web', p), g('app', p, 'other'), g('web', p, 'net', 'blue')];
    const policies = [pol('p', [r('1', 'in', 1, 'icmp', 'deny')]), pol('p', [r('1', 'in', 1, 'icmp', 'deny')], 'blue')];
    expect(lines(view(groups([]), [], networks), view(groups(['p']), policies, networks))).toEqual([
      '+ blue/p: icmp into web becomes denied (policy added)',
      // default/net before default/other, although "app" sorts before "web"
      '+ default/p: icmp into web becomes denied (policy added)',
      '+ default/p: icmp into app becomes denied (policy added)',
    ]);
  });

  it('a change on one network says nothing about another network of the same tenant', () => {
    const networks: NetworkView[] = [{ tenant: 'default', name: 'net' }, { tenant: 'default', name: 'other' }];
    const before = view([g('web'), g('db'), g('app', [], 'other'), g('cache', [], 'other')], [], networks);
    const after = view([g('web'), g('db', ['p']), g('app', [], 'other'), g('cache', [], 'other')], [pol('p', [r('1', 'in', 1, 'tcp', 'deny', { peer: { kind: 'group', value: 'web' } })])], networks);
    expect(lines(before, after)).toEqual(['+ default/p: web → db tcp becomes denied (policy added)']);
  });
});

describe('the questions asked come from the rules of every group on the network', () => {
  // Three groups; only the last one's policy has ports: its port boundary must still be asked about.
  const before = (extra: Pol[] = []) => view([g('a'), g('b', ['pb']), g('c', ['pc'])], [...extra, pol('pb', [r('1', 'in', 1, 'icmp', 'deny')]), pol('pc', [r('1', 'in', 1, 'tcp', 'deny')])]);
  const after = (extra: Pol[] = []) =>
    view([g('a'), g('b', ['pb']), g('c', ['pc'])], [...extra, pol('pb', [r('1', 'in', 1, 'icmp', 'deny')]), pol('pc', [r('1', 'in', 1, 'tcp', 'deny'), r('2', 'in', 10, 'tcp', 'allow', { ports: { first: 5432, last: 5432 }, peer: { kind: 'group', value: 'a' } })])]);

  it('the last group of three', () => {
    expect(lines(before(), after())).toEqual(['~ default/pc: a → c tcp/5432 becomes allowed']);
  });

  it('a policy listed before the group’s own, in the same or another tenant, lends it no rules', () => {
    const decoys = [pol('pc', [r('1', 'in', 1, 'icmp', 'deny')], 'blue'), pol('pa', [r('1', 'in', 1, 'udp', 'deny')])];
    expect(lines(before(decoys), after(decoys))).toEqual(['~ default/pc: a → c tcp/5432 becomes allowed']);
  });

  it('a group of the same name in another tenant lends it no rules', () => {
    const networks: NetworkView[] = [{ tenant: 'default', name: 'net' }, { tenant: 'blue', name: 'net' }];
    const other = [g('a', [], 'net', 'blue'), g('b', [], 'net', 'blue'), g('c', [], 'net', 'blue')];
    const b = before();
    const a = after();
    expect(lines(view([...other, ...b.groups], b.policies, networks), view([...other, ...a.groups], a.policies, networks))).toEqual(['~ default/pc: a → c tcp/5432 becomes allowed']);
  });
});

describe('ports, as a reviewer reads them', () => {
  const deny = (...ranges: Array<[number, number]>) => ranges.map(([first, last], i) => r(String(i), 'in', 1, 'tcp', 'deny', { ports: { first, last } }));
  const cases: Array<[Array<[number, number]>, string]> = [
    [[[1, 65535]], 'tcp'],
    [[[5432, 5432]], 'tcp/5432'],
    [[[22, 22], [80, 80], [81, 90]], 'tcp/22,80-90'],
    [[[1024, 65535]], 'tcp except 1-1023'],
    [[[40000, 65535]], 'tcp/40000-65535'],
    [[[1, 32767]], 'tcp/1-32767'],
    [[[1, 32768]], 'tcp except 32769-65535'],
    [[[1, 60000]], 'tcp except 60001-65535'],
    [[[1, 65534]], 'tcp except 65535'],
    [[[2, 65534]], 'tcp/2-65534'],
    [[[1, 10000], [10002, 20000], [20002, 30000], [30002, 65535]], 'tcp except 10001,20001,30001'],
    [[[1, 10000], [10002, 20000], [20002, 30000], [30002, 40000], [40002, 65535]], 'tcp/1-10000,10002-20000,20002-30000,30002-40000,40002-65535'],
  ];
  for (const [ranges, text] of cases) {
    it(`${ranges.map(([a, b]) => `${a}-${b}`).join(' ')} → ${text}`, () => {
      expect(addedToDb(deny(...ranges))).toEqual([`+ default/p: ${text} into db becomes denied (policy added)`]);
    });
  }
});

describe('protocols', () => {
  it('a protocol number is its own line; "other protocols" never stands for a number a rule names', () => {
    expect(addedToDb([r('1', 'in', 1, 2, 'deny'), r('2', 'in', 1, 'icmp', 'deny')])).toEqual(['+ default/p: icmp into db becomes denied (policy added)', '+ default/p: protocol 2 into db becomes denied (policy added)']);
    expect(addedToDb([r('1', 'in', 2, 47, 'allow'), r('2', 'in', 1, 'any', 'deny'), r('3', 'in', 2, 'tcp', 'allow'), r('4', 'in', 2, 'udp', 'allow')])).toEqual([
      '+ default/p: icmp into db becomes denied (policy added)',
      '+ default/p: other protocols into db becomes denied (policy added)',
    ]);
  });

  it('"other protocols" is never tcp or udp, however many low protocol numbers the rules name', () => {
    const named = (numbers: number[]) => numbers.map((n) => r(`n${n}`, 'in', 1, n, 'deny'));
    // Protocols 2-5 named: the stand-in for the rest skips 6 (tcp), so a tcp change is only "tcp".
    expect(addedToDb([...named([2, 3, 4, 5]), r('t', 'in', 1, 'tcp', 'deny')])).toEqual([
      ...[2, 3, 4, 5].map((n) => `+ default/p: protocol ${n} into db becomes denied (policy added)`),
      '+ default/p: tcp into db becomes denied (policy added)',
    ]);
    // Protocols 2-16 named: it skips 17 (udp) as well.
    const low = [2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    expect(addedToDb([...named(low), r('u', 'in', 1, 'udp', 'deny')])).toEqual(
      [...low.map((n) => `+ default/p: protocol ${n} into db becomes denied (policy added)`), '+ default/p: udp into db becomes denied (policy added)'].sort(),
    );
  });

  it('tcp, udp, icmp and other protocols together are "all traffic"; fewer are listed one by one', () => {
    expect(addedToDb([r('1', 'in', 1, 'any', 'deny')])).toEqual(['+ default/p: all traffic into db becomes denied (policy added)']);
    expect(addedToDb([r('1', 'in', 1, 'tcp', 'deny'), r('2', 'in', 1, 'udp', 'deny')])).toEqual(['+ default/p: tcp into db becomes denied (policy added)', '+ default/p: udp into db becomes denied (policy added)']);
    expect(addedToDb([r('1', 'in', 1, 'any', 'deny'), r('2', 'in', 2, 'icmp', 'allow')])).toEqual([
      '+ default/p: other protocols into db becomes denied (policy added)',
      '+ default/p: tcp into db becomes denied (policy added)',
      '+ default/p: udp into db becomes denied (policy added)',
    ]);
  });

  it('"all traffic" joins only changes of one policy, one source and one destination', () => {
    // Into db: tcp and udp from web, icmp and the rest from app: four facts, not "all traffic".
    const from = (value: string) => ({ peer: { kind: 'group' as const, value } });
    const into = [r('1', 'in', 1, 'tcp', 'deny', from('web')), r('2', 'in', 1, 'udp', 'deny', from('web')), r('3', 'in', 1, 'any', 'deny', from('app')), r('4', 'in', 2, 'tcp', 'allow', from('app')), r('5', 'in', 2, 'udp', 'allow', from('app'))];
    expect(lines(view([g('web'), g('app'), g('db')], []), view([g('web'), g('app'), g('db', ['p'])], [pol('p', into)]))).toEqual([
      '+ default/p: app → db icmp becomes denied (policy added)',
      '+ default/p: app → db other protocols becomes denied (policy added)',
      '+ default/p: web → db tcp becomes denied (policy added)',
      '+ default/p: web → db udp becomes denied (policy added)',
    ]);
    // From web: tcp and udp to db, icmp and the rest to app.
    const to = (value: string) => ({ peer: { kind: 'group' as const, value } });
    const out = [r('1', 'out', 1, 'tcp', 'deny', to('db')), r('2', 'out', 1, 'udp', 'deny', to('db')), r('3', 'out', 1, 'any', 'deny', to('app')), r('4', 'out', 2, 'tcp', 'allow', to('app')), r('5', 'out', 2, 'udp', 'allow', to('app'))];
    expect(lines(view([g('web'), g('app'), g('db')], []), view([g('web', ['p']), g('app'), g('db')], [pol('p', out)]))).toEqual([
      '+ default/p: web → app icmp becomes denied (policy added)',
      '+ default/p: web → app other protocols becomes denied (policy added)',
      '+ default/p: web → db tcp becomes denied (policy added)',
      '+ default/p: web → db udp becomes denied (policy added)',
    ]);
    // Two policies, one destination each: not joined either.
    expect(
      lines(
        view([g('web'), g('x'), g('y')], []),
        view([g('web'), g('x', ['px']), g('y', ['py'])], [pol('px', [r('1', 'in', 1, 'tcp', 'deny'), r('2', 'in', 1, 'udp', 'deny')]), pol('py', [r('1', 'in', 1, 'any', 'deny'), r('2', 'in', 2, 'tcp', 'allow'), r('3', 'in', 2, 'udp', 'allow')])]),
      ),
    ).toEqual([
      '+ default/px: tcp into x becomes denied (policy added)',
      '+ default/px: udp into x becomes denied (policy added)',
      '+ default/py: icmp into y becomes denied (policy added)',
      '+ default/py: other protocols into y becomes denied (policy added)',
    ]);
  });
});

describe('sources', () => {
  it('several sources are listed sorted, CIDRs and groups alike', () => {
    expect(addedToDb([r('1', 'in', 1, 'tcp', 'deny', { peer: { kind: 'group', value: 'web' } }), r('2', 'in', 1, 'tcp', 'deny', { peer: { kind: 'cidr', value: '10.1.2.0/28' } })])).toEqual([
      '+ default/p: 10.1.2.0/28, web → db tcp becomes denied (policy added)',
    ]);
  });

  it('group members stand for addresses outside every CIDR the rules name, wherever those lie', () => {
    // 0.0.0.0/1 holds the subnet: still only the CIDR's own sources change.
    expect(addedToDb([r('1', 'in', 1, 'tcp', 'deny', { peer: { kind: 'cidr', value: '0.0.0.0/1' } })])).toEqual(['+ default/p: 0.0.0.0/1 → db tcp becomes denied (policy added)']);
    // CIDRs at both ends of the address space.
    expect(addedToDb([r('1', 'in', 1, 'tcp', 'deny', { peer: { kind: 'cidr', value: '128.0.0.0/1' } }), r('2', 'in', 1, 'udp', 'deny', { peer: { kind: 'cidr', value: '0.0.0.0/8' } })])).toEqual([
      '+ default/p: 0.0.0.0/8 → db udp becomes denied (policy added)',
      '+ default/p: 128.0.0.0/1 → db tcp becomes denied (policy added)',
    ]);
    // At the very top of the address space, down to a single address.
    for (const cidr of ['255.255.255.254/31', '255.255.255.254/32']) {
      expect(addedToDb([r('1', 'in', 1, 'tcp', 'deny', { peer: { kind: 'cidr', value: cidr } })])).toEqual([`+ default/p: ${cidr} → db tcp becomes denied (policy added)`]);
    }
    // 0.0.0.0/0 is everyone.
    expect(addedToDb([r('1', 'in', 1, 'tcp', 'deny', { peer: { kind: 'cidr', value: '0.0.0.0/0' } })])).toEqual(['+ default/p: tcp into db becomes denied (policy added)']);
  });
});

describe('networks too large to spell out', () => {
  const many = (n: number, network = 'net') => Array.from({ length: n }, (_, i) => g(`g${String(i).padStart(3, '0')}`, [], network));
  // 200 candidates (199 groups + endpoints without a group) × 10 questions (tcp 3, udp 3, icmp, protocols 47 and 50, other) = 400000: still spelled out.
  const rules = (gre: 'allow' | 'deny') => [
    r('1', 'in', 1, 'tcp', 'deny', { ports: { first: 100, last: 200 } }),
    r('2', 'in', 1, 'udp', 'deny', { ports: { first: 300, last: 400 } }),
    r('3', 'in', 1, 47, gre),
    r('4', 'in', 1, 50, 'deny'),
  ];
  const at = (groups: number, gre: 'allow' | 'deny') => {
    const gs = many(groups);
    gs[0]!.policies = ['p'];
    return view(gs, [pol('p', rules(gre))]);
  };

  it('400000 decisions per network are spelled out; one group more is summarised by policy', () => {
    expect(lines(at(199, 'deny'), at(199, 'allow'))).toEqual(['~ default/p: protocol 47 into g000 becomes allowed']);
    expect(lines(at(200, 'deny'), at(200, 'allow'))).toEqual(['~ default/p: rules change (too many combinations on net to spell out; run contiv verify after apply)']);
  });

  it('the summary names only the policies that changed, of its own tenant; a large network where nothing changed says nothing', () => {
    const networks: NetworkView[] = [{ tenant: 'default', name: 'net' }, { tenant: 'default', name: 'small' }, { tenant: 'blue', name: 'net' }];
    const build = (changeBig: boolean, changeSmall: boolean) => {
      const big = many(320);
      big[0]!.policies = ['same'];
      big[1]!.policies = ['big'];
      return view(
        [...big, g('s1', ['small'], 'small'), g('s2', [], 'small'), g('b1', ['blue'], 'net', 'blue'), g('b2', [], 'net', 'blue')],
        [
          pol('same', [r('1', 'in', 1, 'tcp', 'deny')]),
          pol('big', [r('1', 'in', 1, changeBig ? 'udp' : 'tcp', 'deny')]),
          pol('small', [r('1', 'in', 1, changeSmall ? 'udp' : 'tcp', 'deny')]),
          pol('blue', [r('1', 'in', 1, changeBig ? 'udp' : 'tcp', 'deny')], 'blue'),
        ],
        networks,
      );
    };
    // Only the small network changed: one spelled-out line, nothing about the large one.
    expect(lines(build(false, false), build(false, true))).toEqual(['~ default/small: tcp into s1 becomes allowed', '~ default/small: udp into s1 becomes denied']);
    // The large network changed (and blue): only default/big is summarised there; blue is spelled out.
    expect(lines(build(false, false), build(true, false))).toEqual([
      '~ blue/blue: tcp into b1 becomes allowed',
      '~ blue/blue: udp into b1 becomes denied',
      '~ default/big: rules change (too many combinations on net to spell out; run contiv verify after apply)',
    ]);
  });
});
