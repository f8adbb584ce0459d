import type { IntRange } from '../manifest/ipv4.js';
import { chunkOf, intersect, sizeOf, type AddressSpace } from './spaces.js';

/** Sorted, merged copy of `ranges` (touching ranges join). */
export function merge(ranges: readonly IntRange[]): IntRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const out: IntRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.first <= last.last + 1) last.last = Math.max(last.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

/** Sorted disjoint `ranges` less sorted merged `holes`, in one sweep. */
function subtractSorted(ranges: readonly IntRange[], holes: readonly IntRange[]): IntRange[] {
  const out: IntRange[] = [];
  let h = 0;
  for (const r of ranges) {
    let start = r.first;
    while (h < holes.length && holes[h]!.last < start) h++;
    let k = h;
    while (k < holes.length && holes[k]!.first <= r.last) {
      if (holes[k]!.first > start) out.push({ first: start, last: holes[k]!.first - 1 });
      start = Math.max(start, holes[k]!.last + 1);
      k++;
    }
    if (start <= r.last) out.push({ first: start, last: r.last });
  }
  return out;
}

/** How many addresses of `space` nobody occupies. */
export function unoccupied(space: AddressSpace, occupied: readonly IntRange[]): number {
  return sizeOf(subtractSorted(space.segments, merge(occupied)));
}

/** The ranges of sorted disjoint `ranges` that overlap `window`, clipped to it (binary search: ranges may be many). */
function within(ranges: readonly IntRange[], window: IntRange): IntRange[] {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.last < window.first) lo = mid + 1;
    else hi = mid;
  }
  const out: IntRange[] = [];
  for (let i = lo; i < ranges.length && ranges[i]!.first <= window.last; i++) out.push({ first: Math.max(ranges[i]!.first, window.first), last: Math.min(ranges[i]!.last, window.last) });
  return out;
}

function largest(ranges: readonly IntRange[]): IntRange | undefined {
  let best: IntRange | undefined;
  for (const r of ranges) if (!best || r.last - r.first > best.last - best.first) best = r;
  return best;
}

/**
 * A block for a host to claim in `space`, avoiding `occupied` (every block any host records in
 * this network, and every endpoint address of the network): the first whole chunk nobody uses;
 * else the largest piece of the first chunk nobody uses that the gateway or a pool cuts; else
 * the largest free piece of any chunk. With `want`, the free piece of its chunk that holds it.
 * Undefined when nothing is free. `spread`: see SPREAD.
 */
export function chooseBlock(space: AddressSpace, occupied: readonly IntRange[], want?: number, spread?: number): IntRange | undefined {
  const free = subtractSorted(space.segments, merge(occupied));
  if (want !== undefined) return within(free, chunkOf(want, space.chunk)).find((r) => r.first <= want && want <= r.last);
  const whole: IntRange[] = [];
  let cut: IntRange | undefined;
  let partial: IntRange | undefined;
  let next = -1;
  for (const f of free) {
    for (let c = Math.max(chunkOf(f.first, space.chunk).first, next); c <= f.last; c += space.chunk) {
      next = c + space.chunk;
      const window = { first: c, last: c + space.chunk - 1 };
      const pieces = within(free, window);
      const best = largest(pieces);
      if (!best) continue;
      if (sizeOf(pieces) === sizeOf(intersect(space.segments, window))) {
        if (best.first === window.first && best.last === window.last) {
          whole.push(best);
          if (whole.length > (spread === undefined ? 0 : SPREAD - 1)) return whole[(spread ?? 0) % whole.length];
          continue;
        }
        cut ??= best;
      } else if (!partial || best.last - best.first > partial.last - partial.first) {
        partial = best;
      }
    }
  }
  return whole.length ? whole[(spread ?? 0) % whole.length] : (cut ?? partial);
}

/**
 * Claimers that read the fleet at the same moment see the same free chunks; each taking the
 * first would make all but one withdraw. With `spread` (a number of the claiming host's), a
 * claimer takes one of the first SPREAD whole free chunks instead, so concurrent claims of
 * different hosts mostly choose different blocks.
 */
const SPREAD = 8;

/** A small stable number of a host, for `spread`. */
export function spreadOf(host: string): number {
  let h = 0;
  for (const c of host) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
