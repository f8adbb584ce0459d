import { ipToInt } from '../manifest/ipv4.js';
import type { Endpoint } from '../state/endpoint.js';
import { parseBlocks, parseHeld, parseLent, type Block } from './records.js';

/*
 * One host's addresses, from its own records alone: what the host-local endpoint path and
 * `contiv show` need (no manifests, no other host).
 */

/** Addresses of a network this host must not hand out: its endpoints', the ones it lent, and the ones held for Docker. */
export function takenAddresses(externalIds: Record<string, string>, endpoints: readonly Endpoint[], tenant: string, network: string): Set<number> {
  const taken = new Set<number>();
  for (const e of endpoints) if (e.tenant === tenant && e.network === network) taken.add(ipToInt(e.ip));
  for (const l of parseLent(externalIds)) if (l.tenant === tenant && l.network === network) taken.add(l.address);
  for (const h of parseHeld(externalIds)) if (h.tenant === tenant && h.network === network) taken.add(h.address);
  return taken;
}

/** The lowest address of the host's confirmed blocks of `space` that is not taken. */
export function freeAddress(externalIds: Record<string, string>, space: string, taken: ReadonlySet<number>): number | undefined {
  for (const b of parseBlocks(externalIds)) {
    if (b.space !== space || b.state !== 'claimed') continue;
    for (let n = b.first; n <= b.last; n++) if (!taken.has(n)) return n;
  }
  return undefined;
}

/** The host's confirmed block holding `address` in `space`, if any. */
export function ownBlockOf(externalIds: Record<string, string>, space: string, address: number): Block | undefined {
  return parseBlocks(externalIds).find((b) => b.space === space && b.state === 'claimed' && b.first <= address && address <= b.last);
}

export interface BlockUse extends Block {
  used: number;
}

/** Each block of the host with how many of its addresses are in use (for `contiv show`). */
export function blockUse(externalIds: Record<string, string>, endpoints: readonly Endpoint[]): BlockUse[] {
  return parseBlocks(externalIds).map((b) => {
    const [tenant, network] = b.space.split('/') as [string, string];
    const taken = takenAddresses(externalIds, endpoints, tenant, network);
    let used = 0;
    for (const n of taken) if (n >= b.first && n <= b.last) used++;
    return { ...b, used };
  });
}
