import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { intToIp, ipToInt, type IntRange } from '../manifest/ipv4.js';
import type { Model, Network } from '../model/types.js';
import type { Endpoint } from '../state/endpoint.js';
import { chooseBlock, unoccupied } from './choose.js';
import { blockKey, blockValue, legacyKey, lentKey, parseBlocks, parseLegacyBlocks, parseLent, type Block, type LegacyBlock, type Lent } from './records.js';
import { networkOfSpace } from './settle.js';
import { addressSpaces, chunkOf, intersect, spaceOfAddress, type AddressSpace } from './spaces.js';

/*
 * What a plan decides about the hosts' address blocks, from what every host records (pure).
 *
 *   - A block with an endpoint in it is kept; so is an address lent to an endpoint elsewhere.
 *   - A pending claim (an attach or apply that wrote it and did not confirm) is confirmed when
 *     no other host records a block overlapping it, else dropped. The plan read every host
 *     after the claim was written, which is what the claim protocol asks of a confirmation.
 *   - Two hosts recording overlapping blocks are never both kept: the one with more endpoints
 *     in it stays (then the lower host name), and the other host's endpoints there become
 *     addresses lent by the keeper, so it never hands them out.
 *   - An endpoint whose address lies in none of its host's blocks (attached before blocks
 *     were claimed on demand) gets the piece of its chunk around it, claimed, or, inside
 *     another host's block, a lent record there.
 *   - An empty block stays with its host (its next container takes an address there without
 *     reaching any other host) until addresses run short: when fewer than a block's worth of
 *     a space is left unclaimed, empty blocks are released.
 *   - A host that runs containers from runtimes (Fabric `runtimes`) keeps at least `low`
 *     free addresses in every space, claiming a block when it has fewer (a runtime asks the
 *     host alone for an address and cannot claim one), and keeps that reserve when releasing.
 *   - Blocks recorded the old way (one range per host and space) become the blocks around the
 *     host's endpoints, cut to the old range (old ranges never overlapped, so neither do these).
 */

export interface HostAddresses {
  /** The external_ids of the host's contiv bridge ({} without one). */
  externalIds: Record<string, string>;
  /** Its endpoints whose namespace still exists. */
  endpoints: readonly Endpoint[];
}

export interface SpaceUse {
  host: string;
  space: string;
  blocks: number;
  size: number;
  used: number;
  free: number;
  /**
   * Running low: fewer than `lowWater` addresses free in the host's blocks, and less than a
   * block of the space left for anyone to claim (while there is, attach just claims one).
   */
  low: boolean;
}

export interface IpamPlan {
  /** Per host, the address records its bridge must carry (block and lent keys), and why each changes. */
  records: Record<string, Record<string, string>>;
  reasons: Record<string, Record<string, string>>;
  /** Per host and space with blocks, after the plan. */
  use: SpaceUse[];
  diagnostics: Diagnostic[];
}

/** Addresses a host keeps free in a space before it is running low (a quarter of a block, at least one). */
export function lowWater(space: AddressSpace): number {
  return Math.max(1, Math.floor(space.chunk / 4));
}

interface Owned extends Block {
  host: string;
}

function overlapsRange(a: IntRange, b: IntRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

function rangeText(r: IntRange): string {
  return r.first === r.last ? intToIp(r.first) : `${intToIp(r.first)}-${intToIp(r.last)}`;
}

export function planIpam(model: Model, live: Record<string, HostAddresses>): IpamPlan {
  const hosts = [...model.fabric.hosts].sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: IpamPlan = { records: {}, reasons: {}, use: [], diagnostics: [] };
  for (const h of hosts) {
    out.records[h.name] = {};
    out.reasons[h.name] = {};
  }
  // Each host's records read once (not once per network: hosts record every network's).
  const records = new Map(hosts.map((h) => {
    const ids = live[h.name]?.externalIds ?? {};
    return [h.name, { blocks: parseBlocks(ids), legacy: parseLegacyBlocks(ids), lent: parseLent(ids) }];
  }));
  const byNetwork = new Map<string, Map<string, HostRecords>>();
  const of = (network: string, host: string): HostRecords => {
    let hostsOf = byNetwork.get(network);
    if (!hostsOf) byNetwork.set(network, (hostsOf = new Map()));
    let r = hostsOf.get(host);
    if (!r) hostsOf.set(host, (r = { blocks: [], legacy: [], lent: [] }));
    return r;
  };
  for (const [host, r] of records) {
    for (const b of r.blocks) of(networkOfSpace(b.space), host).blocks.push(b);
    for (const b of r.legacy) of(networkOfSpace(b.space), host).legacy.push(b);
    for (const l of r.lent) of(`${l.tenant}/${l.network}`, host).lent.push(l);
  }
  for (const network of model.networks) planNetwork(model, network, hosts, live, byNetwork.get(`${network.tenant}/${network.name}`) ?? new Map(), out);
  // Records of networks no longer in the manifests go with them (plan refuses that while endpoints use it).
  const known = new Set(model.networks.map((n) => `${n.tenant}/${n.name}`));
  for (const h of hosts) {
    const r = records.get(h.name)!;
    const gone = [...r.blocks.map((b) => ({ key: blockKey(b.space, b.first), space: b.space })), ...r.legacy.map((b) => ({ key: legacyKey(b.space), space: b.space })), ...r.lent.map((l) => ({ key: lentKey(l.tenant, l.network, l.address), space: `${l.tenant}/${l.network}` }))];
    for (const g of gone) if (!known.has(networkOfSpace(g.space))) out.reasons[h.name]![g.key] = `network ${networkOfSpace(g.space)} is no longer in the manifests`;
  }
  return out;
}

/** One host's address records of one network. */
interface HostRecords {
  blocks: Block[];
  legacy: LegacyBlock[];
  lent: Lent[];
}

function planNetwork(model: Model, network: Network, hosts: Model['fabric']['hosts'], live: Record<string, HostAddresses>, records: ReadonlyMap<string, HostRecords>, out: IpamPlan): void {
  const spaces = addressSpaces(model.groups, network);
  const spaceByKey = new Map(spaces.map((s) => [s.key, s]));
  const ofNetwork = (e: Endpoint) => e.tenant === network.tenant && e.network === network.name;
  const endpoints = new Map(hosts.map((h) => [h.name, (live[h.name]?.endpoints ?? []).filter(ofNetwork)]));
  // A lent record may name a host no longer in the Fabric: it has no endpoints.
  const ips = (host: string) => (endpoints.get(host) ?? []).map((e) => ipToInt(e.ip));
  const reason = (host: string, key: string, text: string) => (out.reasons[host]![key] = text);

  // Everything recorded anywhere in this network is occupied for new claims, whatever this plan keeps.
  const occupied: IntRange[] = [];
  const recorded: Owned[] = [];
  const lent: Array<{ owner: string; address: number; to: string }> = [];
  const none: HostRecords = { blocks: [], legacy: [], lent: [] };
  for (const h of hosts) {
    const r = records.get(h.name) ?? none;
    for (const b of r.blocks) {
      occupied.push(b);
      if (spaceByKey.has(b.space)) recorded.push({ ...b, host: h.name });
      else reason(h.name, blockKey(b.space, b.first), `${b.space} is no longer an address space (its group or ipPool is gone)`);
    }
    for (const l of r.legacy) {
      occupied.push(l);
      reason(h.name, legacyKey(l.space), "replaced by blocks around this host's endpoints in it");
      // Migration: the pieces of the chunks around the host's endpoints, inside the old range.
      const space = spaceByKey.get(l.space);
      if (!space) continue;
      for (const ip of ips(h.name)) {
        if (ip < l.first || ip > l.last || spaceOfAddress(spaces, ip)?.key !== space.key) continue;
        const piece = intersect(intersect(space.segments, chunkOf(ip, space.chunk)), l).find((r) => r.first <= ip && ip <= r.last);
        if (piece && !recorded.some((o) => o.host === h.name && overlapsRange(o, piece))) {
          recorded.push({ space: space.key, ...piece, state: 'claimed', host: h.name });
          reason(h.name, blockKey(space.key, piece.first), 'recorded the old way (one block per host): the piece around its endpoints is kept');
        }
      }
    }
    for (const l of r.lent) lent.push({ owner: h.name, address: l.address, to: l.to });
  }
  for (const ips_ of hosts.map((h) => ips(h.name))) for (const ip of ips_) occupied.push({ first: ip, last: ip });

  // Claimed blocks: greedily kept by endpoints inside, then host name; an overlap loses.
  const inside = (b: Owned) => ips(b.host).filter((ip) => ip >= b.first && ip <= b.last).length;
  const kept: Owned[] = [];
  const claimed = recorded.filter((b) => b.state === 'claimed').sort((a, b) => inside(b) - inside(a) || (a.host < b.host ? -1 : a.host > b.host ? 1 : a.first - b.first));
  for (const b of claimed) {
    const rival = kept.find((k) => k.host !== b.host && overlapsRange(k, b));
    if (!rival) {
      kept.push(b);
      continue;
    }
    reason(b.host, blockKey(b.space, b.first), `overlaps ${rival.host}'s block ${rangeText(rival)}: ${rival.host} keeps it`);
    if (inside(b) > 0) {
      out.diagnostics.push({ ...warning('block-overlap', `${b.host} and ${rival.host} both record addresses ${rangeText({ first: Math.max(b.first, rival.first), last: Math.min(b.last, rival.last) })} of ${network.tenant}/${network.name}; ${rival.host} keeps them, ${b.host}'s endpoints there stay as addresses lent by ${rival.host}`), address: b.host });
    }
  }
  for (const b of recorded.filter((x) => x.state === 'pending')) {
    const rival = recorded.find((o) => o !== b && overlapsRange(o, b) && (o.host !== b.host || o.state === 'claimed'));
    if (rival) {
      reason(b.host, blockKey(b.space, b.first), `claim withdrawn: ${rival.host} records ${rangeText(rival)}`);
      continue;
    }
    kept.push({ ...b, state: 'claimed' });
    reason(b.host, blockKey(b.space, b.first), 'claim confirmed: no other host records it');
  }

  const ownerOf = (ip: number) => kept.find((b) => b.first <= ip && ip <= b.last);
  const lentKept: Array<{ owner: string; address: number; to: string }> = [];
  for (const l of lent) {
    const owner = ownerOf(l.address);
    if (owner?.host === l.owner && ips(l.to).includes(l.address)) lentKept.push(l);
    else reason(l.owner, lentKey(network.tenant, network.name, l.address), ips(l.to).includes(l.address) ? `${intToIp(l.address)} is no longer in a block of this host` : `no endpoint on ${l.to} uses ${intToIp(l.address)} any more`);
  }
  // Endpoints outside their host's blocks: lent by the block's owner, or the piece around them claimed.
  for (const h of hosts) {
    for (const ip of ips(h.name)) {
      const owner = ownerOf(ip);
      if (owner?.host === h.name || lentKept.some((l) => l.to === h.name && l.address === ip)) continue;
      if (owner) {
        lentKept.push({ owner: owner.host, address: ip, to: h.name });
        reason(owner.host, lentKey(network.tenant, network.name, ip), `its endpoint on ${h.name} uses ${intToIp(ip)}, inside this host's block`);
        continue;
      }
      const space = spaceOfAddress(spaces, ip);
      const piece = space && chooseBlock(space, occupied.filter((r) => !(r.first === ip && r.last === ip)), ip);
      if (!space || !piece) continue;
      kept.push({ space: space.key, ...piece, state: 'pending', host: h.name });
      occupied.push(piece);
      reason(h.name, blockKey(space.key, piece.first), `claimed around ${intToIp(ip)}, which an endpoint here uses outside any block`);
    }
  }

  // Addresses run short in a space when less than a chunk of it is left that nobody holds.
  const short = new Set(spaces.filter((s) => unoccupied(s, occupied) < s.chunk).map((s) => s.key));
  for (const h of hosts) {
    const lentHere = lentKept.filter((l) => l.owner === h.name).map((l) => l.address);
    const usedHere = [...ips(h.name), ...lentHere];
    for (const space of spaces) {
      let mine = kept.filter((b) => b.host === h.name && b.space === space.key).sort((a, b) => a.first - b.first);
      const usedIn = (b: IntRange) => usedHere.filter((ip) => ip >= b.first && ip <= b.last).length;
      const freeOf = (bs: readonly IntRange[]) => bs.reduce((n, b) => n + b.last - b.first + 1 - usedIn(b), 0);
      const reserve = h.runtimes.length > 0 ? lowWater(space) : 0;
      // Addresses run short: release empty blocks, the highest first, while the host keeps its reserve.
      if (short.has(space.key)) {
        for (const b of [...mine].reverse()) {
          if (usedIn(b) > 0 || freeOf(mine) - (b.last - b.first + 1) < reserve) continue;
          mine = mine.filter((x) => x !== b);
          reason(h.name, blockKey(b.space, b.first), `no endpoint left, and ${space.key} runs short of unclaimed addresses${reserve ? `; the host keeps ${reserve} or more free without it` : ''}`);
        }
      }
      if (reserve > 0 && freeOf(mine) < reserve) {
        const piece = chooseBlock(space, occupied);
        if (piece) {
          mine.push({ space: space.key, ...piece, state: 'pending', host: h.name });
          occupied.push(piece);
          const before = freeOf(mine) - (piece.last - piece.first + 1);
          reason(h.name, blockKey(space.key, piece.first), `reserve for containers from ${h.runtimes.join(', ')}: ${before === 0 ? 'no address free' : `${before} free, fewer than ${reserve}`}`);
        } else {
          out.diagnostics.push({ ...warning('address-reserve-unavailable', `${h.name} runs containers from ${h.runtimes.join(', ')} but has ${freeOf(mine)} free address(es) in ${space.key} and no free block is left to claim`, undefined, 'free addresses (detach endpoints; empty blocks are released by apply), set a smaller spec.ipam.blockSize, or widen the subnet or ipPool'), address: h.name });
        }
      }
      for (const b of mine) out.records[h.name]![blockKey(b.space, b.first)] = blockValue(b);
      if (mine.length) {
        const size = mine.reduce((n, b) => n + b.last - b.first + 1, 0);
        const free = freeOf(mine);
        out.use.push({ host: h.name, space: space.key, blocks: mine.length, size, used: size - free, free, low: free < lowWater(space) && short.has(space.key) });
      }
    }
    for (const l of lentKept.filter((x) => x.owner === h.name)) out.records[h.name]![lentKey(network.tenant, network.name, l.address)] = l.to;
  }
}
