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
});
