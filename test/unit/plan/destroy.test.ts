import { describe, expect, it } from 'vitest';
import { destroysLine, destroysOf, planDestroys } from '../../../src/plan/destroy.js';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import type { BridgeChange, Change, FlowsChange, HostPlan, Plan } from '../../../src/plan/types.js';
import { renderPlanText } from '../../../src/render/plan-text.js';

/* Prune safety: what a plan destroys wholesale, found from its changes. */

const dropBridge = (host: string, bridge = 'contiv0'): BridgeChange => ({ type: 'bridge', action: 'delete', host, address: `${host}/bridge/${bridge}`, bridge, before: { datapathType: 'netdev', failMode: 'secure', externalIds: {} }, reason: 'nothing left' });
const dropNetwork = (host: string, owner: string, action: FlowsChange['action'] = 'delete'): FlowsChange => ({ type: 'flows', action, host, address: `${host}/flows/${owner}`, bridge: 'contiv0', owner, add: [], modify: [], modifyBefore: [], remove: [{ cookie: 'c102000000000001', table: 5, priority: 100, match: 'metadata=3', actions: 'drop' }], reason: 'gone' });
const host = (name: string, ...changes: Change[]): HostPlan => ({ host: name, fingerprint: 'sha256:0', changes });

describe('destroysOf', () => {
  it("names hosts whose bridge goes, and tenants whose networks go with none of theirs left", () => {
    const hosts = [host('h1', dropNetwork('h1', 'net/red/a'), dropNetwork('h1', 'net/blue/a'), dropBridge('h1')), host('h2', dropNetwork('h2', 'net/red/b')), host('h3')];
    expect(destroysOf(hosts, new Set(['blue']))).toEqual({ hosts: ['h1'], tenants: ['red'] });
    // A tenant that keeps a network loses only some: not destroyed.
    expect(destroysOf(hosts, new Set(['blue', 'red']))).toEqual({ hosts: ['h1'], tenants: [] });
  });

  it('is not fooled by look-alikes: another bridge, flows updated not deleted, owners that are not networks', () => {
    const hosts = [host('h1', dropBridge('h1', 'br-other'), dropNetwork('h1', 'net/red/a', 'update'), dropNetwork('h1', 'rule/red/p/1'), dropNetwork('h1', 'net/red'), dropNetwork('h1', 'net/red/a/b'))];
    expect(destroysOf(hosts, new Set())).toEqual({ hosts: [], tenants: [] });
  });

  it('lists hosts in plan order and tenants sorted, each once', () => {
    const hosts = [host('h9', dropBridge('h9'), dropNetwork('h9', 'net/zeta/a')), host('h2', dropBridge('h2'), dropNetwork('h2', 'net/alpha/a'), dropNetwork('h2', 'net/zeta/b'))];
    expect(destroysOf(hosts, new Set())).toEqual({ hosts: ['h9', 'h2'], tenants: ['alpha', 'zeta'] });
  });
});

describe('a plan that destroys', () => {
  const plan = (hosts: HostPlan[], destroys?: Plan['destroys']): Plan => ({ format_version: 1, source: { dir: 'x' }, connections: [], hosts, meaning: [], addresses: [], diagnostics: [], ...(destroys ? { destroys } : {}) });

  it('says so first, in its text', () => {
    const text = renderPlanText(plan([host('h1', dropBridge('h1')), host('h2')], { hosts: ['h1'], tenants: ['red'] }), { color: false });
    expect(text.split('\n')[0]).toBe('This plan DESTROYS every contiv object on 1 host (h1), and every network of tenant red. Applying it needs --allow-destroy.');
    expect(renderPlanText(plan([host('h1', dropNetwork('h1', 'net/red/a'))]), { color: false })).not.toContain('DESTROYS');
  });

  it('keeps the record through a plan file; a file that lost it still names the hosts from its changes', () => {
    const p = plan([host('h1', dropBridge('h1'))], { hosts: ['h1'], tenants: ['red'] });
    const back = parsePlan(serializePlan(p)).plan!;
    expect(back.destroys).toEqual({ hosts: ['h1'], tenants: ['red'] });
    expect(planDestroys({ ...back, destroys: undefined })).toEqual({ hosts: ['h1'], tenants: [] });
    expect(planDestroys(plan([host('h1')]))).toBeUndefined();
    expect(parsePlan(serializePlan(p).replace('"tenants": [\n      "red"\n    ]', '"tenants": "red"')).problem).toContain('destroys (not lists of hosts and tenants)');
  });

  it('in one line, with the hosts as the caller lists them', () => {
    expect(destroysLine(undefined, (h) => h.join())).toBeUndefined();
    expect(destroysLine({ hosts: [], tenants: ['a', 'b'] }, (h) => h.join())).toBe('This plan DESTROYS every network of tenants a, b. Applying it needs --allow-destroy.');
    expect(destroysLine({ hosts: ['h1', 'h2'], tenants: [] }, (h) => h.join('+'))).toBe('This plan DESTROYS every contiv object on h1+h2. Applying it needs --allow-destroy.');
  });
});
