import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import type { Model } from '../../../src/model/types.js';
import { goneEndpoints, makePlan } from '../../../src/plan/make-plan.js';
import { assertNever, countChanges, PLAN_FORMAT_VERSION, type Action, type Change, type Plan } from '../../../src/plan/types.js';
import { summaryLine } from '../../../src/render/plan-text.js';
import { fingerprintHost } from '../../../src/state/fingerprint.js';
import type { HostState, LiveHost } from '../../../src/state/host-state.js';
import { CNI_TEST_BUNDLE, defaultFacts, withEndpoints, type EndpointSpec } from '../compile/case-support.js';

/*
 * makePlan as a user meets it: a refusal stops the plan before anything is compiled or
 * planned, a plan covers every host of the Fabric (gathered or new), endpoints whose
 * namespace is gone free their addresses, hosts low on addresses are said, and the tally
 * of "Plan: X to add, Y to change, Z to destroy."
 */

const FABRIC = `apiVersion: contiv.io/v1
kind: Fabric
metadata: { name: lab }
spec:
  ssh: { user: root, knownHostsFile: /k/known_hosts }
  hosts:
    - { name: h1, address: 198.18.0.11, vtep: 198.19.0.11, datapath: netdev }
    - { name: h2, address: 198.18.0.12, vtep: 198.19.0.12, datapath: netdev }`;

/** A /29 of one chunk: five endpoints on h1 leave it no address free. */
const SMALL = `apiVersion: contiv.io/v1
kind: Network
metadata: { name: small, tenant: default }
spec: { subnet: 10.5.0.0/29, gateway: 10.5.0.1, ipam: { blockSize: 29 } }`;

function model(...docs: string[]): Model {
  const result = loadManifests({ files: [FABRIC, ...docs].map((text, i) => ({ path: `m${i}.yaml`, absPath: `/m/m${i}.yaml`, text })), home: '/home/user' });
  if (!result.model) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return result.model;
}

interface HostExtras {
  /** Namespaces of this host's endpoints that no longer exist. */
  gone?: string[];
  missing?: string[];
  unmanagedBridges?: string[];
}

/** Every host of the model as gather sees it (or only `only`), with these endpoints attached. */
function liveOf(m: Model, endpoints: EndpointSpec[] = [], extras: Record<string, HostExtras> = {}, only?: string[]): Record<string, LiveHost> {
  const states = withEndpoints({}, endpoints);
  const hosts = m.fabric.hosts.filter((h) => !only || only.includes(h.name));
  return Object.fromEntries(
    hosts.map((h) => {
      const state: HostState = states[h.name] ?? { host: h.name, bridges: {} };
      const x = extras[h.name] ?? {};
      const netns = endpoints.filter((e) => e.host === h.name && !(x.gone ?? []).includes(e.netns)).map((e) => e.netns);
      return [h.name, { state, facts: { ...defaultFacts(h.name, h), netns, missing: x.missing ?? [] }, unmanaged: { bridges: ['br-phy', ...(x.unmanagedBridges ?? [])], ports: [], flowCounts: {}, flowKeys: {} } }];
    }),
  );
}

const FIVE: EndpointSpec[] = ['2', '3', '4', '5', '6'].map((n) => ({ host: 'h1', netns: `e-${n}`, network: 'small', ip: `10.5.0.${n}` }));

describe('goneEndpoints', () => {
  it('lists per host the namespaces of endpoints that no longer exist there', () => {
    const m = model(SMALL);
    const live = liveOf(m, [...FIVE, { host: 'h2', netns: 'f-1', network: 'small', ip: '10.5.0.7' }], { h1: { gone: ['e-4', 'e-2'] } });
    expect(goneEndpoints(live)).toEqual({ h1: ['e-2', 'e-4'], h2: [] });
  });
});

describe('makePlan', () => {
  it('plans every host of the Fabric, saying where the manifests came from and how to reach each host', () => {
    const m = model(SMALL);
    const { plan, desired, diagnostics } = makePlan({ model: m, live: liveOf(m), source: { dir: 'manifests', ref: 'main' }, cni: CNI_TEST_BUNDLE, keepDesired: true });
    expect(diagnostics).toEqual([]);
    expect(Object.keys(desired!)).toEqual(['h1', 'h2']);
    expect(plan!.format_version).toBe(PLAN_FORMAT_VERSION);
    expect(plan!.source).toEqual({ dir: 'manifests', ref: 'main' });
    expect(plan!.connections).toEqual(
      m.fabric.hosts.map((h) => ({ name: h.name, address: h.address, vtep: h.vtep, datapath: h.datapath, runtimes: h.runtimes, labels: h.labels, ssh: h.ssh })),
    );
    expect(plan!.hosts.map((h) => [h.host, h.fingerprint, new Set(h.changes.map((c) => c.action))])).toEqual([
      ['h1', fingerprintHost({ host: 'h1', bridges: {} }), new Set(['create'])],
      ['h2', fingerprintHost({ host: 'h2', bridges: {} }), new Set(['create'])],
    ]);
    expect(plan!.addresses).toEqual([]);
  });

  it('plans a host of the Fabric that was not gathered as a new one', () => {
    const m = model(SMALL);
    const both = makePlan({ model: m, live: liveOf(m), source: { dir: 'm' } }).plan!;
    const { plan } = makePlan({ model: m, live: liveOf(m, [], {}, ['h1']), source: { dir: 'm' } });
    expect(plan!.hosts.map((h) => h.host)).toEqual(['h1', 'h2']);
    expect(plan!.hosts[1]).toEqual(both.hosts[1]);
    expect(plan!.hosts[1]!.fingerprint).toBe(fingerprintHost({ host: 'h2', bridges: {} }));
  });

  it('says which hosts run low on addresses in a space', () => {
    const m = model(SMALL);
    const { plan } = makePlan({ model: m, live: liveOf(m, FIVE), source: { dir: 'm' } });
    expect(plan!.addresses).toEqual([{ host: 'h1', space: 'default/small', blocks: 5, size: 5, used: 5, free: 0, low: true }]);
  });

  it('endpoints whose namespace is gone are removed and hold no addresses', () => {
    const m = model(SMALL);
    const { plan } = makePlan({ model: m, live: liveOf(m, FIVE, { h1: { gone: ['e-2', 'e-3', 'e-4', 'e-5'] } }), source: { dir: 'm' } });
    const h1 = plan!.hosts[0]!.changes.filter((c) => c.type !== 'flows');
    expect(h1.filter((c) => c.type === 'address').map((c) => [c.action, c.address])).toEqual([['create', 'h1/block/default/small/10.5.0.2']]);
    expect(h1.filter((c) => c.action === 'delete').map((c) => [c.address, c.reason])).toEqual([
      ['h1/endpoint/e-5', 'namespace gone'],
      ['h1/endpoint/e-4', 'namespace gone'],
      ['h1/endpoint/e-3', 'namespace gone'],
      ['h1/endpoint/e-2', 'namespace gone'],
    ]);
    expect(plan!.addresses).toEqual([]);
  });

  it('a refusal of the fleet checks stops the plan before anything is compiled', () => {
    const m = model(SMALL);
    // h2's unmarked contiv0 would be refused later too; the first refusals come alone.
    const result = makePlan({ model: m, live: liveOf(m, [], { h1: { missing: ['flock'] }, h2: { unmanagedBridges: ['contiv0'] } }), source: { dir: 'm' } });
    expect(result).toEqual({
      diagnostics: [{ severity: 'error', code: 'host-missing-binary', message: 'h1: flock not found; apply and attach need it', hint: 'install ethtool and util-linux', address: 'h1' }],
    });
  });

  it('a refusal found once the hosts are compiled stops the plan too', () => {
    const m = model(SMALL);
    const result = makePlan({ model: m, live: liveOf(m, [], { h2: { unmanagedBridges: ['contiv0'] } }), source: { dir: 'm' } });
    expect(result).toEqual({ diagnostics: [expect.objectContaining({ severity: 'error', code: 'bridge-not-ours', address: 'h2' })] });
  });

  it('warnings do not stop the plan and travel with it', () => {
    const m = model(SMALL);
    const live = liveOf(m);
    live['h1']!.state = { host: 'h1', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { 'contiv.owner': 'contiv' }, flows: {}, ports: {
      'vx-h9': { name: 'vx-h9', type: 'vxlan', ofport: 9, options: {}, externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'tunnel', 'contiv.addr': 'h1/tunnel/h9', 'contiv.peer': 'h9' }, protected: true },
    } } } };
    const { plan, diagnostics } = makePlan({ model: m, live, source: { dir: 'm' } });
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'host-left-fabric']]);
    expect(plan!.diagnostics).toEqual(diagnostics);
  });
});

describe("countChanges: the plan's tally", () => {
  const change = (action: Action): Change => ({ type: 'bridge', action, host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', reason: '' });
  const plan = (...hosts: Action[][]): Plan => ({
    format_version: PLAN_FORMAT_VERSION,
    source: { dir: 'm' },
    connections: [],
    hosts: hosts.map((actions, i) => ({ host: `h${i + 1}`, fingerprint: '', changes: actions.map(change) })),
    meaning: [],
    addresses: [],
    diagnostics: [],
  });

  it('counts creations, updates and deletions over every host; a replace is one add and one destroy', () => {
    expect(countChanges(plan(['create', 'update', 'replace'], ['delete', 'create', 'update', 'update']))).toEqual({ add: 3, change: 3, destroy: 2 });
    expect(summaryLine(plan(['replace'], ['replace', 'delete']))).toBe('Plan: 2 to add, 0 to change, 3 to destroy.');
    expect(summaryLine(plan([], []))).toBe('No changes. The hosts match the manifests.');
  });

  it('refuses an action it does not know, naming it', () => {
    expect(() => countChanges(plan(['move' as Action]))).toThrow('unhandled case: "move"');
    expect(() => assertNever({ type: 'odd' } as never)).toThrow('unhandled case: {"type":"odd"}');
  });
});
