/**
 * A port range as the fewest value/mask pairs OpenFlow can match (tp_dst has no range match):
 * 8000-8080 → 0x1f40/0xffc0 (8000-8063), 0x1f80/0xfff0 (8064-8079), 8080.
 * At most 30 pairs for any range of 16-bit ports.
 */
// @ts-nocheck

export function portMasks(first: number, last: number): string[] {
  const out: string[] = [];
  let start = first;
  while (start <= last) {
    // The largest aligned block starting at `start` that stays within the range.
    let size = 1;
    while (size < 0x10000 && start % (size * 2) === 0 && start + size * 2 - 1 <= last) size *= 2;
    out.push(size === 1 ? String(start) : `0x${start.toString(16)}/0x${(0xffff & ~(size - 1)).toString(16)}`);
    start += size;
  }
  return out;
}
