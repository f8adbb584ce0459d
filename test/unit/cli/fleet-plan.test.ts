import { describe, expect, it } from 'vitest';
import { planFleet } from '../../../src/cli/fleet-plan.js';
import { GATHER_SCRIPT, RECORDS_SCRIPT } from '../../../src/host/gather-script.js';
import { HostError, type ExecResult, type HostTarget, type Transport } from '../../../src/host/transport.js';
import { loadManifests } from '../../../src/manifest/load.js';
import type { Model } from '../../../src/model/types.js';
import type { HostState } from '../../../src/state/host-state.js';
import { defaultFacts, gatherText, withEndpoints } from '../compile/case-support.js';

/*
 * What planFleet reads of the hosts, counted by a recording Transport: the whole fleet is
 * gathered; a shard gathers its hosts and makes the small read (RECORDS_SCRIPT) of every other
 * host, one exec each and nothing else; a tenant selector reads every host's records first.
 * A selector that selects nothing reads no host at all.
 */

const MANIFESTS = [
  `apiVersion: contiv.io/v1
kind: Fabric
metadata: { name: lab }
spec:
  ssh: { user: root, knownHostsFile: /k/known_hosts }
  hosts:
    - { name: h1, address: 198.18.0.11, vtep: 198.19.0.11, datapath: netdev, labels: { rack: a } }
    - { name: h2, address: 198.18.0.12, vtep: 198.19.0.12, datapath: netdev, labels: { rack: a } }
    - { name: h3, address: 198.18.0.13, vtep: 198.19.0.13, datapath: netdev, labels: { rack: b } }
    - { name: h4, address: 198.18.0.14, vtep: 198.19.0.14, datapath: netdev, labels: { rack: b } }`,
  `apiVersion: contiv.io/v1
kind: Tenant
metadata: { name: blue }`,
  `apiVersion: contiv.io/v1
kind: Network
metadata: { name: net, tenant: blue }
spec: { subnet: 10.1.0.0/24 }`,
  `apiVersion: contiv.io/v1
kind: Network
metadata: { name: net, tenant: default }
spec: { subnet: 10.1.0.0/24 }`,
];

function model(): Model {
  const result = loadManifests({ files: MANIFESTS.map((text, i) => ({ path: `m${i}.yaml`, absPath: `/m/m${i}.yaml`, text })), home: '/home/user' });
  if (!result.model) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.model;
}

/** Blue has endpoints on h3, default on h1 and h3. */
const STATES: Record<string, HostState> = withEndpoints({}, [
  { host: 'h3', netns: 'b-1', tenant: 'blue', network: 'net', ip: '10.1.0.5' },
  { host: 'h1', netns: 'd-1', network: 'net', ip: '10.1.0.5' },
  { host: 'h3', netns: 'd-2', network: 'net', ip: '10.1.0.6' },
]);

/** Answers the two reads as the hosts would, and records which host got which. */
class RecordingTransport implements Transport {
  readonly reads: string[] = [];
  constructor(private readonly m: Model, private readonly down: readonly string[] = []) {}
  async exec(host: HostTarget, script: string): Promise<ExecResult> {
    if (this.down.includes(host.name)) throw new HostError(host.name, 'unreachable', 'connection refused');
    const kind = script === GATHER_SCRIPT ? 'gather' : script === RECORDS_SCRIPT ? 'records' : 'other';
    this.reads.push(`${host.name} ${kind}`);
    if (kind === 'other') return { code: 1, stdout: '', stderr: 'not a read' };
    const h = this.m.fabric.hosts.find((x) => x.name === host.name)!;
    const state = STATES[host.name] ?? { host: host.name, bridges: {} };
    const facts = { ...defaultFacts(host.name, h), netns: Object.values(state.bridges).flatMap((b) => Object.values(b.ports).map((p) => p.externalIds['contiv.netns']!)) };
    return { code: 0, stdout: gatherText({ state, facts }), stderr: '' };
  }
  hold(): never {
    throw new Error('planning holds no lock');
  }
  async close(): Promise<void> {}
}

const BUNDLES = { cni: 'c'.repeat(64), docker: 'd'.repeat(64) };

async function plan(target: string[], exclude: string[] = [], down: string[] = []) {
  const m = model();
  const transport = new RecordingTransport(m, down);
  const result = await planFleet(m, transport, { parallelism: 4, target, exclude, source: { dir: 'm' }, bundles: BUNDLES });
  return { result, reads: transport.reads.sort() };
}

describe('planFleet: what a plan reads', () => {
  it('the whole fleet: every host gathered, once', async () => {
    const { result, reads } = await plan([]);
    expect(reads).toEqual(['h1 gather', 'h2 gather', 'h3 gather', 'h4 gather']);
    expect(result.ok && result.plan.hosts.map((h) => h.host)).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(result.ok && result.plan.shard).toBeUndefined();
  });

  it('a shard by label: its hosts gathered, the others read for their records only', async () => {
    const { result, reads } = await plan(['rack=a']);
    expect(reads).toEqual(['h1 gather', 'h2 gather', 'h3 records', 'h4 records']);
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(result.plan.hosts.map((h) => h.host)).toEqual(['h1', 'h2']);
    expect(result.plan.shard).toEqual({ target: ['rack=a'], exclude: [], hosts: ['h1', 'h2'] });
    expect(result.plan.connections.map((c) => c.name)).toEqual(['h1', 'h2', 'h3', 'h4']);
  });

  it('a shard by --exclude alone: every host but those', async () => {
    const { result, reads } = await plan([], ['h2', 'rack=b']);
    expect(reads).toEqual(['h1 gather', 'h2 records', 'h3 records', 'h4 records']);
    expect(result.ok && result.plan.hosts.map((h) => h.host)).toEqual(['h1']);
  });

  it('a tenant: every host\'s records first, then the hosts of its endpoints gathered', async () => {
    const { result, reads } = await plan(['tenant:blue']);
    expect(reads).toEqual(['h1 records', 'h2 records', 'h3 gather', 'h3 records', 'h4 records']);
    expect(result.ok && result.plan.hosts.map((h) => h.host)).toEqual(['h3']);
    const other = await plan(['h2'], ['tenant:default']);
    expect(other.result.ok && other.result.plan.hosts.map((h) => h.host)).toEqual(['h2']);
  });

  it('a selector that selects nothing is a diagnostic naming it, before any host is read', async () => {
    const { result, reads } = await plan(['rack=c', 'h1'], ['h9']);
    expect(reads).toEqual([]);
    expect(!result.ok && result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['selector-unmatched', '--target rack=c matches no host of the Fabric'],
      ['selector-unmatched', '--exclude h9 matches no host of the Fabric'],
    ]);
  });

  it('a tenant without endpoints anywhere is named, after the records were read', async () => {
    const { result } = await plan(['tenant:red']);
    expect(!result.ok && result.diagnostics.map((d) => d.code)).toEqual(['selector-unmatched']);
  });

  it('a host outside the shard that cannot be read stops the plan, saying why it was read', async () => {
    const { result } = await plan(['rack=a'], [], ['h4']);
    expect(!result.ok && result.diagnostics.map((d) => [d.code, d.address, d.message])).toEqual([
      ['host-unreachable', 'h4', "h4: connection refused (not in this shard; its records are read: allocations and address blocks need every host's)"],
    ]);
    const own = await plan(['rack=a'], [], ['h1']);
    expect(!own.result.ok && own.result.diagnostics.map((d) => d.message)).toEqual(['h1: connection refused']);
  });
});
