import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../src/compile/model-blob.js';
import type { CompiledHost } from '../../../src/compile/compile.js';
import { bridgeFields, diffHost, withoutAddressRecords } from '../../../src/plan/diff.js';
import type { Change, FlowsChange } from '../../../src/plan/types.js';
import type { BridgeState, FileState, Flow, HostState, PortState } from '../../../src/state/host-state.js';
import { flowKey } from '../../../src/state/host-state.js';
import { cookieFor, ownerIds } from '../../../src/state/marks.js';

/*
 * What the diff of one host adds, changes and removes, in which order, and what it says about
 * each change: bridges, ports, flows, address records and managed files. Small hand-made
 * states, built inside each test.
 */

const NET = cookieFor('network', 'net/default/web');
const RULE = cookieFor('rule', 'rule/default/p/1');
const flow = (cookie: string, table: number, priority: number, match: string, actions = 'drop'): Flow => ({ cookie, table, priority, match, actions });
const flows = (...fs: Flow[]) => Object.fromEntries(fs.map((f) => [flowKey(f), f]));
const bridge = (over: Partial<BridgeState> = {}): BridgeState => ({
  name: 'contiv0',
  datapathType: 'netdev',
  failMode: 'secure',
  externalIds: ownerIds('bridge', 'h1/bridge/contiv0'),
  ports: {},
  flows: {},
  ...over,
});
const tunnel = (peer: string, remote: string, over: Partial<PortState> = {}): PortState => ({
  name: `vx-${peer}`,
  type: 'vxlan',
  ofport: 10,
  options: { remote_ip: remote, key: 'flow' },
  externalIds: ownerIds('tunnel', `h1/tunnel/${peer}`),
  protected: true,
  ...over,
});
const endpointPort = (name: string, ip: string): PortState => ({
  name,
  type: 'system',
  ofport: 4096,
  options: {},
  protected: false,
  externalIds: { ...ownerIds('endpoint', `h1/endpoint/${name}`), 'contiv.tenant': 'default', 'contiv.network': 'web', 'contiv.ip': ip, 'contiv.mac': '02:00:00:00:00:01', 'contiv.netns': name },
});
const file = (path: string, sha: string, mode = '644'): FileState => ({ path, sha256: sha.repeat(64 / sha.length), mode, content: `{"x":"${sha}"}` });
const state = (b: BridgeState | undefined, files?: Record<string, FileState>): HostState => ({ host: 'h1', bridges: b ? { [b.name]: b } : {}, ...(files ? { files } : {}) });
const want = (b: BridgeState, extra: Partial<CompiledHost> = {}, files?: Record<string, FileState>): CompiledHost => ({ state: state(b, files), owners: { [NET]: 'net/default/web', [RULE]: 'rule/default/p/1' }, ...extra });
const line = (c: Change) => `${c.type} ${c.action} ${c.address}`;

describe('diffHost: a host with nothing yet', () => {
  it('a host never gathered (no live state) gets its bridge, ports, records, flows and files created, in that order', () => {
    const b = bridge({
      externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.block.default.web.10-1-2-16': '10.1.2.16-10.1.2.31 pending' },
      ports: { 'vx-h2': tunnel('h2', '198.19.0.12') },
      flows: flows(flow(NET, 0, 100, 'in_port=10')),
    });
    const changes = diffHost(want(b, {}, { '/opt/cni/bin/contiv': file('/opt/cni/bin/contiv', 'c', '755') }), undefined);
    expect(changes.map(line)).toEqual([
      'bridge create h1/bridge/contiv0',
      'address create h1/block/default/web/10.1.2.16',
      'port create h1/tunnel/h2',
      'flows create h1/flows/net/default/web',
      'file create h1/file/opt/cni/bin/contiv',
    ]);
    expect(changes[0]).toEqual({ type: 'bridge', action: 'create', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', after: bridgeFields(b), reason: 'not on the host yet' });
    expect(changes[2]).toEqual({ type: 'port', action: 'create', host: 'h1', address: 'h1/tunnel/h2', bridge: 'contiv0', port: 'vx-h2', after: b.ports['vx-h2'], reason: 'not on the host yet' });
    expect(changes[3]).toMatchObject({ reason: 'not on the host yet', add: [flow(NET, 0, 100, 'in_port=10')], remove: [] });
  });

  it('the bridge change carries the bridge fields but never its address records', () => {
    const ids = { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '5', 'contiv.lent.default.web.10-1-2-17': 'h2', 'contiv.ipam.default.web': '10.1.2.0-10.1.2.63', 'contiv.block.default.web.10-1-2-16': '10.1.2.16-10.1.2.31 claimed' };
    expect(withoutAddressRecords(ids)).toEqual({ ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '5' });
    expect(bridgeFields(bridge({ externalIds: ids, failMode: 'standalone', datapathType: 'system' }))).toEqual({
      name: 'contiv0',
      datapathType: 'system',
      failMode: 'standalone',
      externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '5' },
    });
  });
});

describe('diffHost: bridges', () => {
  it('a bridge that differs only in its address records has no bridge change of its own', () => {
    const have = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.lent.default.web.10-1-2-17': 'h2' } });
    const changes = diffHost(want(bridge()), state(have));
    expect(changes.map(line)).toEqual(['address delete h1/lent/default/web/10.1.2.17']);
  });

  it('a bridge update names every field that differs', () => {
    const have = bridge({ failMode: 'standalone', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '4' } });
    const wanted = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '5' } });
    const changes = diffHost(want(wanted), state(have));
    expect(changes).toEqual([
      {
        type: 'bridge',
        action: 'update',
        host: 'h1',
        address: 'h1/bridge/contiv0',
        bridge: 'contiv0',
        before: { failMode: 'standalone', externalIds: { 'contiv.vni.default.web': '4' } },
        after: { failMode: 'secure', externalIds: { 'contiv.vni.default.web': '5' } },
        reason: 'failMode, externalIds.contiv.vni.default.web differ',
      },
    ]);
  });

  it('a bridge update carries only the keys that differ: added, changed, removed; the many unchanged records stay out', () => {
    const records = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`contiv.pol.default.p${i}`, `{"rules":${i}}`]));
    const have = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), ...records, 'contiv.vni.default.old': '4', 'contiv.vni.default.web': '5' } });
    const wanted = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), ...records, 'contiv.vni.default.web': '6', 'contiv.vni.default.new': '7' } });
    const [c] = diffHost(want(wanted), state(have));
    expect(c).toMatchObject({ type: 'bridge', action: 'update' });
    if (c?.type !== 'bridge') throw new Error('no bridge change');
    expect(c.before).toEqual({ externalIds: { 'contiv.vni.default.old': '4', 'contiv.vni.default.web': '5' } });
    expect(c.after).toEqual({ externalIds: { 'contiv.vni.default.new': '7', 'contiv.vni.default.web': '6' } });
    expect(c.reason).toBe('externalIds.contiv.vni.default.new, externalIds.contiv.vni.default.old, externalIds.contiv.vni.default.web differ');
    // Past four keys the reason counts them instead of naming hundreds.
    const many = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), ...Object.fromEntries(Object.keys(records).map((k) => [k, 'changed'])) } });
    const [d] = diffHost(want(many), state(have));
    expect(d?.reason).toBe('302 external_ids keys differ');
    // A create still carries the whole bridge.
    expect(diffHost(want(wanted), state(undefined))[0]).toMatchObject({ action: 'create', after: bridgeFields(wanted) });
  });
});

describe('diffHost: the recorded model\'s chunks', () => {
  const OWNER = ownerIds('bridge', 'h1/bridge/contiv0');
  const RECORDS = { 'contiv.vni.default.web': '5', 'contiv.net.default.web': '10.1.2.0/24 10.1.2.1', 'contiv.mtu': '1450' };
  const sortedJson = (r: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))));

  it('the same records in another text (another zlib) are no change', () => {
    const other = { 'contiv.model.0': `z1:${deflateRawSync(sortedJson(RECORDS), { level: 0 }).toString('base64')}` };
    expect(other).not.toEqual(encodeModel(RECORDS));
    expect(diffHost(want(bridge({ externalIds: { ...OWNER, ...encodeModel(RECORDS) } })), state(bridge({ externalIds: { ...OWNER, ...other } })))).toEqual([]);
  });

  it('a record that differs: the update carries every chunk of both sides, and names the record', () => {
    const big = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`contiv.pol.t.p${i}`, createHash('sha256').update(String(i)).digest('hex')]));
    const before = encodeModel({ ...big, ...RECORDS });
    const after = encodeModel({ ...big, ...RECORDS, 'contiv.mtu': '1400' });
    expect(Object.keys(after).length).toBeGreaterThan(1);
    const [c] = diffHost(want(bridge({ externalIds: { ...OWNER, ...after } })), state(bridge({ externalIds: { ...OWNER, ...before } })));
    if (c?.type !== 'bridge' || c.action !== 'update') throw new Error('no bridge update');
    expect(c.before).toEqual({ externalIds: before });
    expect(c.after).toEqual({ externalIds: after });
    expect(c.reason).toBe('externalIds.contiv.mtu differ');
  });

  it('an older contiv\'s records, one key each, move into the chunks: removed and written in one update, said as such', () => {
    const [c] = diffHost(want(bridge({ externalIds: { ...OWNER, ...encodeModel(RECORDS) } })), state(bridge({ externalIds: { ...OWNER, ...RECORDS } })));
    if (c?.type !== 'bridge' || c.action !== 'update') throw new Error('no bridge update');
    expect(c.before).toEqual({ externalIds: RECORDS });
    expect(c.after).toEqual({ externalIds: encodeModel(RECORDS) });
    expect(c.reason).toBe('its records are written again in the form this contiv writes (contiv.model.*), unchanged');
    // One that also changes a record names it.
    const [d] = diffHost(want(bridge({ externalIds: { ...OWNER, ...encodeModel({ ...RECORDS, 'contiv.mtu': '1400' }) } })), state(bridge({ externalIds: { ...OWNER, ...RECORDS } })));
    expect(d?.reason).toBe('externalIds.contiv.mtu differ');
  });

  it('chunks it cannot read are written again, named by their keys', () => {
    const [c] = diffHost(want(bridge({ externalIds: { ...OWNER, ...encodeModel(RECORDS) } })), state(bridge({ externalIds: { ...OWNER, 'contiv.model.0': 'z1:damaged' } })));
    expect(c).toMatchObject({ type: 'bridge', action: 'update', reason: 'externalIds.contiv.model.0, externalIds.contiv.mtu, externalIds.contiv.net.default.web, externalIds.contiv.vni.default.web differ' });
  });
});

describe('diffHost: ports', () => {
  it('a port whose options differ is updated; one whose type differs is replaced; an equal one is left alone', () => {
    const have = bridge({ ports: { 'vx-h2': tunnel('h2', '198.19.0.12'), 'vx-h3': tunnel('h3', '198.19.0.13'), 'vx-h4': tunnel('h4', '198.19.0.14') } });
    const wanted = bridge({ ports: { 'vx-h2': tunnel('h2', '198.19.0.99'), 'vx-h3': tunnel('h3', '198.19.0.13', { type: 'system' }), 'vx-h4': tunnel('h4', '198.19.0.14') } });
    const changes = diffHost(want(wanted), state(have));
    expect(changes).toEqual([
      { type: 'port', action: 'update', host: 'h1', address: 'h1/tunnel/h2', bridge: 'contiv0', port: 'vx-h2', before: have.ports['vx-h2'], after: wanted.ports['vx-h2'], reason: 'options.remote_ip differ' },
      { type: 'port', action: 'replace', host: 'h1', address: 'h1/tunnel/h3', bridge: 'contiv0', port: 'vx-h3', before: have.ports['vx-h3'], after: wanted.ports['vx-h3'], reason: 'type differ' },
    ]);
  });

  it('endpoint ports are never created (attach does that); a gone one is deleted as "namespace gone", any other as no longer wanted', () => {
    const ep = endpointPort('cv-web-1', '10.1.2.20');
    expect(diffHost(want(bridge({ ports: { 'cv-web-1': ep } })), state(bridge()))).toEqual([]);
    const have = bridge({ ports: { 'cv-web-1': ep, 'vx-h2': tunnel('h2', '198.19.0.12') } });
    const changes = diffHost(want(bridge()), state(have));
    expect(changes).toEqual([
      { type: 'port', host: 'h1', address: 'h1/tunnel/h2', bridge: 'contiv0', port: 'vx-h2', action: 'delete', before: have.ports['vx-h2'], reason: 'no longer in the manifests' },
      { type: 'port', host: 'h1', address: 'h1/endpoint/cv-web-1', bridge: 'contiv0', port: 'cv-web-1', action: 'delete', before: ep, reason: 'namespace gone' },
    ]);
  });

  it('a port update names each field that differs', () => {
    const have = bridge({ ports: { 'vx-h2': tunnel('h2', '198.19.0.12') } });
    const wanted = bridge({ ports: { 'vx-h2': tunnel('h2', '198.19.0.99', { ofport: 11, mtu: 1400 }) } });
    expect(diffHost(want(wanted), state(have)).map((c) => c.reason)).toEqual(['ofport, options.remote_ip, mtu differ']);
  });

  it('a port without an address mark is addressed by its name', () => {
    const bare: PortState = { name: 'patch-x', type: 'patch', ofport: 3, options: { peer: 'patch-y' }, externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'patch' }, protected: false };
    const changes = diffHost(want(bridge({ ports: { 'patch-x': bare } })), state(bridge()));
    expect(changes.map(line)).toEqual(['port create h1/port/patch-x']);
  });
});

describe('diffHost: flows', () => {
  it('flows are listed in table order, higher priority first, then by key; owners in address order', () => {
    const a = flow(NET, 10, 100, 'metadata=2');
    const b = flow(NET, 0, 50, 'in_port=11');
    const c = flow(NET, 0, 100, 'in_port=12');
    const d = flow(NET, 0, 100, 'in_port=10');
    const e = flow(NET, 10, 100, 'metadata=1');
    const r = flow(RULE, 40, 30, 'tcp');
    const changes = diffHost(want(bridge({ flows: flows(a, b, r, c, d, e) })), state(bridge()));
    expect(changes.map((x) => (x as FlowsChange).owner)).toEqual(['net/default/web', 'rule/default/p/1']);
    expect((changes[0] as FlowsChange).add).toEqual([d, c, b, e, a]);
    // The same order for what is removed and changed in place (and their old versions).
    const removal = diffHost(want(bridge()), state(bridge({ flows: flows(a, b, c, d, e) })));
    expect((removal[0] as FlowsChange).remove).toEqual([d, c, b, e, a]);
    const changed = [a, b, c, d, e].map((f) => ({ ...f, actions: 'output:7' }));
    const modify = diffHost(want(bridge({ flows: flows(...changed) })), state(bridge({ flows: flows(a, b, c, d, e) })));
    expect(modify).toHaveLength(1);
    expect((modify[0] as FlowsChange).modify.map(flowKey)).toEqual([d, c, b, e, a].map(flowKey));
    expect((modify[0] as FlowsChange).modifyBefore).toEqual([d, c, b, e, a]);
  });

  it('owners come out sorted by address whatever order the manifests list their flows in', () => {
    const z = cookieFor('rule', 'rule/default/z/1');
    const m = cookieFor('group', 'group/default/m');
    const changes = diffHost(want(bridge({ flows: flows(flow(z, 40, 1, 'tcp'), flow(m, 20, 1, 'udp'), flow(NET, 0, 1, 'arp')) }), { owners: { [z]: 'rule/default/z/1', [m]: 'group/default/m', [NET]: 'net/default/web' } }), state(bridge()));
    expect(changes.map(line)).toEqual(['flows create h1/flows/group/default/m', 'flows create h1/flows/net/default/web', 'flows create h1/flows/rule/default/z/1']);
  });

  it('an owner whose flows partly change says how many are added, changed and removed', () => {
    const keep = flow(NET, 0, 100, 'in_port=1');
    const old = flow(NET, 0, 100, 'in_port=2', 'drop');
    const gone1 = flow(NET, 0, 100, 'in_port=3');
    const gone2 = flow(NET, 0, 100, 'in_port=4');
    const fresh = flow(NET, 0, 100, 'in_port=5');
    const have = state(bridge({ flows: flows(keep, old, gone1, gone2) }));
    const all = diffHost(want(bridge({ flows: flows(keep, { ...old, actions: 'output:3' }, fresh) })), have);
    expect(all).toEqual([
      { type: 'flows', action: 'update', host: 'h1', address: 'h1/flows/net/default/web', bridge: 'contiv0', owner: 'net/default/web', add: [fresh], modify: [{ ...old, actions: 'output:3' }], modifyBefore: [old], remove: [gone1, gone2], reason: '1 to add, 1 to change, 2 to remove' },
    ]);
    expect(diffHost(want(bridge({ flows: flows(keep, old, gone1, gone2, fresh) })), have)[0]!.reason).toBe('1 to add');
    expect(diffHost(want(bridge({ flows: flows(keep, old) })), have)[0]!.reason).toBe('2 to remove');
    expect(diffHost(want(bridge({ flows: flows(keep, old, gone1, { ...gone2, actions: 'output:1' }) })), have)[0]!.reason).toBe('1 to change');
  });

  it('flows of a removed tunnel or endpoint are named by the port the host still has', () => {
    const tun = cookieFor('tunnel', 'h1/tunnel/h9');
    const ep = cookieFor('endpoint', 'h1/endpoint/cv-old');
    const have = bridge({
      ports: { 'vx-h9': tunnel('h9', '198.19.0.19'), 'cv-old': endpointPort('cv-old', '10.1.2.20') },
      flows: flows(flow(tun, 0, 100, 'in_port=9'), flow(ep, 0, 100, 'in_port=4096')),
    });
    const changes = diffHost(want(bridge()), state(have));
    expect(changes.filter((c) => c.type === 'flows').map(line)).toEqual(['flows delete h1/flows/h1/endpoint/cv-old', 'flows delete h1/flows/h1/tunnel/h9']);
  });

  it('the manifests name an owner before the host does', () => {
    const have = bridge({ externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.vni.default.web': '5' }, flows: flows(flow(NET, 0, 100, 'metadata=5')) });
    const changes = diffHost(want(bridge({ externalIds: have.externalIds }), { owners: { [NET]: 'net/default/web-renamed' } }), state(have));
    expect(changes.map(line)).toEqual(['flows delete h1/flows/net/default/web-renamed']);
  });

  it('only VNI records name networks; ports with incomplete or other marks name nothing and do not stop the diff', () => {
    const groupNet = cookieFor('network', 'net/default/db');
    const tun = cookieFor('tunnel', 'h1/tunnel/h9');
    const have = bridge({
      externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.gid.default.db': '3', 'contiv.vni.default': '9', 'contiv.vni.default.db.x': '9' },
      ports: {
        'vx-h9': tunnel('h9', '198.19.0.19', { externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'tunnel' } }),
        up0: tunnel('up', '198.19.0.20', { name: 'up0', externalIds: ownerIds('uplink', 'h1/uplink/up0') }),
      },
      flows: flows(flow(groupNet, 0, 100, 'metadata=3'), flow(tun, 0, 100, 'in_port=9')),
    });
    const changes = diffHost(want(bridge({ externalIds: have.externalIds, ports: have.ports })), state(have));
    expect(changes.map(line)).toEqual([`flows delete h1/flows/network/${groupNet.slice(4)}`, `flows delete h1/flows/tunnel/${tun.slice(4)}`]);
  });

  it('a cookie that is not contiv\'s is named as unknown', () => {
    const foreign = '00000000000000ff';
    const changes = diffHost(want(bridge()), state(bridge({ flows: flows(flow(foreign, 0, 1, 'arp')) })));
    expect(changes.map(line)).toEqual(['flows delete h1/flows/unknown/00000000000000ff']);
  });
});

describe('diffHost: address records', () => {
  it('each record change says what it is: a block, a lent address, an old-style record; before and after only when there is one', () => {
    const base = ownerIds('bridge', 'h1/bridge/contiv0');
    const have = bridge({ externalIds: { ...base, 'contiv.ipam.default.web': '10.1.2.0-10.1.2.63', 'contiv.block.default.web.10-1-2-16': '10.1.2.16-10.1.2.31 pending' } });
    const wanted = bridge({ externalIds: { ...base, 'contiv.lent.default.web.10-1-2-17': 'h2', 'contiv.block.default.web.10-1-2-16': '10.1.2.16-10.1.2.31 claimed', 'contiv.block.default.web.db.10-1-3-0': '10.1.3.0-10.1.3.15 pending' } });
    const changes = diffHost(want(wanted), state(have));
    // Strict: a create has no `before` at all, a delete no `after`.
    expect(changes).toStrictEqual([
      { type: 'address', action: 'update', host: 'h1', address: 'h1/block/default/web/10.1.2.16', bridge: 'contiv0', key: 'contiv.block.default.web.10-1-2-16', before: '10.1.2.16-10.1.2.31 pending', after: '10.1.2.16-10.1.2.31 claimed', reason: '10.1.2.16-10.1.2.31 pending → 10.1.2.16-10.1.2.31 claimed' },
      { type: 'address', action: 'create', host: 'h1', address: 'h1/block/default/web/db/10.1.3.0', bridge: 'contiv0', key: 'contiv.block.default.web.db.10-1-3-0', after: '10.1.3.0-10.1.3.15 pending', reason: 'not on the host yet' },
      { type: 'address', action: 'create', host: 'h1', address: 'h1/lent/default/web/10.1.2.17', bridge: 'contiv0', key: 'contiv.lent.default.web.10-1-2-17', after: 'h2', reason: 'not on the host yet' },
      { type: 'address', action: 'delete', host: 'h1', address: 'h1/block/default/web/old-record', bridge: 'contiv0', key: 'contiv.ipam.default.web', before: '10.1.2.0-10.1.2.63', reason: 'no longer needed' },
    ]);
  });

  it('a reason the address plan gives replaces the generic one; a desired state without reasons uses the generic ones', () => {
    const base = ownerIds('bridge', 'h1/bridge/contiv0');
    const wanted = bridge({ externalIds: { ...base, 'contiv.block.default.web.10-1-2-16': '10.1.2.16-10.1.2.31 pending' } });
    const withReason = diffHost(want(wanted, { addressReasons: { 'contiv.block.default.web.10-1-2-16': 'web-1 needs an address' } }), state(bridge()));
    expect(withReason.map((c) => c.reason)).toEqual(['web-1 needs an address']);
    const { addressReasons: _none, ...bare } = want(wanted);
    expect(diffHost(bare, state(bridge())).map((c) => c.reason)).toEqual(['not on the host yet']);
  });
});

describe('diffHost: managed files', () => {
  it('files are created, updated and deleted by path order; updates say whether content or mode differs', () => {
    const conf = '/etc/cni/net.d/50-contiv-web.conflist';
    const conf2 = '/etc/cni/net.d/50-contiv-db.conflist';
    const gone = '/etc/cni/net.d/50-contiv-old.conflist';
    const plugin = '/opt/cni/bin/contiv';
    const have = state(bridge(), { [plugin]: file(plugin, 'a', '755'), [gone]: file(gone, 'd'), [conf]: file(conf, 'b', '600') });
    const wanted = want(bridge(), {}, { [plugin]: file(plugin, 'c', '755'), [conf2]: file(conf2, 'e'), [conf]: file(conf, 'b', '644') });
    const changes = diffHost(wanted, have);
    expect(changes).toEqual([
      { type: 'file', action: 'create', host: 'h1', address: `h1/file${conf2}`, path: conf2, after: file(conf2, 'e'), reason: 'not on the host yet' },
      { type: 'file', action: 'update', host: 'h1', address: `h1/file${conf}`, path: conf, before: { sha256: 'b'.repeat(64), mode: '600' }, after: file(conf, 'b', '644'), reason: 'its mode is 600, not 644' },
      { type: 'file', action: 'update', host: 'h1', address: `h1/file${plugin}`, path: plugin, before: { sha256: 'a'.repeat(64), mode: '755' }, after: file(plugin, 'c', '755'), reason: 'its content differs from what contiv writes (sha256 aaaaaaaaaaaa on the host)' },
      { type: 'file', action: 'delete', host: 'h1', address: `h1/file${gone}`, path: gone, before: { sha256: 'd'.repeat(64), mode: '644' }, reason: 'no longer in the manifests (or the host no longer runs the cni runtime)' },
    ]);
    // Content and mode both differ: the content is what the user needs to hear about.
    const both = diffHost(want(bridge(), {}, { [plugin]: file(plugin, 'c', '755') }), state(bridge(), { [plugin]: file(plugin, 'a', '700') }));
    expect(both.map((c) => c.reason)).toEqual(['its content differs from what contiv writes (sha256 aaaaaaaaaaaa on the host)']);
    // Equal files: nothing to do.
    expect(diffHost(want(bridge(), {}, { [plugin]: file(plugin, 'c', '755') }), state(bridge(), { [plugin]: file(plugin, 'c', '755') }))).toEqual([]);
  });

  it('deletions of files are listed from the last path to the first, like every other deletion', () => {
    const a = '/etc/cni/net.d/50-contiv-a.conflist';
    const b = '/etc/cni/net.d/50-contiv-b.conflist';
    const c = '/etc/cni/net.d/50-contiv-c.conflist';
    const changes = diffHost(want(bridge(), {}, {}), state(bridge(), { [b]: file(b, 'b'), [a]: file(a, 'a') }));
    expect(changes.map(line)).toEqual([`file delete h1/file${b}`, `file delete h1/file${a}`]);
    // Whatever order the host listed them in.
    const three = diffHost(want(bridge(), {}, {}), state(bridge(), { [c]: file(c, 'c'), [a]: file(a, 'a'), [b]: file(b, 'b') }));
    expect(three.map(line)).toEqual([`file delete h1/file${c}`, `file delete h1/file${b}`, `file delete h1/file${a}`]);
  });

  it('a desired state that says nothing about files leaves the host\'s files alone', () => {
    const plugin = '/opt/cni/bin/contiv';
    expect(diffHost(want(bridge()), state(bridge(), { [plugin]: file(plugin, 'a', '755') }))).toEqual([]);
  });

  it('a host gathered without a files section gets every desired file created', () => {
    const plugin = '/opt/cni/bin/contiv';
    expect(diffHost(want(bridge(), {}, { [plugin]: file(plugin, 'c', '755') }), state(bridge())).map(line)).toEqual([`file create h1/file${plugin}`]);
  });
});

describe('diffHost: the order apply runs', () => {
  it('creations and updates, then flows, then files; deletions last, in reverse: bridges, files, ports, records', () => {
    const base = ownerIds('bridge', 'h1/bridge/contiv0');
    const conf = '/etc/cni/net.d/50-contiv-web.conflist';
    const gone = '/etc/cni/net.d/50-contiv-old.conflist';
    const have: HostState = {
      host: 'h1',
      bridges: {
        contiv0: bridge({ externalIds: { ...base, 'contiv.lent.default.web.10-1-2-17': 'h2' }, ports: { 'vx-h9': tunnel('h9', '198.19.0.19') } }),
        old0: bridge({ name: 'old0', externalIds: ownerIds('bridge', 'h1/bridge/old0') }),
      },
      files: { [gone]: file(gone, 'd') },
    };
    const wanted = want(bridge({ externalIds: { ...base, 'contiv.block.default.web.10-1-2-16': '10.1.2.16-10.1.2.31 pending' }, ports: { 'vx-h2': tunnel('h2', '198.19.0.12') }, flows: flows(flow(NET, 0, 100, 'arp')) }), {}, { [conf]: file(conf, 'b') });
    expect(diffHost(wanted, have).map(line)).toEqual([
      'address create h1/block/default/web/10.1.2.16',
      'port create h1/tunnel/h2',
      'flows create h1/flows/net/default/web',
      `file create h1/file${conf}`,
      'bridge delete h1/bridge/old0',
      `file delete h1/file${gone}`,
      'port delete h1/tunnel/h9',
      'address delete h1/lent/default/web/10.1.2.17',
    ]);
  });
});
