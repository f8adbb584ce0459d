// @ts-nocheck
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleLines, hostScript } from '../../../src/apply/script.js';
import type { Change, FlowsChange } from '../../../src/plan/types.js';
import { ownerIds } from '../../../src/state/marks.js';
import { expectGolden } from '../golden.js';
import { loadPlanCase } from '../plan/plan-case.js';

/* hostScript on plans of the plan fixtures: goldens of whole scripts, and properties of every line. */

async function changesOf(planCase: string, host: string): Promise<Change[]> {
  const c = await loadPlanCase(join('fixtures/plan', planCase));
  return c.result.plan!.hosts.find((h) => h.host === host)!.changes;
}

/** The argv that sh hands ovs-vsctl: the script's ovs-vsctl line run with printf in its place. */
function vsctlArgv(script: string): string[] {
  const line = script.split('\n').find((l) => l.startsWith("'ovs-vsctl'"));
  if (!line) return [];
  const out = execFileSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const GOLDEN = 'test/unit/apply/golden';
const CASES: Array<[string, string, string]> = [
  ['create', 'fresh-fabric', 'h1'],
  ['update-network-added', 'network-added', 'h1'],
  ['update-network-removed', 'network-removed', 'h2'],
  ['update-host-removed', 'host-removed', 'h1'],
  ['update-drift', 'drift-bridge-and-tunnel', 'h2'],
  ['update-flows-by-hand', 'flow-modified-by-hand', 'h1'],
];

describe('hostScript', () => {
  for (const [golden, planCase, host] of CASES) {
    it(`${golden} (${planCase}, ${host})`, async () => {
      const changes = await changesOf(planCase, host);
      const script = hostScript(changes);
      expectGolden(join(GOLDEN, `${golden}.sh`), script);
      // sh can parse it.
      execFileSync('sh', ['-n', '-c', script]);
      // Every word of the ovs-vsctl line is one single-quoted word.
      const line = script.split('\n').find((l) => l.startsWith("'ovs-vsctl'"));
      if (line) expect(line).toMatch(/^('([^']|'\\'')*'( |$))+$/);
      // Flow lines: add / modify_strict / delete_strict only, never replace-flows.
      expect(script).not.toMatch(/replace-flows|mod-flows|del-flows/);
      const flowLines = script.split('\n').filter((l) => l.startsWith('cookie=') || /^\w+ (cookie=|table=)/.test(l));
      for (const l of flowLines) expect(l).toMatch(/^(add cookie=|modify_strict cookie=|delete_strict table=)/);
    });
  }

  it('a value with quotes, spaces and $() reaches ovs-vsctl literally', () => {
    const nasty = "x' $(touch /tmp/contiv-pwned) `id` \"q\"";
    const changes: Change[] = [
      {
        type: 'bridge',
        action: 'update',
        host: 'h1',
        address: 'h1/bridge/contiv0',
        bridge: 'contiv0',
        before: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.zone.old': '1' } },
        after: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.note': nasty } },
        reason: 'test',
      },
    ];
    const argv = vsctlArgv(hostScript(changes));
    expect(argv).toEqual(['ovs-vsctl', '--timeout=30', '--', 'set', 'bridge', 'contiv0', `external_ids:"contiv.note"=${JSON.stringify(nasty)}`, '--', 'remove', 'bridge', 'contiv0', 'external_ids', '"contiv.zone.old"']);
  });

  it('a deleted bridge gets no bundle, even with flow changes listed for it', () => {
    const flows: FlowsChange = { type: 'flows', action: 'delete', host: 'h1', address: 'h1/flows/pipeline', bridge: 'old0', owner: 'pipeline', add: [], modify: [], modifyBefore: [], remove: [{ cookie: 'c101000000000001', table: 0, priority: 0, match: '', actions: 'drop' }], reason: 'gone' };
    const changes: Change[] = [flows, { type: 'bridge', action: 'delete', host: 'h1', address: 'h1/bridge/old0', bridge: 'old0', before: { name: 'old0', datapathType: 'system', failMode: 'secure', externalIds: {} }, reason: 'gone' }];
    const script = hostScript(changes);
    expect(script).not.toContain('ovs-ofctl');
    expect(vsctlArgv(script)).toEqual(['ovs-vsctl', '--timeout=30', '--', '--if-exists', 'del-br', 'old0']);
  });

  it('no changes: only the lock, no ovs-vsctl and no bundle', () => {
    const script = hostScript([]);
    expect(script).not.toContain('ovs-vsctl');
    expect(script).not.toContain('ovs-ofctl');
  });

  it('bundle: deletions first, then adds and modifies, of that bridge only', () => {
    const f = (table: number, cookie = 'c101000000000001') => ({ cookie, table, priority: 1, match: '', actions: 'drop' });
    const a: FlowsChange = { type: 'flows', action: 'update', host: 'h1', address: 'a', bridge: 'contiv0', owner: 'a', add: [f(1)], modify: [f(2)], modifyBefore: [f(2)], remove: [], reason: '' };
    const b: FlowsChange = { ...a, address: 'b', add: [], modify: [], modifyBefore: [], remove: [f(3)] };
    const other: FlowsChange = { ...a, bridge: 'br-x', add: [f(9)] };
    expect(bundleLines([a, b, other], 'contiv0')).toEqual([
      'delete_strict table=3,priority=1',
      'add cookie=0xc101000000000001,table=1,priority=1 actions=drop',
      'modify_strict cookie=0xc101000000000001,table=2,priority=1 actions=drop',
    ]);
  });
});

describe('hostScript on a tampered plan', () => {
  it('a flow with a line break (which could end the here-document) is refused', () => {
    const evil: FlowsChange = { type: 'flows', action: 'create', host: 'h1', address: 'x', bridge: 'contiv0', owner: 'x', add: [{ cookie: 'c101000000000001', table: 0, priority: 1, match: '', actions: 'drop\nCONTIV_FLOWS_EOF\ntouch /tmp/contiv-pwned' }], modify: [], modifyBefore: [], remove: [], reason: '' };
    expect(() => hostScript([evil])).toThrow(/line break/);
  });
});
