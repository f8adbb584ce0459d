import { describe, expect, it } from 'vitest';
import { isContivFile, outsideContiv } from '../../../src/plan/ownership.js';
import type { Change } from '../../../src/plan/types.js';
import type { BridgeState, LiveHost, PortState } from '../../../src/state/host-state.js';
import { cookieFor, ownerIds } from '../../../src/state/marks.js';

/*
 * A saved plan can be edited by hand: before a host's changes run, each must name an object
 * contiv owns there (as gathered under the lock) or make one where nothing is, and an update or
 * delete must carry what it expects to find. Found by trying it: a delete of the underlay's port
 * ul0 on br-phy, without a before, passed every other check.
 */

const CONTIV = ownerIds('bridge', 'h1/bridge/contiv0');
const port = (name: string, externalIds: Record<string, string>): PortState => ({ name, type: 'system', ofport: 3, options: {}, protected: false, externalIds });
const contiv0: BridgeState = { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: CONTIV, ports: { 'contiv-vxlan': port('contiv-vxlan', ownerIds('tunnel', 'h1/tunnel')) }, flows: {} };
const live: LiveHost = {
  state: { host: 'h1', bridges: { contiv0 }, files: { '/opt/cni/bin/contiv': { path: '/opt/cni/bin/contiv', sha256: 'a'.repeat(64), mode: '755' } }, docker: { networks: { 'contiv-net': { name: 'contiv-net', tenant: 'default', network: 'contiv-net', subnet: '10.1.2.0/24' } } } },
  facts: {} as LiveHost['facts'],
  unmanaged: { bridges: ['br-phy'], ports: ['contiv0/tap0'], flowCounts: {}, flowKeys: {} },
};
const RULE = cookieFor('rule', 'rule/default/p/1');
const base = { host: 'h1', address: 'h1/x', reason: 'r' };

function refused(...changes: Change[]): string[] {
  return outsideContiv(live, changes);
}

describe('a plan\'s changes must name what contiv owns on the host', () => {
  it('the underlay\'s port on br-phy, deleted without a before: refused (the finding)', () => {
    expect(refused({ ...base, type: 'port', action: 'delete', bridge: 'br-phy', port: 'ul0' })).toEqual(['h1/x: bridge br-phy is not contiv\'s']);
  });

  it('ports: not on contiv\'s bridge, unmarked, already there, or changed without a before', () => {
    const ours = port('contiv-vxlan', ownerIds('tunnel', 'h1/tunnel'));
    expect(refused({ ...base, type: 'port', action: 'update', bridge: 'contiv0', port: 'tap0', before: port('tap0', {}), after: port('tap0', {}) })).toEqual(["h1/x: port tap0 on contiv0 is not contiv's"]);
    expect(refused({ ...base, type: 'port', action: 'create', bridge: 'contiv0', port: 'tap0', after: ours })).toEqual(["h1/x: port tap0 is there and not contiv's"]);
    // One of contiv's already there is for the check of what moved since the plan.
    expect(refused({ ...base, type: 'port', action: 'create', bridge: 'contiv0', port: 'contiv-vxlan', after: ours })).toEqual([]);
    expect(refused({ ...base, type: 'port', action: 'delete', bridge: 'contiv0', port: 'contiv-vxlan' })).toEqual(['h1/x: a delete of port contiv-vxlan without what it expects to find (before)']);
    expect(refused({ ...base, type: 'port', action: 'delete', bridge: 'contiv0', port: 'contiv-vxlan', before: ours })).toEqual([]);
    expect(refused({ ...base, type: 'port', action: 'create', bridge: 'contiv0', port: 'cv1', after: ours })).toEqual([]);
  });

  it('bridges: an unmarked one is never updated, deleted or made again; a new one takes its ports and flows', () => {
    const fields = { name: 'br-phy', datapathType: 'netdev' as const, failMode: 'secure' as const, externalIds: {} };
    expect(refused({ ...base, type: 'bridge', action: 'delete', bridge: 'br-phy', before: fields })).toEqual(["h1/x: bridge br-phy is not contiv's"]);
    expect(refused({ ...base, type: 'bridge', action: 'create', bridge: 'br-phy', after: fields })).toEqual(["h1/x: bridge br-phy is there and not contiv's"]);
    expect(refused({ ...base, type: 'bridge', action: 'create', bridge: 'contiv0', after: { ...fields, name: 'contiv0', externalIds: CONTIV } })).toEqual([]);
    expect(refused({ ...base, type: 'bridge', action: 'update', bridge: 'contiv0', after: { externalIds: {} } })).toEqual(['h1/x: an update of bridge contiv0 without what it expects to find (before)']);
    expect(
      refused(
        { ...base, type: 'bridge', action: 'create', bridge: 'contiv1', after: { ...fields, name: 'contiv1', externalIds: CONTIV } },
        { ...base, type: 'port', action: 'create', bridge: 'contiv1', port: 'p', after: port('p', ownerIds('tunnel', 'h1/tunnel')) },
        { ...base, type: 'flows', action: 'create', bridge: 'contiv1', owner: 'o', add: [{ cookie: RULE, table: 40, priority: 10, match: '', actions: 'drop' }], modify: [], modifyBefore: [], remove: [] },
      ),
    ).toEqual([]);
  });

  it('flows: only contiv\'s cookies, on contiv\'s bridges, and a change says what it replaces', () => {
    const foreign = { cookie: '0000000000000001', table: 0, priority: 100, match: '', actions: 'NORMAL' };
    const ours = { cookie: RULE, table: 40, priority: 10, match: 'tcp', actions: 'drop' };
    const flows = (over: Partial<Extract<Change, { type: 'flows' }>>): Change => ({ ...base, type: 'flows', action: 'update', bridge: 'contiv0', owner: 'o', add: [], modify: [], modifyBefore: [], remove: [], ...over });
    expect(refused(flows({ remove: [foreign] }))).toEqual(["h1/x: 1 flow(s) without contiv's cookie (cookie=0x0000000000000001)"]);
    expect(refused(flows({ bridge: 'br-phy', remove: [ours] }))).toEqual(["h1/x: bridge br-phy is not contiv's"]);
    expect(refused(flows({ modify: [ours] }))).toEqual(['h1/x: a flow change without what it expects to find (modifyBefore)']);
    expect(refused(flows({ modify: [ours], modifyBefore: [{ ...ours, actions: 'goto_table:50' }], remove: [ours] }))).toEqual([]);
  });

  it('address records, files and Docker networks: only contiv\'s', () => {
    expect(refused({ ...base, type: 'address', action: 'create', bridge: 'contiv0', key: 'contiv.owner', after: 'me' })).toEqual(["h1/x: contiv.owner is not an address record of contiv's"]);
    expect(refused({ ...base, type: 'address', action: 'delete', bridge: 'contiv0', key: 'contiv.block.default.web.10-1-2-16' })).toEqual(['h1/x: a delete of contiv.block.default.web.10-1-2-16 without what it expects to find (before)']);
    expect(refused({ ...base, type: 'file', action: 'create', path: '/root/.ssh/authorized_keys', after: { path: '/root/.ssh/authorized_keys', sha256: 'b'.repeat(64), mode: '600' } })).toEqual(['h1/x: /root/.ssh/authorized_keys is not a file contiv installs']);
    expect(refused({ ...base, type: 'file', action: 'delete', path: '/etc/cni/net.d/50-contiv-web.conflist', before: { sha256: 'b'.repeat(64), mode: '644' } })).toEqual([
      'h1/x: a delete of /etc/cni/net.d/50-contiv-web.conflist without a file of contiv\'s there, or without what it expects to find (before)',
    ]);
    expect(refused({ ...base, type: 'file', action: 'update', path: '/opt/cni/bin/contiv', before: { sha256: 'a'.repeat(64), mode: '755' }, after: { path: '/opt/cni/bin/contiv', sha256: 'c'.repeat(64), mode: '755' } })).toEqual([]);
    expect(refused({ ...base, type: 'docker-network', action: 'delete', name: 'bridge', before: { name: 'bridge', tenant: 'x', network: 'y', subnet: '172.17.0.0/16' } })).toHaveLength(1);
    expect(refused({ ...base, type: 'docker-network', action: 'delete', name: 'contiv-net', before: live.state.docker!.networks['contiv-net']! })).toEqual([]);
  });

  it('what it makes where nothing is, and changes that say what they expect, pass; a plain create never makes a bridge contiv\'s', () => {
    expect(refused({ ...base, type: 'address', action: 'create', bridge: 'contiv0', key: 'contiv.block.default.web.10-1-2-16', after: '10.1.2.16-10.1.2.31 pending' })).toEqual([]);
    expect(refused({ ...base, type: 'address', action: 'create', bridge: 'br-phy', key: 'contiv.block.default.web.10-1-2-16', after: 'x' })).toEqual(["h1/x: bridge br-phy is not contiv's"]);
    expect(refused({ ...base, type: 'bridge', action: 'update', bridge: 'contiv0', before: { externalIds: {} }, after: { externalIds: { a: 'b' } } })).toEqual([]);
    expect(refused({ ...base, type: 'file', action: 'create', path: '/opt/cni/bin/contiv', after: { path: '/opt/cni/bin/contiv', sha256: 'c'.repeat(64), mode: '755' } })).toEqual([]);
    expect(refused({ ...base, type: 'docker-network', action: 'create', name: 'web', after: { name: 'web', tenant: 'default', network: 'web', subnet: '10.1.2.0/24' } })).toEqual([]);
    expect(refused({ ...base, type: 'docker-plugin', action: 'create', after: { build: 'a'.repeat(64) } })).toEqual([]);
    expect(refused({ ...base, type: 'docker-plugin', action: 'update', after: { build: 'a'.repeat(64) } })).toEqual(['h1/x: an update of the Docker plugin without what it expects to find (before)']);
    // A port made on br-phy does not make br-phy contiv's.
    expect(refused({ ...base, type: 'port', action: 'create', bridge: 'br-phy', port: 'x', after: port('x', ownerIds('tunnel', 'h1/tunnel')) })).toEqual(["h1/x: bridge br-phy is not contiv's"]);
  });

  it('a host without files or Docker said: their updates and deletes are refused, not a crash', () => {
    const bare: LiveHost = { ...live, state: { host: 'h1', bridges: { contiv0 } } };
    expect(outsideContiv(bare, [{ ...base, type: 'file', action: 'delete', path: '/opt/cni/bin/contiv', before: { sha256: 'a'.repeat(64), mode: '755' } }])).toHaveLength(1);
    expect(outsideContiv(bare, [{ ...base, type: 'docker-network', action: 'delete', name: 'contiv-net', before: live.state.docker!.networks['contiv-net']! }])).toEqual([
      "h1/x: Docker network contiv-net is not one of contiv's driver, or the change does not say what it expects to find (before)",
    ]);
  });

  it('the files contiv installs, by path', () => {
    for (const p of ['/opt/cni/bin/contiv', '/usr/local/lib/contiv/contiv-docker', '/etc/systemd/system/contiv-docker.service', '/etc/cni/net.d/50-contiv-contiv-net.blue.conflist']) expect(isContivFile(p), p).toBe(true);
    for (const p of ['/etc/cni/net.d/10-calico.conflist', '/etc/cni/net.d/50-contiv-../../../etc/passwd.conflist', '/etc/cni/net.d/50-contiv-a/b.conflist', '/opt/cni/bin/bridge', '/etc/cni/net.d/50-contiv-.conflist']) expect(isContivFile(p), p).toBe(false);
  });
});
