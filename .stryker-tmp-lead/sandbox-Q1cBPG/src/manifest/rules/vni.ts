// @ts-nocheck
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Network } from '../../model/types.js';
import type { RuleContext } from './context.js';
import { where } from './context.js';

/**
 * Explicit VNIs: never 0 (0 meant "allocate" in Contiv; here that is leaving the field out),
 * unique across all tenants, and outside vniRange so an allocated VNI can never collide.
 */
export function explicitVnis(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const range = ctx.fabrics[0]?.vniRange;
  const seen = new Map<number, Network>();
  for (const n of ctx.networks) {
    if (n.vni === undefined) continue;
    const pos = n.at['spec.vni'] ?? n.source;
    if (n.vni === 0) {
      out.push(error('vni-zero', `network "${n.name}": vni 0 is not a VNI`, pos, 'leave vni out to have one allocated from the fabric\'s vniRange'));
      continue;
    }
    const first = seen.get(n.vni);
    if (first) {
      out.push(error('vni-duplicate', `network "${n.name}" (tenant "${n.tenant}"): vni ${n.vni} is already used by network "${first.name}" of tenant "${first.tenant}" (${where(first.at['spec.vni'] ?? first.source)})`, pos));
      continue;
    }
    seen.set(n.vni, n);
    if (range && n.vni >= range.first && n.vni <= range.last) {
      out.push(
        error('vni-in-range', `network "${n.name}": vni ${n.vni} lies inside the fabric's vniRange ${range.first}-${range.last}, which is reserved for allocation`, pos, 'leave vni out, or pick one outside vniRange'),
      );
    }
  }
  return out;
}

/** Networks without an explicit VNI must all fit in vniRange. */
export function vniRangeLargeEnough(ctx: RuleContext): Diagnostic[] {
  const fabric = ctx.fabrics[0];
  if (!fabric) return [];
  const size = fabric.vniRange.last - fabric.vniRange.first + 1;
  const needed = ctx.networks.filter((n) => n.vni === undefined).length;
  if (size <= 0 || needed <= size) return [];
  return [error('vni-range-exhausted', `${needed} networks need a VNI from vniRange ${fabric.vniRange.first}-${fabric.vniRange.last}, which holds only ${size}`, fabric.at['spec.vniRange'] ?? fabric.source)];
}
