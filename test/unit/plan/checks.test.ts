import { describe, expect, it } from 'vitest';
import type { CompiledHost } from '../../../src/compile/compile.js';
import { applyToolsPresent, bridgesAreOurs } from '../../../src/plan/checks.js';
import type { BridgeState, LiveHost } from '../../../src/state/host-state.js';

const bridge = (name: string): BridgeState => ({ name, datapathType: 'netdev', failMode: 'secure', externalIds: { 'contiv.owner': 'contiv' }, ports: {}, flows: {} });
const live = (over: { bridges?: Record<string, BridgeState>; missing?: string[] } = {}): LiveHost => ({
  state: { host: 'h1', bridges: over.bridges ?? {} },
  facts: { hostname: 'h1', ovsVersion: '3.1.0', vswitchdRunning: true, links: [], missing: over.missing ?? [], netns: [] },
  unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
});
const desired = (...names: string[]): Record<string, CompiledHost> => ({ h1: { state: { host: 'h1', bridges: Object.fromEntries(names.map((n) => [n, bridge(n)])) }, owners: {} } });

describe('fleet checks that keep contiv to its own objects', () => {
  it('refuses to take over a bridge of its name that it did not make', () => {
    const l = live();
    l.unmanaged.bridges = ['contiv0'];
    expect(bridgesAreOurs(desired('contiv0'), { h1: l }).map((d) => d.code)).toEqual(['bridge-not-ours']);
  });

  it('refuses to delete a bridge of its own that holds ports of someone else', () => {
    const l = live({ bridges: { 'contiv-old': bridge('contiv-old') } });
    l.unmanaged.ports = ['contiv-old/their-port'];
    const [d] = bridgesAreOurs(desired('contiv0'), { h1: l });
    expect(d?.code).toBe('bridge-holds-foreign-ports');
    expect(d?.message).toContain('contiv-old/their-port');
  });

  it('names a host that lacks what apply needs', () => {
    expect(applyToolsPresent({ h1: live({ missing: ['flock'] }) }).map((d) => [d.code, d.address])).toEqual([['host-missing-binary', 'h1']]);
    expect(applyToolsPresent({ h1: live({ missing: ['timeout'] }) })).toEqual([]);
  });
});

describe('foreign flows', () => {
  it('a flow contiv needs with the key of a foreign flow is refused, naming it', async () => {
    const { flowsLeaveForeignAlone } = await import('../../../src/plan/checks.js');
    const l = live({ bridges: { contiv0: bridge('contiv0') } });
    l.unmanaged.flowKeys = { contiv0: ['table=0,priority=0'] };
    const d = desired('contiv0');
    d['h1']!.state.bridges['contiv0']!.flows = { 'table=0,priority=0': { cookie: 'c101000000000001', table: 0, priority: 0, match: '', actions: 'drop' } };
    expect(flowsLeaveForeignAlone(d, { h1: l }).map((x) => x.code)).toEqual(['flow-collides-with-foreign']);
    l.unmanaged.flowKeys = { contiv0: ['table=0,priority=1'] };
    expect(flowsLeaveForeignAlone(d, { h1: l })).toEqual([]);
  });
});
