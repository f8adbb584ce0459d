import { describe, expect, it } from 'vitest';
import { bridgeFields } from '../../../src/plan/diff.js';
import { unmetAssumptions, withinPlan } from '../../../src/plan/scope.js';
import type { AddressChange, BridgeChange, Change, FileChange, FlowsChange, PortChange } from '../../../src/plan/types.js';
import type { BridgeState, FileState, Flow, HostState, PortState } from '../../../src/state/host-state.js';
import { flowKey } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';

/*
 * The scope of a plan: apply runs a plan only while the host still is as the plan saw it, for
 * everything the plan touches (unmetAssumptions), and verifies or rolls back only those objects
 * (withinPlan). Everything is built inside each test.
 */

const COOKIE = 'c106000000000001';
const OTHER = 'c106000000000002';
const flow = (priority: number, actions = 'drop', cookie = COOKIE): Flow => ({ cookie, table: 40, priority, match: 'tcp,reg2=2', actions });
const flows = (...fs: Flow[]) => Object.fromEntries(fs.map((f) => [flowKey(f), f]));
const bridge = (over: Partial<BridgeState> = {}): BridgeState => ({ name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: ownerIds('bridge', 'h1/bridge/contiv0'), ports: {}, flows: {}, ...over });
const host = (b?: BridgeState, files?: Record<string, FileState>): HostState => ({ host: 'h1', bridges: b ? { [b.name]: b } : {}, ...(files ? { files } : {}) });
const tunnel = (remote: string): PortState => ({ name: 'vx-h2', type: 'vxlan', ofport: 10, options: { remote_ip: remote }, externalIds: ownerIds('tunnel', 'h1/tunnel/h2'), protected: true });
const flowsChange = (over: Partial<FlowsChange>): FlowsChange => ({ type: 'flows', action: 'update', host: 'h1', address: 'h1/flows/rule/x', bridge: 'contiv0', owner: 'rule/x', add: [], modify: [], modifyBefore: [], remove: [], reason: '', ...over });
const portChange = (action: PortChange['action'], before?: PortState, after?: PortState): PortChange => ({ type: 'port', action, host: 'h1', address: 'h1/tunnel/h2', bridge: 'contiv0', port: 'vx-h2', ...(before ? { before } : {}), ...(after ? { after } : {}), reason: '' });
const bridgeChange = (action: BridgeChange['action'], b?: BridgeState, after?: BridgeState): BridgeChange => ({ type: 'bridge', action, host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', ...(b ? { before: bridgeFields(b) } : {}), ...(after ? { after: bridgeFields(after) } : {}), reason: '' });
const PATH = '/etc/cni/net.d/50-contiv-web.conflist';
const liveFile = (sha: string, mode = '644'): FileState => ({ path: PATH, sha256: sha.repeat(64), mode });
const fileChange = (action: FileChange['action'], before?: { sha: string; mode: string }, after?: FileState): FileChange => ({
  type: 'file',
  action,
  host: 'h1',
  address: `h1/file${PATH}`,
  path: PATH,
  ...(before ? { before: { sha256: before.sha.repeat(64), mode: before.mode } } : {}),
  ...(after ? { after } : {}),
  reason: '',
});
const KEY = 'contiv.block.default.web.10-1-2-16';
const VALUE = '10.1.2.16-10.1.2.31 claimed';
const record = (action: AddressChange['action'], before?: string, after?: string, key = KEY): AddressChange => ({ type: 'address', action, host: 'h1', address: `h1/record/${key}`, bridge: 'contiv0', key, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), reason: '' });
const endpoint = (ip: string, over: Record<string, string> = {}): PortState => ({
  name: `cv-${ip}`,
  type: 'system',
  ofport: 4096,
  options: {},
  protected: false,
  externalIds: { ...ownerIds('endpoint', `h1/endpoint/${ip}`), 'contiv.tenant': 'default', 'contiv.network': 'web', 'contiv.ip': ip, 'contiv.mac': '02:00:00:00:00:01', 'contiv.netns': `ns-${ip}`, ...over },
});
const withBlock = (ports: PortState[] = [], extra: Record<string, string> = {}): HostState =>
  host(bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), [KEY]: VALUE, ...extra }, ports: Object.fromEntries(ports.map((p) => [p.name, p])) }));

describe('unmetAssumptions: files', () => {
  it('a file the plan creates must still be absent; a host without a files section has none', () => {
    const create = fileChange('create', undefined, liveFile('b'));
    expect(unmetAssumptions(host(bridge()), [create])).toEqual([]);
    expect(unmetAssumptions(host(bridge(), {}), [create])).toEqual([]);
    expect(unmetAssumptions(host(bridge(), { [PATH]: liveFile('b') }), [create])).toEqual([`h1/file${PATH}`]);
  });

  it('a file the plan replaces or removes must still have the content and mode the plan saw', () => {
    for (const c of [fileChange('update', { sha: 'a', mode: '644' }, liveFile('b')), fileChange('delete', { sha: 'a', mode: '644' })]) {
      expect(unmetAssumptions(host(bridge(), { [PATH]: liveFile('a', '644') }), [c])).toEqual([]);
      expect(unmetAssumptions(host(bridge(), { [PATH]: liveFile('e', '644') }), [c])).toEqual([`h1/file${PATH}`]);
      expect(unmetAssumptions(host(bridge(), { [PATH]: liveFile('a', '600') }), [c])).toEqual([`h1/file${PATH}`]);
      expect(unmetAssumptions(host(bridge(), {}), [c])).toEqual([`h1/file${PATH}`]);
      expect(unmetAssumptions(host(bridge()), [c])).toEqual([`h1/file${PATH}`]);
    }
  });
});

describe('unmetAssumptions: a create needs the object absent', () => {
  it('whatever else an edited plan says about it: a create never overwrites a file or port that is there', () => {
    const file = fileChange('create', { sha: 'a', mode: '644' }, liveFile('b'));
    expect(unmetAssumptions(host(bridge(), { [PATH]: liveFile('a', '644') }), [file])).toEqual([`h1/file${PATH}`]);
    const port = portChange('create', tunnel('198.19.0.12'), tunnel('198.19.0.12'));
    expect(unmetAssumptions(host(bridge({ ports: { 'vx-h2': tunnel('198.19.0.12') } })), [port])).toEqual(['h1/tunnel/h2']);
  });
});

describe('unmetAssumptions: bridges and ports', () => {
  it('a bridge update of only what differs holds while those fields and keys are as the plan saw them, whatever else moved', () => {
    const seen = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '4', 'contiv.pol.default.p': '{}' } });
    const c: BridgeChange = { type: 'bridge', action: 'update', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', before: { failMode: 'secure', externalIds: { 'contiv.vni.default.web': '4' } }, after: { failMode: 'standalone', externalIds: { 'contiv.vni.default.web': '5', 'contiv.vni.default.new': '6' } }, reason: '' };
    expect(unmetAssumptions(host(seen), [c])).toEqual([]);
    // A key the update does not name may change (the fingerprint is what watches it).
    expect(unmetAssumptions(host(bridge({ ...seen, externalIds: { ...seen.externalIds, 'contiv.pol.default.p': '{"x":1}' } })), [c])).toEqual([]);
    for (const moved of [
      bridge({ ...seen, failMode: 'standalone' }),
      bridge({ ...seen, externalIds: { ...seen.externalIds, 'contiv.vni.default.web': '9' } }),
      bridge({ ...seen, externalIds: { ...seen.externalIds, 'contiv.vni.default.new': '6' } }),
      bridge({ ...seen, externalIds: ownerIds('bridge', 'h1/bridge/contiv0') }),
    ]) expect(unmetAssumptions(host(moved), [c])).toEqual(['h1/bridge/contiv0']);
    // A datapath type the update does not change is not its to check.
    expect(unmetAssumptions(host(bridge({ ...seen, datapathType: 'system' })), [c])).toEqual([]);
  });

  it('a bridge the plan creates must still be absent', () => {
    const c = bridgeChange('create', undefined, bridge());
    expect(unmetAssumptions(host(), [c])).toEqual([]);
    expect(unmetAssumptions(host(bridge()), [c])).toEqual(['h1/bridge/contiv0']);
  });

  it('a bridge the plan updates or deletes must still have the fields the plan saw (its address records aside)', () => {
    const seen = bridge();
    for (const c of [bridgeChange('update', seen, bridge({ failMode: 'standalone' })), bridgeChange('delete', seen)]) {
      expect(unmetAssumptions(host(seen), [c])).toEqual([]);
      // Records come and go with endpoints: not the bridge change's assumption.
      expect(unmetAssumptions(host(bridge({ externalIds: { ...seen.externalIds, [KEY]: VALUE } })), [c])).toEqual([]);
      expect(unmetAssumptions(host(bridge({ failMode: 'standalone' })), [c])).toEqual(['h1/bridge/contiv0']);
      expect(unmetAssumptions(host(), [c])).toEqual(['h1/bridge/contiv0']);
    }
  });

  it('a port the plan creates must still be absent; one it changes or deletes must be as the plan saw it', () => {
    const create = portChange('create', undefined, tunnel('198.19.0.12'));
    expect(unmetAssumptions(host(bridge()), [create])).toEqual([]);
    expect(unmetAssumptions(host(), [create])).toEqual([]);
    expect(unmetAssumptions(host(bridge({ ports: { 'vx-h2': tunnel('198.19.0.12') } })), [create])).toEqual(['h1/tunnel/h2']);
    for (const c of [portChange('update', tunnel('198.19.0.12'), tunnel('198.19.0.13')), portChange('delete', tunnel('198.19.0.12'))]) {
      expect(unmetAssumptions(host(bridge({ ports: { 'vx-h2': tunnel('198.19.0.12') } })), [c])).toEqual([]);
      expect(unmetAssumptions(host(bridge({ ports: { 'vx-h2': tunnel('198.19.0.99') } })), [c])).toEqual(['h1/tunnel/h2']);
      expect(unmetAssumptions(host(bridge()), [c])).toEqual(['h1/tunnel/h2']);
      expect(unmetAssumptions(host(), [c])).toEqual(['h1/tunnel/h2']);
    }
  });
});

describe('unmetAssumptions: flows', () => {
  it('an add must not find a flow of the same owner under its key: another owner\'s flow there is what it replaces', () => {
    const add = flowsChange({ add: [flow(30)] });
    expect(unmetAssumptions(host(bridge()), [add])).toEqual([]);
    expect(unmetAssumptions(host(), [add])).toEqual([]);
    expect(unmetAssumptions(host(bridge({ flows: flows(flow(30, 'drop', OTHER)) })), [add])).toEqual([]);
    expect(unmetAssumptions(host(bridge({ flows: flows(flow(30, 'output:1')) })), [add])).toEqual(['h1/flows/rule/x']);
  });

  it('flows to remove or modify on a bridge that is gone: stale', () => {
    expect(unmetAssumptions(host(), [flowsChange({ remove: [flow(30)] })])).toEqual(['h1/flows/rule/x']);
    expect(unmetAssumptions(host(), [flowsChange({ modify: [flow(30, 'output:1')], modifyBefore: [flow(30)] })])).toEqual(['h1/flows/rule/x']);
  });

  it('every stale object is named, in the plan\'s order', () => {
    const plan: Change[] = [bridgeChange('create', undefined, bridge()), portChange('create', undefined, tunnel('198.19.0.12')), flowsChange({ remove: [flow(30)] })];
    expect(unmetAssumptions(host(bridge({ ports: { 'vx-h2': tunnel('198.19.0.12') } })), plan)).toEqual(['h1/bridge/contiv0', 'h1/tunnel/h2', 'h1/flows/rule/x']);
  });
});

describe('unmetAssumptions: address records', () => {
  it('a record the plan changes must still have the value the plan saw, or already the one it makes', () => {
    const confirm = record('update', '10.1.2.16-10.1.2.31 pending', VALUE);
    expect(unmetAssumptions(host(bridge({ externalIds: { [KEY]: '10.1.2.16-10.1.2.31 pending' } })), [confirm])).toEqual([]);
    expect(unmetAssumptions(withBlock(), [confirm])).toEqual([]);
    expect(unmetAssumptions(host(bridge({ externalIds: { [KEY]: '10.1.2.16-10.1.2.31 other' } })), [confirm])).toEqual([`h1/record/${KEY}`]);
    expect(unmetAssumptions(host(), [confirm])).toEqual([`h1/record/${KEY}`]);
    // A claim on a host whose bridge is not there yet (the same plan creates it).
    expect(unmetAssumptions(host(), [record('create', undefined, '10.1.2.16-10.1.2.31 pending')])).toEqual([]);
  });

  it('confirming a block holds while endpoints use it; only a release needs the block empty', () => {
    const inBlock = endpoint('10.1.2.20');
    const pending = host(bridge({ externalIds: { [KEY]: '10.1.2.16-10.1.2.31 pending' }, ports: { [inBlock.name]: inBlock } }));
    expect(unmetAssumptions(pending, [record('update', '10.1.2.16-10.1.2.31 pending', VALUE)])).toEqual([]);
    // A claim whose key the host has nothing under, on a bridge with endpoints: holds.
    expect(unmetAssumptions(host(bridge({ ports: { [inBlock.name]: inBlock } })), [record('create', undefined, VALUE)])).toEqual([]);
  });

  it('a release is stale when an endpoint uses the block, from its first to its last address', () => {
    const release = record('delete', VALUE);
    for (const ip of ['10.1.2.16', '10.1.2.31']) expect(unmetAssumptions(withBlock([endpoint(ip)]), [release]), ip).toEqual([`h1/record/${KEY}`]);
    for (const ip of ['10.1.2.15', '10.1.2.32']) expect(unmetAssumptions(withBlock([endpoint(ip)]), [release]), ip).toEqual([]);
    // Same network name in another tenant: another space.
    expect(unmetAssumptions(withBlock([endpoint('10.1.2.20', { 'contiv.tenant': 'blue' })]), [release])).toEqual([]);
  });

  it('a release is stale when an address of the block is lent, from its first to its last address, in its own space only', () => {
    const release = record('delete', VALUE);
    for (const ip of ['10-1-2-16', '10-1-2-31']) expect(unmetAssumptions(withBlock([], { [`contiv.lent.default.web.${ip}`]: 'h2' }), [release]), ip).toEqual([`h1/record/${KEY}`]);
    for (const ip of ['10-1-2-15', '10-1-2-32']) expect(unmetAssumptions(withBlock([], { [`contiv.lent.default.web.${ip}`]: 'h2' }), [release]), ip).toEqual([]);
    expect(unmetAssumptions(withBlock([], { 'contiv.lent.blue.web.10-1-2-20': 'h2' }), [release])).toEqual([]);
    expect(unmetAssumptions(withBlock([], { 'contiv.lent.default.db.10-1-2-20': 'h2' }), [release])).toEqual([]);
  });

  it('only deletions in the same plan free a block: a port changed or a lent record rewritten still uses it', () => {
    const release = record('delete', VALUE);
    const ep = endpoint('10.1.2.20');
    const portUpdate: PortChange = { ...portChange('update', ep, { ...ep, mtu: 1400 }), port: ep.name };
    expect(unmetAssumptions(withBlock([ep]), [portUpdate, release])).toEqual([`h1/record/${KEY}`]);
    const lentKey = 'contiv.lent.default.web.10-1-2-20';
    const relend = record('update', 'h2', 'h3', lentKey);
    expect(unmetAssumptions(withBlock([], { [lentKey]: 'h2' }), [relend, release])).toEqual([`h1/record/${KEY}`]);
  });

  it('releasing a lent record or an old-style record needs no empty block', () => {
    const lentKey = 'contiv.lent.default.web.10-1-2-20';
    const ep = endpoint('10.1.2.20');
    expect(unmetAssumptions(withBlock([ep], { [lentKey]: 'h2' }), [record('delete', 'h2', undefined, lentKey)])).toEqual([]);
    const legacy = 'contiv.ipam.default.web';
    expect(unmetAssumptions(withBlock([ep], { [legacy]: '10.1.2.0-10.1.2.63' }), [record('delete', '10.1.2.0-10.1.2.63', undefined, legacy)])).toEqual([]);
  });
});

describe('withinPlan: what verification and rollback look at', () => {
  it('keeps each kind of change only for the objects the plan touches', () => {
    const plan: Change[] = [
      bridgeChange('update', bridge(), bridge({ failMode: 'standalone' })),
      portChange('create', undefined, tunnel('198.19.0.12')),
      record('create', undefined, VALUE),
      fileChange('create', undefined, liveFile('b')),
      flowsChange({ add: [flow(30)] }),
    ];
    const other = (c: Change): Change => {
      switch (c.type) {
        case 'bridge':
          return { ...c, bridge: 'other0' };
        case 'port':
          return { ...c, port: 'vx-h9' };
        case 'address':
          return { ...c, key: 'contiv.block.default.web.10-1-2-32' };
        case 'file':
          return { ...c, path: '/etc/cni/net.d/50-contiv-db.conflist' };
        case 'docker-network':
          return { ...c, name: 'other' };
        case 'docker-plugin':
          return c;
        default:
          return { ...c, add: [flow(31)] };
      }
    };
    const found = plan.flatMap((c) => [other(c), c]);
    expect(withinPlan(found, plan)).toEqual(plan);
    expect(withinPlan(plan.map(other), plan)).toEqual([]);
    // The same port, record or flow on another bridge is another object.
    const elsewhere = plan.filter((c) => c.type !== 'bridge' && c.type !== 'file').map((c) => ({ ...c, bridge: 'other0' }) as Change);
    expect(withinPlan(elsewhere, plan)).toEqual([]);
  });

  it('cuts an owner\'s flow change down to the flows the plan touches in each list', () => {
    const plan: Change[] = [flowsChange({ modify: [flow(30, 'output:1')], modifyBefore: [flow(30)] })];
    const found = flowsChange({ add: [flow(31)], modify: [flow(30, 'output:1'), flow(32, 'output:2')], modifyBefore: [flow(30), flow(32)], remove: [flow(33)] });
    expect(withinPlan([found], plan)).toEqual([flowsChange({ modify: [flow(30, 'output:1')], modifyBefore: [flow(30)] })]);
    // An owner left with only a removal, or only an add, of a touched flow is kept.
    expect(withinPlan([flowsChange({ remove: [flow(30)] })], plan)).toEqual([flowsChange({ remove: [flow(30)] })]);
    expect(withinPlan([flowsChange({ add: [flow(30)] })], plan)).toEqual([flowsChange({ add: [flow(30)] })]);
    expect(withinPlan([flowsChange({ modify: [flow(30)], modifyBefore: [flow(30, 'output:1')] })], plan)).toEqual([flowsChange({ modify: [flow(30)], modifyBefore: [flow(30, 'output:1')] })]);
  });

  it('flows the plan removes count as touched', () => {
    const plan: Change[] = [flowsChange({ remove: [flow(30)] })];
    expect(withinPlan([flowsChange({ add: [flow(30)], remove: [flow(34)] })], plan)).toEqual([flowsChange({ add: [flow(30)] })]);
  });
});
