import { describe, expect, it } from 'vitest';
import { decide, ruleMatches, type Party, type PolicyRule, type PolicyView } from '../../../src/policy/decide.js';

/*
 * decide() case by case, CONTEXT §4: which rule decides each side, ties, ports, protocols,
 * peers, and views as the plan reads them back from the hosts (where a record may be missing).
 */

const rule = (id: string, direction: 'in' | 'out', priority: number, action: 'allow' | 'deny', extra: Partial<PolicyRule> = {}): PolicyRule => ({ id, direction, priority, protocol: 'any', action, ...extra });
const on = (group: string | undefined, ip: string, network = 'net'): Party => ({ tenant: 'default', network, ip, ...(group ? { group } : {}) });
const WEB = on('web', '10.1.2.10');
const DB = on('db', '10.1.2.20');

function view(policies: Record<string, PolicyRule[]>, attach: Record<string, string[]>): PolicyView {
  return {
    groups: Object.entries(attach).map(([name, ps]) => ({ tenant: 'default', name, network: 'net', policies: ps })),
    policies: Object.entries(policies).map(([name, rules]) => ({ tenant: 'default', name, rules })),
  };
}

describe('decide', () => {
  it('a tie between two allows (or two denies) names the first rule, in policy order', () => {
    const allows = view({ a: [rule('1', 'in', 5, 'allow')], b: [rule('2', 'in', 5, 'allow')] }, { web: [], db: ['a', 'b'] });
    expect(decide(allows, WEB, DB, { protocol: 'icmp' })).toEqual({ allowed: true, reason: 'allowed', inRule: { tenant: 'default', policy: 'a', rule: '1', direction: 'in', action: 'allow', priority: 5 } });
    const denies = view({ a: [rule('1', 'out', 5, 'deny')], b: [rule('2', 'out', 5, 'deny')] }, { web: ['b', 'a'], db: [] });
    expect(decide(denies, WEB, DB, { protocol: 'icmp' })).toEqual({ allowed: false, reason: 'denied-out', outRule: { tenant: 'default', policy: 'b', rule: '2', direction: 'out', action: 'deny', priority: 5 } });
  });

  it('a tie between allow and deny is deny, whichever comes first; a higher priority wins either way', () => {
    for (const rules of [[rule('1', 'in', 7, 'allow'), rule('2', 'in', 7, 'deny')], [rule('2', 'in', 7, 'deny'), rule('1', 'in', 7, 'allow')]]) {
      expect(decide(view({ p: rules }, { web: [], db: ['p'] }), WEB, DB, { protocol: 'udp', port: 53 }).inRule?.rule).toBe('2');
    }
    expect(decide(view({ p: [rule('1', 'in', 8, 'allow'), rule('2', 'in', 7, 'deny')] }, { web: [], db: ['p'] }), WEB, DB, { protocol: 'udp', port: 53 })).toMatchObject({ allowed: true, inRule: { rule: '1', priority: 8 } });
    expect(decide(view({ p: [rule('2', 'in', 7, 'deny'), rule('1', 'in', 100, 'allow')] }, { web: [], db: ['p'] }), WEB, DB, { protocol: 'udp', port: 53 })).toMatchObject({ allowed: true, inRule: { rule: '1', priority: 100 } });
  });

  it('both sides are reported; an in deny is named before an out deny', () => {
    const v = view({ i: [rule('1', 'in', 1, 'deny')], o: [rule('2', 'out', 1, 'deny')] }, { web: ['o'], db: ['i'] });
    expect(decide(v, WEB, DB, { protocol: 'icmp' })).toEqual({
      allowed: false,
      reason: 'denied-in',
      inRule: { tenant: 'default', policy: 'i', rule: '1', direction: 'in', action: 'deny', priority: 1 },
      outRule: { tenant: 'default', policy: 'o', rule: '2', direction: 'out', action: 'deny', priority: 1 },
    });
    // The other way round neither rule applies: an in rule of web, an out rule of db.
    expect(decide(v, DB, WEB, { protocol: 'icmp' })).toEqual({ allowed: true, reason: 'allowed' });
  });

  it('a group that lists a policy the view does not have (an unreadable record) has no rules from it', () => {
    const v = view({ p: [rule('1', 'in', 1, 'deny', { protocol: 'tcp' })] }, { web: [], db: ['gone', 'p'] });
    expect(decide(v, WEB, DB, { protocol: 'tcp', port: 80 })).toMatchObject({ allowed: false, inRule: { policy: 'p' } });
    expect(decide(v, WEB, DB, { protocol: 'udp', port: 80 })).toEqual({ allowed: true, reason: 'allowed' });
  });

  it('an endpoint without a group, or whose group is unknown, has no rules of its own', () => {
    const v = view({ p: [rule('1', 'in', 1, 'deny'), rule('2', 'out', 1, 'deny')] }, { db: ['p'] });
    expect(decide(v, on(undefined, '10.1.2.30'), on(undefined, '10.1.2.31'), { protocol: 'icmp' })).toEqual({ allowed: true, reason: 'allowed' });
    expect(decide(v, on('nosuch', '10.1.2.30'), on(undefined, '10.1.2.31'), { protocol: 'icmp' })).toEqual({ allowed: true, reason: 'allowed' });
    expect(decide(v, on(undefined, '10.1.2.30'), DB, { protocol: 'icmp' }).reason).toBe('denied-in');
  });

  it('different networks or tenants are isolated before any rule is read', () => {
    const v = view({ p: [rule('1', 'in', 100, 'allow'), rule('2', 'out', 100, 'allow')] }, { web: ['p'], db: ['p'] });
    expect(decide(v, WEB, { ...DB, network: 'other' }, { protocol: 'icmp' })).toEqual({ allowed: false, reason: 'isolated' });
    expect(decide(v, WEB, { ...DB, tenant: 'blue' }, { protocol: 'icmp' })).toEqual({ allowed: false, reason: 'isolated' });
  });
});

describe('ruleMatches', () => {
  const peer = on('web', '10.1.2.10');
  it('ports: both ends of the range are inside, their neighbours outside; a probe without a port never matches a rule with ports', () => {
    const r = rule('1', 'in', 1, 'deny', { protocol: 'tcp', ports: { first: 8000, last: 8080 } });
    expect([7999, 8000, 8080, 8081].map((port) => ruleMatches(r, { protocol: 'tcp', port }, peer))).toEqual([false, true, true, false]);
    expect(ruleMatches(r, { protocol: 'tcp' }, peer)).toBe(false);
    expect(ruleMatches(rule('2', 'in', 1, 'deny', { protocol: 'tcp' }), { protocol: 'tcp' }, peer)).toBe(true);
  });

  it('protocols: names and numbers are the same protocol; any matches every protocol', () => {
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { protocol: 'tcp' }), { protocol: 6, port: 1 }, peer)).toBe(true);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { protocol: 17 }), { protocol: 'udp', port: 1 }, peer)).toBe(true);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { protocol: 'icmp' }), { protocol: 'udp', port: 1 }, peer)).toBe(false);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { protocol: 47 }), { protocol: 47 }, peer)).toBe(true);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { protocol: 47 }), { protocol: 50 }, peer)).toBe(false);
    expect(ruleMatches(rule('1', 'in', 1, 'deny'), { protocol: 132 }, peer)).toBe(true);
  });

  it('peers: a group, a network, a CIDR (both ends inside)', () => {
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { peer: { kind: 'group', value: 'web' } }), { protocol: 'icmp' }, peer)).toBe(true);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { peer: { kind: 'group', value: 'db' } }), { protocol: 'icmp' }, peer)).toBe(false);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { peer: { kind: 'group', value: 'web' } }), { protocol: 'icmp' }, on(undefined, '10.1.2.10'))).toBe(false);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { peer: { kind: 'network', value: 'net' } }), { protocol: 'icmp' }, peer)).toBe(true);
    expect(ruleMatches(rule('1', 'in', 1, 'deny', { peer: { kind: 'network', value: 'other' } }), { protocol: 'icmp' }, peer)).toBe(false);
    const cidr = rule('1', 'in', 1, 'deny', { peer: { kind: 'cidr', value: '10.1.2.8/30' } });
    expect(['10.1.2.7', '10.1.2.8', '10.1.2.11', '10.1.2.12'].map((ip) => ruleMatches(cidr, { protocol: 'icmp' }, { ...peer, ip }))).toEqual([false, true, true, false]);
  });
});
