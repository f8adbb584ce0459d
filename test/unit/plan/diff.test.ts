import { describe, expect, it } from 'vitest';
import type { CompiledHost } from '../../../src/compile/compile.js';
import { diffHost } from '../../../src/plan/diff.js';
import type { BridgeState, Flow, HostState } from '../../../src/state/host-state.js';
import { flowKey } from '../../../src/state/host-state.js';
import { cookieFor, ownerIds } from '../../../src/state/marks.js';

/*
 * diffHost case by case, on small hand-made states: what each change is (action, owner,
 * flows), where it goes in the order apply runs, and what it says.
 */

const RULE_A = cookieFor('rule', 'rule/default/p/1');
const RULE_B = cookieFor('rule', 'rule/default/q/1');
const flow = (cookie: string, priority: number, actions: string, match = 'tcp,reg2=3'): Flow => ({ cookie, table: 40, priority, match, actions });
const flows = (...fs: Flow[]) => Object.fromEntries(fs.map((f) => [flowKey(f), f]));

function bridge(fs: Flow[], ids: Record<string, string> = {}): BridgeState {
  return { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), ...ids }, ports: {}, flows: flows(...fs) };
}
const host = (b: BridgeState): HostState => ({ host: 'h1', bridges: { contiv0: b } });
const desired = (b: BridgeState, owners: Record<string, string> = { [RULE_A]: 'rule/default/p/1', [RULE_B]: 'rule/default/q/1' }): CompiledHost => ({ state: host(b), owners });

describe('diffHost: flows', () => {
  it('a flow whose match stays but whose owner (cookie) changes is re-added under its new owner, never deleted', () => {
    const before = flow(RULE_A, 30, 'goto_table:50');
    const after = flow(RULE_B, 30, 'goto_table:50');
    const changes = diffHost(desired(bridge([after])), host(bridge([before])));
    expect(changes).toHaveLength(1);
    const c = changes[0]!;
    expect(c).toMatchObject({ type: 'flows', action: 'create', owner: 'rule/default/q/1', add: [after], modify: [], remove: [] });
    // The old owner's flow is replaced by the add (same key), not removed first: no moment without it.
    expect(changes.some((x) => x.type === 'flows' && x.remove.length > 0)).toBe(false);
  });

  it('actions that change under the same owner are modified in place, with the old version kept for rollback', () => {
    const before = flow(RULE_A, 30, 'goto_table:50');
    const after = flow(RULE_A, 30, 'drop');
    const [c] = diffHost(desired(bridge([after])), host(bridge([before])));
    expect(c).toMatchObject({ type: 'flows', action: 'update', owner: 'rule/default/p/1', add: [], modify: [after], modifyBefore: [before], remove: [], reason: '1 to change' });
  });

  it('an owner that is gone loses its flows as a delete; one that is new is a create; a mixed one says what it does', () => {
    const changes = diffHost(desired(bridge([flow(RULE_B, 30, 'drop'), flow(RULE_B, 32, 'drop', 'udp,reg2=3')])), host(bridge([flow(RULE_A, 31, 'drop'), flow(RULE_B, 30, 'drop'), flow(RULE_B, 34, 'drop')])));
    const byOwner = Object.fromEntries(changes.map((c) => [c.type === 'flows' ? c.owner : c.type, c]));
    expect(byOwner['rule/default/p/1']).toMatchObject({ action: 'delete', reason: 'its owner is no longer in the manifests', remove: [flow(RULE_A, 31, 'drop')] });
    expect(byOwner['rule/default/q/1']).toMatchObject({ action: 'update', reason: '1 to add, 1 to remove' });
  });

  it('flows of an owner the host alone knows are named from the host (a removed network by its VNI record), else by kind and hash', () => {
    const netCookie = cookieFor('network', 'net/default/old');
    const unknown = cookieFor('group', 'group/x/y');
    const live = bridge([flow(netCookie, 100, 'drop', 'metadata=7'), flow(unknown, 100, 'drop', 'metadata=8')], { 'contiv.vni.default.old': '7' });
    const changes = diffHost(desired(bridge([])), host(live));
    expect(changes.flatMap((c) => (c.type === 'flows' ? [c.owner] : [])).sort()).toEqual([`group/${unknown.slice(4)}`, 'net/default/old']);
  });
});

describe('diffHost: address records and order', () => {
  it('address records are changes of their own, in the order apply needs: creates after the bridge, deletes last', () => {
    const block = (first: string, state = 'claimed') => ({ [`contiv.block.default.net.${first.replaceAll('.', '-')}`]: `${first}-10.1.2.${Number(first.split('.')[3]) + 15} ${state}` });
    const want = bridge([], { ...block('10.1.2.16'), ...block('10.1.2.32', 'pending'), 'contiv.vni.default.net': '5' });
    const have = bridge([], { ...block('10.1.2.16', 'pending'), ...block('10.1.2.48') });
    const changes = diffHost({ state: host(want), owners: {}, addressReasons: { 'contiv.block.default.net.10-1-2-48': 'no endpoint left' } }, host(have));
    expect(changes.map((c) => `${c.type} ${c.action} ${c.address}`)).toEqual([
      'bridge update h1/bridge/contiv0',
      'address update h1/block/default/net/10.1.2.16',
      'address create h1/block/default/net/10.1.2.32',
      'address delete h1/block/default/net/10.1.2.48',
    ]);
    const bridgeChange = changes[0]!;
    // The bridge's own change never carries address records: they are changed one by one.
    expect(bridgeChange.type === 'bridge' && Object.keys(bridgeChange.after!.externalIds).filter((k) => k.startsWith('contiv.block.'))).toEqual([]);
    expect(changes[3]).toMatchObject({ reason: 'no endpoint left', before: '10.1.2.48-10.1.2.63 claimed' });
    expect(changes[1]).toMatchObject({ reason: '10.1.2.16-10.1.2.31 pending → 10.1.2.16-10.1.2.31 claimed' });
    // A host that matches wants nothing.
    expect(diffHost(desired(want, {}), host(want))).toEqual([]);
  });

  it('a bridge contiv no longer wants is deleted, saying what goes with it', () => {
    const extra: BridgeState = { ...bridge([flow(RULE_A, 30, 'drop')]), name: 'old-br' };
    const changes = diffHost(desired(bridge([])), { host: 'h1', bridges: { contiv0: bridge([]), 'old-br': extra } });
    expect(changes).toEqual([{ type: 'bridge', action: 'delete', host: 'h1', address: 'h1/bridge/old-br', bridge: 'old-br', before: { name: 'old-br', datapathType: 'netdev', failMode: 'secure', externalIds: extra.externalIds }, reason: 'no longer in the manifests (0 ports and 1 flows go with it)' }]);
  });
});
