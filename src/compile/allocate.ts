import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { cidrRange, intToIp, ipToInt, poolRange, type IntRange } from '../manifest/ipv4.js';
import type { Ipv4Range, Model, Network } from '../model/types.js';
import type { HostState } from '../state/host-state.js';
import { GROUP_IDS, ZONE_IDS } from './pipeline.js';
import { parseRecords } from './records.js';

/**
 * Every number the datapath needs, fabric-wide: the VNI of each network, the id of each group
 * (its inner VLAN tag), the conntrack zone of each tenant, and each host's address block per
 * address space. Keys: `tenant/network`, `tenant/group`, `tenant`, and for blocks
 * `host` → `tenant/network` or `tenant/network/group`.
 */
export interface Allocations {
  vni: Record<string, number>;
  group: Record<string, number>;
  zone: Record<string, number>;
  blocks: Record<string, Record<string, Ipv4Range>>;
}

/**
 * Pure. Values recorded on the hosts are kept (the one most hosts agree on, when they differ);
 * new objects get the lowest free value. So adding or removing a network never renumbers
 * another, and a plan made twice allocates the same.
 */
export function allocate(model: Model, live: readonly HostState[]): { allocations: Allocations; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const recorded = { vni: new Map<string, string[]>(), gid: new Map<string, string[]>(), zone: new Map<string, string[]>() };
  const recordedBlocks = new Map<string, Map<string, string>>();
  for (const host of live) {
    for (const bridge of Object.values(host.bridges)) {
      for (const r of parseRecords(bridge.externalIds)) {
        if (r.kind === 'net' || r.kind === 'grp' || r.kind === 'pol') continue; // the model as applied, not allocations
        if (r.kind === 'ipam') {
          const blocks = recordedBlocks.get(host.host) ?? new Map<string, string>();
          blocks.set(r.parts.join('/'), r.value);
          recordedBlocks.set(host.host, blocks);
        } else {
          const key = r.parts.join('/');
          const values = recorded[r.kind].get(key) ?? [];
          values.push(r.value);
          recorded[r.kind].set(key, values);
        }
      }
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
    (k) => recorded.vni.get(k) ?? [],
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
    assignStable(names, (k) => recorded.gid.get(k) ?? [], GROUP_IDS, new Set(), retired, group, (k) =>
      diagnostics.push(error('group-ids-full', `tenant ${tenant.name} has more than ${GROUP_IDS.last - GROUP_IDS.first + 1} groups; no id left for ${k}`)),
    );
  }

  const zone: Record<string, number> = {};
  const tenants = model.tenants.map((t) => t.name);
  assignStable(tenants, (k) => recorded.zone.get(k) ?? [], ZONE_IDS, new Set(), retiredValues(recorded.zone, new Set(tenants)), zone, (k) =>
    diagnostics.push(error('zones-full', `no conntrack zone left for tenant ${k}`)),
  );

  const blocks = allocateBlocks(model, recordedBlocks, diagnostics);
  return { allocations: { vni, group, zone, blocks }, diagnostics };
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
function retiredValues(recorded: Map<string, string[]>, current: Set<string>, inScope: (key: string) => boolean = () => true): Set<number> {
  const out = new Set<number>();
  for (const [k, values] of recorded) if (!current.has(k) && inScope(k)) for (const v of values) out.add(Number(v));
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
  recordedFor: (key: string) => string[],
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

function mostCommonFirst(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0])).map(([v]) => v);
}

/** An address space: the network's usable addresses (less gateway and group pools), or one group's pool. */
interface Space {
  key: string;
  segments: IntRange[];
}

export function addressSpaces(model: Model, network: Network): Space[] {
  const subnet = cidrRange(network.subnet);
  const usable: IntRange = { first: subnet.first + 1, last: subnet.last - 1 };
  const pools = model.groups.filter((g) => g.tenant === network.tenant && g.network === network.name && g.ipPool);
  const holes: IntRange[] = pools.map((g) => poolRange(g.ipPool!));
  if (network.gateway) holes.push({ first: ipToInt(network.gateway), last: ipToInt(network.gateway) });
  const spaces: Space[] = [{ key: key(network), segments: subtract([usable], holes) }];
  for (const g of pools) {
    const pool = poolRange(g.ipPool!);
    const gw = network.gateway ? [{ first: ipToInt(network.gateway), last: ipToInt(network.gateway) }] : [];
    spaces.push({ key: `${key(network)}/${g.name}`, segments: subtract([pool], gw) });
  }
  return spaces;
}

function subtract(ranges: IntRange[], holes: readonly IntRange[]): IntRange[] {
  let out = ranges;
  for (const h of holes) {
    out = out.flatMap((r) => {
      if (h.last < r.first || h.first > r.last) return [r];
      const parts: IntRange[] = [];
      if (h.first > r.first) parts.push({ first: r.first, last: h.first - 1 });
      if (h.last < r.last) parts.push({ first: h.last + 1, last: r.last });
      return parts;
    });
  }
  return out;
}

function size(segments: readonly IntRange[]): number {
  return segments.reduce((a, s) => a + s.last - s.first + 1, 0);
}

/**
 * Each host gets its own block of each address space, so automatic addresses are chosen on
 * the host alone (under a host-local lock) and never collide across hosts. A block is a
 * contiguous range; blocks are sized for twice the current hosts, so hosts added later still
 * find room. Recorded blocks are kept while they lie inside the space and overlap no other.
 */
function allocateBlocks(model: Model, recorded: Map<string, Map<string, string>>, diagnostics: Diagnostic[]): Allocations['blocks'] {
  const hosts = model.fabric.hosts.map((h) => h.name);
  const blocks: Allocations['blocks'] = Object.fromEntries(hosts.map((h) => [h, {}]));
  for (const network of model.networks) {
    for (const space of addressSpaces(model, network)) {
      const blockSize = Math.max(1, Math.floor(size(space.segments) / Math.max(2, hosts.length * 2)));
      const used: IntRange[] = [];
      const needing: string[] = [];
      for (const host of hosts) {
        const text = recorded.get(host)?.get(space.key);
        const range = text ? parseRange(text) : undefined;
        if (range && space.segments.some((s) => s.first <= range.first && range.last <= s.last) && !used.some((u) => u.first <= range.last && range.first <= u.last)) {
          used.push(range);
          blocks[host]![space.key] = { first: intToIp(range.first), last: intToIp(range.last) };
        } else {
          needing.push(host);
        }
      }
      for (const host of needing) {
        const free = subtract(space.segments, used);
        // The first free segment that holds a whole block; else the largest (a gateway or a
        // kept block can leave a sliver first, which would make a block of one address).
        const segment = free.find((s) => s.last - s.first + 1 >= blockSize) ?? [...free].sort((a, b) => b.last - b.first - (a.last - a.first))[0];
        if (!segment) {
          diagnostics.push(error('address-space-full', `no free address block left in ${space.key} for host ${host}`, undefined, 'widen the subnet or the ipPool'));
          continue;
        }
        const range = { first: segment.first, last: Math.min(segment.last, segment.first + blockSize - 1) };
        used.push(range);
        blocks[host]![space.key] = { first: intToIp(range.first), last: intToIp(range.last) };
      }
    }
  }
  return blocks;
}

function parseRange(text: string): IntRange | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (!m) return undefined;
  const range = { first: ipToInt(m[1]!), last: ipToInt(m[2]!) };
  return range.first <= range.last ? range : undefined;
}
