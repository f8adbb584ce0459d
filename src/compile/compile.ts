import type { Host, Model } from '../model/types.js';
import type { BridgeState, DockerState, FileState, HostState, PortState } from '../state/host-state.js';
import { endpointsOf } from '../state/endpoint.js';
import { ADDRESS_KEY, KIND_KEY, ownerIds } from '../state/marks.js';
import type { Allocations } from './allocate.js';
import { FlowSet, OUT_PORT_FIELD, ZONE_FIELD, type FlowOwner } from './flow-builder.js';
import { endpointFlows, networkFlows, networkOwner } from './endpoint-flows.js';
import { canonicalActions } from '../state/flow-canonical.js';
import { isAddressRecord, isHeldRecord } from '../ipam/records.js';
import { cookieFor } from '../state/marks.js';
import { BRIDGE, DST_LOCAL, DST_REMOTE, LEARN_IDLE_SECONDS, NO_GROUP, REG, T, TUNNEL_OFPORT } from './pipeline.js';
import { recordKey } from './records.js';
import { byName, tunnelPort, TUNNEL_PORT, vtepPrefixes, VTEP_OWNER } from './tunnels.js';
import { policyFlows } from './policy.js';
import { modelRecords } from './model-records.js';
import { encodeModel } from './model-blob.js';
import { cniFiles } from './cni-files.js';
import { dockerFiles, dockerNetworks, isDockerFile } from './docker-runtime.js';

/** What compile makes for one host: its desired state and who owns each flow cookie. */
export interface CompiledHost {
  state: HostState;
  /** Flow cookie → owner address (`net/blue/contiv-net`, `h1/endpoint/web-1` …), for lookups: the Fabric's common owners are inherited (FlowSet.owners), not own keys. */
  owners: Record<string, string>;
  /** Why each address record (block, lent address) changes, for the plan. */
  addressReasons?: Record<string, string>;
  /**
   * The state holds the commit record to compare (a state to go back to, plan/commit-record.ts);
   * a compiled host does not, and the record is left out of its diff.
   */
  commitRecorded?: boolean;
}

export interface CompileInput {
  model: Model;
  allocations: Allocations;
  /** Live state of every host (for endpoints and tunnel port numbers); a host absent here is new. */
  live: Record<string, HostState>;
  /** Per host, endpoints (by netns) whose namespace is gone: they are removed, freeing port and address. */
  gone?: Record<string, readonly string[]>;
  /** Per host, the address records (blocks, lent addresses) its bridge must carry; absent: kept as they are. */
  addresses?: Record<string, Record<string, string>>;
  addressReasons?: Record<string, Record<string, string>>;
  /** The contiv-cni bundle this contiv installs (its SHA-256); absent: the hosts' CNI files are kept as they are. */
  cni?: { pluginSha256: string };
  /** The contiv-docker bundle this contiv installs; absent: the hosts' Docker side is kept as it is. */
  docker?: { pluginSha256: string };
  /** Compile only these hosts (a shard, src/plan/target.ts); absent: every host of the Fabric. */
  only?: ReadonlySet<string>;
}

/** Pure: Model + allocations + live endpoints → the desired state of every host (of `only`). */
export function compileFabric(input: CompileInput): Record<string, CompiledHost> {
  const shared = fabricShared(input);
  return Object.fromEntries(input.model.fabric.hosts.filter((h) => !input.only || input.only.has(h.name)).map((h) => [h.name, compileHost(input, h, shared)]));
}

/**
 * What every host gets alike, made once per Fabric rather than once per host (a plan of 1,000
 * hosts would otherwise canonicalise the same policy flows 1,000 times): the pipeline without
 * its flood list, the admission of the Fabric's VTEPs, every network's flows as on a host
 * without endpoints in it, the policy flows, the records; and each VTEP's part of a flood list.
 */
export interface FabricShared {
  common: FlowSet;
  /** Flows of each network on a host with no endpoint in it, by `tenant/network`. */
  bareNetworks: Map<string, FlowSet>;
  /** The allocations and the model as applied, as the external_ids that hold them (model-blob.ts). */
  records: Record<string, string>;
  /** Canonical `set_field:VTEP->tun_dst,output:PORT` per host name, in flood order (by name). */
  floodParts: Array<[host: string, actions: string]>;
  networks: Set<string>;
}

export function fabricShared(input: Pick<CompileInput, 'model' | 'allocations'>): FabricShared {
  const { model, allocations } = input;
  const common = new FlowSet();
  pipelineFlows(common);
  for (const prefix of vtepPrefixes(model.fabric.hosts)) common.add(VTEP_OWNER, T.classify, 100, [`in_port=${TUNNEL_OFPORT}`, `tun_src=${prefix}`, 'vlan_tci=0x1000/0x1000'], [`goto_table:${T.fromPeer}`]);
  policyFlows(common, model, allocations);
  // Every network as on a host with no endpoint in it; a host with endpoints in one replaces its flows.
  const bareNetworks = new Map<string, FlowSet>();
  for (const network of model.networks) {
    const key = `${network.tenant}/${network.name}`;
    const set = new FlowSet();
    networkFlows(set, network.tenant, network.name, allocations.vni[key]!, allocations.zone[network.tenant]!, []);
    bareNetworks.set(key, set);
    for (const f of Object.values(set.flows)) common.addCanonical(networkOwner(network.tenant, network.name), f.table, f.priority, f.match, f.actions);
  }
  return {
    common,
    bareNetworks,
    records: encodeModel({ ...records(model, allocations), ...modelRecords(model) }),
    floodParts: byName(model.fabric.hosts).map((h) => [h.name, canonicalActions(`set_field:${h.vtep}->tun_dst,output:${TUNNEL_OFPORT}`)]),
    networks: new Set(bareNetworks.keys()),
  };
}

export const PIPELINE_OWNER: FlowOwner = { kind: 'pipeline', address: 'pipeline' };

export { networkOwner } from './endpoint-flows.js';

/** One host, given what every host shares (fabricShared: made once per Fabric, not per host). */
export function compileHost(input: CompileInput, host: Host, shared: FabricShared): CompiledHost {
  const { model, allocations } = input;
  const live = input.live[host.name];
  const liveBridge = live?.bridges[BRIDGE];
  const networks = shared.networks;
  // Endpoints stay as attach made them; an endpoint of a network that no longer exists is
  // refused at plan time (it would be cut off), so here it is simply not given flows.
  const gone = new Set(input.gone?.[host.name] ?? []);
  const endpoints = live ? endpointsOf(live).filter((e) => networks.has(`${e.tenant}/${e.network}`) && !gone.has(e.netns)) : [];

  const ports: Record<string, PortState> = { [TUNNEL_PORT]: tunnelPort(host, model.fabric.vxlanPort) };
  for (const e of endpoints) ports[e.port] = liveBridge!.ports[e.port]!;

  const flows = new FlowSet(shared.common);
  floodFlow(flows, shared.floodParts.filter(([name]) => name !== host.name).map(([, actions]) => actions));
  const localPorts = new Map<string, number[]>();
  for (const e of endpoints) localPorts.set(`${e.tenant}/${e.network}`, [...(localPorts.get(`${e.tenant}/${e.network}`) ?? []), e.ofport]);
  for (const [key, local] of localPorts) {
    const [tenant, name] = key.split('/') as [string, string];
    flows.remove(Object.keys(shared.bareNetworks.get(key)!.flows));
    networkFlows(flows, tenant, name, allocations.vni[key]!, allocations.zone[tenant]!, local);
  }
  for (const e of endpoints) {
    const gid = e.group ? (allocations.group[`${e.tenant}/${e.group}`] ?? NO_GROUP) : NO_GROUP;
    endpointFlows(flows, e, allocations.vni[`${e.tenant}/${e.network}`]!, gid);
  }

  const bridge: BridgeState = {
    name: BRIDGE,
    datapathType: host.datapath,
    failMode: 'secure',
    externalIds: {
      ...ownerIds('bridge', `${host.name}/bridge/${BRIDGE}`),
      ...shared.records,
      // Address records: as the plan decided, or as they are when the caller plans no addresses.
      ...(input.addresses?.[host.name] ?? addressRecordsOf(liveBridge?.externalIds ?? {})),
      // Addresses held for Docker's endpoints being made: the host's own, kept as they are.
      ...Object.fromEntries(Object.entries(liveBridge?.externalIds ?? {}).filter(([k]) => isHeldRecord(k))),
    },
    ports,
    flows: flows.frozen(),
  };
  // No files wanted where the host has none: said by leaving them out (as a host without runtimes has).
  const files = wantedFiles(input, host, live?.files);
  const withFiles = files !== undefined && (Object.keys(files).length > 0 || live?.files !== undefined);
  const docker = input.docker ? wantedDocker(model, host, input.docker.pluginSha256, live?.docker) : live?.docker;
  return {
    state: { host: host.name, bridges: { [BRIDGE]: bridge }, ...(withFiles ? { files } : {}), ...(docker ? { docker } : {}) },
    owners: flows.owners,
    addressReasons: input.addressReasons?.[host.name] ?? {},
  };
}

/** The files of each runtime this contiv installs; a runtime whose bundle the caller left out keeps its files as they are. */
function wantedFiles(input: CompileInput, host: Host, live: Record<string, FileState> | undefined): Record<string, FileState> | undefined {
  if (!input.cni && !input.docker) return live;
  const kept = (docker: boolean): Record<string, FileState> => Object.fromEntries(Object.entries(live ?? {}).filter(([path]) => isDockerFile(path) === docker));
  return {
    ...(input.cni ? cniFiles(input.model, host, input.cni.pluginSha256) : kept(false)),
    ...(input.docker ? dockerFiles(host, input.docker.pluginSha256) : kept(true)),
  };
}

/**
 * Docker's side of a host: its networks and the running plugin with the docker runtime; without
 * it, nothing — said as no networks and no plugin when the host still has some of contiv's.
 */
function wantedDocker(model: Model, host: Host, pluginSha256: string, live: DockerState | undefined): DockerState | undefined {
  if (host.runtimes.includes('docker')) return { networks: dockerNetworks(model, host), plugin: { build: pluginSha256 } };
  return live && (Object.keys(live.networks).length > 0 || live.plugin) ? { networks: {} } : undefined;
}

function addressRecordsOf(externalIds: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(externalIds).filter(([k]) => isAddressRecord(k)));
}

function records(model: Model, allocations: Allocations): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of model.networks) out[recordKey('vni', n.tenant, n.name)] = String(allocations.vni[`${n.tenant}/${n.name}`]);
  for (const g of model.groups) out[recordKey('gid', g.tenant, g.name)] = String(allocations.group[`${g.tenant}/${g.name}`]);
  for (const t of model.tenants) out[recordKey('zone', t.name)] = String(allocations.zone[t.name]);
  return out;
}

const ZONE = `zone=${ZONE_FIELD}`;

/**
 * The fixed part of the pipeline: defaults, traffic from peers, dispatch, conntrack, commit
 * and tunnel egress. Only the flood list names the host's peers (every VTEP but its own).
 */
function pipelineFlows(flows: FlowSet): void {
  const o = PIPELINE_OWNER;
  flows.add(o, T.classify, 0, [], ['drop']);
  // From an admitted peer (T0 checked in_port, tun_src and the tag): its source MAC is learned
  // with the VTEP it came from, so unicast back goes to that VTEP only.
  const learn = `learn(table=${T.learned},idle_timeout=${LEARN_IDLE_SECONDS},priority=100,cookie=0x${cookieFor('learned', 'learned')},OXM_OF_METADATA[],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_TUN_IPV4_DST[],load:0x${TUNNEL_OFPORT.toString(16)}->NXM_NX_REG3[0..15],load:0x${DST_REMOTE.toString(16)}->NXM_NX_REG4[0..2])`;
  // The tag's match again: OpenFlow 1.4 takes pop_vlan and moves of the TCI only where the match says a tag is there.
  flows.add(o, T.fromPeer, 100, ['vlan_tci=0x1000/0x1000'], [
    'move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23]',
    'move:NXM_OF_VLAN_TCI[0..11]->NXM_NX_REG0[0..11]',
    'pop_vlan',
    `set_field:1->${REG.fromTunnel}`,
    learn,
    `goto_table:${T.network}`,
  ]);
  flows.add(o, T.fromPeer, 0, [], ['drop']);
  flows.add(o, T.network, 0, [], ['drop']);
  flows.add(o, T.destination, 50, [], [`resubmit(,${T.learned})`, `goto_table:${T.dispatch}`]);
  flows.add(o, T.dispatch, 100, ['ip', `${REG.dstKind}=${DST_LOCAL}`], [`ct(table=${T.ctState},${ZONE})`]);
  flows.add(o, T.dispatch, 90, [`${REG.dstKind}=${DST_LOCAL}`], [`output:${OUT_PORT_FIELD}`]);
  flows.add(o, T.dispatch, 80, [`${REG.fromTunnel}=1`], ['drop']);
  // Leaving for another host: commit here so the reply finds the connection established on
  // its way back in; the decision itself is the destination host's.
  flows.add(o, T.dispatch, 70, ['ip', `${REG.dstKind}=${DST_REMOTE}`], [`ct(commit,${ZONE})`, `goto_table:${T.tunnel}`]);
  flows.add(o, T.dispatch, 60, [`${REG.dstKind}=${DST_REMOTE}`], [`goto_table:${T.tunnel}`]);
  flows.add(o, T.dispatch, 50, ['ip'], [`ct(commit,${ZONE})`, `goto_table:${T.tunnel}`]);
  flows.add(o, T.dispatch, 40, [], [`goto_table:${T.tunnel}`]);
  flows.add(o, T.ctState, 200, ['ct_state=+inv+trk'], ['drop']);
  flows.add(o, T.ctState, 190, ['ct_state=+est+trk'], [`output:${OUT_PORT_FIELD}`]);
  flows.add(o, T.ctState, 190, ['ct_state=+rel+trk'], [`output:${OUT_PORT_FIELD}`]);
  flows.add(o, T.ctState, 100, ['ct_state=+new+trk'], [`goto_table:${T.inRules}`]);
  flows.add(o, T.ctState, 0, [], ['drop']);
  flows.add(o, T.inRules, 0, [], [`goto_table:${T.outRules}`]);
  flows.add(o, T.outRules, 0, [], [`goto_table:${T.commit}`]);
  flows.add(o, T.commit, 0, ['ip'], [`ct(commit,${ZONE})`, `output:${OUT_PORT_FIELD}`]);
  // A learned destination: T11 set the tunnel port and the peer's VTEP.
  flows.add(o, T.tunnel, 100, [`${REG.dstKind}=${DST_REMOTE}`], [TAG, `output:${OUT_PORT_FIELD}`]);
}

const TAG = canonicalActions('push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23]');

/**
 * Unknown unicast and broadcast from a local endpoint: to every peer (they drop what is not
 * theirs). The one flow that differs from host to host, built from canonical parts.
 */
function floodFlow(flows: FlowSet, peerParts: readonly string[]): void {
  flows.addCanonical(PIPELINE_OWNER, T.tunnel, 50, '', peerParts.length ? [TAG, ...peerParts].join(',') : 'drop');
}

/** Kind and owner address of a managed port, from its marks. */
export function portOwner(port: PortState): { kind: string; address: string } {
  return { kind: port.externalIds[KIND_KEY] ?? '?', address: port.externalIds[ADDRESS_KEY] ?? port.name };
}
