import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { endpointFlows, endpointOwner, networkFlows, networkOwner } from '../compile/endpoint-flows.js';
import { FlowSet } from '../compile/flow-builder.js';
import { readModelRecords, type RecordedGroup, type RecordedNetwork } from '../compile/model-records.js';
import { BRIDGE, ENDPOINT_PORTS, NO_GROUP } from '../compile/pipeline.js';
import { parseRecords } from '../compile/records.js';
import { freeAddress, ownBlockOf, takenAddresses } from '../ipam/host.js';
import { spaceKey } from '../ipam/spaces.js';
import { cidrRange, intToIp, ipToInt, isIpv4 } from '../manifest/ipv4.js';
import type { FlowsChange } from '../plan/types.js';
import { DEFAULT_IFNAME, endpointExternalIds, endpointsOf, type Endpoint } from '../state/endpoint.js';
import type { BridgeState, Flow, LiveHost, PortState } from '../state/host-state.js';
import { endpointMac, endpointPortName, isValidContainerId, isValidIfname, normalizeNetns } from './names.js';

/*
 * Pure planning of the host-local endpoint path: one host's state as read under its lock →
 * the endpoint to make or remove, and its flow changes. Everything comes from that host's own
 * records (the network's VNI, subnet and gateway, the group's id and pool, the tenant's
 * conntrack zone, the MTU, the host's address blocks) as the last apply left them, never from
 * the manifests or another host. The policies need nothing here: their flows are per group
 * and already on the host, so the group id the endpoint is tagged with puts them in force on
 * its first packet.
 */

export interface LocalAttachRequest {
  tenant: string;
  network: string;
  group?: string;
  /** A name under /run/netns or an absolute path (normalized by names.ts). */
  netns: string;
  /** The interface in the namespace; absent only for Docker's endpoints (Docker names the interface itself), which `container` names. */
  ifname?: string;
  /** A dotted quad; absent: the lowest free address of this host's blocks. */
  ip?: string;
  /**
   * The caller checked `ip` against every host and recorded it as lent by this host, whose block
   * holds it (`contiv attach --ip`): take it although it lies outside this host's blocks.
   */
  lentBy?: string;
  /** The runtime's container id, recorded on the endpoint (how a runtime's DEL finds it). */
  container?: string;
}

export interface LocalAttachPlan {
  endpoint: Endpoint;
  port: PortState;
  prefix: number;
  gateway?: string;
  mtu: number;
  /** The endpoint's flows and its network's (flood lists name every local endpoint). */
  changes: FlowsChange[];
}

export type LocalAttachResult =
  | { ok: true; plan: LocalAttachPlan }
  /** `needsBlock`: the host has no free address in that space: claiming a block needs every host. */
  | { ok: false; diagnostic: Diagnostic; needsBlock?: string };

/** What a host's records say of one network (and group), as applied. */
interface Applied {
  bridge: BridgeState;
  network: RecordedNetwork;
  group?: RecordedGroup;
  vni: number;
  zone: number;
  gid: number;
  mtu: number;
}

function problem(code: string, message: string, hint?: string): { ok: false; diagnostic: Diagnostic } {
  return { ok: false, diagnostic: error(code, message, undefined, hint) };
}

function numbers(externalIds: Record<string, string>): Map<string, number> {
  return new Map(parseRecords(externalIds).filter((r) => r.kind === 'vni' || r.kind === 'zone' || r.kind === 'gid').map((r) => [`${r.kind}/${r.parts.join('/')}`, Number(r.value)]));
}

function applied(host: string, live: LiveHost, tenant: string, network: string, group: string | undefined): { ok: true; applied: Applied } | { ok: false; diagnostic: Diagnostic } {
  const bridge = live.state.bridges[BRIDGE];
  const apply = 'contiv apply the manifests first';
  if (!bridge) return problem('host-not-applied', `${host} has no contiv bridge yet`, apply);
  const model = readModelRecords(bridge.externalIds);
  const n = numbers(bridge.externalIds);
  const net = model.networks.find((x) => x.tenant === tenant && x.name === network);
  const vni = n.get(`vni/${tenant}/${network}`);
  const zone = n.get(`zone/${tenant}`);
  if (!net || vni === undefined || zone === undefined) {
    const elsewhere = model.networks.filter((x) => x.name === network && x.tenant !== tenant).map((x) => x.tenant);
    return problem('network-not-applied', `${host} has no network ${network} of tenant ${tenant} (as applied)`, elsewhere.length ? `tenant ${elsewhere.join(', ')} has one there: pass that tenant` : apply);
  }
  if (model.mtu === undefined) return problem('host-not-applied', `${host} was applied by an older contiv (no MTU recorded)`, apply);
  let recordedGroup: RecordedGroup | undefined;
  let gid = NO_GROUP;
  if (group !== undefined) {
    recordedGroup = model.groups.find((g) => g.tenant === tenant && g.name === group);
    const id = n.get(`gid/${tenant}/${group}`);
    if (!recordedGroup || id === undefined) return problem('group-not-applied', `${host} has no endpoint group ${group} of tenant ${tenant} (as applied)`, apply);
    if (recordedGroup.network !== network) return problem('group-network-mismatch', `group ${group} is on network ${recordedGroup.network}, not ${network}`);
    gid = id;
  }
  return { ok: true, applied: { bridge, network: net, ...(recordedGroup ? { group: recordedGroup } : {}), vni, zone, gid, mtu: model.mtu } };
}

/** The network's flows on this host with `ports` as its local endpoints (the flood lists change with them). */
function networkFlowsWith(a: Applied, ports: readonly number[]): FlowsChange {
  const set = new FlowSet();
  networkFlows(set, a.network.tenant, a.network.name, a.vni, a.zone, ports);
  return flowsAdded(set, networkOwner(a.network.tenant, a.network.name).address, 'its local endpoints change');
}

function flowsAdded(set: FlowSet, owner: string, reason: string): FlowsChange {
  const add: Flow[] = Object.values(set.flows);
  return { type: 'flows', action: 'update', host: '', address: owner, bridge: BRIDGE, owner, add, modify: [], modifyBefore: [], remove: [], reason };
}

/** What an address is asked for: the endpoint's network (and group), and an address or none. */
type AddressAsk = Pick<LocalAttachRequest, 'tenant' | 'network' | 'group' | 'ip' | 'lentBy'>;

interface Chosen {
  address: number;
  prefix: number;
  gateway?: string;
}

/** An address for an endpoint of `a`'s network on this host: the one asked for, checked, or the lowest free one of its blocks. */
function chooseAddress(host: string, a: Applied, endpoints: readonly Endpoint[], req: AddressAsk): { ok: true; chosen: Chosen } | { ok: false; diagnostic: Diagnostic; needsBlock?: string } {
  const subnet = cidrRange({ address: a.network.subnet.split('/')[0]!, prefix: Number(a.network.subnet.split('/')[1]) });
  const prefix = Number(a.network.subnet.split('/')[1]);
  const pool = a.group?.ipPool?.split('-').map((x) => ipToInt(x)) as [number, number] | undefined;
  const space = spaceKey(req.tenant, req.network, pool ? req.group : undefined);
  const ids = a.bridge.externalIds;
  const taken = takenAddresses(ids, endpoints, req.tenant, req.network);
  const gateway = a.network.gateway;
  if (gateway) taken.add(ipToInt(gateway));
  const chosen = (address: number) => ({ ok: true as const, chosen: { address, prefix, ...(gateway ? { gateway } : {}) } });

  if (req.ip !== undefined) {
    if (!isIpv4(req.ip)) return problem('ip-invalid', `${req.ip} is not an IPv4 address (four numbers 0-255, no leading zeros)`);
    const n = ipToInt(req.ip);
    if (n <= subnet.first || n >= subnet.last) return problem('ip-outside', `${req.ip} is outside the usable addresses of ${a.network.subnet}`);
    if (req.ip === gateway) return problem('ip-is-gateway', `${req.ip} is the gateway of ${req.network}`);
    if (pool && (n < pool[0] || n > pool[1])) return problem('ip-outside', `${req.ip} is outside group ${req.group}'s ipPool ${a.group!.ipPool}`);
    const users = endpoints.find((e) => e.tenant === req.tenant && e.network === req.network && e.ip === req.ip);
    if (users) return problem('ip-in-use', `${req.ip} is already used by ${users.netns} on ${host}`);
    if (taken.has(n)) return problem('ip-in-use', `${req.ip} is lent by ${host} to an endpoint on another host`);
    if (!ownBlockOf(ids, space, n) && !req.lentBy) return problem('ip-not-in-blocks', `${req.ip} is not in an address block of ${host}`, 'contiv attach --ip takes any free address (it checks every host); a runtime on the host takes addresses of its own blocks only');
    return chosen(n);
  }
  const free = freeAddress(ids, space, taken);
  if (free === undefined) {
    return { ...problem('no-free-address', `${host} has no free address left in its blocks of ${space}`, 'contiv attach claims another block (it reads every host); contiv apply keeps a reserve on hosts with runtimes; or detach endpoints'), needsBlock: space };
  }
  return chosen(free);
}

export function planLocalAttach(host: string, live: LiveHost, request: LocalAttachRequest): LocalAttachResult {
  // Whoever asks (a user, a runtime), names reach a root shell: checked here, at the module's door.
  const netns = normalizeNetns(request.netns);
  if (netns === undefined) return problem('netns-invalid', `${JSON.stringify(request.netns)} is neither a network namespace name nor an absolute path`);
  // An endpoint without an interface name is Docker's: its container id (Docker's endpoint id) names it.
  if (request.ifname === undefined ? request.container === undefined : !isValidIfname(request.ifname)) return problem('ifname-invalid', `${JSON.stringify(request.ifname)} is not an interface name`);
  if (request.container !== undefined && !isValidContainerId(request.container)) return problem('container-invalid', `${JSON.stringify(request.container)} is not a container id`);
  const req = { ...request, netns };
  const found = applied(host, live, req.tenant, req.network, req.group);
  if (!found.ok) return found;
  const a = found.applied;
  const endpoints = endpointsOf(live.state);
  const ifname = req.ifname;
  if (ifname === undefined) {
    const same = endpoints.find((e) => e.container === req.container);
    if (same) return problem('netns-attached', `endpoint ${req.container} on ${host} is already attached (${same.tenant}/${same.network}, ${same.ip})`, 'detach it first');
  } else {
    const same = endpoints.find((e) => e.netns === req.netns && (e.ifname ?? DEFAULT_IFNAME) === ifname);
    const which = ifname === DEFAULT_IFNAME ? `namespace ${req.netns}` : `${ifname} of namespace ${req.netns}`;
    if (same) return problem('netns-attached', `${which} on ${host} is already attached (${same.tenant}/${same.network}, ${same.ip})`, 'detach it first');
  }
  // A named namespace must be there (the read lists /run/netns); a path is checked by the script.
  if (!req.netns.startsWith('/') && !live.facts.netns.includes(req.netns)) return problem('netns-missing', `no network namespace ${req.netns} on ${host}`);

  const picked = chooseAddress(host, a, endpoints, req);
  if (!picked.ok) return picked;
  const { address, prefix, gateway } = picked.chosen;

  const used = new Set(Object.values(a.bridge.ports).map((p) => p.ofport));
  let ofport = ENDPOINT_PORTS.first;
  while (used.has(ofport)) ofport++;
  if (ofport > ENDPOINT_PORTS.last) return problem('ports-full', `${host} has no free OpenFlow port number left for endpoints`);
  const ip = intToIp(address);
  const endpoint: Endpoint = {
    host,
    port: endpointPortName(host, req.netns, ifname ?? req.container!.slice(0, 12)),
    ofport,
    tenant: req.tenant,
    network: req.network,
    ip,
    mac: endpointMac(req.tenant, req.network, ip),
    netns: req.netns,
    ...(req.group ? { group: req.group } : {}),
    ...(ifname !== undefined ? { ifname } : {}),
    ...(req.container ? { container: req.container } : {}),
    ...(req.lentBy ? { lender: req.lentBy } : {}),
  };
  const port: PortState = { name: endpoint.port, type: 'system', ofport, options: {}, externalIds: endpointExternalIds(endpoint), protected: false };
  const own = new FlowSet();
  endpointFlows(own, endpoint, a.vni, a.gid);
  const local = endpoints.filter((e) => e.tenant === req.tenant && e.network === req.network).map((e) => e.ofport);
  return {
    ok: true,
    plan: {
      endpoint,
      port,
      prefix,
      mtu: a.mtu,
      ...(gateway ? { gateway } : {}),
      changes: [flowsAdded(own, endpointOwner(endpoint).address, 'attached'), networkFlowsWith(a, [...local, ofport])],
    },
  };
}

/** An address held for an endpoint that does not exist yet (Docker's IPAM answers before the endpoint is made). */
export interface LocalHold {
  ip: string;
  prefix: number;
  gateway?: string;
}

/**
 * An address of this host's blocks for an endpoint a runtime will make later, chosen as attach
 * chooses one (the one asked for, or the lowest free one); recording it as held is the caller's.
 */
export function planLocalHold(host: string, live: LiveHost, request: AddressAsk): { ok: true; hold: LocalHold } | { ok: false; diagnostic: Diagnostic; needsBlock?: string } {
  const found = applied(host, live, request.tenant, request.network, request.group);
  if (!found.ok) return found;
  const picked = chooseAddress(host, found.applied, endpointsOf(live.state), request);
  if (!picked.ok) return picked;
  const { address, prefix, gateway } = picked.chosen;
  return { ok: true, hold: { ip: intToIp(address), prefix, ...(gateway ? { gateway } : {}) } };
}

export interface LocalDetachPlan {
  endpoint: Endpoint;
  /** The network's flood flows without the endpoint (none when the network is no longer applied). */
  changes: FlowsChange[];
}

/** Which endpoint to detach: by its namespace, or by the runtime's container id (its namespace may be gone); and its interface. */
export type DetachWhich = { netns: string; ifname?: string } | { container: string; ifname?: string };

export function planLocalDetach(host: string, live: LiveHost, which: DetachWhich): { ok: true; plan: LocalDetachPlan } | { ok: false; diagnostic: Diagnostic } {
  const ifname = which.ifname;
  let mine: Endpoint[];
  let what: string;
  if ('container' in which) {
    mine = endpointsOf(live.state).filter((e) => e.container === which.container);
    what = `container ${which.container}`;
  } else {
    const netns = normalizeNetns(which.netns);
    if (netns === undefined) return problem('netns-invalid', `${JSON.stringify(which.netns)} is neither a network namespace name nor an absolute path`);
    mine = endpointsOf(live.state).filter((e) => e.netns === netns);
    what = `namespace ${netns}`;
  }
  const chosen = ifname === undefined ? mine : mine.filter((e) => (e.ifname ?? DEFAULT_IFNAME) === ifname);
  if (chosen.length === 0) return problem('netns-not-attached', `no endpoint of ${what}${ifname ? ` (${ifname})` : ''} on ${host}`);
  if (chosen.length > 1) return problem('netns-ambiguous', `${what} has ${chosen.length} endpoints on ${host} (${chosen.map((e) => e.ifname ?? DEFAULT_IFNAME).join(', ')})`, 'pass --ifname');
  const endpoint = chosen[0]!;
  const found = applied(host, live, endpoint.tenant, endpoint.network, undefined);
  // A network no longer applied (removed from the manifests, emptied by detach): only the endpoint's own flows go.
  if (!found.ok) return { ok: true, plan: { endpoint, changes: [] } };
  const others = endpointsOf(live.state).filter((e) => e.port !== endpoint.port && e.tenant === endpoint.tenant && e.network === endpoint.network).map((e) => e.ofport);
  return { ok: true, plan: { endpoint, changes: [networkFlowsWith(found.applied, others)] } };
}
