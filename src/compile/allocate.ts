import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/types.js';
import type { HostState } from '../state/host-state.js';
import { GROUP_IDS, ZONE_IDS } from './pipeline.js';
import { parseRecords, type ParsedRecord } from './records.js';

/**
 * Every number the datapath needs, fabric-wide: the VNI of each network, the id of each group
 * (its inner VLAN tag) and the conntrack zone of each tenant. Keys: `tenant/network`,
 * `tenant/group`, `tenant`. (Addresses are the hosts' own: src/ipam/.)
 */
export interface Allocations {
  vni: Record<string, number>;
  group: Record<string, number>;
  zone: Record<string, number>;
}

/**
 * Pure. Values recorded on the hosts are kept (the one most hosts agree on, when they differ);
 * new objects get the lowest free value. So adding or removing a network never renumbers
 * another, and a plan made twice allocates the same.
 */
export function allocate(model: Model, live: readonly HostState[]): { allocations: Allocations; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // Per key, each recorded value and how many hosts record it. Hosts with the same records
  // share one array (parseRecords): each distinct array is read once, counted as its hosts.
  const hostsOf = new Map<readonly ParsedRecord[], number>();
  for (const host of live) for (const bridge of Object.values(host.bridges)) {
    const records = parseRecords(bridge.externalIds);
    hostsOf.set(records, (hostsOf.get(records) ?? 0) + 1);
  }
  const recorded = { vni: new Map<string, Map<string, number>>(), gid: new Map<string, Map<string, number>>(), zone: new Map<string, Map<string, number>>() };
  for (const [records, hosts] of hostsOf) {
    for (const r of records) {
      if (r.kind !== 'vni' && r.kind !== 'gid' && r.kind !== 'zone') continue; // the model as applied and addresses, not numbers
      const key = r.parts.join('/');
      let values = recorded[r.kind].get(key);
      if (!values) recorded[r.kind].set(key, (values = new Map()));
      values.set(r.value, (values.get(r.value) ?? 0) + hosts);
    }
  }

  // VNIs: explicit ones are fixed; the others come from vniRange.
  const vni: Record<string, number> = {};
  const taken = new Set<number>();
  for (const n of model.networks) if (n.vni !== undefined) {
    vni[key(n)] = n.vni;
    taken.add(n.vni);
  }
  const automatic = model.networks.filter((n) => n.vni === undefined);
  assignStable(
    automatic.map(key),
    (k) => recorded.vni.get(k) ?? NONE,
    { first: model.fabric.vniRange.first, last: model.fabric.vniRange.last },
    taken,
    retiredValues(recorded.vni, new Set(model.networks.map(key))),
    vni,
    (k) => diagnostics.push(error('vni-range-full', `no free VNI left in vniRange for network ${k}`)),
  );

  const group: Record<string, number> = {};
  for (const tenant of model.tenants) {
    const names = model.groups.filter((g) => g.tenant === tenant.name).map((g) => `${g.tenant}/${g.name}`);
    const retired = retiredValues(recorded.gid, new Set(names), (k) => k.startsWith(`${tenant.name}/`));
    assignStable(names, (k) => recorded.gid.get(k) ?? NONE, GROUP_IDS, new Set(), retired, group, (k) =>
      diagnostics.push(error('group-ids-full', `tenant ${tenant.name} has more than ${GROUP_IDS.last - GROUP_IDS.first + 1} groups; no id left for ${k}`)),
    );
  }

  const zone: Record<string, number> = {};
  const tenants = model.tenants.map((t) => t.name);
  assignStable(tenants, (k) => recorded.zone.get(k) ?? NONE, ZONE_IDS, new Set(), retiredValues(recorded.zone, new Set(tenants)), zone, (k) =>
    diagnostics.push(error('zones-full', `no conntrack zone left for tenant ${k}`)),
  );

  return { allocations: { vni, group, zone }, diagnostics };
}

function key(n: { tenant: string; name: string }): string {
  return `${n.tenant}/${n.name}`;
}

/**
 * Numbers the hosts still record for objects that left the manifests. A new object avoids them
 * while it can: until every host has applied the removal, some host may still give such a
 * number its old meaning (a partial `--target` apply), and one VNI meaning two networks at
 * once would join them.
 */
const NONE: ReadonlyMap<string, number> = new Map();

function retiredValues(recorded: Map<string, Map<string, number>>, current: Set<string>, inScope: (key: string) => boolean = () => true): Set<number> {
  const out = new Set<number>();
  for (const [k, values] of recorded) if (!current.has(k) && inScope(k)) for (const v of values.keys()) out.add(Number(v));
  return out;
}

/**
 * Gives each key a number in `range`, not in `taken`: the recorded value most hosts agree on
 * when it is still valid and free, else the lowest free one that is not `retired` (the lowest
 * free retired one when nothing else is left). Keys with records go first, so a new key can
 * never take a number an existing one holds.
 */
function assignStable(
  keys: readonly string[],
  recordedFor: (key: string) => ReadonlyMap<string, number>,
  range: { first: number; last: number },
  taken: Set<number>,
  retired: ReadonlySet<number>,
  out: Record<string, number>,
  onFull: (key: string) => void,
): void {
  const fresh: string[] = [];
  for (const k of [...keys].sort()) {
    const candidates = mostCommonFirst(recordedFor(k)).map(Number).filter((v) => Number.isInteger(v) && v >= range.first && v <= range.last && !taken.has(v));
    const chosen = candidates[0];
    if (chosen === undefined) {
      fresh.push(k);
      continue;
    }
    out[k] = chosen;
    taken.add(chosen);
  }
  for (const k of fresh) {
    let next = range.first;
    while (next <= range.last && (taken.has(next) || retired.has(next))) next++;
    if (next > range.last) {
      next = range.first;
      while (next <= range.last && taken.has(next)) next++;
    }
    if (next > range.last) {
      onFull(k);
      continue;
    }
    out[k] = next;
    taken.add(next);
  }
}

/** Recorded values by how many hosts record each, most first; a tie goes to the lower. */
function mostCommonFirst(counts: ReadonlyMap<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0])).map(([v]) => v);
}
