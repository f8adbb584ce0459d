import { describe, expect, it } from 'vitest';
import type { Allocations } from '../../../src/compile/allocate.js';
import type { CompiledHost } from '../../../src/compile/compile.js';
import type { RecordedModel } from '../../../src/compile/model-records.js';
import { loadManifests } from '../../../src/manifest/load.js';
import type { Model } from '../../../src/model/types.js';
import {
  applyToolsPresent,
  bridgesAreOurs,
  endpointsFollowManifests,
  flowsLeaveForeignAlone,
  fullTunnelMesh,
  hostsLeftFabric,
  underlayReady,
  vnisStableUnderEndpoints,
} from '../../../src/plan/checks.js';
import type { BridgeState, HostState, LinkInfo, LiveHost, PortState } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';
import { tunnelPort } from '../../../src/compile/tunnels.js';
import { T } from '../../../src/compile/pipeline.js';
import { compileFabric } from '../../../src/compile/compile.js';
import { allocate } from '../../../src/compile/allocate.js';
import { flowKey, type Flow } from '../../../src/state/host-state.js';
import { defaultFacts, withEndpoints, type EndpointSpec } from '../compile/case-support.js';

/*
 * The fleet checks a plan runs before any change, as the user reads them: which code, which
 * host, the message naming the objects at fault, and the hint offering the fix. A refusal
 * that names the wrong endpoint, or none, or a check that refuses what is fine, is a bug the
 * user meets at the worst moment (a plan that will not run, or one that strands containers).
 */

const HOSTS = [
  { name: 'h1', address: '198.18.0.11', vtep: '198.19.0.11', datapath: 'netdev' },
  { name: 'h2', address: '198.18.0.12', vtep: '198.19.0.12', datapath: 'netdev' },
  { name: 'h3', address: '198.18.0.13', vtep: '198.19.0.13', datapath: 'netdev' },
];

type HostSpec = { name: string; address: string; vtep: string; datapath: string };

/** A model from YAML documents (the Fabric of HOSTS unless `hosts` is given). */
function model(docs: string[] = [], hosts: HostSpec[] = HOSTS): Model {
  const fabric = [
    'apiVersion: contiv.io/v1',
    'kind: Fabric',
    'metadata: { name: lab }',
    'spec:',
    '  mtu: 1450',
    '  ssh: { user: root, knownHostsFile: /k/known_hosts }',
    '  hosts:',
    ...hosts.map((h) => `    - { name: ${h.name}, address: ${h.address}, vtep: ${h.vtep}, datapath: ${h.datapath} }`),
  ].join('\n');
  const files = [fabric, ...docs].map((text, i) => ({ path: `m${i}.yaml`, absPath: `/m/m${i}.yaml`, text }));
  const result = loadManifests({ files, home: '/home/user' });
  if (!result.model) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return result.model;
}

const network = (tenant: string, name: string, subnet: string, extra = '') => `apiVersion: contiv.io/v1\nkind: Network\nmetadata: { name: ${name}, tenant: ${tenant} }\nspec: { subnet: ${subnet}${extra} }`;
const group = (tenant: string, name: string, net: string) => `apiVersion: contiv.io/v1\nkind: EndpointGroup\nmetadata: { name: ${name}, tenant: ${tenant} }\nspec: { network: ${net} }`;
const tenant = (name: string) => `apiVersion: contiv.io/v1\nkind: Tenant\nmetadata: { name: ${name} }\nspec: {}`;

function liveHost(state: HostState, over: { links?: LinkInfo[]; missing?: string[]; unmanagedBridges?: string[]; unmanagedPorts?: string[]; flowKeys?: Record<string, string[]> } = {}): LiveHost {
  const h = HOSTS.find((x) => x.name === state.host);
  return {
    state,
    facts: { ...defaultFacts(state.host, h, over.links), missing: over.missing ?? [] },
    unmanaged: { bridges: over.unmanagedBridges ?? [], ports: over.unmanagedPorts ?? [], flowCounts: {}, flowKeys: over.flowKeys ?? {} },
  };
}

/** Live hosts carrying these endpoints (as attach makes them). */
function withEndpointsLive(specs: EndpointSpec[]): Record<string, LiveHost> {
  return Object.fromEntries(Object.entries(withEndpoints({}, specs)).map(([h, s]) => [h, liveHost(s)]));
}

/** What each host records, as endpointsFollowManifests asks for it. */
type RecordedOn = (host: string) => RecordedModel;
/** Every host records these networks. */
const recorded = (networks: RecordedModel['networks']): RecordedOn => () => ({ networks, groups: [], policies: [] });

const bridge = (name: string, ports: PortState[] = [], externalIds: Record<string, string> = { 'contiv.owner': 'contiv' }): BridgeState => ({
  name,
  datapathType: 'netdev',
  failMode: 'secure',
  externalIds,
  ports: Object.fromEntries(ports.map((p) => [p.name, p])),
  flows: {},
});
const tunnel = (host: string, peer: string, ofport: number): PortState => ({
  name: `vx-${peer}`,
  type: 'vxlan',
  ofport,
  options: {},
  externalIds: { ...ownerIds('tunnel', `${host}/tunnel/${peer}`), 'contiv.peer': peer },
  protected: true,
});
const compiled = (host: string, bridges: BridgeState[]): CompiledHost => ({ state: { host, bridges: Object.fromEntries(bridges.map((b) => [b.name, b])) }, owners: {} });

const DETACH = 'detach them first (contiv detach --host H --netns NS)';

describe('endpointsFollowManifests: a manifest change may not strand live endpoints', () => {
  it('refuses removing a network endpoints use, naming each endpoint, one refusal per network', () => {
    const live = withEndpointsLive([
      { host: 'h1', netns: 'a-1', network: 'gone-net', ip: '10.9.0.5' },
      { host: 'h2', netns: 'a-2', network: 'gone-net', ip: '10.9.0.6' },
      { host: 'h2', netns: 'b-1', network: 'other-net', ip: '10.8.0.5' },
    ]);
    const d = endpointsFollowManifests(model(), recorded([]), live, {});
    expect(d).toEqual([
      {
        severity: 'error',
        code: 'network-in-use',
        message: 'network default/gone-net is not in the manifests but endpoints still use it: a-1 on h1 (10.9.0.5), a-2 on h2 (10.9.0.6)',
        hint: `${DETACH}, or keep the network`,
      },
      { severity: 'error', code: 'network-in-use', message: 'network default/other-net is not in the manifests but endpoints still use it: b-1 on h2 (10.8.0.5)', hint: `${DETACH}, or keep the network` },
    ]);
  });

  it('a network of the same name in another tenant does not keep an endpoint’s network', () => {
    const m = model([tenant('blue'), network('default', 'web', '10.1.0.0/24')]);
    const live = withEndpointsLive([{ host: 'h1', netns: 'b-1', tenant: 'blue', network: 'web', ip: '10.1.0.5' }]);
    expect(endpointsFollowManifests(m, recorded([]), live, {}).map((x) => x.message)).toEqual(['network blue/web is not in the manifests but endpoints still use it: b-1 on h1 (10.1.0.5)']);
  });

  it('endpoints whose namespace is gone do not count: the plan frees them', () => {
    const live = withEndpointsLive([
      { host: 'h1', netns: 'dead-1', network: 'gone-net', ip: '10.9.0.5' },
      { host: 'h1', netns: 'alive-1', network: 'gone-net', ip: '10.9.0.6' },
    ]);
    expect(endpointsFollowManifests(model(), recorded([]), live, { h1: ['dead-1', 'alive-1'] })).toEqual([]);
    expect(endpointsFollowManifests(model(), recorded([]), live, { h1: ['dead-1'] }).map((x) => x.message)).toEqual(['network default/gone-net is not in the manifests but endpoints still use it: alive-1 on h1 (10.9.0.6)']);
  });

  it('refuses changing the subnet of a network in use, saying old → new', () => {
    const m = model([network('default', 'web', '10.2.0.0/24', ', gateway: 10.2.0.1')]);
    const live = withEndpointsLive([{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]);
    expect(endpointsFollowManifests(m, recorded([{ tenant: 'default', name: 'web', subnet: '10.1.0.0/24', gateway: '10.2.0.1' }]), live, {})).toEqual([
      {
        severity: 'error',
        code: 'network-changed-in-use',
        message: 'network default/web changes (subnet 10.1.0.0/24 → 10.2.0.0/24) while endpoints use it: w-1 on h1 (10.1.0.5)',
        hint: `${DETACH}, change the network, then attach them again`,
      },
    ]);
  });

  it('refuses adding, changing or removing the gateway of a network in use', () => {
    const live = withEndpointsLive([{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]);
    const was = (gateway?: string) => recorded([{ tenant: 'default', name: 'web', subnet: '10.1.0.0/24', ...(gateway ? { gateway } : {}) }]);
    const messages = (m: Model, r: RecordedOn) => endpointsFollowManifests(m, r, live, {}).map((x) => x.message);
    const withGateway = model([network('default', 'web', '10.1.0.0/24', ', gateway: 10.1.0.1')]);
    const without = model([network('default', 'web', '10.1.0.0/24')]);
    expect(messages(withGateway, was())).toEqual(['network default/web changes (gateway (none) → 10.1.0.1) while endpoints use it: w-1 on h1 (10.1.0.5)']);
    expect(messages(without, was('10.1.0.1'))).toEqual(['network default/web changes (gateway 10.1.0.1 → (none)) while endpoints use it: w-1 on h1 (10.1.0.5)']);
    expect(messages(withGateway, was('10.1.0.254'))).toEqual(['network default/web changes (gateway 10.1.0.254 → 10.1.0.1) while endpoints use it: w-1 on h1 (10.1.0.5)']);
    expect(messages(withGateway, was('10.1.0.1'))).toEqual([]);
    expect(messages(without, was())).toEqual([]);
  });

  it('refuses changing an explicit VNI of a network in use, and lists every change at once', () => {
    const live = withEndpointsLive([{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]);
    const m = model([network('default', 'web', '10.1.0.0/24', ', vni: 30000')]);
    const r = (vni?: number, subnet = '10.1.0.0/24', gateway?: string) => recorded([{ tenant: 'default', name: 'web', subnet, ...(gateway ? { gateway } : {}), ...(vni !== undefined ? { vni } : {}) }]);
    const messages = (mm: Model, rr: RecordedOn) => endpointsFollowManifests(mm, rr, live, {}).map((x) => x.message);
    expect(messages(m, r(20000))).toEqual(['network default/web changes (vni 20000 → 30000) while endpoints use it: w-1 on h1 (10.1.0.5)']);
    expect(messages(m, r(30000))).toEqual([]);
    // A VNI recorded but not in the manifest (allocated) is vnisStableUnderEndpoints' business, and one never recorded is new.
    expect(messages(model([network('default', 'web', '10.1.0.0/24')]), r(20000))).toEqual([]);
    expect(messages(m, r())).toEqual([]);
    expect(messages(m, r(20000, '10.1.0.0/25', '10.1.0.1'))).toEqual(['network default/web changes (subnet 10.1.0.0/25 → 10.1.0.0/24, gateway 10.1.0.1 → (none), vni 20000 → 30000) while endpoints use it: w-1 on h1 (10.1.0.5)']);
  });

  it('compares a network with its own record only (same tenant and name), and with none when it was never applied', () => {
    const m = model([tenant('blue'), network('default', 'web', '10.1.0.0/24'), network('blue', 'web', '10.1.0.0/24'), network('default', 'app', '10.3.0.0/24')]);
    const live = withEndpointsLive([
      { host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' },
      { host: 'h1', netns: 'a-1', network: 'app', ip: '10.3.0.6' },
    ]);
    const r = recorded([
      { tenant: 'blue', name: 'web', subnet: '10.7.0.0/24' },
      { tenant: 'default', name: 'other', subnet: '10.7.0.0/24' },
      { tenant: 'default', name: 'web', subnet: '10.1.0.0/24' },
    ]);
    expect(endpointsFollowManifests(m, r, live, {})).toEqual([]);
    const r2 = recorded([
      { tenant: 'default', name: 'web', subnet: '10.1.0.0/24' },
      { tenant: 'default', name: 'app', subnet: '10.4.0.0/24' },
    ]);
    expect(endpointsFollowManifests(m, r2, live, {}).map((x) => x.message)).toEqual(['network default/app changes (subnet 10.4.0.0/24 → 10.3.0.0/24) while endpoints use it: a-1 on h1 (10.3.0.6)']);
  });

  it("compares each host's endpoints with the model that host records, never another host's", () => {
    const m = model([network('default', 'web', '10.2.0.0/24')]);
    const live = withEndpointsLive([
      { host: 'h1', netns: 'w-1', network: 'web', ip: '10.2.0.5' },
      { host: 'h2', netns: 'w-2', network: 'web', ip: '10.1.0.5' },
    ]);
    // h1 records the new subnet already (applied, or lying); h2 still records the old one: its endpoint is stranded.
    const on: RecordedOn = (host) => recorded([{ tenant: 'default', name: 'web', subnet: host === 'h1' ? '10.2.0.0/24' : '10.1.0.0/24' }])(host);
    expect(endpointsFollowManifests(m, on, live, {}).map((x) => x.message)).toEqual(['network default/web changes (subnet 10.1.0.0/24 → 10.2.0.0/24) while endpoints use it: w-2 on h2 (10.1.0.5)']);
  });

  it('refuses removing a group endpoints are in, naming them; a group of the same name elsewhere does not count', () => {
    const m = model([tenant('blue'), network('default', 'web', '10.1.0.0/24'), network('blue', 'web', '10.1.0.0/24'), group('blue', 'fe', 'web')]);
    const live = withEndpointsLive([
      { host: 'h1', netns: 'w-1', network: 'web', group: 'fe', ip: '10.1.0.5' },
      { host: 'h2', netns: 'w-2', network: 'web', group: 'fe', ip: '10.1.0.6' },
      { host: 'h2', netns: 'b-1', tenant: 'blue', network: 'web', group: 'fe', ip: '10.1.0.7' },
    ]);
    expect(endpointsFollowManifests(m, recorded([]), live, {})).toEqual([
      {
        severity: 'error',
        code: 'group-in-use',
        message: 'endpoint group default/fe is not in the manifests but endpoints are in it (they would silently lose every rule): w-1 on h1 (10.1.0.5), w-2 on h2 (10.1.0.6)',
        hint: `${DETACH}, or keep the group`,
      },
    ]);
  });

  it('refuses moving a group to another network while endpoints are in it', () => {
    const m = model([network('default', 'web', '10.1.0.0/24'), network('default', 'app', '10.2.0.0/24'), group('default', 'fe', 'app'), group('default', 'be', 'web')]);
    const live = withEndpointsLive([
      { host: 'h1', netns: 'w-1', network: 'web', group: 'fe', ip: '10.1.0.5' },
      { host: 'h1', netns: 'w-2', network: 'web', group: 'be', ip: '10.1.0.6' },
      { host: 'h1', netns: 'w-3', network: 'web', ip: '10.1.0.7' },
    ]);
    expect(endpointsFollowManifests(m, recorded([]), live, {})).toEqual([
      {
        severity: 'error',
        code: 'group-network-changed',
        message: 'endpoint group default/fe moves from network web to app while endpoints on web are in it: w-1 on h1 (10.1.0.5)',
        hint: `${DETACH} and attach them to app`,
      },
    ]);
  });

  it('refuses each moved group on its own, naming its own endpoints', () => {
    const m = model([network('default', 'web', '10.1.0.0/24'), network('default', 'app', '10.2.0.0/24'), group('default', 'fe', 'app'), group('default', 'be', 'app')]);
    const live = withEndpointsLive([
      { host: 'h1', netns: 'w-1', network: 'web', group: 'fe', ip: '10.1.0.5' },
      { host: 'h1', netns: 'w-2', network: 'web', group: 'be', ip: '10.1.0.6' },
    ]);
    expect(endpointsFollowManifests(m, recorded([]), live, {}).map((x) => x.message)).toEqual([
      'endpoint group default/be moves from network web to app while endpoints on web are in it: w-2 on h1 (10.1.0.6)',
      'endpoint group default/fe moves from network web to app while endpoints on web are in it: w-1 on h1 (10.1.0.5)',
    ]);
  });

  it('keeps one refusal per group and per network, each naming its own endpoints', () => {
    const m = model([network('default', 'web', '10.1.0.0/24'), network('default', 'app', '10.2.0.0/24')]);
    const live = withEndpointsLive([
      { host: 'h1', netns: 'w-1', network: 'web', group: 'fe', ip: '10.1.0.5' },
      { host: 'h1', netns: 'a-1', network: 'app', group: 'be', ip: '10.2.0.5' },
      { host: 'h1', netns: 'x-1', network: 'web', ip: '10.1.0.6' },
    ]);
    const r = recorded([
      { tenant: 'default', name: 'web', subnet: '10.1.0.0/25' },
      { tenant: 'default', name: 'app', subnet: '10.2.0.0/25' },
    ]);
    expect(endpointsFollowManifests(m, r, live, {}).map((x) => [x.code, x.message.replace(/.*: /, '')])).toEqual([
      ['network-changed-in-use', 'a-1 on h1 (10.2.0.5)'],
      ['group-in-use', 'a-1 on h1 (10.2.0.5)'],
      ['network-changed-in-use', 'x-1 on h1 (10.1.0.6), w-1 on h1 (10.1.0.5)'],
      ['group-in-use', 'w-1 on h1 (10.1.0.5)'],
    ]);
  });
});

describe('underlayReady: the underlay can carry the overlay', () => {
  const br = (addresses: string[], mtu = 1600, name = 'br-phy'): LinkInfo => ({ name, mtu, up: true, addresses });
  const fresh = (host: string, links: LinkInfo[], unmanagedBridges = ['br-phy']) => liveHost({ host, bridges: {} }, { links, unmanagedBridges });

  it('accepts a vtep on an OVS bridge with room for the encapsulation, skipping hosts not gathered', () => {
    expect(underlayReady(model(), { h1: fresh('h1', [br(['198.19.0.11/24'])]) })).toEqual([]);
  });

  it('finds the vtep among several addresses of a link', () => {
    expect(underlayReady(model(), { h1: fresh('h1', [br(['10.0.0.1/8', '198.19.0.11/24'])]) })).toEqual([]);
  });

  it('refuses a host where no interface holds its vtep', () => {
    expect(underlayReady(model(), { h1: fresh('h1', [br(['198.19.0.99/24'])]) })).toEqual([
      { severity: 'error', code: 'vtep-missing', message: 'h1: no interface holds its vtep 198.19.0.11', hint: 'configure the underlay address on the host first', address: 'h1' },
    ]);
  });

  it('netdev: refuses a vtep that is not on an OVS bridge (contiv’s own bridges count)', () => {
    const eth = br(['198.19.0.11/24'], 1600, 'eth1');
    expect(underlayReady(model(), { h1: fresh('h1', [eth], []) })).toEqual([
      {
        severity: 'error',
        code: 'vtep-not-on-ovs',
        message: "h1: vtep 198.19.0.11 is on eth1, not on an OVS bridge; userspace VXLAN needs its source address on an OVS bridge's internal port",
        address: 'h1',
      },
    ]);
    const ours = liveHost({ host: 'h1', bridges: { eth1: bridge('eth1') } }, { links: [eth], unmanagedBridges: [] });
    expect(underlayReady(model(), { h1: ours })).toEqual([]);
  });

  it('system datapath: the kernel takes the vtep anywhere', () => {
    const m = model([], [{ ...HOSTS[0]!, datapath: 'system' }]);
    expect(underlayReady(m, { h1: fresh('h1', [br(['198.19.0.11/24'], 1600, 'eth1')], []) })).toEqual([]);
  });

  it('netdev: refuses a vtep that is also the SSH address', () => {
    const m = model([], [{ ...HOSTS[0]!, vtep: HOSTS[0]!.address }]);
    expect(underlayReady(m, { h1: fresh('h1', [br(['198.18.0.11/24'])]) })).toEqual([
      {
        severity: 'error',
        code: 'vtep-is-ssh-address',
        message: 'h1: vtep 198.18.0.11 is also the SSH address; with the userspace datapath a restarting ovs-vswitchd would cut SSH off',
        hint: 'give SSH its own management interface',
        address: 'h1',
      },
    ]);
  });

  it('refuses an underlay MTU below the endpoints’ MTU plus 54, saying what the Fabric’s mtu could be', () => {
    expect(underlayReady(model(), { h1: fresh('h1', [br(['198.19.0.11/24'], 1500)]) })).toEqual([
      {
        severity: 'error',
        code: 'underlay-mtu',
        message: 'h1: underlay br-phy has MTU 1500; endpoints with MTU 1450 need 1504 (VXLAN and the group tag add 54 bytes)',
        hint: "raise the underlay MTU, or set the Fabric's mtu to 1446",
        address: 'h1',
      },
    ]);
    expect(underlayReady(model(), { h1: fresh('h1', [br(['198.19.0.11/24'], 1504)]) })).toEqual([]);
  });
});

describe('fullTunnelMesh: every host has a tunnel to every other', () => {
  const port = (host: string) => tunnelPort(model().fabric.hosts.find((h) => h.name === host)!, 4789);
  /** A bridge with the tunnel port (or not), a flood flow to `sends` and admission flows from `admits`. */
  const meshBridge = (host: string, sends: string[], admits: string[], withPort = true): BridgeState => {
    const b = bridge('contiv0', withPort ? [port(host)] : []);
    const flood: Flow = { cookie: 'c1', table: T.tunnel, priority: 50, match: '', actions: ['push_vlan:0x8100', ...sends.flatMap((v) => [`set_field:${v}->tun_dst`, 'output:9'])].join(',') };
    b.flows[flowKey(flood)] = flood;
    for (const a of admits) {
      const f: Flow = { cookie: 'c3', table: T.classify, priority: 100, match: `in_port=9,tun_src=${a},vlan_tci=0x1000/0x1000`, actions: 'goto_table:1' };
      b.flows[flowKey(f)] = f;
    }
    return b;
  };

  it('names, per host, the peers it does not send to or admit; and a host without the port', () => {
    const desired = {
      // h1 floods to h2 only; h2 admits 198.19.0.12/31 (h2, h3) and not h1; h3 has no port.
      h1: compiled('h1', [meshBridge('h1', ['198.19.0.12'], ['198.19.0.11', '198.19.0.12/31'])]),
      h2: compiled('h2', [meshBridge('h2', ['198.19.0.11', '198.19.0.13'], ['198.19.0.12/31'])]),
      h3: compiled('h3', [meshBridge('h3', ['198.19.0.11', '198.19.0.12'], ['198.19.0.8/29'], false)]),
    };
    expect(fullTunnelMesh(model(), desired)).toEqual([
      { severity: 'error', code: 'tunnel-mesh-incomplete', message: 'h1: no tunnel to h3', address: 'h1' },
      { severity: 'error', code: 'tunnel-mesh-incomplete', message: 'h2: no tunnel to h1', address: 'h2' },
      { severity: 'error', code: 'tunnel-mesh-incomplete', message: 'h3: no tunnel port', address: 'h3' },
    ]);
  });

  it('is content with a full mesh: every peer sent to and admitted (exactly, or inside a prefix)', () => {
    const desired = Object.fromEntries(HOSTS.map((h) => [h.name, compiled(h.name, [meshBridge(h.name, HOSTS.filter((p) => p.name !== h.name).map((p) => p.vtep), ['198.19.0.11', '198.19.0.12/31'])])]));
    expect(fullTunnelMesh(model(), desired)).toEqual([]);
  });

  it('is content with what compile makes', () => {
    const m = model();
    const desired = compileFabric({ model: m, allocations: allocate(m, []).allocations, live: {} });
    expect(fullTunnelMesh(m, desired)).toEqual([]);
  });
});

describe('vnisStableUnderEndpoints: a network with endpoints keeps its VNI', () => {
  const allocations = (vni: Record<string, number>) => ({ vni }) as unknown as Allocations;
  const records = (host: string, ids: Record<string, string>, specs: EndpointSpec[] = []): LiveHost => {
    const state = withEndpoints({ [host]: { host, bridges: { contiv0: bridge('contiv0', [], { 'contiv.owner': 'contiv', ...ids }) } } }, specs)[host]!;
    return liveHost(state);
  };

  it('refuses moving the VNI recorded for a network its endpoints use, naming them', () => {
    const live = {
      h1: records('h1', { 'contiv.net.default.web': '10.1.0.0/24', 'contiv.vni.default.web': '2' }, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]),
      h2: records('h2', { 'contiv.vni.default.web': '2' }, [{ host: 'h2', netns: 'w-2', network: 'web', ip: '10.1.0.6' }]),
    };
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 101 }), live, {})).toEqual([
      {
        severity: 'error',
        code: 'network-changed-in-use',
        message: 'network default/web would change VNI 2 → 101 (is its VNI still inside vniRange?) while endpoints use it: w-1 on h1 (10.1.0.5), w-2 on h2 (10.1.0.6)',
        hint: 'keep vniRange covering the VNIs in use, or detach the endpoints first',
      },
    ]);
  });

  it('accepts a VNI that stays, one never recorded, and a network without endpoints', () => {
    const ep = [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }];
    const l = (ids: Record<string, string>, specs: EndpointSpec[] = ep) => ({ h1: records('h1', ids, specs) });
    // The network's other records (subnet) are not its VNI.
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 2 }), l({ 'contiv.net.default.web': '10.1.0.0/24 10.1.0.1', 'contiv.vni.default.web': '2' }), {})).toEqual([]);
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 2 }), l({}), {})).toEqual([]);
    expect(vnisStableUnderEndpoints(allocations({}), l({ 'contiv.vni.default.web': '2' }), {})).toEqual([]);
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 3 }), l({ 'contiv.vni.default.web': '2' }, []), {})).toEqual([]);
  });

  it("judges a host's endpoints by the VNI that host records: another host's record never stands in for it", () => {
    const live = {
      h1: records('h1', { 'contiv.vni.default.web': '2' }, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]),
      h2: records('h2', { 'contiv.vni.default.web': '3' }),
    };
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 2 }), live, {})).toEqual([]);
    // h1, read first, records the new VNI already: h3's endpoints on the old one are still named.
    const steered = {
      h1: records('h1', { 'contiv.vni.default.web': '101' }, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]),
      h3: records('h3', { 'contiv.vni.default.web': '2' }, [{ host: 'h3', netns: 'w-3', network: 'web', ip: '10.1.0.7' }]),
    };
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 101 }), steered, {}).map((d) => d.message)).toEqual([
      'network default/web would change VNI 2 → 101 (is its VNI still inside vniRange?) while endpoints use it: w-3 on h3 (10.1.0.7)',
    ]);
  });

  it('names the endpoints per VNI they would leave, when hosts record different ones', () => {
    const live = {
      h1: records('h1', { 'contiv.vni.default.web': '2' }, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]),
      h2: records('h2', { 'contiv.vni.default.web': '3' }, [{ host: 'h2', netns: 'w-2', network: 'web', ip: '10.1.0.6' }]),
      h3: records('h3', { 'contiv.vni.default.web': '2' }, [{ host: 'h3', netns: 'w-3', network: 'web', ip: '10.1.0.7' }]),
    };
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 101 }), live, {}).map((d) => d.message)).toEqual([
      'network default/web would change VNI 2 → 101 (is its VNI still inside vniRange?) while endpoints use it: w-1 on h1 (10.1.0.5), w-3 on h3 (10.1.0.7)',
      'network default/web would change VNI 3 → 101 (is its VNI still inside vniRange?) while endpoints use it: w-2 on h2 (10.1.0.6)',
    ]);
  });

  it('a host that records no VNI for the network is judged by the model it is given (the one most hosts record)', () => {
    const live = { h1: records('h1', {}, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }]) };
    const baseline = (): RecordedModel => ({ networks: [{ tenant: 'default', name: 'web', subnet: '10.1.0.0/24', vni: 2 }], groups: [], policies: [] });
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 101 }), live, {}, baseline).map((d) => d.message)).toEqual([
      'network default/web would change VNI 2 → 101 (is its VNI still inside vniRange?) while endpoints use it: w-1 on h1 (10.1.0.5)',
    ]);
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 2 }), live, {}, baseline)).toEqual([]);
  });

  it('endpoints whose namespace is gone do not hold the VNI', () => {
    const live = { h1: records('h1', { 'contiv.vni.default.web': '2' }, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }, { host: 'h1', netns: 'w-2', network: 'web', ip: '10.1.0.6' }]) };
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 101 }), live, { h1: ['w-1', 'w-2'] })).toEqual([]);
    expect(vnisStableUnderEndpoints(allocations({ 'default/web': 101 }), live, { h1: ['w-1'] }).map((d) => d.message)).toEqual([
      'network default/web would change VNI 2 → 101 (is its VNI still inside vniRange?) while endpoints use it: w-2 on h1 (10.1.0.6)',
    ]);
  });
});

describe('hostsLeftFabric: a host dropped from the Fabric is a warning, with what to do', () => {
  it('names each VTEP a flood list still sends to that no Fabric host has, sorted, once; a Fabric host whose vtep is changing is not one', () => {
    const flood = (vteps: string[]): BridgeState => {
      const b = bridge('contiv0');
      const f: Flow = { cookie: 'c1', table: T.tunnel, priority: 50, match: '', actions: vteps.map((v) => `set_field:${v}->tun_dst,output:9`).join(',') };
      b.flows[flowKey(f)] = f;
      return b;
    };
    const h1 = liveHost({ host: 'h1', bridges: { contiv0: flood(['198.19.0.12', '198.19.0.19', '198.19.0.17', '198.19.0.33']) } });
    const h3 = liveHost({ host: 'h3', bridges: { contiv0: flood(['198.19.0.19']) } });
    // h2 is moving to 198.19.0.12 from 198.19.0.33: its port still has the old one.
    const h2b = bridge('contiv0', [{ ...tunnelPort(model().fabric.hosts[1]!, 4789), options: { remote_ip: 'flow', local_ip: '198.19.0.33', key: 'flow' } }]);
    const h2 = liveHost({ host: 'h2', bridges: { contiv0: h2b } });
    const d = hostsLeftFabric(model(), { h1, h2, h3 });
    expect(d.map((x) => x.address)).toEqual(['198.19.0.17', '198.19.0.19']);
    expect(d[0]).toEqual({
      severity: 'warning',
      code: 'host-left-fabric',
      message: "VTEP 198.19.0.17 is in the hosts' flood lists but no host of the Fabric has it: a host that left the Fabric (the other hosts stop sending to it, and contiv cannot reach it to remove what it made there) or whose VTEP changed",
      hint: 'to retire a host cleanly, detach its endpoints while it is still in the Fabric; then, on that host: ovs-vsctl del-br contiv0',
      address: '198.19.0.17',
    });
  });

  it('a departed host named by an old per-peer port and in a migrated host\'s flood list is said once, by name, whichever host is read first', () => {
    const old = bridge('contiv0', [{ ...tunnel('h1', 'h9', 10), options: { remote_ip: '198.19.0.19' } }]);
    const migrated = bridge('contiv0');
    const f: Flow = { cookie: 'c1', table: T.tunnel, priority: 50, match: '', actions: 'set_field:198.19.0.19->tun_dst,output:9' };
    migrated.flows[flowKey(f)] = f;
    for (const order of [['h1', 'h2'], ['h2', 'h1']]) {
      const hosts = { h1: liveHost({ host: 'h1', bridges: { contiv0: old } }), h2: liveHost({ host: 'h2', bridges: { contiv0: migrated } }) };
      const live = Object.fromEntries(order.map((h) => [h, hosts[h as 'h1' | 'h2']]));
      expect(hostsLeftFabric(model(), live).map((d) => d.address), order.join(',')).toEqual(['h9']);
    }
  });

  it('names each host that live per-peer tunnel ports (an older contiv) still point to, sorted, once', () => {
    const h1 = liveHost(withEndpoints({ h1: { host: 'h1', bridges: { contiv0: bridge('contiv0', [tunnel('h1', 'h9', 1), tunnel('h1', 'h5', 2), tunnel('h1', 'h2', 3)]) } } }, [{ host: 'h1', netns: 'w-1', network: 'web', ip: '10.1.0.5' }])['h1']!);
    const h2 = liveHost({ host: 'h2', bridges: { contiv0: bridge('contiv0', [tunnel('h2', 'h9', 1)]) } });
    const d = hostsLeftFabric(model(), { h1, h2 });
    expect(d.map((x) => x.address)).toEqual(['h5', 'h9']);
    expect(d[0]).toEqual({
      severity: 'warning',
      code: 'host-left-fabric',
      message: 'host h5 is no longer in the Fabric: the other hosts drop their tunnels to it, and contiv cannot reach it to remove what it made there (its endpoints are cut off)',
      hint: 'to retire a host cleanly, detach its endpoints while it is still in the Fabric; then, on h5: ovs-vsctl del-br contiv0',
      address: 'h5',
    });
  });
});

describe('hostsLeftFabric on tunnels edited by hand', () => {
  it('a tunnel that lost its peer mark names no host', () => {
    const t = tunnel('h1', 'h9', 1);
    delete t.externalIds['contiv.peer'];
    expect(hostsLeftFabric(model(), { h1: liveHost({ host: 'h1', bridges: { contiv0: bridge('contiv0', [t]) } }) })).toEqual([]);
  });
});

describe('applyToolsPresent: apply and attach need ethtool, flock and nsenter', () => {
  it('names each missing tool, per host, with the package to install', () => {
    const live = {
      h1: liveHost({ host: 'h1', bridges: {} }, { missing: ['ethtool'] }),
      h2: liveHost({ host: 'h2', bridges: {} }, { missing: ['flock', 'timeout', 'nsenter'] }),
      h3: liveHost({ host: 'h3', bridges: {} }, { missing: ['nsenter'] }),
    };
    expect(applyToolsPresent(live)).toEqual([
      { severity: 'error', code: 'host-missing-binary', message: 'h1: ethtool not found; apply and attach need it', hint: 'install ethtool and util-linux', address: 'h1' },
      { severity: 'error', code: 'host-missing-binary', message: 'h2: flock, nsenter not found; apply and attach need them', hint: 'install ethtool and util-linux', address: 'h2' },
      { severity: 'error', code: 'host-missing-binary', message: 'h3: nsenter not found; apply and attach need it', hint: 'install ethtool and util-linux', address: 'h3' },
    ]);
  });
});

describe('bridgesAreOurs: a port of someone else holding a number contiv\'s port needs', () => {
  const withForeign = (ofports: Record<string, number>): LiveHost => {
    const l = liveHost({ host: 'h1', bridges: { contiv0: bridge('contiv0') } });
    return { ...l, unmanaged: { ...l.unmanaged, ports: Object.keys(ofports), ofports } };
  };
  const desired = { h1: compiled('h1', [bridge('contiv0', [tunnelPort(model().fabric.hosts[0]!, 4789)])]) };

  it('refuses the plan, naming the port, the number and how to move it', () => {
    expect(bridgesAreOurs(desired, { h1: withForeign({ 'contiv0/theirs': 9 }) })).toEqual([
      {
        severity: 'error',
        code: 'ofport-taken',
        message: "h1: port contiv0/theirs (not contiv's) holds OpenFlow port 9, which contiv's port contiv-vxlan needs",
        hint: 'move contiv0/theirs off contiv0, or give it another number (ovs-vsctl set interface theirs ofport_request=N)',
        address: 'h1',
      },
    ]);
  });

  it('lets other numbers, and the same number on another bridge, be', () => {
    expect(bridgesAreOurs(desired, { h1: withForeign({ 'contiv0/theirs': 10, 'br-x/other': 9 }) })).toEqual([]);
  });
});

describe('bridgesAreOurs: contiv never takes over what it did not make', () => {
  it('refuses a bridge of its name without its mark, saying how to mark it', () => {
    const l = liveHost({ host: 'h1', bridges: {} }, { unmanagedBridges: ['contiv0', 'br-phy'] });
    expect(bridgesAreOurs({ h1: compiled('h1', [bridge('contiv0')]) }, { h1: l })).toEqual([
      {
        severity: 'error',
        code: 'bridge-not-ours',
        message: "h1: a bridge contiv0 exists without contiv's mark; contiv will not take it over",
        hint: 'rename or remove it, or mark it: ovs-vsctl set bridge contiv0 external_ids:contiv.owner=contiv',
        address: 'h1',
      },
    ]);
  });

  it('refuses deleting a bridge of its own that holds foreign ports, naming only that bridge’s ports', () => {
    const l = liveHost({ host: 'h1', bridges: { contiv0: bridge('contiv0'), 'contiv-old': bridge('contiv-old') } }, { unmanagedPorts: ['contiv0/mine-not', 'contiv-old/p1', 'contiv-old/p2'] });
    expect(bridgesAreOurs({ h1: compiled('h1', [bridge('contiv0')]) }, { h1: l })).toEqual([
      {
        severity: 'error',
        code: 'bridge-holds-foreign-ports',
        message: 'h1: bridge contiv-old would be deleted, but it holds ports contiv did not make (contiv-old/p1, contiv-old/p2)',
        hint: 'move those ports off it first',
        address: 'h1',
      },
    ]);
  });

  it('deletes a bridge of its own freely when no foreign port is on it (nor on a bridge of a similar name)', () => {
    const l = liveHost({ host: 'h1', bridges: { contiv0: bridge('contiv0'), old: bridge('old') } }, { unmanagedPorts: ['contiv0/x', 'older/y'] });
    expect(bridgesAreOurs({ h1: compiled('h1', [bridge('contiv0')]) }, { h1: l })).toEqual([]);
  });

  it('a gathered host the desired states do not cover has nothing wanted', () => {
    const l = liveHost({ host: 'h9', bridges: { contiv0: bridge('contiv0') } }, { unmanagedPorts: ['contiv0/x'] });
    expect(bridgesAreOurs({}, { h9: l }).map((d) => d.message)).toEqual(['h9: bridge contiv0 would be deleted, but it holds ports contiv did not make (contiv0/x)']);
  });
});

describe('flowsLeaveForeignAlone: a flow of contiv’s never replaces a foreign one', () => {
  const flow = (priority: number) => ({ cookie: 'c101000000000001', table: 0, priority, match: '', actions: 'drop' });
  it('names the host, the bridge, how many clash and the first two', () => {
    const d = compiled('h1', [bridge('contiv0')]);
    d.state.bridges['contiv0']!.flows = { 'table=0,priority=1': flow(1), 'table=0,priority=2': flow(2), 'table=0,priority=3': flow(3) };
    const l = liveHost({ host: 'h1', bridges: { contiv0: bridge('contiv0') } }, { flowKeys: { contiv0: ['table=0,priority=1', 'table=0,priority=2', 'table=0,priority=3', 'table=0,priority=4'] } });
    expect(flowsLeaveForeignAlone({ h1: d }, { h1: l })).toEqual([
      {
        severity: 'error',
        code: 'flow-collides-with-foreign',
        message: 'h1: 3 flow(s) contiv needs on contiv0 have the table, priority and match of flows it did not make (table=0,priority=1; table=0,priority=2)',
        hint: 'remove or change those foreign flows',
        address: 'h1',
      },
    ]);
  });

  it('foreign flows on a bridge or host contiv no longer wants collide with nothing', () => {
    const l = liveHost({ host: 'h1', bridges: { old: bridge('old') } }, { flowKeys: { old: ['table=0,priority=1'] } });
    expect(flowsLeaveForeignAlone({ h1: compiled('h1', [bridge('contiv0')]) }, { h1: l })).toEqual([]);
    expect(flowsLeaveForeignAlone({}, { h1: l })).toEqual([]);
  });
});
