import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/plan/plan-file.js';

// Every saved plan of the plan goldens reads back; the same plans, tampered, are refused.
const saved = readdirSync('fixtures/plan').flatMap((c) => {
  try {
    return [[c, readFileSync(`fixtures/plan/${c}/plan.json`, 'utf8')] as const];
  } catch {
    return [];
  }
});

describe('saved plans are checked before anything runs', () => {
  it.each(saved)('%s reads back', (_name, text) => {
    expect(parsePlan(text).problem).toBeUndefined();
  });

  it('refuses shell syntax smuggled into a flow, a port name or a host name', () => {
    const [, text] = saved.find(([name]) => name === 'fresh-fabric')!;
    const plan = JSON.parse(text);
    // Format 3: each distinct change once, in `changes[].change`.
    const find = (p: typeof plan, type: string) => p.changes.find((g: { change: { type: string } }) => g.change.type === type).change;
    const flows = find(plan, 'flows');
    const tamper = (edit: (p: typeof plan) => void) => {
      const copy = structuredClone(plan);
      edit(copy);
      return parsePlan(JSON.stringify(copy)).problem;
    };
    expect(tamper((p) => (find(p, 'flows').add[0].actions = 'drop\nCONTIV_FLOWS_EOF\nrm -rf /'))).toMatch(/^refused: flow/);
    expect(tamper((p) => (find(p, 'flows').add[0].match = "ip,nw_src=$(reboot)"))).toMatch(/^refused: flow/);
    expect(tamper((p) => (find(p, 'port').port = 'x;reboot'))).toMatch(/^refused: port name/);
    expect(tamper((p) => (p.connections[0].name = 'h1 h2'))).toMatch(/^refused: host name/);
    // Address records: only contiv's keys, only plain values.
    const record = (key: string, after: string) =>
      tamper((p) => {
        p.hosts[0].changes.push(p.changes.length);
        p.changes.push({ hosts: [p.hosts[0].host], change: { type: 'address', action: 'create', address: '{host}/block/x', bridge: 'contiv0', key, after, reason: '' } });
      });
    expect(record('contiv.block.default.net.10-1-2-16', '10.1.2.16-10.1.2.31 pending')).toBeUndefined();
    expect(record('contiv.lent.default.net.10-1-2-16', 'h2')).toBeUndefined();
    expect(record('contiv.owner', 'x')).toMatch(/^refused: address record/);
    expect(record('contiv.block.default.net.10-1-2-16', '10.1.2.16-10.1.2.31 pending"; reboot')).toMatch(/^refused: address record/);
    expect(record('contiv.block.default.net.10-1-2-16', '$(reboot)')).toMatch(/^refused: address record/);
    expect(flows.add.length).toBeGreaterThan(0);
  });

  it('checks the source: a folder, a full commit hash, or uncommitted content with its hash, head and files', () => {
    const [, text] = saved.find(([name]) => name === 'fresh-fabric')!;
    const withSource = (source: unknown) => parsePlan(JSON.stringify({ ...JSON.parse(text), source })).problem?.replace(' (a damaged plan; make a new plan)', '');
    const [c40, c64, s64] = ['a'.repeat(40), 'b'.repeat(64), 'c'.repeat(64)];
    for (const good of [{ dir: 'm' }, { dir: 'm', ref: 'main', commit: c40 }, { dir: 'm', commit: c64 }, { dir: 'm', uncommitted: { sha256: s64 } }, { dir: 'm', uncommitted: { sha256: s64, head: c40, files: ['m/a.yaml'] } }, { dir: 'm', uncommitted: { sha256: s64, head: c64, files: [] } }]) {
      expect(withSource(good)).toBeUndefined();
    }
    expect(withSource(null)).toBe('refused: source');
    expect(withSource('m')).toBe('refused: source');
    // A hash inside an array is no hash, though it reads as one in a string.
    expect(withSource({ dir: 'm', commit: [c40] })).toBe('refused: source (its commit is not a full commit hash)');
    expect(withSource({ ref: 'main' })).toBe('refused: source (its folder or ref)');
    expect(withSource({ dir: 'm', ref: 7 })).toBe('refused: source (its folder or ref)');
    expect(withSource({ dir: 'm', commit: 'abc123' })).toBe('refused: source (its commit is not a full commit hash)');
    expect(withSource({ dir: 'm', commit: 'A'.repeat(40) })).toBe('refused: source (its commit is not a full commit hash)');
    for (const bad of [null, 'x', { sha256: 'zz' }, { sha256: s64, head: 'abc' }, { sha256: s64, files: 'm/a.yaml' }, { sha256: s64, files: [1] }]) {
      expect(withSource({ dir: 'm', uncommitted: bad })).toBe('refused: source (its uncommitted content)');
    }
  });
});
