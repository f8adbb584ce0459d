import { describe, expect, it } from 'vitest';
import { groupChanges } from '../../../src/plan/groups.js';
import { forHost } from '../../../src/plan/host-relative.js';
import { describeHosts } from '../../../src/render/host-list.js';
import { splitShared } from '../../../src/render/plan-groups.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { generatePlan } from '../plan/generated-plan.js';

/*
 * The grouped plan says exactly what the per-host plan says: expanding every group onto its
 * hosts gives each host's changes, and the grouped text, each shared entry counted once per
 * host it names, has exactly the entries of the per-host text.
 */

const plans = [
  { hosts: 2, seed: 11 },
  { hosts: 17, seed: 12 },
  { hosts: 60, seed: 13, name: (i: number) => `node-${String(i).padStart(3, '0')}` },
  { hosts: 150, seed: 14 },
  { hosts: 33, seed: 15, name: (i: number) => (i % 3 ? `web${i}` : `db-${i}`) },
];

/** A change's headline with its detail lines, as one string; a shared one with how many hosts it names. */
interface Entry {
  lines: string[];
  hosts: number;
}

/** The changes of a plan's text: those shown once for several hosts, and each host's own. */
function entries(text: string): { shared: Array<{ text: string; hosts: number }>; own: Map<string, string[]> } {
  const shared: Entry[] = [];
  const own = new Map<string, Entry[]>();
  let section: string | undefined;
  let current: Entry | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('Plan: ') || line.startsWith('No changes')) {
      section = undefined;
    } else if (/^\S.*:$/.test(line)) {
      section = line.slice(0, -1);
    } else if (section === undefined) {
      continue;
    } else if (line.startsWith('        ')) {
      if (!current) throw new Error(`detail line without a change: ${line}`);
      current.lines.push(line);
    } else if (section === 'On several hosts') {
      const m = /^(.*)   on (?:all (\d+) hosts|(\d+) hosts \(.*\))$/.exec(line);
      if (!m) throw new Error(`a shared change without its hosts: ${line}`);
      current = { lines: [m[1]!], hosts: Number(m[2] ?? m[3]) };
      shared.push(current);
    } else {
      current = { lines: [line], hosts: 1 };
      own.set(section, [...(own.get(section) ?? []), current]);
    }
  }
  const join = (e: Entry) => e.lines.join('\n');
  return { shared: shared.map((e) => ({ text: join(e), hosts: e.hosts })), own: new Map([...own].map(([h, es]) => [h, es.map(join)])) };
}

describe('grouped plan = per-host plan', () => {
  for (const o of plans) {
    it(`${o.hosts} hosts (seed ${o.seed}): expanding every group gives exactly each host's changes, in order`, () => {
      const plan = generatePlan(o);
      const grouped = groupChanges(plan);
      expect(grouped.hosts.map((h) => h.host)).toEqual(plan.hosts.map((h) => h.host));
      for (const [i, h] of grouped.hosts.entries()) {
        expect(h.changes.map((g) => forHost(grouped.groups[g]!.change, h.host))).toEqual(plan.hosts[i]!.changes);
      }
      for (const g of grouped.groups) {
        expect(new Set(g.hosts).size).toBe(g.hosts.length);
        expect(g.hosts.length).toBeGreaterThan(0);
      }
      // Something is shared and something is not, or the case tests little.
      const split = splitShared(plan);
      expect(split.shared.length).toBeGreaterThan(0);
      if (o.hosts > 2) expect(split.own.flat().some(Boolean)).toBe(true);
    });

    it(`${o.hosts} hosts (seed ${o.seed}): the grouped text has the per-host text's entries, a shared one once per host it names`, () => {
      const plan = generatePlan(o);
      const grouped = entries(renderPlanText(plan, { color: false }));
      const full = entries(renderPlanText(plan, { color: false, perHost: true }));
      expect(full.shared).toEqual([]);
      const count = (list: string[]) => list.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<string, number>());
      const fromGrouped = count([...grouped.shared.flatMap((e) => Array<string>(e.hosts).fill(e.text)), ...[...grouped.own.values()].flat()]);
      const fromFull = count([...full.own.values()].flat());
      expect(fromGrouped).toEqual(fromFull);
      // What a host shows as its own, it shows in the per-host text too.
      for (const [host, own] of grouped.own) for (const e of own) expect(full.own.get(host), host).toContain(e);
      // The summary counts every host's changes either way.
      expect(renderPlanText(plan, { color: false }).split('\n').at(-1)).toBe(renderPlanText(plan, { color: false, perHost: true }).split('\n').at(-1));
    });
  }

  it('a plan of one host, or of hosts that share nothing, reads as per host', () => {
    const one = generatePlan({ hosts: 1, seed: 1 });
    expect(renderPlanText(one, { color: false })).toBe(renderPlanText(one, { color: false, perHost: true }));
    expect(renderPlanText(one, { color: false })).not.toContain('On several hosts:');
  });
});

describe('host lists', () => {
  const range = (prefix: string, from: number, to: number, pad = 0) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(pad, '0')}`);

  it('all hosts of the plan: "all N hosts"', () => {
    expect(describeHosts(range('h', 1, 1000), 1000)).toBe('all 1000 hosts');
  });

  it('consecutive numbers under one prefix are a range; two in a row are two names', () => {
    expect(describeHosts(range('h', 1, 500), 1000)).toBe('500 hosts (h1–h500)');
    expect(describeHosts([...range('h', 1, 3), 'h7', 'h8', ...range('h', 10, 12)], 20)).toBe('8 hosts (h1–h3, h7, h8, h10–h12)');
    expect(describeHosts([...range('h', 9, 11)], 20)).toBe('3 hosts (h9–h11)');
    expect(describeHosts(range('node-', 8, 12, 3), 20)).toBe('5 hosts (node-008–node-012)');
  });

  it('in natural order, whatever the order given; a leading zero breaks a run only where widths differ', () => {
    expect(describeHosts(['h3', 'h1', 'h2'], 5)).toBe('3 hosts (h1–h3)');
    expect(describeHosts(['h09', 'h10', 'h11'], 5)).toBe('3 hosts (h09–h11)');
    expect(describeHosts(['h09', 'h010', 'h011'], 5)).toBe('3 hosts (h09, h010, h011)');
  });

  it('past five names or ranges: the first four and how many more', () => {
    expect(describeHosts(['web-a', 'web-b', 'db', 'h1', 'h3', 'h5', 'h7'], 10)).toBe('7 hosts (db, h1, h3, h5 and 3 more)');
    expect(describeHosts(['a', 'b', 'c', 'd', 'e'], 10)).toBe('5 hosts (a, b, c, d, e)');
    expect(describeHosts([...range('h', 1, 100), 'x', 'y', 'z', ...range('r', 1, 50)], 1000)).toBe('153 hosts (h1–h100, r1–r50, x, y, z)');
    expect(describeHosts([...range('h', 1, 100), 'w', 'x', 'y', 'z', ...range('r', 1, 50)], 1000)).toBe('154 hosts (h1–h100, r1–r50, w, x and 2 more)');
  });
});
