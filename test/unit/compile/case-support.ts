import { expandModel } from '../../../src/compile/model-blob.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate, type Allocations } from '../../../src/compile/allocate.js';
import { compileFabric, type CompiledHost } from '../../../src/compile/compile.js';
import { planIpam } from '../../../src/ipam/fleet.js';
import { BRIDGE, ENDPOINT_PORTS, T } from '../../../src/compile/pipeline.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir } from '../../../src/manifest/read-sources.js';
import type { Model } from '../../../src/model/types.js';
import { endpointMac, endpointPortName } from '../../../src/endpoint/names.js';
import { endpointExternalIds, endpointsOf, type Endpoint } from '../../../src/state/endpoint.js';
import { formatFlow } from '../../../src/state/flow-canonical.js';
import type { BridgeState, Flow, HostState, LinkInfo, LiveHost, PortState } from '../../../src/state/host-state.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { gatherText, sortFlows } from '../../../src/state/parse/gather-text.js';

export { gatherText, sortFlows, type GatherExtras } from '../../../src/state/parse/gather-text.js';
import { decodeCookie } from '../../../src/state/marks.js';

/*
 * Shared by the compile and plan golden runners and the unit tests built on their fixtures:
 * loading a case's manifests, its live state, and turning states into reviewable text.
 */

export const HOME = '/home/user';

/** The case folders under `root`, sorted. */
export function caseNames(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Loads a manifest directory; throws with the diagnostics when it does not load. */
export async function loadModel(dir: string): Promise<Model> {
  const files = (await readManifestDir(dir)).map((f) => ({ ...f, path: f.path.slice(dir.length + 1) }));
  const result = loadManifests({ files, home: HOME });
  if (!result.model) throw new Error(`${dir} does not load:\n${result.diagnostics.map((d) => `${d.source?.file ?? '-'}:${d.source?.line ?? 0} ${d.code} ${d.message}`).join('\n')}`);
  return result.model;
}

/** A live HostState written by hand: missing bridge fields get their defaults. */
export function hostStateFromJson(host: string, data: unknown): HostState {
  const d = data as { host?: string; bridges?: Record<string, Partial<BridgeState>> };
  const bridges: Record<string, BridgeState> = {};
  for (const [name, b] of Object.entries(d.bridges ?? {})) {
    const ports: Record<string, PortState> = {};
    for (const [portName, p] of Object.entries(b.ports ?? {})) {
      ports[portName] = { name: portName, type: 'system', options: {}, externalIds: {}, protected: false, ...(p as Partial<PortState>), ofport: (p as PortState).ofport };
    }
    bridges[name] = { name, datapathType: 'netdev', failMode: 'secure', externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'bridge', 'contiv.addr': `${host}/bridge/${name}` }, ...b, ports, flows: b.flows ?? {} };
  }
  return { host: d.host ?? host, bridges };
}

/**
 * The live states in `<caseDir>/live/`: `<host>.json` (a HostState, defaults filled in) or
 * `<host>.txt` (a gather capture, parsed as gather parses it).
 */
export function readLiveDir(caseDir: string): Record<string, LiveHost> {
  const dir = join(caseDir, 'live');
  const out: Record<string, LiveHost> = {};
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).sort()) {
    const m = /^(.+)\.(json|txt)$/.exec(file);
    if (!m) continue;
    const host = m[1]!;
    const text = readFileSync(join(dir, file), 'utf8');
    if (m[2] === 'txt') out[host] = parseGatherOutput(host, text);
    else out[host] = { state: hostStateFromJson(host, JSON.parse(text)), facts: defaultFacts(host, undefined), unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} } };
  }
  return out;
}

/** An endpoint as attach makes it: port name, MAC and external_ids from endpoint-plan / state/endpoint. */
export interface EndpointSpec {
  host: string;
  netns: string;
  tenant?: string;
  network: string;
  group?: string;
  ip: string;
  /** Default: the next free number from ENDPOINT_PORTS.first on that host. */
  ofport?: number;
}

export function endpointPort(spec: EndpointSpec, ofport: number): PortState {
  const tenant = spec.tenant ?? 'default';
  const e: Endpoint = {
    host: spec.host,
    port: endpointPortName(spec.host, spec.netns),
    ofport,
    tenant,
    network: spec.network,
    ip: spec.ip,
    mac: endpointMac(tenant, spec.network, spec.ip),
    netns: spec.netns,
    ...(spec.group ? { group: spec.group } : {}),
  };
  return { name: e.port, type: 'system', ofport, options: {}, externalIds: endpointExternalIds(e), protected: false };
}

/** Adds endpoint ports to live states (creating a bare contiv bridge where there is none). */
export function withEndpoints(live: Record<string, HostState>, specs: readonly EndpointSpec[]): Record<string, HostState> {
  const out = structuredClone(live);
  for (const spec of specs) {
    const state = (out[spec.host] ??= { host: spec.host, bridges: {} });
    const bridge = (state.bridges[BRIDGE] ??= hostStateFromJson(spec.host, { bridges: { [BRIDGE]: {} } }).bridges[BRIDGE]!);
    const used = new Set(Object.values(bridge.ports).map((p) => p.ofport));
    let ofport = spec.ofport ?? ENDPOINT_PORTS.first;
    if (spec.ofport === undefined) while (used.has(ofport)) ofport++;
    const port = endpointPort(spec, ofport);
    bridge.ports[port.name] = port;
  }
  return out;
}

/**
 * allocate, the address plan and compile, as makePlan does; claims come out settled (as an
 * apply leaves them once every host is applied), so the result is a converged fabric.
 */
export function compileAll(model: Model, live: Record<string, HostState>): { allocations: Allocations; desired: Record<string, CompiledHost> } {
  const { allocations, diagnostics } = allocate(model, Object.values(live));
  if (diagnostics.length) throw new Error(`allocate: ${diagnostics.map((d) => d.code).join(', ')}`);
  const ipam = planIpam(model, Object.fromEntries(Object.entries(live).map(([h, s]) => [h, { externalIds: s.bridges[BRIDGE]?.externalIds ?? {}, endpoints: endpointsOf(s) }])));
  const addresses = Object.fromEntries(Object.entries(ipam.records).map(([h, r]) => [h, Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.replace(/ pending$/, ' claimed')]))]));
  return { allocations, desired: compileFabric({ model, allocations, live, addresses, cni: CNI_TEST_BUNDLE }) };
}

/** The contiv-cni bundle the unit tests' plans install (its hash only: the content is the build's). */
export const CNI_TEST_BUNDLE = { pluginSha256: 'c'.repeat(64) };

const TABLE_NAMES = new Map<number, string>(Object.entries(T).map(([name, n]) => [n, name]));


/**
 * The flows of one bridge for review: a header per table, one canonical line per flow (as
 * `ovs-ofctl add-flows` takes it), sorted by table, priority (highest first), then text,
 * each followed by the owner address its cookie encodes.
 */
export function flowsText(flows: Record<string, Flow>, owners: Record<string, string>): string {
  const lines: string[] = [];
  let table: number | undefined;
  const sorted = sortFlows(Object.values(flows));
  const byKind = new Map<string, number>();
  for (const f of sorted) {
    const kind = decodeCookie(f.cookie).kind ?? 'foreign';
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  lines.push(`# ${sorted.length} flows: ${[...byKind.entries()].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const f of sorted) {
    if (f.table !== table) {
      table = f.table;
      lines.push('', `## table ${table} ${TABLE_NAMES.get(table) ?? ''}`.trimEnd());
    }
    lines.push(`${formatFlow(f)}  # ${owners[f.cookie] ?? '?'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A HostState without flows, keys sorted, for `<host>.state.json`. */
export function stateWithoutFlows(state: HostState): unknown {
  const bridges = Object.fromEntries(
    Object.keys(state.bridges)
      .sort()
      .map((name) => {
        const { flows, ...rest } = state.bridges[name]!;
        // The model's chunks as the records they hold, so that a reviewer reads them (the encoding has tests of its own).
        return [name, { ...rest, externalIds: expandModel(rest.externalIds), flowCount: Object.keys(flows).length }];
      }),
  );
  return sortDeep({ host: state.host, bridges });
}

export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/* ---------- facts and gather captures ---------- */

/** Default facts: the vtep on br-phy (an OVS bridge) with MTU 1600, SSH on mgmt0. */
export function defaultFacts(host: string, hostModel: { address: string; vtep: string } | undefined, links?: LinkInfo[]): LiveHost['facts'] {
  return {
    hostname: host,
    ovsVersion: '3.1.0',
    vswitchdRunning: true,
    links: links ?? (hostModel ? defaultLinks(hostModel) : []),
    missing: [],
    netns: [],
  } as LiveHost['facts'];
}

export function defaultLinks(host: { address: string; vtep: string }): LinkInfo[] {
  const out: LinkInfo[] = [{ name: 'br-phy', mtu: 1600, up: true, addresses: [`${host.vtep}/24`] }];
  if (host.address !== host.vtep) out.unshift({ name: 'mgmt0', mtu: 1500, up: true, addresses: [`${host.address}/24`] });
  return out;
}

