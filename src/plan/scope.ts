import type { HostState } from '../state/host-state.js';
import { flowKey } from '../state/host-state.js';
import { bridgeFields } from './diff.js';
import type { AddressChange, BridgeChange, Change, FlowsChange } from './types.js';
import type { BridgeState } from '../state/host-state.js';
import { endpointsOf } from '../state/endpoint.js';
import { ipToInt } from '../manifest/ipv4.js';
import { lentKey, parseBlocks, parseHeld, parseLent } from '../ipam/records.js';

/*
 * What a plan touches on a host, and what it assumed was there. The executor applies a plan
 * only while the host still is as the plan saw it (for everything the plan touches), and
 * verifies and rolls back only those objects: an endpoint attached meanwhile, or a change by
 * another contiv run, is never undone by this one.
 */

interface Touched {
  bridges: Set<string>;
  ports: Set<string>;
  /** `bridge flowKey` */
  flows: Set<string>;
  /** `bridge key` of address records */
  records: Set<string>;
  files: Set<string>;
  /** Docker networks by name, and `plugin` when the plan starts, restarts or stops contiv-docker. */
  docker: Set<string>;
}

const PLUGIN = '\0plugin';

function touched(changes: readonly Change[]): Touched {
  const t: Touched = { bridges: new Set(), ports: new Set(), flows: new Set(), records: new Set(), files: new Set(), docker: new Set() };
  for (const c of changes) {
    if (c.type === 'bridge') t.bridges.add(c.bridge);
    else if (c.type === 'port') t.ports.add(`${c.bridge}/${c.port}`);
    else if (c.type === 'address') t.records.add(`${c.bridge} ${c.key}`);
    else if (c.type === 'file') t.files.add(c.path);
    else if (c.type === 'docker-network') t.docker.add(c.name);
    else if (c.type === 'docker-plugin') t.docker.add(PLUGIN);
    else for (const f of [...c.add, ...c.modify, ...c.remove]) t.flows.add(`${c.bridge} ${flowKey(f)}`);
  }
  return t;
}

/** `changes` cut down to the objects `plan` touches (flows by key), dropping what is left empty. */
export function withinPlan(changes: readonly Change[], plan: readonly Change[]): Change[] {
  const t = touched(plan);
  const out: Change[] = [];
  for (const c of changes) {
    if (c.type === 'bridge') {
      if (t.bridges.has(c.bridge)) out.push(c);
    } else if (c.type === 'port') {
      if (t.ports.has(`${c.bridge}/${c.port}`)) out.push(c);
    } else if (c.type === 'address') {
      if (t.records.has(`${c.bridge} ${c.key}`)) out.push(c);
    } else if (c.type === 'file') {
      if (t.files.has(c.path)) out.push(c);
    } else if (c.type === 'docker-network') {
      if (t.docker.has(c.name)) out.push(c);
    } else if (c.type === 'docker-plugin') {
      if (t.docker.has(PLUGIN)) out.push(c);
    } else {
      const keep = (f: FlowsChange['add'][number]) => t.flows.has(`${c.bridge} ${flowKey(f)}`);
      const cut: FlowsChange = { ...c, add: c.add.filter(keep), modify: c.modify.filter(keep), modifyBefore: c.modifyBefore.filter(keep), remove: c.remove.filter(keep) };
      if (cut.add.length + cut.modify.length + cut.remove.length > 0) out.push(cut);
    }
  }
  return out;
}

/** Where the host no longer is as the plan saw it, for the objects the plan touches; [] when it still is. */
export function unmetAssumptions(live: HostState, plan: readonly Change[]): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const c of plan) {
    if (c.type === 'file') {
      const file = live.files?.[c.path];
      if (c.action === 'create' ? file !== undefined : file?.sha256 !== c.before?.sha256 || file?.mode !== c.before?.mode) out.push(c.address);
      continue;
    }
    if (c.type === 'docker-network' || c.type === 'docker-plugin') {
      const now = c.type === 'docker-network' ? live.docker?.networks[c.name] : live.docker?.plugin;
      if (c.action === 'create' ? now !== undefined : !same(now, c.before)) out.push(c.address);
      continue;
    }
    const bridge = live.bridges[c.bridge];
    if (c.type === 'bridge') {
      if (c.action === 'create' ? bridge !== undefined : !bridge || (c.action === 'delete' ? !same(bridgeFields(bridge), c.before) : !deltaHolds(bridge, c))) out.push(c.address);
    } else if (c.type === 'port') {
      const port = bridge?.ports[c.port];
      if (c.action === 'create' ? port !== undefined : !same(port, c.before)) out.push(c.address);
    } else if (c.type === 'address') {
      // A record already as the plan leaves it is no conflict: an attach settled the same claim
      // (pending to confirmed, or withdrawn) between the plan and this apply's lock.
      const now = bridge?.externalIds[c.key];
      if ((now !== c.before && now !== c.after) || (c.action === 'delete' && bridge && blockInUse(bridge, c, plan))) out.push(c.address);
    } else {
      const flows = bridge?.flows ?? {};
      const stale =
        c.remove.some((f) => !same(flows[flowKey(f)], f)) ||
        c.modifyBefore.some((f) => !same(flows[flowKey(f)], f)) ||
        // An add may replace a flow another owner of ours held under the same key; never one of ours with this cookie.
        c.add.some((f) => flows[flowKey(f)]?.cookie === f.cookie);
      if (stale) out.push(c.address);
    }
  }
  return out;
}

/**
 * An update carries only what differs (BridgeDelta): the bridge must still have what the plan
 * saw for exactly those fields and keys (a key the update adds: still absent). The rest of the
 * bridge is the fingerprint's to check.
 */
function deltaHolds(bridge: BridgeState, c: BridgeChange): boolean {
  const before = c.before ?? { externalIds: {} };
  const after = c.after ?? { externalIds: {} };
  if ((after.datapathType !== undefined || before.datapathType !== undefined) && bridge.datapathType !== before.datapathType) return false;
  if ((after.failMode !== undefined || before.failMode !== undefined) && bridge.failMode !== before.failMode) return false;
  const keys = new Set([...Object.keys(before.externalIds), ...Object.keys(after.externalIds)]);
  return [...keys].every((k) => bridge.externalIds[k] === before.externalIds[k]);
}

/**
 * A block the plan releases must still be empty: an endpoint attached (or an address lent or
 * held for Docker) there since the plan was made would otherwise lose its block, and its address could be
 * handed out twice. Endpoints and lent records the same plan removes do not count.
 */
function blockInUse(bridge: BridgeState, release: AddressChange, plan: readonly Change[]): boolean {
  const [block] = parseBlocks({ [release.key]: release.before ?? '' });
  if (!block) return false;
  const [tenant, network] = block.space.split('/');
  const freed = new Set(plan.flatMap((c) => (c.type === 'port' && c.action === 'delete' ? [c.port] : c.type === 'address' && c.action === 'delete' ? [c.key] : [])));
  const inside = (ip: number) => ip >= block.first && ip <= block.last;
  const endpoints = endpointsOf({ host: '', bridges: { [bridge.name]: bridge } }).filter((e) => !freed.has(e.port) && e.tenant === tenant && e.network === network && inside(ipToInt(e.ip)));
  const lent = parseLent(bridge.externalIds).filter((l) => !freed.has(lentKey(l.tenant, l.network, l.address)) && l.tenant === tenant && l.network === network && inside(l.address));
  // An address held for a Docker endpoint being made is in use too.
  const held = parseHeld(bridge.externalIds).filter((h) => h.tenant === tenant && h.network === network && inside(h.address));
  return endpoints.length + lent.length + held.length > 0;
}
