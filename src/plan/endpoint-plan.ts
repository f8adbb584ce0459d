import { createHash } from 'node:crypto';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { allocate, type Allocations } from '../compile/allocate.js';
import { compileHost, type CompiledHost } from '../compile/compile.js';
import { BRIDGE, ENDPOINT_PORTS } from '../compile/pipeline.js';
import { cidrRange, formatCidr, intToIp, ipToInt, poolRange } from '../manifest/ipv4.js';
import type { Model } from '../model/types.js';
import { endpointAddress, endpointExternalIds, endpointsOf, type Endpoint } from '../state/endpoint.js';
import { flowKey, type HostState, type PortState } from '../state/host-state.js';
import { cookieFor } from '../state/marks.js';
import { diffHost } from './diff.js';
import type { Change } from './types.js';

/*
 * Pure planning of attach and detach: which endpoint, which address, port and flows. The
 * flows come from compiling the host with and without the endpoint, so what attach installs is
 * exactly what a later plan expects (it then says No changes).
 */

export interface AttachRequest {
  host: string;
  netns: string;
  tenant: string;
  network: string;
  group?: string;
  ip?: string;
}

export interface EndpointPlan {
  endpoint: Endpoint;
  port: PortState;
  prefix: number;
  gateway?: string;
  mtu: number;
  /** Flow changes on the host's bridge (the endpoint's own flows and its network's flood flows). */
  changes: Change[];
}

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function isValidNetnsName(name: string): boolean {
  return NETNS_NAME.test(name);
}

/** A stable, locally administered MAC for an address of a network (unique per tenant and network). */
export function endpointMac(tenant: string, network: string, ip: string): string {
  const h = createHash('sha256').update(`${tenant}/${network}/${ip}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The OVS port (host side of the veth) of an endpoint: at most 14 characters, so the peer's `…p` fits 15. */
export function endpointPortName(host: string, netns: string): string {
  return `cv${createHash('sha256').update(`${host}/${netns}`).digest('hex').slice(0, 12)}`;
}

function fail(code: string, message: string, hint?: string): { diagnostics: Diagnostic[] } {
  return { diagnostics: [{ ...error(code, message, undefined, hint) }] };
}

/** Refuses a host whose bridge is not what the manifests say: attach adds to a converged host only. */
function convergedHost(model: Model, allocations: Allocations, live: Record<string, HostState>, host: string): { compiled?: CompiledHost; problem?: Diagnostic[] } {
  const hostModel = model.fabric.hosts.find((h) => h.name === host);
  if (!hostModel) return { problem: fail('host-unknown', `unknown host ${host}; the Fabric has ${model.fabric.hosts.map((h) => h.name).join(', ')}`).diagnostics };
  const compiled = compileHost({ model, allocations, live }, hostModel);
  const pending = diffHost(compiled, live[host]);
  if (!live[host]?.bridges[BRIDGE] || pending.length > 0) {
    return { problem: fail('host-not-converged', `host ${host} does not match the manifests yet (${pending.length} pending change${pending.length === 1 ? '' : 's'})`, 'run contiv plan / contiv apply first').diagnostics };
  }
  return { compiled };
}

export function planAttach(model: Model, live: Record<string, HostState>, req: AttachRequest): { plan?: EndpointPlan; diagnostics: Diagnostic[] } {
  if (!isValidNetnsName(req.netns)) return fail('netns-invalid', `--netns ${JSON.stringify(req.netns)} is not a valid namespace name (letters, digits, '.', '_', '-'; at most 63)`);
  const network = model.networks.find((n) => n.tenant === req.tenant && n.name === req.network);
  if (!network) {
    const elsewhere = model.networks.filter((n) => n.name === req.network).map((n) => n.tenant);
    return fail('network-unknown', `tenant ${req.tenant} has no network ${req.network}`, elsewhere.length ? `tenant ${elsewhere.join(', ')} has one: pass --tenant` : undefined);
  }
  const group = req.group === undefined ? undefined : model.groups.find((g) => g.tenant === req.tenant && g.name === req.group);
  if (req.group !== undefined && !group) return fail('group-unknown', `tenant ${req.tenant} has no endpoint group ${req.group}`);
  if (group && group.network !== network.name) return fail('group-network-mismatch', `group ${group.name} is on network ${group.network}, not ${network.name}`);

  const { allocations, diagnostics } = allocate(model, Object.values(live));
  if (diagnostics.length) return { diagnostics };
  const converged = convergedHost(model, allocations, live, req.host);
  if (converged.problem) return { diagnostics: converged.problem };
  const hostState = live[req.host]!;
  const existing = endpointsOf(hostState).find((e) => e.netns === req.netns);
  if (existing) return fail('netns-attached', `namespace ${req.netns} on ${req.host} is already attached (${existing.tenant}/${existing.network}, ${existing.ip})`, 'detach it first');

  const all = Object.values(live).flatMap((s) => endpointsOf(s)).filter((e) => e.tenant === network.tenant && e.network === network.name);
  const subnet = cidrRange(network.subnet);
  const space = group?.ipPool ? poolRange(group.ipPool) : { first: subnet.first + 1, last: subnet.last - 1 };
  let ip = req.ip;
  if (ip !== undefined) {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return fail('ip-invalid', `--ip ${ip} is not an IPv4 address`);
    const n = ipToInt(ip);
    const where = group?.ipPool ? `group ${group.name}'s ipPool ${group.ipPool.first}-${group.ipPool.last}` : `the usable addresses of ${formatCidr(network.subnet)}`;
    if (n < space.first || n > space.last) return fail('ip-outside', `--ip ${ip} is outside ${where}`);
    if (ip === network.gateway) return fail('ip-is-gateway', `--ip ${ip} is the gateway of ${network.name}`);
    const user = all.find((e) => e.ip === ip);
    if (user) return fail('ip-in-use', `--ip ${ip} is already used by ${user.netns} on ${user.host}`);
  } else {
    const blockKey = `${network.tenant}/${network.name}${group?.ipPool ? `/${group.name}` : ''}`;
    const block = allocations.blocks[req.host]?.[blockKey];
    if (!block) return fail('ip-block-missing', `host ${req.host} has no address block for ${blockKey}`, 'run contiv apply first');
    const used = new Set(all.map((e) => e.ip));
    for (let n = ipToInt(block.first); n <= ipToInt(block.last); n++) {
      const candidate = intToIp(n);
      if (candidate !== network.gateway && !used.has(candidate)) {
        ip = candidate;
        break;
      }
    }
    if (!ip) return fail('ip-block-full', `the address block ${block.first}-${block.last} of ${req.host} for ${blockKey} is full`, 'pass --ip with a free address, or widen the subnet');
  }

  const bridge = hostState.bridges[BRIDGE]!;
  const usedPorts = new Set(Object.values(bridge.ports).map((p) => p.ofport));
  let ofport = ENDPOINT_PORTS.first;
  while (usedPorts.has(ofport)) ofport++;
  const endpoint: Endpoint = {
    host: req.host,
    port: endpointPortName(req.host, req.netns),
    ofport,
    tenant: network.tenant,
    network: network.name,
    ip: ip!,
    mac: endpointMac(network.tenant, network.name, ip!),
    netns: req.netns,
    ...(group ? { group: group.name } : {}),
  };
  const port: PortState = { name: endpoint.port, type: 'system', ofport, options: {}, externalIds: endpointExternalIds(endpoint), protected: false };
  const after = withPort(hostState, port);
  const changes = endpointFlowChanges(model, allocations, after, hostState, req.host);
  return {
    plan: { endpoint, port, prefix: network.subnet.prefix, mtu: model.fabric.mtu, changes, ...(network.gateway ? { gateway: network.gateway } : {}) },
    diagnostics: [],
  };
}

export function planDetach(model: Model, live: Record<string, HostState>, host: string, netns: string): { plan?: { endpoint: Endpoint; changes: Change[] }; diagnostics: Diagnostic[] } {
  const hostState = live[host];
  if (!model.fabric.hosts.some((h) => h.name === host) || !hostState) return fail('host-unknown', `unknown host ${host}`);
  const endpoint = endpointsOf(hostState).find((e) => e.netns === netns);
  if (!endpoint) return fail('netns-not-attached', `no endpoint of namespace ${netns} on ${host}`);
  const { allocations, diagnostics } = allocate(model, Object.values(live));
  if (diagnostics.length) return { diagnostics };
  const after = structuredClone(hostState);
  delete after.bridges[BRIDGE]!.ports[endpoint.port];
  const changes = endpointFlowChanges(model, allocations, after, hostState, host);
  return { plan: { endpoint, changes: [...changes, ...leftoverEndpointFlows(hostState, endpoint, changes)] }, diagnostics: [] };
}

/**
 * The endpoint's own flows that the host has and the compiled diff does not remove. When the
 * manifests no longer have the endpoint's network (detach is how such a network is emptied
 * before it can go), compile makes no flows for the endpoint, with or without it: its flows
 * are then found by their cookie on the host, so a detached endpoint never leaves flows behind.
 */
function leftoverEndpointFlows(state: HostState, endpoint: Endpoint, changes: readonly Change[]): Change[] {
  const cookie = cookieFor('endpoint', endpointAddress(endpoint.host, endpoint.netns));
  const removed = new Set(changes.flatMap((c) => (c.type === 'flows' ? c.remove.map(flowKey) : [])));
  const flows = Object.values(state.bridges[BRIDGE]?.flows ?? {}).filter((f) => f.cookie.padStart(16, '0') === cookie && !removed.has(flowKey(f)));
  if (flows.length === 0) return [];
  const owner = `endpoint/${endpointAddress(endpoint.host, endpoint.netns)}`;
  return [{ type: 'flows', action: 'delete', host: endpoint.host, address: `${endpoint.host}/flows/${owner}`, bridge: BRIDGE, owner, add: [], modify: [], modifyBefore: [], remove: flows, reason: 'its endpoint is detached' }];
}

function withPort(state: HostState, port: PortState): HostState {
  const next = structuredClone(state);
  next.bridges[BRIDGE]!.ports[port.name] = port;
  return next;
}

/** The flow changes between the host compiled with `before`'s endpoints and with `after`'s. */
function endpointFlowChanges(model: Model, allocations: Allocations, after: HostState, before: HostState, host: string): Change[] {
  const hostModel = model.fabric.hosts.find((h) => h.name === host)!;
  const want = compileHost({ model, allocations, live: { [host]: after } }, hostModel);
  const have = compileHost({ model, allocations, live: { [host]: before } }, hostModel);
  return diffHost(want, have.state).filter((c) => c.type === 'flows');
}
