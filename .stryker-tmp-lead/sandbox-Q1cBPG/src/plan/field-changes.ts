/** One field that differs between two versions of a bridge or port: `options.remote_ip`, `failMode`. */
// @ts-nocheck

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * The fields that differ, one level into records (options, external_ids), in a stable order.
 * Used by diff (to say why a change exists) and by the plan's text (to show what changes).
 */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[field];
    const b = after[field];
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
        if (JSON.stringify(ra[k]) !== JSON.stringify(rb[k])) out.push({ path: `${field}.${k}`, before: ra[k], after: rb[k] });
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push({ path: field, before: a, after: b });
    }
  }
  return out;
}
