import { cidrRange, ipToInt, poolRange, type IntRange } from '../manifest/ipv4.js';
import type { EndpointGroup, Network } from '../model/types.js';

/*
 * Address spaces and their blocks. A network has one space for endpoints without a pool: its
 * usable addresses less the gateway and its groups' ipPools; each group with an ipPool has a
 * space of its own: the pool less the gateway. Blocks are cut from a space along chunks of
 * 2^(32 − blockSize) addresses aligned on the subnet, so every host's blocks line up and a
 * block never straddles two chunks. A chunk the gateway or a pool cuts through gives more than
 * one piece; each piece is a block of its own.
 */

export interface AddressSpace {
  /** `tenant/network`, or `tenant/network/group` for a group's ipPool. */
  key: string;
  tenant: string;
  network: string;
  group?: string;
  /** Usable addresses, sorted, disjoint. */
  segments: IntRange[];
  /** Addresses per chunk (2^(32 − blockSize)). */
  chunk: number;
}

export function spaceKey(tenant: string, network: string, group?: string): string {
  return group === undefined ? `${tenant}/${network}` : `${tenant}/${network}/${group}`;
}

/** The spaces of one network: the network's own first, then one per group with an ipPool. */
export function addressSpaces(groups: readonly EndpointGroup[], network: Network): AddressSpace[] {
  const subnet = cidrRange(network.subnet);
  const chunk = 2 ** (32 - network.blockSize);
  const gateway: IntRange[] = network.gateway ? [{ first: ipToInt(network.gateway), last: ipToInt(network.gateway) }] : [];
  const pooled = groups.filter((g) => g.tenant === network.tenant && g.network === network.name && g.ipPool);
  const pools = pooled.map((g) => poolRange(g.ipPool!));
  const own: AddressSpace = {
    key: spaceKey(network.tenant, network.name),
    tenant: network.tenant,
    network: network.name,
    segments: subtract([{ first: subnet.first + 1, last: subnet.last - 1 }], [...gateway, ...pools]),
    chunk,
  };
  return [own, ...pooled.map((g, i) => ({ key: spaceKey(g.tenant, g.network, g.name), tenant: g.tenant, network: g.network, group: g.name, segments: subtract([pools[i]!], gateway), chunk }))];
}

/** `ranges` less every address of `holes`; the result is sorted when `ranges` is. */
export function subtract(ranges: readonly IntRange[], holes: readonly IntRange[]): IntRange[] {
  let out = [...ranges];
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

export function intersect(ranges: readonly IntRange[], window: IntRange): IntRange[] {
  return ranges.flatMap((r) => (r.last < window.first || r.first > window.last ? [] : [{ first: Math.max(r.first, window.first), last: Math.min(r.last, window.last) }]));
}

export function sizeOf(ranges: readonly IntRange[]): number {
  return ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
}

export function containsAddress(ranges: readonly IntRange[], address: number): boolean {
  return ranges.some((r) => r.first <= address && address <= r.last);
}

/** The chunk an address lies in (chunks are aligned on multiples of their size, as subnets are). */
export function chunkOf(address: number, chunk: number): IntRange {
  const first = Math.floor(address / chunk) * chunk;
  return { first, last: first + chunk - 1 };
}

/** The space an address of a network belongs to: a pool's when inside one, else the network's own. */
export function spaceOfAddress(spaces: readonly AddressSpace[], address: number): AddressSpace | undefined {
  return spaces.find((s) => s.group !== undefined && containsAddress(s.segments, address)) ?? spaces.find((s) => containsAddress(s.segments, address));
}
