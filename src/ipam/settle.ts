import type { IntRange } from '../manifest/ipv4.js';
import { parseBlocks, type Block } from './records.js';

/** `tenant/network` of a space key (blocks of one network must never overlap, whatever their space). */
export function networkOfSpace(space: string): string {
  return space.split('/').slice(0, 2).join('/');
}

/**
 * The claim protocol's decision, for a block `host` recorded as pending, from a read of every
 * host made after that record was written: confirm it when no other host records an
 * overlapping block of the same network, pending or claimed; else withdraw it (the other may
 * withdraw too: both then try again, and never both keep it).
 */
export function settleClaim(host: string, claim: Pick<Block, 'space'> & IntRange, fleet: Record<string, Record<string, string>>): { confirm: true } | { confirm: false; rival: string } {
  const network = networkOfSpace(claim.space);
  for (const [other, ids] of Object.entries(fleet)) {
    if (other === host) continue;
    const clash = parseBlocks(ids).find((b) => networkOfSpace(b.space) === network && b.first <= claim.last && claim.first <= b.last);
    if (clash) return { confirm: false, rival: other };
  }
  return { confirm: true };
}
