import { describe, expect, it } from 'vitest';
import { groupChanges, canonicalJson } from '../../../src/plan/groups.js';
import { forHost, toHostRelative } from '../../../src/plan/host-relative.js';
import { parsePlan, planDocument, serializePlan } from '../../../src/plan/plan-file.js';
import type { Change } from '../../../src/plan/types.js';
import { ownerIds } from '../../../src/state/marks.js';
import { generatePlan } from './generated-plan.js';

/*
 * The saved plan, format 3: each change once, host-relative, with its hosts; each host's
 * changes as indexes in apply order. It reads back to exactly the per-host plan it was made from.
 */

describe('host-relative changes', () => {
  const bridge: Change = { type: 'bridge', action: 'create', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', after: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.peer': 'h1', 'contiv.note': 'h10/x' } }, reason: 'not on the host yet' };

  it('the host\'s name goes where it prefixes an address, and only there; forHost puts it back', () => {
    const relative = toHostRelative(bridge);
    expect(relative).not.toHaveProperty('host');
    expect(relative.address).toBe('{host}/bridge/contiv0');
    expect(relative.type === 'bridge' && relative.after?.externalIds).toEqual({ ...ownerIds('bridge', '{host}/bridge/contiv0'), 'contiv.peer': 'h1', 'contiv.note': 'h10/x' });
    expect(forHost(relative, 'h1')).toEqual(bridge);
    expect(forHost(relative, 'web-7')).toMatchObject({ host: 'web-7', address: 'web-7/bridge/contiv0' });
  });

  it('the same change on two hosts is one group; key order does not matter; another value is another group', () => {
    const on = (host: string, over: Partial<Change> = {}) => ({ ...(forHost(toHostRelative(bridge), host) as Change), ...over }) as Change;
    const { reason, ...rest } = on('h2');
    const reordered = { reason, ...rest } as Change;
    expect(Object.keys(reordered)[0]).toBe('reason');
    const g = groupChanges({ hosts: [{ host: 'h1', fingerprint: '', changes: [on('h1')] }, { host: 'h2', fingerprint: '', changes: [reordered] }, { host: 'h3', fingerprint: '', changes: [on('h3', { reason: 'other' })] }] });
    expect(g.groups.map((x) => x.hosts)).toEqual([['h1', 'h2'], ['h3']]);
    expect(g.hosts.map((h) => h.changes)).toEqual([[0], [0], [1]]);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });

  it('canonical JSON: keys in order however many and however built; list items kept apart', () => {
    const keys = ['m', 'c', 'x', 'a', 'q', 'b', 'z', 'k'];
    const built = Object.fromEntries(keys.map((k, i) => [k, i]));
    expect(canonicalJson(built)).toBe(`{${[...keys].sort().map((k) => `"${k}":${keys.indexOf(k)}`).join(',')}}`);
    expect(canonicalJson(Object.fromEntries([...keys].reverse().map((k) => [k, keys.indexOf(k)])))).toBe(canonicalJson(built));
    // Two different changes never share a key: [1,2] is not [12], nor ["a","b"] ["ab"].
    expect(canonicalJson([1, 2])).toBe('[1,2]');
    expect(canonicalJson(['a', 'b'])).not.toBe(canonicalJson(['ab']));
  });
});

describe('saved plans of many hosts', () => {
  for (const seed of [1, 2, 3]) {
    it(`round trip (seed ${seed}): 300 hosts read back to the same per-host plan, and write the same text again`, () => {
      const plan = generatePlan({ hosts: 300, seed });
      const text = serializePlan(plan);
      const back = parsePlan(text);
      expect(back.problem).toBeUndefined();
      expect(back.plan).toEqual(plan);
      expect(serializePlan(back.plan!)).toBe(text);
    });
  }

  it('a change made on many hosts is written once with its hosts; what differs is written per host', () => {
    const plan = generatePlan({ hosts: 300, seed: 4 });
    const doc = planDocument(plan);
    const perHost = plan.hosts.reduce((n, h) => n + h.changes.length, 0);
    expect(doc.changes.reduce((n, g) => n + g.hosts.length, 0)).toBe(perHost);
    const network = doc.changes.filter((g) => g.change.address === '{host}/flows/net/blue/contiv-net');
    expect(network).toHaveLength(1);
    expect(network[0]!.hosts).toEqual(plan.hosts.map((h) => h.host));
    // Tunnels name their host's own address: one entry per host and tunnel.
    expect(doc.changes.filter((g) => g.change.type === 'port' && g.change.address.startsWith('{host}/tunnel/')).every((g) => g.hosts.length === 1)).toBe(true);
    // Far smaller than the per-host form.
    const perHostJson = JSON.stringify(plan, null, 2).length;
    expect(serializePlan(plan).length).toBeLessThan(perHostJson / 3);
  });

  it('a document whose hosts and changes disagree, or that names a change that is not there, is refused as damaged', () => {
    const doc = planDocument(generatePlan({ hosts: 5, seed: 5 }));
    const refuse = (edit: (d: typeof doc) => void) => {
      const copy = structuredClone(doc);
      edit(copy);
      return parsePlan(JSON.stringify(copy)).problem;
    };
    expect(refuse(() => {})).toBeUndefined();
    expect(refuse((d) => d.changes[0]!.hosts.pop())).toMatch(/^refused: change 0 lists hosts .* make it \(a damaged plan; make a new plan\)$/);
    expect(refuse((d) => d.changes[0]!.hosts.reverse())).toMatch(/^refused: change 0 lists hosts/);
    expect(refuse((d) => d.hosts[0]!.changes.push(d.changes.length))).toMatch(/^refused: change \d+ of host "h1"/);
    expect(refuse((d) => d.hosts[0]!.changes.push(0.5))).toMatch(/^refused: change 0.5 of host "h1"/);
    expect(refuse((d) => ((d.changes[0]!.change as { type: string }).type = 'shell'))).toMatch(/^refused: change 0 \(/);
    expect(refuse((d) => ((d as { changes: unknown }).changes = {}))).toMatch(/^refused: no list of changes/);
    expect(refuse((d) => d.changes.push({ hosts: [], change: d.changes[0]!.change }))).toMatch(/^refused: change \d+ lists hosts \[\]/);
  });
});
