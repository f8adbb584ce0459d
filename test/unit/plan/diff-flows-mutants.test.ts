import { describe, expect, it } from 'vitest';
import type { CompiledHost } from '../../../src/compile/compile.js';
import { diffHost } from '../../../src/plan/diff.js';
import type { FlowsChange } from '../../../src/plan/types.js';
import { flowKey, type BridgeState, type Flow, type HostState } from '../../../src/state/host-state.js';
import { cookieFor, ownerIds } from '../../../src/state/marks.js';
import { freezeFlows } from '../../../src/state/flow-list.js';

/*
 * Flow changes per owner when an owner's flows do not come in one run (the diff adds each
 * run's cookie once, issue 14): the owners on both sides are all known, whatever the order.
 */

const A = cookieFor('rule', 'rule/t/p/1');
const B = cookieFor('rule', 'rule/t/p/2');
const C = cookieFor('rule', 'rule/t/p/3');
const f = (cookie: string, priority: number, actions = 'drop'): Flow => ({ cookie, table: 40, priority, match: `reg5=${priority}`, actions });
const bridge = (fs: Flow[]): BridgeState => ({ name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: ownerIds('bridge', 'h1/bridge/contiv0'), ports: {}, flows: Object.fromEntries(fs.map((x) => [flowKey(x), x])) });
const state = (fs: Flow[]): HostState => ({ host: 'h1', bridges: { contiv0: bridge(fs) } });
const owners = { [A]: 'rule/t/p/1', [B]: 'rule/t/p/2', [C]: 'rule/t/p/3' };
const flowChanges = (want: Flow[], have: Flow[]) =>
  (diffHost({ state: state(want), owners } as CompiledHost, state(have)).filter((c) => c.type === 'flows') as FlowsChange[]).map((c) => [c.owner, c.action, c.add.length, c.modify.length, c.remove.length]);

describe('diffHost: flows of owners in runs that come back', () => {
  it('knows an owner desired and live from any of its runs', () => {
    // A, B, A on both sides: A changes a flow of its second run, B one of its own.
    const want = [f(A, 1), f(B, 2), f(A, 3, 'goto_table:50'), f(B, 4, 'goto_table:50')];
    const have = [f(A, 1), f(B, 2), f(A, 3), f(B, 4)];
    expect(flowChanges(want, have)).toStrictEqual([
      ['rule/t/p/1', 'update', 0, 1, 0],
      ['rule/t/p/2', 'update', 0, 1, 0],
    ]);
  });

  it('creates an owner only on the desired side, deletes one only live, updates one on both', () => {
    const want = [f(A, 1), f(C, 5), f(A, 3), f(C, 6)];
    const have = [f(B, 2), f(A, 1), f(B, 4)];
    expect(flowChanges(want, have)).toStrictEqual([
      ['rule/t/p/1', 'update', 1, 0, 0],
      ['rule/t/p/2', 'delete', 0, 0, 2],
      ['rule/t/p/3', 'create', 2, 0, 0],
    ]);
  });

  it('compares equal flows that are different objects by their fields', () => {
    const want = [f(A, 1), f(A, 2, 'goto_table:50'), f(B, 3)];
    const have = [f(A, 1), f(A, 2), { ...f(A, 3), cookie: B }];
    expect(flowChanges(want, have)).toStrictEqual([['rule/t/p/1', 'update', 0, 1, 0]]);
    expect(flowChanges([f(A, 1)], [{ ...f(A, 1) }])).toStrictEqual([]);
  });

  it('removes what only the host has, as many flows on both sides or not, lists kept or not', () => {
    // As many on both sides: one to add, one to remove (the count alone does not say none is left).
    expect(flowChanges([f(A, 1), f(A, 2)], [f(A, 1), f(A, 3)])).toStrictEqual([['rule/t/p/1', 'update', 1, 0, 1]]);
    expect(flowChanges([f(A, 1)], [f(A, 1), f(B, 2)])).toStrictEqual([['rule/t/p/2', 'delete', 0, 0, 1]]);
    expect(flowChanges([f(A, 1), f(B, 2)], [f(B, 2)])).toStrictEqual([['rule/t/p/1', 'create', 1, 0, 0]]);
    // Frozen records with their lists (as parsed and compiled): the same changes.
    const frozen = (fs: Flow[]): HostState => {
      const s = state(fs);
      freezeFlows(s.bridges['contiv0']!.flows);
      return s;
    };
    const changes = (want: Flow[], have: Flow[]) => (diffHost({ state: frozen(want), owners } as CompiledHost, frozen(have)).filter((c) => c.type === 'flows') as FlowsChange[]).map((c) => [c.owner, c.action, c.add.length, c.modify.length, c.remove.length]);
    expect(changes([f(A, 1), f(A, 2)], [f(A, 1), f(A, 3)])).toStrictEqual([['rule/t/p/1', 'update', 1, 0, 1]]);
    expect(changes([f(A, 1), f(C, 5, 'output:1')], [f(C, 5), f(B, 2), f(A, 1)])).toStrictEqual([
      ['rule/t/p/2', 'delete', 0, 0, 1],
      ['rule/t/p/3', 'update', 0, 1, 0],
    ]);
  });
});
