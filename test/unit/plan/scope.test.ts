import { describe, expect, it } from 'vitest';
import { unmetAssumptions, withinPlan } from '../../../src/plan/scope.js';
import type { Change, FlowsChange } from '../../../src/plan/types.js';
import type { Flow, HostState } from '../../../src/state/host-state.js';
import { flowKey } from '../../../src/state/host-state.js';

const flow = (priority: number, actions: string, cookie = 'c106000000000001'): Flow => ({ cookie, table: 40, priority, match: 'tcp,reg2=2', actions });
const flows = (...fs: Flow[]) => Object.fromEntries(fs.map((f) => [flowKey(f), f]));
const host = (...fs: Flow[]): HostState => ({
  host: 'h1',
  bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {}, ports: {}, flows: flows(...fs) } },
});
const change = (over: Partial<FlowsChange>): FlowsChange => ({ type: 'flows', action: 'update', host: 'h1', address: 'h1/flows/rule/x', bridge: 'contiv0', owner: 'rule/x', add: [], modify: [], modifyBefore: [], remove: [], reason: '', ...over });

describe('what a plan touches and assumes', () => {
  it('a plan still holds when only objects it does not touch moved', () => {
    const plan: Change[] = [change({ modify: [flow(30, 'drop')], modifyBefore: [flow(30, 'goto_table:50')] })];
    // Another flow (an endpoint's, say) appeared since the plan: not the plan's business.
    expect(unmetAssumptions(host(flow(30, 'goto_table:50'), flow(12, 'drop', 'c104000000000009')), plan)).toEqual([]);
  });

  it('a plan is stale when a flow it modifies or removes is not as it saw it', () => {
    const plan: Change[] = [change({ modify: [flow(30, 'drop')], modifyBefore: [flow(30, 'goto_table:50')] })];
    expect(unmetAssumptions(host(flow(30, 'output:7')), plan)).toEqual(['h1/flows/rule/x']);
    expect(unmetAssumptions(host(), plan)).toEqual(['h1/flows/rule/x']);
    const removal: Change[] = [change({ remove: [flow(30, 'drop')] })];
    expect(unmetAssumptions(host(flow(30, 'drop')), removal)).toEqual([]);
    expect(unmetAssumptions(host(flow(30, 'goto_table:50')), removal)).toEqual(['h1/flows/rule/x']);
  });

  it('verification and rollback see only what the plan touches', () => {
    const plan: Change[] = [change({ add: [flow(30, 'drop')] })];
    const found: Change[] = [change({ add: [flow(30, 'drop'), flow(12, 'drop', 'c104000000000009')], remove: [flow(13, 'drop')] })];
    expect(withinPlan(found, plan)).toEqual([change({ add: [flow(30, 'drop')] })]);
    expect(withinPlan([change({ remove: [flow(13, 'drop')] })], plan)).toEqual([]);
  });
});
