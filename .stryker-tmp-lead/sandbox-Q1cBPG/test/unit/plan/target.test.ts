// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { selectHosts } from '../../../src/plan/target.js';

const hosts: Array<{ name: string; labels: Record<string, string> }> = [
  { name: 'h1', labels: { rack: 'a', role: 'db' } },
  { name: 'h2', labels: { rack: 'a' } },
  { name: 'h3', labels: { rack: 'b', note: 'x=y' } },
];

describe('selectHosts (--target)', () => {
  it('a host name', () => {
    expect(selectHosts(hosts, ['h2'])).toEqual({ names: new Set(['h2']), unmatched: [] });
  });
  it('a label key=value', () => {
    expect([...selectHosts(hosts, ['rack=a']).names].sort()).toEqual(['h1', 'h2']);
  });
  it('several selectors add up, without duplicates', () => {
    const r = selectHosts(hosts, ['rack=a', 'h1', 'h3']);
    expect([...r.names].sort()).toEqual(['h1', 'h2', 'h3']);
    expect(r.unmatched).toEqual([]);
  });
  it('selectors that match nothing are returned', () => {
    const r = selectHosts(hosts, ['h9', 'rack=c', 'role=db', 'rack']);
    expect([...r.names]).toEqual(['h1']);
    expect(r.unmatched).toEqual(['h9', 'rack=c', 'rack']);
  });
  it('the value is everything after the first =', () => {
    expect([...selectHosts(hosts, ['note=x=y']).names]).toEqual(['h3']);
  });
  it('an empty value matches only a label that is empty, never a missing one', () => {
    expect(selectHosts(hosts, ['role=']).unmatched).toEqual(['role=']);
    expect([...selectHosts([{ name: 'h4', labels: { role: '' } }], ['role=']).names]).toEqual(['h4']);
  });
  it('no selectors select nothing', () => {
    expect(selectHosts(hosts, [])).toEqual({ names: new Set(), unmatched: [] });
  });
});
