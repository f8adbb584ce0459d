import { describe, expect, it } from 'vitest';
import { bridgeFields } from '../../../src/plan/diff.js';
import { projectState } from '../../../src/plan/project.js';
import type { AddressChange, Change, FileChange, FlowsChange, PortChange } from '../../../src/plan/types.js';
import type { BridgeState, Flow, HostState, PortState } from '../../../src/state/host-state.js';
import { flowKey } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';

/*
 * The state apply verifies against: the host as it was, with exactly the plan's changes made.
 * Hand-made states and changes, built inside each test.
 */

const flow = (priority: number, actions = 'drop'): Flow => ({ cookie: 'c106000000000001', table: 40, priority, match: 'tcp', actions });
const bridge = (over: Partial<BridgeState> = {}): BridgeState => ({ name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: ownerIds('bridge', 'h1/bridge/contiv0'), ports: {}, flows: {}, ...over });
const host = (...bs: BridgeState[]): HostState => ({ host: 'h1', bridges: Object.fromEntries(bs.map((b) => [b.name, b])) });
const tunnel = (remote: string): PortState => ({ name: 'vx-h2', type: 'vxlan', ofport: 10, options: { remote_ip: remote }, externalIds: ownerIds('tunnel', 'h1/tunnel/h2'), protected: true });
const port = (action: PortChange['action'], bridgeName: string, before?: PortState, after?: PortState): PortChange => ({ type: 'port', action, host: 'h1', address: 'h1/tunnel/h2', bridge: bridgeName, port: 'vx-h2', ...(before ? { before } : {}), ...(after ? { after } : {}), reason: '' });
const KEY = 'contiv.block.default.web.10-1-2-16';
const record = (bridgeName: string, before?: string, after?: string): AddressChange => ({
  type: 'address',
  action: before === undefined ? 'create' : after === undefined ? 'delete' : 'update',
  host: 'h1',
  address: 'h1/block/default/web/10.1.2.16',
  bridge: bridgeName,
  key: KEY,
  ...(before !== undefined ? { before } : {}),
  ...(after !== undefined ? { after } : {}),
  reason: '',
});

describe('projectState', () => {
  it('deletes a bridge, and a port, the plan deletes; leaves the rest as it was', () => {
    const keep = bridge({ name: 'keep0', externalIds: ownerIds('bridge', 'h1/bridge/keep0') });
    const before = host(bridge({ ports: { 'vx-h2': tunnel('198.19.0.12') } }), keep);
    const dropPort = projectState(before, [port('delete', 'contiv0', tunnel('198.19.0.12'))]);
    expect(dropPort).toEqual(host(bridge(), keep));
    const dropBridge = projectState(before, [{ type: 'bridge', action: 'delete', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', before: bridgeFields(before.bridges['contiv0']!), reason: '' }]);
    expect(dropBridge).toEqual(host(keep));
    // The state it started from is not changed.
    expect(before.bridges['contiv0']!.ports['vx-h2']).toEqual(tunnel('198.19.0.12'));
  });

  it('a bridge update keeps the bridge\'s ports, flows and address records', () => {
    const b = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), [KEY]: '10.1.2.16-10.1.2.31 claimed', 'contiv.vni.default.web': '4' }, ports: { 'vx-h2': tunnel('198.19.0.12') }, flows: { [flowKey(flow(1))]: flow(1) } });
    const after = { ...bridgeFields(b), failMode: 'standalone' as const, externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '5' } };
    const out = projectState(host(b), [{ type: 'bridge', action: 'update', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', before: bridgeFields(b), after, reason: '' }]);
    expect(out.bridges['contiv0']).toEqual({ ...b, failMode: 'standalone', externalIds: { ...after.externalIds, [KEY]: '10.1.2.16-10.1.2.31 claimed' } });
  });

  it('a bridge update of only what differs (a delta) changes those fields and keys and leaves every other as it was', () => {
    const b = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), [KEY]: '10.1.2.16-10.1.2.31 claimed', 'contiv.vni.default.web': '4', 'contiv.vni.default.old': '3', 'contiv.pol.default.p': '{}' } });
    const out = projectState(host(b), [
      { type: 'bridge', action: 'update', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', before: { failMode: 'secure', externalIds: { 'contiv.vni.default.web': '4', 'contiv.vni.default.old': '3' } }, after: { failMode: 'standalone', externalIds: { 'contiv.vni.default.web': '5', 'contiv.vni.default.new': '6' } }, reason: '' },
    ]);
    expect(out.bridges['contiv0']).toStrictEqual({ ...b, failMode: 'standalone', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), [KEY]: '10.1.2.16-10.1.2.31 claimed', 'contiv.vni.default.web': '5', 'contiv.pol.default.p': '{}', 'contiv.vni.default.new': '6' } });
  });

  it('writes, rewrites and removes address records', () => {
    const withRecord = host(bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), [KEY]: '10.1.2.16-10.1.2.31 pending' } }));
    expect(projectState(host(bridge()), [record('contiv0', undefined, '10.1.2.16-10.1.2.31 pending')])).toEqual(withRecord);
    expect(projectState(withRecord, [record('contiv0', '10.1.2.16-10.1.2.31 pending', '10.1.2.16-10.1.2.31 claimed')]).bridges['contiv0']!.externalIds[KEY]).toBe('10.1.2.16-10.1.2.31 claimed');
    // Removed, not left behind as an empty key.
    expect(projectState(withRecord, [record('contiv0', '10.1.2.16-10.1.2.31 pending')])).toStrictEqual(host(bridge()));
  });

  it('ports, flows and records of a bridge the host does not have are left out, and nothing else changes', () => {
    const before = host(bridge());
    const flows: FlowsChange = { type: 'flows', action: 'create', host: 'h1', address: 'h1/flows/rule/x', bridge: 'gone0', owner: 'rule/x', add: [flow(1)], modify: [], modifyBefore: [], remove: [], reason: '' };
    const changes: Change[] = [port('create', 'gone0', undefined, tunnel('198.19.0.12')), flows, record('gone0', undefined, '10.1.2.16-10.1.2.31 pending')];
    expect(projectState(before, changes)).toEqual(before);
  });

  it('files: created on a host that had none, replaced by path, removed', () => {
    const path = '/etc/cni/net.d/50-contiv-web.conflist';
    const create: FileChange = { type: 'file', action: 'create', host: 'h1', address: `h1/file${path}`, path, after: { path, sha256: 'b'.repeat(64), mode: '644', content: '{}' }, reason: '' };
    const created = projectState(host(bridge()), [create]);
    // The live side knows a file by hash and mode only.
    expect(created).toEqual({ ...host(bridge()), files: { [path]: { path, sha256: 'b'.repeat(64), mode: '644' } } });
    const update: FileChange = { ...create, action: 'update', before: { sha256: 'b'.repeat(64), mode: '644' }, after: { path, sha256: 'e'.repeat(64), mode: '600', content: '{"a":1}' } };
    expect(projectState(created, [update]).files).toEqual({ [path]: { path, sha256: 'e'.repeat(64), mode: '600' } });
    const { after: _after, ...remove } = { ...update, action: 'delete' as const };
    expect(projectState(created, [remove]).files).toEqual({});
  });

  it('a change of a type it does not know is refused', () => {
    expect(() => projectState(host(bridge()), [{ type: 'route', action: 'create' } as unknown as Change])).toThrow(/unhandled case/);
  });
});
