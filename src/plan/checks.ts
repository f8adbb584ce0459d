import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { BRIDGE, ENCAP_OVERHEAD, T } from '../compile/pipeline.js';
import { floodCount, floodVteps } from '../compile/tunnels.js';
import { cidrRange, ipToInt, type IntRange } from '../manifest/ipv4.js';
import type { CompiledHost } from '../compile/compile.js';
import type { Model } from '../model/types.js';
import { endpointRecordProblems, endpointsOf, type Endpoint } from '../state/endpoint.js';
import type { RecordedModel } from '../compile/model-records.js';
import type { Allocations } from '../compile/allocate.js';
import { parseRecords, unreadableModel, type ParsedRecord } from '../compile/records.js';
import type { BridgeState, LiveHost } from '../state/host-state.js';
import { KIND_KEY } from '../state/marks.js';
import { bridgeFlows } from '../state/flow-list.js';

/*
 * Checks across the fleet, before any change: each returns diagnostics naming hosts (and
 * endpoints); one error stops the plan, so nothing is applied half-way on a wrong premise.
 */

function hostError(host: string, code: string, message: string, hint?: string): Diagnostic {
  return { ...error(code, message, undefined, hint), address: host };
}

/**
 * Endpoints live on the hosts, not in the manifests, so a manifest change can strand them.
 * Refused, naming the endpoints: removing their network or group, moving their group to
 * another network, changing their network's subnet, gateway or VNI. (Endpoints whose
 * namespace is gone do not count: the plan frees them.) A host's endpoints are compared with
 * the model that host records (`recordedOn`, plan/recorded-models.ts): never with another
 * host's, which could hide a change under them.
 */
export function endpointsFollowManifests(model: Model, recordedOn: (host: string) => RecordedModel, live: Record<string, LiveHost>, gone: Record<string, readonly string[]>): Diagnostic[] {
  const problems = new Map<string, { code: string; message: string; hint: string; endpoints: string[] }>();
  const note = (key: string, code: string, message: string, hint: string, e: Endpoint) => {
    const p = problems.get(key) ?? { code, message, hint, endpoints: [] };
    p.endpoints.push(`${e.netns} on ${e.host} (${e.ip})`);
    problems.set(key, p);
  };
  const detach = 'detach them first (contiv detach --host H --netns NS)';
  for (const l of Object.values(live)) {
    const dead = new Set(gone[l.state.host] ?? []);
    const recorded = recordedOn(l.state.host);
    for (const e of endpointsOf(l.state)) {
      if (dead.has(e.netns)) continue;
      const net = `${e.tenant}/${e.network}`;
      const network = model.networks.find((n) => n.tenant === e.tenant && n.name === e.network);
      if (!network) {
        note(`net-gone/${net}`, 'network-in-use', `network ${net} is not in the manifests but endpoints still use it`, `${detach}, or keep the network`, e);
        continue;
      }
      const before = recorded.networks.find((n) => n.tenant === e.tenant && n.name === e.network);
      if (before) {
        const subnet = `${network.subnet.address}/${network.subnet.prefix}`;
        const changes = [
          before.subnet !== subnet && `subnet ${before.subnet} → ${subnet}`,
          (before.gateway ?? '') !== (network.gateway ?? '') && `gateway ${before.gateway ?? '(none)'} → ${network.gateway ?? '(none)'}`,
          network.vni !== undefined && before.vni !== undefined && before.vni !== network.vni && `vni ${before.vni} → ${network.vni}`,
        ].filter(Boolean);
        if (changes.length) note(`net-changed/${net}`, 'network-changed-in-use', `network ${net} changes (${changes.join(', ')}) while endpoints use it`, `${detach}, change the network, then attach them again`, e);
      }
      if (!e.group) continue;
      const group = model.groups.find((g) => g.tenant === e.tenant && g.name === e.group);
      if (!group) {
        note(`grp-gone/${e.tenant}/${e.group}`, 'group-in-use', `endpoint group ${e.tenant}/${e.group} is not in the manifests but endpoints are in it (they would silently lose every rule)`, `${detach}, or keep the group`, e);
      } else if (group.network !== e.network) {
        note(`grp-moved/${e.tenant}/${e.group}`, 'group-network-changed', `endpoint group ${e.tenant}/${e.group} moves from network ${e.network} to ${group.network} while endpoints on ${e.network} are in it`, `${detach} and attach them to ${group.network}`, e);
      }
    }
  }
  return [...problems.values()].map((p) => error(p.code, `${p.message}: ${p.endpoints.join(', ')}`, undefined, p.hint));
}

/**
 * A host whose recorded model contiv cannot read (its chunks edited by hand, cut short, or
 * written by a newer contiv): a warning, since the other hosts' records and the manifests
 * still decide, and the plan writes the host's records again. Alone, its allocations are made
 * afresh: the plan then shows any VNI that moves.
 */
export function modelRecordsReadable(live: Record<string, LiveHost>): Diagnostic[] {
  return Object.entries(live).flatMap(([host, l]) =>
    Object.values(l.state.bridges)
      .filter((b) => unreadableModel(b.externalIds))
      .map((b): Diagnostic => ({ ...warning('model-records-unreadable', `${host}: the records contiv keeps on bridge ${b.name} (external_ids contiv.model.*) cannot be read; they are written again from the manifests and the other hosts' records`), address: host })),
  );
}

/**
 * Endpoint records that are not what contiv writes (edited on the host, or a host that lies):
 * a plan would read addresses and namespaces from them, so it stops here, naming the host and
 * the record, before it reads any of them.
 */
export function endpointRecordsValid(live: Record<string, LiveHost>): Diagnostic[] {
  return Object.entries(live).flatMap(([host, l]) => {
    const problems = endpointRecordProblems(l.state);
    return problems.length
      ? [hostError(host, 'endpoint-record-damaged', `${host}: endpoint records that contiv did not write: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` and ${problems.length - 3} more` : ''}`, 'detach those endpoints (contiv detach), or set their external_ids back; nothing is planned until then')]
      : [];
  });
}

/**
 * On a userspace (netdev) host the VXLAN source address must sit on an OVS bridge (LAB-NOTES)
 * and must not be the SSH address (a dead ovs-vswitchd would cut contiv off); the underlay
 * must carry an endpoint's full frame plus VXLAN and the group tag.
 */
export function underlayReady(model: Model, live: Record<string, LiveHost>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const host of model.fabric.hosts) {
    const l = live[host.name];
    if (!l) continue;
    const link = l.facts.links.find((k) => k.addresses.some((a) => a.split('/')[0] === host.vtep));
    if (!link) {
      out.push(hostError(host.name, 'vtep-missing', `${host.name}: no interface holds its vtep ${host.vtep}`, 'configure the underlay address on the host first'));
      continue;
    }
    if (host.datapath === 'netdev') {
      const ovsBridges = new Set([...l.unmanaged.bridges, ...Object.keys(l.state.bridges)]);
      if (!ovsBridges.has(link.name)) {
        out.push(hostError(host.name, 'vtep-not-on-ovs', `${host.name}: vtep ${host.vtep} is on ${link.name}, not on an OVS bridge; userspace VXLAN needs its source address on an OVS bridge's internal port`));
      }
      if (host.vtep === host.address) {
        out.push(hostError(host.name, 'vtep-is-ssh-address', `${host.name}: vtep ${host.vtep} is also the SSH address; with the userspace datapath a restarting ovs-vswitchd would cut SSH off`, 'give SSH its own management interface'));
      }
    }
    const needed = model.fabric.mtu + ENCAP_OVERHEAD;
    if (link.mtu < needed) {
      out.push(hostError(host.name, 'underlay-mtu', `${host.name}: underlay ${link.name} has MTU ${link.mtu}; endpoints with MTU ${model.fabric.mtu} need ${needed} (VXLAN and the group tag add ${ENCAP_OVERHEAD} bytes)`, `raise the underlay MTU, or set the Fabric's mtu to ${link.mtu - ENCAP_OVERHEAD}`));
    }
  }
  return out;
}

/** The prefixes a bridge admits tunnelled traffic from (`tun_src=` in table 0). */
function admittedPrefixes(bridge: Pick<BridgeState, 'flows'>): IntRange[] {
  const out: IntRange[] = [];
  for (const f of bridgeFlows(bridge).flows) {
    if (f.table !== T.classify) continue;
    const m = /(?:^|,)tun_src=([0-9.]+)(?:\/(\d+))?/.exec(f.match);
    if (m) out.push(cidrRange({ address: m[1]!, prefix: m[2] === undefined ? 32 : Number(m[2]) }));
  }
  return out;
}

/**
 * Every host reaches every other host: it has its tunnel port, its flood flow sends to every
 * other host's VTEP, and it admits traffic from each of them. A shard's plan checks its hosts
 * (`of`), each to every host of the Fabric.
 */
export function fullTunnelMesh(model: Model, desired: Record<string, CompiledHost>, of?: ReadonlySet<string>): Diagnostic[] {
  const check = tunnelMeshCheck(model);
  return model.fabric.hosts.filter((h) => !of || of.has(h.name)).flatMap((h) => check(h.name, desired[h.name]));
}

/**
 * fullTunnelMesh for one host at a time (a plan compiles, checks and diffs host by host): what
 * every host's check shares — the Fabric's VTEPs, which of them a set of admission flows
 * leaves out — is worked out once.
 */
export function tunnelMeshCheck(model: Model): (host: string, desired: CompiledHost | undefined) => Diagnostic[] {
  const vtepInts = model.fabric.hosts.map((h) => ipToInt(h.vtep));
  // Hosts share their admission flows: which VTEPs a set of them leaves out is worked out once.
  const unadmitted = new Map<string, Set<string>>();
  return (host, desired) => {
    const out: Diagnostic[] = [];
    const bridges = Object.values(desired?.state.bridges ?? {});
    const hasPort = bridges.some((b) => Object.values(b.ports).some((p) => p.externalIds[KIND_KEY] === 'tunnel'));
    const admits = bridges.flatMap(admittedPrefixes);
    const key = admits.map((a) => `${a.first}-${a.last}`).join(',');
    let outside = unadmitted.get(key);
    if (!outside) unadmitted.set(key, (outside = new Set(model.fabric.hosts.filter((_, i) => !admits.some((a) => vtepInts[i]! >= a.first && vtepInts[i]! <= a.last)).map((h) => h.vtep))));
    // The flood list is read address by address only when it is not one per peer.
    const full = bridges.reduce((n, b) => n + floodCount(b), 0) === model.fabric.hosts.length - 1;
    const sends = full ? undefined : new Set(bridges.flatMap(floodVteps));
    // Nothing outside the admitted prefixes and a flood list of one per peer: nothing to look for.
    const missing = outside.size === 0 && sends === undefined ? [] : model.fabric.hosts.filter((h) => h.name !== host && (outside.has(h.vtep) || (sends !== undefined && !sends.has(h.vtep))));
    if (!hasPort) out.push(hostError(host, 'tunnel-mesh-incomplete', `${host}: no tunnel port`));
    if (missing.length) out.push(hostError(host, 'tunnel-mesh-incomplete', `${host}: no tunnel to ${missing.map((h) => h.name).join(', ')}`));
    return out;
  };
}

// Per host's records (one array for hosts with the same records), the VNIs it records by network.
const vnisRecorded = new WeakMap<readonly ParsedRecord[], ReadonlyMap<string, number>>();

function vnisOf(records: readonly ParsedRecord[]): ReadonlyMap<string, number> {
  let out = vnisRecorded.get(records);
  if (!out) {
    const vnis = new Map<string, number>();
    for (const r of records) if (r.kind === 'vni') vnis.set(r.parts.join('/'), Number(r.value));
    vnisRecorded.set(records, (out = vnis));
  }
  return out;
}

/**
 * A network with endpoints keeps its VNI: the allocation may move an automatic one (vniRange
 * changed), and hosts apply one after another, so its endpoints would be split meanwhile.
 * A host's endpoints are on the VNI that host records (or, when it records no model contiv can
 * read, the one `recordedOn` gives: the model most hosts record); another host's record never
 * stands in for it, so a host that records the new VNI already cannot let the change pass
 * under the others' endpoints.
 */
export function vnisStableUnderEndpoints(allocations: Allocations, live: Record<string, LiveHost>, gone: Record<string, readonly string[]>, recordedOn?: (host: string) => RecordedModel): Diagnostic[] {
  // Per network and VNI it would leave, the endpoints on it.
  const moving = new Map<string, { key: string; before: number; after: number; endpoints: string[] }>();
  for (const l of Object.values(live)) {
    const dead = new Set(gone[l.state.host] ?? []);
    const vnis = vnisOf(parseRecords(l.state.bridges[BRIDGE]?.externalIds ?? {}));
    for (const e of endpointsOf(l.state)) {
      if (dead.has(e.netns)) continue;
      const key = `${e.tenant}/${e.network}`;
      const before = vnis.get(key) ?? recordedOn?.(l.state.host).networks.find((n) => n.tenant === e.tenant && n.name === e.network)?.vni;
      const after = allocations.vni[key];
      if (before === undefined || after === undefined || before === after) continue;
      const id = `${key}|${before}`;
      const m = moving.get(id) ?? { key, before, after, endpoints: [] };
      m.endpoints.push(`${e.netns} on ${e.host} (${e.ip})`);
      moving.set(id, m);
    }
  }
  return [...moving.values()].map((m) => error('network-changed-in-use', `network ${m.key} would change VNI ${m.before} → ${m.after} (is its VNI still inside vniRange?) while endpoints use it: ${m.endpoints.join(', ')}`, undefined, 'keep vniRange covering the VNIs in use, or detach the endpoints first'));
}

/**
 * A host dropped from the Fabric: the others lose their tunnels to it, but contiv can no longer
 * reach it, so what contiv made there stays. Said as a warning, with what to do.
 */
export function hostsLeftFabric(model: Model, live: Record<string, LiveHost>): Diagnostic[] {
  const known = new Set(model.fabric.hosts.map((h) => h.name));
  // A VTEP is still a Fabric host's when the Fabric gives it, or when a Fabric host's tunnel
  // port still has it (its vtep is changing in this plan).
  const vteps = new Set(model.fabric.hosts.map((h) => h.vtep));
  for (const [host, l] of Object.entries(live)) {
    if (!known.has(host)) continue;
    for (const b of Object.values(l.state.bridges)) for (const p of Object.values(b.ports)) if (p.externalIds[KIND_KEY] === 'tunnel' && p.options['local_ip']) vteps.add(p.options['local_ip']);
  }
  const left = new Set<string>();
  const leftVteps = new Set<string>();
  const named = new Set<string>();
  for (const l of Object.values(live)) for (const b of Object.values(l.state.bridges)) {
    // The flood list names peers by VTEP only.
    for (const v of floodVteps(b)) if (!vteps.has(v)) leftVteps.add(v);
    // A port per peer, as contiv made tunnels before the one flow-based port, names the peer.
    for (const p of Object.values(b.ports)) {
      const peer = p.externalIds['contiv.peer'];
      if (p.externalIds[KIND_KEY] === 'tunnel' && peer && !known.has(peer)) {
        left.add(peer);
        if (p.options['remote_ip']) named.add(p.options['remote_ip']);
      }
    }
  }
  // A departed host named by an old port is said once, by name.
  for (const v of named) leftVteps.delete(v);
  const hint = (who: string) => `to retire a host cleanly, detach its endpoints while it is still in the Fabric; then, on ${who}: ovs-vsctl del-br contiv0`;
  return [
    ...[...left].sort().map((peer) => ({
      severity: 'warning' as const,
      code: 'host-left-fabric',
      message: `host ${peer} is no longer in the Fabric: the other hosts drop their tunnels to it, and contiv cannot reach it to remove what it made there (its endpoints are cut off)`,
      hint: hint(peer),
      address: peer,
    })),
    ...[...leftVteps].sort().map((vtep) => ({
      severity: 'warning' as const,
      code: 'host-left-fabric',
      message: `VTEP ${vtep} is in the hosts' flood lists but no host of the Fabric has it: a host that left the Fabric (the other hosts stop sending to it, and contiv cannot reach it to remove what it made there) or whose VTEP changed`,
      hint: hint('that host'),
      address: vtep,
    })),
  ];
}

/** Apply and attach need ethtool, flock and nsenter on every host: said at plan time, naming the host. */
export function applyToolsPresent(live: Record<string, LiveHost>): Diagnostic[] {
  return Object.values(live).flatMap((l) => {
    const missing = l.facts.missing.filter((b) => b === 'ethtool' || b === 'flock' || b === 'nsenter');
    return missing.length ? [hostError(l.state.host, 'host-missing-binary', `${l.state.host}: ${missing.join(', ')} not found; apply and attach need ${missing.length === 1 ? 'it' : 'them'}`, 'install ethtool and util-linux')] : [];
  });
}

/**
 * contiv never takes over what it did not make: a bridge of contiv's name without contiv's
 * mark is refused, and so is deleting a bridge of contiv's that holds ports of someone else.
 */
export function bridgesAreOurs(desired: Record<string, CompiledHost>, live: Record<string, LiveHost>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [host, l] of Object.entries(live)) {
    const wanted = new Set(Object.keys(desired[host]?.state.bridges ?? {}));
    for (const name of wanted) {
      if (l.unmanaged.bridges.includes(name)) out.push(hostError(host, 'bridge-not-ours', `${host}: a bridge ${name} exists without contiv's mark; contiv will not take it over`, `rename or remove it, or mark it: ovs-vsctl set bridge ${name} external_ids:contiv.owner=contiv`));
    }
    // Flows name contiv's ports by the numbers they ask for: a port of someone else's holding
    // one would make OVS number contiv's port otherwise, and the flows send to the wrong port.
    for (const [name, bridge] of Object.entries(desired[host]?.state.bridges ?? {})) {
      for (const p of Object.values(bridge.ports)) {
        const holder = Object.entries(l.unmanaged.ofports ?? {}).find(([where, n]) => n === p.ofport && where.startsWith(`${name}/`))?.[0];
        if (holder) out.push(hostError(host, 'ofport-taken', `${host}: port ${holder} (not contiv's) holds OpenFlow port ${p.ofport}, which contiv's port ${p.name} needs`, `move ${holder} off ${name}, or give it another number (ovs-vsctl set interface ${holder.slice(name.length + 1)} ofport_request=N)`));
      }
    }
    for (const name of Object.keys(l.state.bridges)) {
      if (wanted.has(name)) continue;
      const foreign = l.unmanaged.ports.filter((p) => p.startsWith(`${name}/`));
      if (foreign.length) out.push(hostError(host, 'bridge-holds-foreign-ports', `${host}: bridge ${name} would be deleted, but it holds ports contiv did not make (${foreign.join(', ')})`, 'move those ports off it first'));
    }
  }
  return out;
}

/** A flow of contiv's with the key of a foreign flow would replace it: refused, naming both. */
export function flowsLeaveForeignAlone(desired: Record<string, CompiledHost>, live: Record<string, LiveHost>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [host, l] of Object.entries(live)) {
    for (const [bridge, keys] of Object.entries(l.unmanaged.flowKeys)) {
      const ours = desired[host]?.state.bridges[bridge]?.flows ?? {};
      const clash = keys.filter((k) => ours[k] !== undefined);
      if (clash.length) out.push(hostError(host, 'flow-collides-with-foreign', `${host}: ${clash.length} flow(s) contiv needs on ${bridge} have the table, priority and match of flows it did not make (${clash.slice(0, 2).join('; ')})`, 'remove or change those foreign flows'));
    }
  }
  return out;
}
