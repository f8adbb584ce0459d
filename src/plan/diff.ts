import type { CompiledHost } from '../compile/compile.js';
import type { BridgeState, DockerNetworkState, DockerState, FileState, Flow, HostState, PortState } from '../state/host-state.js';
import { flowKey } from '../state/host-state.js';
import { bridgeFlows, flowAt } from '../state/flow-list.js';
import { isRecordKey, parseRecords, type ParsedRecord } from '../compile/records.js';
import { expandModel, isModelChunk, modelDifference, modelOf, sameModel, UNREADABLE } from '../compile/model-blob.js';
import { VTEP_OWNER } from '../compile/tunnels.js';
import { cookieFor, decodeCookie, KIND_KEY, ADDRESS_KEY } from '../state/marks.js';
import { fieldChanges } from './field-changes.js';
import type { Action, AddressChange, BridgeChange, BridgeDelta, BridgeFields, Change, DockerNetworkChange, DockerPluginChange, FileChange, FlowsChange, PortChange } from './types.js';
import { describeAddressRecord, isAddressRecord } from '../ipam/records.js';
import { COMMIT_KEY, diffCommit } from './commit-record.js';

/**
 * Pure: desired vs live state of one host → the changes that make live equal desired.
 * Order: bridge and port creations/updates, then flow changes, then port and bridge deletions
 * (apply makes every OVSDB change in one transaction, then the flow bundle: flows may name a
 * port number before its port exists, and a deleted port's flows are harmless until removed).
 * Endpoint ports are never created here (attach owns that); one is deleted only when its
 * namespace is gone.
 */
export function diffHost(desired: CompiledHost, live: HostState | undefined): Change[] {
  const host = desired.state.host;
  const first: Change[] = [];
  const flows: Change[] = [];
  const last: Change[] = [];
  const liveBridges = live?.bridges ?? {};
  const fromLive = liveOwners(liveBridges);
  const owners = (cookie: string): string | undefined => desired.owners[cookie] ?? fromLive[cookie];
  for (const [name, want] of Object.entries(desired.state.bridges)) {
    const have = liveBridges[name];
    const bridgeChange = diffBridge(host, want, have);
    if (bridgeChange) first.push(bridgeChange);
    for (const c of diffAddresses(host, name, want.externalIds, have?.externalIds ?? {}, desired.addressReasons ?? {})) (c.action === 'delete' ? last : first).push(c);
    // A compiled host says nothing of the commit (the plan adds its record); a state to go back to does.
    if (desired.commitRecorded) first.push(...diffCommit(host, name, want.externalIds[COMMIT_KEY], have?.externalIds[COMMIT_KEY]));
    for (const c of diffPorts(host, want, have)) (c.action === 'delete' ? last : first).push(c);
    flows.push(...diffFlows(host, name, want, have ?? NO_BRIDGE, owners));
  }
  for (const c of diffFiles(host, desired.state.files, live?.files ?? {})) (c.action === 'delete' ? last : flows).push(c);
  // After the files (the plugin's file is there before it starts); networks go before the plugin stops.
  for (const c of diffDocker(host, desired.state.docker, live?.docker)) (c.action === 'delete' ? last : flows).push(c);
  for (const [name, have] of Object.entries(liveBridges)) {
    if (desired.state.bridges[name]) continue;
    last.push({
      type: 'bridge',
      action: 'delete',
      host,
      address: `${host}/bridge/${name}`,
      bridge: name,
      before: bridgeFields(have),
      reason: `no longer in the manifests (${Object.keys(have.ports).length} ports and ${bridgeFlows(have).keys.length} flows go with it)`,
    });
  }
  return [...first, ...flows, ...last.reverse()];
}

/** A bridge's own fields; its address records are changes of their own (diffAddresses). */
export function bridgeFields(b: BridgeState): BridgeFields {
  return { name: b.name, datapathType: b.datapathType, failMode: b.failMode, externalIds: withoutAddressRecords(b.externalIds) };
}

/** Without the address records and the commit record, which are changes of their own (diffAddresses, commit-record.ts). */
export function withoutAddressRecords(ids: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(ids).filter(([k]) => !isAddressRecord(k) && k !== COMMIT_KEY));
}

/**
 * Files by hash and mode. They come after the flows in apply's order: a runtime never finds a
 * network's configuration before the network's flows are on the host. Desired files absent:
 * nothing to say about the host's files.
 */
function diffFiles(host: string, want: Record<string, FileState> | undefined, have: Record<string, FileState>): FileChange[] {
  if (!want) return [];
  const out: FileChange[] = [];
  const address = (path: string) => `${host}/file${path}`;
  for (const [path, after] of Object.entries(want).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = have[path];
    if (!before) out.push({ type: 'file', action: 'create', host, address: address(path), path, after, reason: 'not on the host yet' });
    else if (before.sha256 !== after.sha256 || before.mode !== after.mode) {
      const what = before.sha256 !== after.sha256 ? `its content differs from what contiv writes (sha256 ${before.sha256.slice(0, 12)} on the host)` : `its mode is ${before.mode}, not ${after.mode}`;
      out.push({ type: 'file', action: 'update', host, address: address(path), path, before: { sha256: before.sha256, mode: before.mode }, after, reason: what });
    }
  }
  for (const [path, before] of Object.entries(have).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!want[path]) out.push({ type: 'file', action: 'delete', host, address: address(path), path, before: { sha256: before.sha256, mode: before.mode }, reason: 'no longer in the manifests (or the host no longer runs the cni runtime)' });
  }
  return out;
}

/** Two states of one Docker network that need no change between them. */
export function sameDockerNetwork(a: DockerNetworkState, b: DockerNetworkState): boolean {
  return a.tenant === b.tenant && a.network === b.network && a.group === b.group && a.subnet === b.subnet && a.gateway === b.gateway;
}

function describeNetwork(n: DockerNetworkState): string {
  return `${n.tenant}/${n.network}${n.group ? ` group ${n.group}` : ''}, ${n.subnet}${n.gateway ? ` via ${n.gateway}` : ''}`;
}

/**
 * Docker's side of a host: the plugin running this contiv's build, then one Docker network per
 * network and group; a network that changed is made again. Desired absent: nothing to say.
 * Deletions are listed plugin first, so that (apply's order reversing deletions) networks go
 * while the plugin still answers.
 */
function diffDocker(host: string, want: DockerState | undefined, have: DockerState | undefined): Array<DockerNetworkChange | DockerPluginChange> {
  if (!want) return [];
  const out: Array<DockerNetworkChange | DockerPluginChange> = [];
  const plugin = (action: Action, reason: string): DockerPluginChange => ({
    type: 'docker-plugin',
    action,
    host,
    address: `${host}/docker-plugin`,
    ...(have?.plugin ? { before: have.plugin } : {}),
    ...(want.plugin ? { after: want.plugin } : {}),
    reason,
  });
  if (want.plugin && !have?.plugin) out.push(plugin('create', 'not running'));
  else if (want.plugin && have?.plugin && want.plugin.build !== have.plugin.build) out.push(plugin('update', `runs build ${have.plugin.build.slice(0, 12)}, this contiv's is ${want.plugin.build.slice(0, 12)}`));
  else if (!want.plugin && have?.plugin) out.push(plugin('delete', 'the host no longer runs Docker for contiv'));
  const haveNets = have?.networks ?? {};
  const network = (action: Action, name: string, reason: string): DockerNetworkChange => ({
    type: 'docker-network',
    action,
    host,
    address: `${host}/docker-network/${name}`,
    name,
    ...(haveNets[name] ? { before: haveNets[name] } : {}),
    ...(want.networks[name] ? { after: want.networks[name] } : {}),
    reason,
  });
  for (const name of Object.keys(want.networks).sort()) {
    const w = want.networks[name]!;
    const h = haveNets[name];
    if (!h) out.push(network('create', name, describeNetwork(w)));
    else if (!sameDockerNetwork(w, h)) out.push(network('replace', name, `${describeNetwork(h)} → ${describeNetwork(w)}`));
  }
  for (const name of Object.keys(haveNets).sort()) if (!want.networks[name]) out.push(network('delete', name, 'no longer in the manifests'));
  return out;
}

function diffAddresses(host: string, bridge: string, want: Record<string, string>, have: Record<string, string>, reasons: Record<string, string>): AddressChange[] {
  const out: AddressChange[] = [];
  const keys = new Set([...Object.keys(want), ...Object.keys(have)].filter(isAddressRecord));
  for (const key of [...keys].sort()) {
    const before = have[key];
    const after = want[key];
    if (before === after) continue;
    const info = describeAddressRecord(key, after ?? before);
    const action = before === undefined ? 'create' : after === undefined ? 'delete' : 'update';
    const address = info.kind === 'legacy' ? `${host}/block/${info.space}/old-record` : `${host}/${info.kind}/${info.space}/${info.what.split('-')[0]}`;
    const fallback = action === 'create' ? 'not on the host yet' : action === 'delete' ? 'no longer needed' : `${before} → ${after}`;
    out.push({ type: 'address', action, host, address, bridge, key, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), reason: reasons[key] ?? fallback });
  }
  return out;
}

function diffBridge(host: string, want: BridgeState, have: BridgeState | undefined): BridgeChange | undefined {
  const address = `${host}/bridge/${want.name}`;
  const after = bridgeFields(want);
  if (!have) return { type: 'bridge', action: 'create', host, address, bridge: want.name, after, reason: 'not on the host yet' };
  const delta = bridgeDelta(bridgeFields(have), after);
  if (!delta) return undefined;
  return { type: 'bridge', action: 'update', host, address, bridge: want.name, ...delta, reason: deltaReason(delta.before, delta.after) };
}

/**
 * What an update carries: the scalar fields that differ and the external_ids keys whose value
 * differs (absent from `after`: removed), nothing else (BridgeDelta). Undefined when nothing does.
 */
export function bridgeDelta(before: BridgeFields, after: BridgeFields): { before: BridgeDelta; after: BridgeDelta } | undefined {
  const b: BridgeDelta = {
    ...(before.datapathType !== after.datapathType ? { datapathType: before.datapathType } : {}),
    ...(before.failMode !== after.failMode ? { failMode: before.failMode } : {}),
    externalIds: {},
  };
  const a: BridgeDelta = {
    ...(before.datapathType !== after.datapathType ? { datapathType: after.datapathType } : {}),
    ...(before.failMode !== after.failMode ? { failMode: after.failMode } : {}),
    externalIds: {},
  };
  // The model's chunks are one value, compared by the records they hold (another zlib writes
  // other text for the same records: no change): when those differ, the delta carries every
  // chunk of both sides (it is read whole); when not, none.
  const modelDiffers = !sameModel(before.externalIds, after.externalIds);
  for (const key of [...new Set([...Object.keys(before.externalIds), ...Object.keys(after.externalIds)])].sort()) {
    const was = before.externalIds[key];
    const will = after.externalIds[key];
    if (isModelChunk(key) ? !modelDiffers : was === will) continue;
    if (was !== undefined) b.externalIds[key] = was;
    if (will !== undefined) a.externalIds[key] = will;
  }
  const changed = Object.keys(a).length + Object.keys(b).length > 2 || Object.keys(a.externalIds).length + Object.keys(b.externalIds).length > 0;
  return changed ? { before: b, after: a } : undefined;
}

/**
 * The external_ids keys that differ, the model's chunks named by the records that differ in
 * them. Records an older contiv wrote one key each are compared with the chunks' records.
 */
function differingRecords(before: Record<string, string>, after: Record<string, string>): string[] {
  const plain = (ids: Record<string, string>) => Object.fromEntries(Object.entries(ids).filter(([k]) => !isModelChunk(k)));
  const [b, a] = [plain(before), plain(after)];
  const [mb, ma] = [modelOf(before), modelOf(after)];
  const legacy = [...Object.keys(b), ...Object.keys(a)].some(isRecordKey);
  if (legacy || mb === UNREADABLE || ma === UNREADABLE) {
    const [was, will] = [expandModel(before), expandModel(after)];
    return [...new Set([...Object.keys(was), ...Object.keys(will)])].filter((k) => was[k] !== will[k]).sort();
  }
  const plainKeys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => b[k] !== a[k]);
  return [...plainKeys, ...modelDifference(mb, ma)].sort();
}

/** `failMode, externalIds.contiv.owner differ`; past a few keys, their count (the recorded model is hundreds). */
function deltaReason(before: BridgeDelta, after: BridgeDelta): string {
  const scalars = (['datapathType', 'failMode'] as const).filter((f) => f in after);
  const keys = differingRecords(before.externalIds, after.externalIds);
  if (scalars.length === 0 && keys.length === 0) return 'its records are written again in the form this contiv writes (contiv.model.*), unchanged';
  const ids = keys.length > 4 ? [`${keys.length} external_ids keys`] : keys.map((k) => `externalIds.${k}`);
  return `${[...scalars, ...ids].join(', ')} differ`;
}

function portAddress(host: string, port: PortState): string {
  return port.externalIds[ADDRESS_KEY] ?? `${host}/port/${port.name}`;
}

function diffPorts(host: string, want: BridgeState, have: BridgeState | undefined): PortChange[] {
  const out: PortChange[] = [];
  const livePorts = have?.ports ?? {};
  for (const [name, after] of Object.entries(want.ports)) {
    const before = livePorts[name];
    const base = { type: 'port' as const, host, address: portAddress(host, after), bridge: want.name, port: name };
    if (!before) {
      if (after.externalIds[KIND_KEY] === 'endpoint') continue;
      out.push({ ...base, action: 'create', after, reason: 'not on the host yet' });
      continue;
    }
    const differs = fieldChanges(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>).map((c) => c.path);
    if (differs.length === 0) continue;
    // A port of another type is another device (shown as a replace); apply still changes the
    // type in place, so the port row and its number — named by flows — stay.
    const action = before.type !== after.type ? 'replace' : 'update';
    out.push({ ...base, action, before, after, reason: `${differs.join(', ')} differ` });
  }
  for (const [name, before] of Object.entries(livePorts)) {
    if (want.ports[name]) continue;
    // Compile leaves an endpoint out only when its namespace is gone (plan refuses every other
    // way of losing one, naming it), so a missing endpoint port here is a dead one to free.
    const reason = before.externalIds[KIND_KEY] === 'endpoint' ? 'namespace gone' : 'no longer in the manifests';
    out.push({ type: 'port', host, address: portAddress(host, before), bridge: want.name, port: name, action: 'delete', before, reason });
  }
  return out;
}


/**
 * Flow changes grouped by owner (cookie). A flow whose key stays but whose actions change is
 * modified in place; a key that moves to another owner is re-added under the new cookie (an
 * `add` of an existing key replaces it atomically), never deleted and re-added.
 */
const NO_BRIDGE: Pick<BridgeState, 'flows'> = { flows: {} };

function diffFlows(host: string, bridge: string, want: Pick<BridgeState, 'flows'>, have: Pick<BridgeState, 'flows'>, owners: (cookie: string) => string | undefined): FlowsChange[] {
  const byOwner = new Map<string, FlowsChange>();
  const change = (cookie: string): FlowsChange => {
    let c = byOwner.get(cookie);
    if (!c) {
      const owner = owners(cookie) ?? unknownOwner(cookie);
      // Stryker disable next-line StringLiteral: every change's reason is set below, once its flows are known
      c = { type: 'flows', action: 'update', host, address: `${host}/flows/${owner}`, bridge, owner, add: [], modify: [], modifyBefore: [], remove: [], reason: '' };
      byOwner.set(cookie, c);
    }
    return c;
  };
  // Lists, not for…in: a plan runs this over every flow of every host (state/flow-list.ts).
  // Cookies come in runs (an owner's flows one after another): each run's is added once.
  const wanted = bridgeFlows(want);
  const held = bridgeFlows(have);
  const wantCookies = new Set<string>();
  let wantCookie: string | undefined;
  // How many of the host's flows are wanted: all of them, and none can be left to remove.
  let kept = 0;
  for (let i = 0; i < wanted.keys.length; i++) {
    const flow = wanted.flows[i]!;
    // Stryker disable next-line ConditionalExpression: a cookie added again is one cookie in the set
    if (flow.cookie !== wantCookie) wantCookies.add((wantCookie = flow.cookie));
    const old = flowAt(have, wanted.keys[i]!);
    if (old === undefined) {
      change(flow.cookie).add.push(flow);
      continue;
    }
    // Stryker disable next-line UpdateOperator: a count that only spares the look-ups below; with them, the same flows to remove
    kept++;
    // The same object on both sides (flows are shared: state/host-state.ts sharedFlow): nothing to compare.
    // Stryker disable next-line ConditionalExpression: the same object compared field by field is unchanged too
    if (old === flow) continue;
    if (old.cookie !== flow.cookie) change(flow.cookie).add.push(flow);
    else if (old.actions !== flow.actions) {
      const c = change(flow.cookie);
      c.modify.push(flow);
      c.modifyBefore.push(old);
    }
  }
  const liveCookies = new Set<string>();
  let liveCookie: string | undefined;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: looking when none can be left finds none
  const removing = kept < held.keys.length;
  for (let i = 0; i < held.keys.length; i++) {
    const flow = held.flows[i]!;
    // Stryker disable next-line ConditionalExpression: a cookie added again is one cookie in the set
    if (flow.cookie !== liveCookie) liveCookies.add((liveCookie = flow.cookie));
    if (removing && flowAt(want, held.keys[i]!) === undefined) change(flow.cookie).remove.push(flow);
  }

  const out = [...byOwner.entries()].map(([cookie, c]) => {
    const sort = (fs: Flow[]) => fs.sort((a, b) => a.table - b.table || b.priority - a.priority || (flowKey(a) < flowKey(b) ? -1 : 1));
    sort(c.add);
    sort(c.modify);
    sort(c.modifyBefore);
    sort(c.remove);
    if (!liveCookies.has(cookie)) {
      c.action = 'create';
      c.reason = 'not on the host yet';
    } else if (!wantCookies.has(cookie)) {
      c.action = 'delete';
      c.reason = 'its owner is no longer in the manifests';
    } else {
      c.action = 'update';
      const parts = [c.add.length && `${c.add.length} to add`, c.modify.length && `${c.modify.length} to change`, c.remove.length && `${c.remove.length} to remove`].filter(Boolean);
      c.reason = parts.join(', ');
    }
    return c;
  });
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

// Hosts with the same records (one array: parseRecords) share one naming of their networks.
const namedNetworks = new WeakMap<readonly ParsedRecord[], Record<string, string>>();

function networkOwners(records: readonly ParsedRecord[]): Record<string, string> {
  let out = namedNetworks.get(records);
  if (out) return out;
  out = {};
  for (const r of records) {
    if (r.kind !== 'vni' || r.parts.length !== 2) continue;
    const address = `net/${r.parts[0]}/${r.parts[1]}`;
    out[cookieFor('network', address)] = address;
  }
  namedNetworks.set(records, out);
  return out;
}

/**
 * Owner addresses of what the host has, so flows of an owner that is gone from the manifests
 * are still named (`net/blue/old-net`, not a hash): networks from the bridge's VNI records,
 * tunnels and endpoints from their ports' marks (and the Fabric's VTEPs, whose address is a
 * constant). Cookies are one-way; these are the candidates.
 */
function liveOwners(bridges: Record<string, BridgeState>): Record<string, string> {
  const out: Record<string, string> = { [cookieFor(VTEP_OWNER.kind, VTEP_OWNER.address)]: VTEP_OWNER.address };
  for (const b of Object.values(bridges)) {
    Object.assign(out, networkOwners(parseRecords(b.externalIds)));
    for (const p of Object.values(b.ports)) {
      const kind = p.externalIds[KIND_KEY];
      const address = p.externalIds[ADDRESS_KEY];
      if (address && (kind === 'tunnel' || kind === 'endpoint')) out[cookieFor(kind, address)] = address;
    }
  }
  return out;
}

function unknownOwner(cookie: string): string {
  const d = decodeCookie(cookie);
  return `${d.kind ?? 'unknown'}/${d.owner ?? cookie}`;
}
