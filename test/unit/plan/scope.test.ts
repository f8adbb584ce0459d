import { describe, expect, it } from 'vitest';
import { unmetAssumptions, withinPlan } from '../../../src/plan/scope.js';
import type { AddressChange, Change, FlowsChange } from '../../../src/plan/types.js';
import type { Flow, HostState, PortState } from '../../../src/state/host-state.js';
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

describe('address records a plan changes', () => {
  const KEY = 'contiv.block.default.net.10-1-2-16';
  const VALUE = '10.1.2.16-10.1.2.31 claimed';
  const release = (before = VALUE): AddressChange => ({ type: 'address', action: 'delete', host: 'h1', address: 'h1/block/default/net/10.1.2.16', bridge: 'contiv0', key: KEY, before, reason: 'no endpoint left' });
  const endpoint = (ip: string, network = 'net'): PortState => ({
    name: `cv-${ip}`,
    type: 'system',
    ofport: 4096,
    options: {},
    protected: false,
    externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'endpoint', 'contiv.addr': `h1/endpoint/${ip}`, 'contiv.tenant': 'default', 'contiv.network': network, 'contiv.ip': ip, 'contiv.mac': '02:00:00:00:00:01', 'contiv.netns': `ns-${ip}` },
  });
  const withBlock = (ports: PortState[] = [], extra: Record<string, string> = {}): HostState => {
    const h = host();
    h.bridges['contiv0']!.externalIds = { [KEY]: VALUE, ...extra };
    h.bridges['contiv0']!.ports = Object.fromEntries(ports.map((p) => [p.name, p]));
    return h;
  };

  it('a release holds only while the block is still empty and recorded as the plan saw it', () => {
    expect(unmetAssumptions(withBlock(), [release()])).toEqual([]);
    // An endpoint attached in the block since the plan: the release would hand its address out again.
    expect(unmetAssumptions(withBlock([endpoint('10.1.2.20')]), [release()])).toEqual(['h1/block/default/net/10.1.2.16']);
    // Outside the block, or on another network: not in the way.
    expect(unmetAssumptions(withBlock([endpoint('10.1.2.32'), endpoint('10.1.2.20', 'other')]), [release()])).toEqual([]);
    // An address lent away from the block since the plan.
    expect(unmetAssumptions(withBlock([], { 'contiv.lent.default.net.10-1-2-17': 'h2' }), [release()])).toEqual(['h1/block/default/net/10.1.2.16']);
    // Unless the same plan removes them too (a dead endpoint's port, a lent record no longer used).
    const dead = endpoint('10.1.2.20');
    const removePort: Change = { type: 'port', action: 'delete', host: 'h1', address: 'h1/endpoint/x', bridge: 'contiv0', port: dead.name, before: dead, reason: 'namespace gone' };
    expect(unmetAssumptions(withBlock([dead]), [removePort, release()])).toEqual([]);
    const unlend: AddressChange = { ...release('h2'), key: 'contiv.lent.default.net.10-1-2-17', address: 'h1/lent/default/net/10.1.2.17' };
    expect(unmetAssumptions(withBlock([], { 'contiv.lent.default.net.10-1-2-17': 'h2' }), [unlend, release()])).toEqual([]);
    // The record changed (confirmed, re-claimed) since the plan.
    expect(unmetAssumptions(withBlock(), [release('10.1.2.16-10.1.2.31 pending')])).toEqual(['h1/block/default/net/10.1.2.16']);
  });

  it('a claim holds only while the host records nothing under its key; verification sees only touched records', () => {
    const claim: AddressChange = { type: 'address', action: 'create', host: 'h1', address: 'h1/block/default/net/10.1.2.16', bridge: 'contiv0', key: KEY, after: '10.1.2.16-10.1.2.31 pending', reason: 'reserve' };
    expect(unmetAssumptions(host(), [claim])).toEqual([]);
    expect(unmetAssumptions(withBlock(), [claim])).toEqual(['h1/block/default/net/10.1.2.16']);
    const other: AddressChange = { ...claim, key: 'contiv.block.default.net.10-1-2-32', address: 'h1/block/default/net/10.1.2.32' };
    expect(withinPlan([claim, other], [claim])).toEqual([claim]);
  });

  it('a record already where the plan takes it holds (an attach settled the same claim meanwhile); one settled the other way does not', () => {
    const confirm: AddressChange = { type: 'address', action: 'update', host: 'h1', address: 'h1/block/default/net/10.1.2.16', bridge: 'contiv0', key: KEY, before: '10.1.2.16-10.1.2.31 pending', after: VALUE, reason: 'settle' };
    expect(unmetAssumptions(withBlock(), [confirm])).toEqual([]);
    const withdraw: AddressChange = { ...confirm, action: 'delete', after: undefined };
    expect(unmetAssumptions(host(), [withdraw])).toEqual([]);
    // Confirmed by the attach, withdrawn by the plan: refused.
    expect(unmetAssumptions(withBlock(), [withdraw])).toEqual(['h1/block/default/net/10.1.2.16']);
    // Withdrawn by the attach, confirmed by the plan: refused.
    expect(unmetAssumptions(host(), [confirm])).toEqual(['h1/block/default/net/10.1.2.16']);
  });
});
