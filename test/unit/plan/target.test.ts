import { describe, expect, it } from 'vitest';
import { isSharded, needsEndpoints, parseSelector, selectShard, tenantsOn } from '../../../src/plan/target.js';
import type { LiveHost } from '../../../src/state/host-state.js';
import { defaultFacts, withEndpoints } from '../compile/case-support.js';

const hosts: Array<{ name: string; labels: Record<string, string> }> = [
  { name: 'h1', labels: { rack: 'a', role: 'db' } },
  { name: 'h2', labels: { rack: 'a' } },
  { name: 'h3', labels: { rack: 'b', note: 'x=y' } },
  { name: 'h4', labels: { rack: 'b' } },
];
const none = { target: [], exclude: [] };
const codes = (r: { diagnostics: Array<{ code: string }> }) => r.diagnostics.map((d) => d.code);

describe('parseSelector', () => {
  it('a host name, a label key=value (the value is everything after the first =), tenant:NAME', () => {
    expect(parseSelector('h1')).toEqual({ selector: { kind: 'host', text: 'h1', name: 'h1' } });
    expect(parseSelector('rack=a')).toEqual({ selector: { kind: 'label', text: 'rack=a', key: 'rack', value: 'a' } });
    expect(parseSelector('role=')).toEqual({ selector: { kind: 'label', text: 'role=', key: 'role', value: '' } });
    expect(parseSelector('tenant:blue')).toEqual({ selector: { kind: 'tenant', text: 'tenant:blue', tenant: 'blue' } });
  });
  it('refuses what can be none of them, saying why', () => {
    for (const text of ['', 'H1', 'h 1', '=a', 'rack=a b', 'tenant:', 'tenant:Blue', 'tenant:a/b', '-h1']) expect(parseSelector(text), text).toHaveProperty('problem');
  });
  it('a label value with = is not a label value', () => {
    expect(parseSelector('note=x=y')).toEqual({ problem: '"x=y" is not a label value' });
  });
});

describe('selectShard', () => {
  it('a host name', () => {
    expect(selectShard(hosts, { target: ['h2'], exclude: [] })).toEqual({ hosts: ['h2'], diagnostics: [] });
  });
  it('a label key=value; the hosts come in the order of the Fabric', () => {
    expect(selectShard(hosts, { target: ['rack=b', 'h1'], exclude: [] }).hosts).toEqual(['h1', 'h3', 'h4']);
  });
  it('several selectors add up, without duplicates', () => {
    expect(selectShard(hosts, { target: ['rack=a', 'h1', 'h3'], exclude: [] }).hosts).toEqual(['h1', 'h2', 'h3']);
  });
  it('--exclude removes from the selection, or from every host without --target', () => {
    expect(selectShard(hosts, { target: ['rack=a', 'h3'], exclude: ['role=db'] }).hosts).toEqual(['h2', 'h3']);
    expect(selectShard(hosts, { target: [], exclude: ['rack=a'] }).hosts).toEqual(['h3', 'h4']);
    expect(selectShard(hosts, { target: [], exclude: ['h1', 'h4'] }).hosts).toEqual(['h2', 'h3']);
  });
  it('--exclude of a host outside --target is no problem (it names a host)', () => {
    expect(selectShard(hosts, { target: ['h1'], exclude: ['h4'] })).toEqual({ hosts: ['h1'], diagnostics: [] });
  });
  it('every selector that matches nothing is named, and nothing is selected', () => {
    const r = selectShard(hosts, { target: ['h9', 'rack=c', 'role=db', 'rack=A'], exclude: ['h8'] });
    expect(r.hosts).toBeUndefined();
    expect(codes(r)).toEqual(['selector-unmatched', 'selector-unmatched', 'selector-unmatched', 'selector-unmatched']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      '--target h9 matches no host of the Fabric',
      '--target rack=c matches no host of the Fabric',
      '--target rack=A matches no host of the Fabric',
      '--exclude h8 matches no host of the Fabric',
    ]);
  });
  it('an empty value matches only a label that is empty, never a missing one', () => {
    expect(codes(selectShard(hosts, { target: ['role='], exclude: [] }))).toEqual(['selector-unmatched']);
    expect(selectShard([{ name: 'h5', labels: { role: '' } }], { target: ['role='], exclude: [] }).hosts).toEqual(['h5']);
  });
  it('a label named like an object property is not one', () => {
    expect(codes(selectShard(hosts, { target: ['constructor='], exclude: [] }))).toEqual(['selector-unmatched']);
  });
  it('a selector that is none of the kinds is refused', () => {
    const r = selectShard(hosts, { target: ['h1', 'H2'], exclude: ['tenant:'] });
    expect(codes(r)).toEqual(['selector-invalid', 'selector-invalid']);
    expect(r.diagnostics[0]!.message).toBe('--target "H2": not a host name, a label key=value or tenant:NAME');
  });
  it('a selection left empty is refused', () => {
    const r = selectShard(hosts, { target: ['rack=a'], exclude: ['h1', 'h2'] });
    expect(r.hosts).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'shard-empty', message: '--target rack=a --exclude h1 --exclude h2 leaves no host of the Fabric to plan' })]);
  });
  it('no selectors select every host', () => {
    expect(selectShard(hosts, none).hosts).toEqual(['h1', 'h2', 'h3', 'h4']);
  });
  it('a tenant selects the hosts where it has endpoints', () => {
    const on = { h1: ['blue', 'default'], h2: [], h3: ['blue'], h4: ['red'] };
    expect(selectShard(hosts, { target: ['tenant:blue'], exclude: [] }, on).hosts).toEqual(['h1', 'h3']);
    expect(selectShard(hosts, { target: ['tenant:blue', 'tenant:red'], exclude: ['h1'] }, on).hosts).toEqual(['h3', 'h4']);
    expect(selectShard(hosts, { target: [], exclude: ['tenant:blue'] }, on).hosts).toEqual(['h2', 'h4']);
    const r = selectShard(hosts, { target: ['tenant:green'], exclude: [] }, on);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['selector-unmatched', '--target tenant:green matches no host of the Fabric (no host has endpoints of tenant green)']]);
  });
  it('a tenant selector without the hosts\' endpoints (a saved plan) is refused with what to do', () => {
    const r = selectShard(hosts, { target: ['tenant:blue'], exclude: [] }, undefined, 'the plan');
    expect(codes(r)).toEqual(['selector-needs-hosts']);
    expect(r.diagnostics[0]!.hint).toContain('contiv plan --target tenant:blue --out FILE');
  });
  it('says which selections need the hosts read first', () => {
    expect(needsEndpoints({ target: ['h1', 'rack=a'], exclude: [] })).toBe(false);
    expect(needsEndpoints({ target: [], exclude: ['tenant:blue'] })).toBe(true);
  });
});

describe('tenantsOn', () => {
  it('the tenants with endpoints on each host, from its endpoint ports', () => {
    const states = withEndpoints({ h2: { host: 'h2', bridges: {} } }, [
      { host: 'h1', netns: 'a', network: 'net', ip: '10.0.0.2' },
      { host: 'h1', netns: 'b', tenant: 'blue', network: 'net', ip: '10.0.0.3' },
      { host: 'h1', netns: 'c', tenant: 'blue', network: 'net', ip: '10.0.0.4' },
    ]);
    const live: Record<string, LiveHost> = Object.fromEntries(Object.entries(states).map(([h, state]) => [h, { state, facts: defaultFacts(h, undefined), unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} } }]));
    expect(tenantsOn(live)).toEqual({ h1: ['blue', 'default'], h2: [] });
  });
});

describe('selectors: what makes a plan a shard, and what a selector may spell', () => {
  it('a plan is a shard with any --target or --exclude, and only then', () => {
    expect(isSharded(undefined)).toBe(false);
    expect(isSharded({})).toBe(false);
    expect(isSharded({ target: [], exclude: [] })).toBe(false);
    expect(isSharded({ target: ['h1'] })).toBe(true);
    expect(isSharded({ exclude: ['h1'] })).toBe(true);
    expect(isSharded({ target: ['h1'], exclude: ['h2'] })).toBe(true);
  });

  it('one tenant selector among others needs the endpoints; none does not', () => {
    expect(needsEndpoints({ target: ['h1', 'rack=1'], exclude: ['tenant:blue'] })).toBe(true);
    expect(needsEndpoints({ target: ['h1', 'rack=1'], exclude: ['h2'] })).toBe(false);
  });

  it('names and label keys are whole words: a bad character at either end is refused', () => {
    for (const bad of ['-h1', 'h1-', 'H1', 'h_1', 'tenant:-blue', 'tenant:blue-', '-rack=1', 'rack-=1', '.rack=1', 'rack=1-', 'rack=-1']) expect('problem' in parseSelector(bad), bad).toBe(true);
    for (const good of ['h1', 'h-1', 'tenant:blue', 'rack=1', 'rack.zone=a_b', 'rack=', 'r=1']) expect('selector' in parseSelector(good), good).toBe(true);
  });
});
