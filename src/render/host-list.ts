/*
 * A list of hosts short enough for one plan line: "all 1000 hosts", "500 hosts (h1–h500)",
 * "7 hosts (h1–h3, h7, web-a and 2 more)". Names that share a prefix and end in consecutive
 * numbers are shown as a range.
 */

/** Ranges or names shown before "and N more". */
const MAX_ITEMS = 5;
/** Consecutive numbered names from this many on are a range. */
const MIN_RANGE = 3;

export function describeHosts(hosts: readonly string[], total: number): string {
  if (hosts.length === total && total > 1) return `all ${total} hosts`;
  const items = compress(hosts);
  const shown = items.length > MAX_ITEMS ? items.slice(0, MAX_ITEMS - 1) : items;
  const left = hosts.length - shown.reduce((n, i) => n + i.count, 0);
  const list = shown.map((i) => i.text).join(', ');
  return `${hosts.length} host${hosts.length === 1 ? '' : 's'} (${left > 0 ? `${list} and ${left} more` : list})`;
}

interface Numbered {
  name: string;
  prefix: string;
  digits: string;
  n: number;
}

function numbered(name: string): Numbered {
  const m = /^(.*?)(\d+)$/.exec(name);
  return m ? { name, prefix: m[1]!, digits: m[2]!, n: Number(m[2]) } : { name, prefix: name, digits: '', n: Number.NaN };
}

/** Names in natural order (prefix, then number), runs of consecutive numbers as ranges. */
function compress(hosts: readonly string[]): Array<{ text: string; count: number }> {
  const sorted = hosts.map(numbered).sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.n - b.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  const out: Array<{ text: string; count: number }> = [];
  let run: Numbered[] = [];
  const flush = () => {
    if (run.length >= MIN_RANGE) out.push({ text: `${run[0]!.name}–${run.at(-1)!.name}`, count: run.length });
    else for (const r of run) out.push({ text: r.name, count: 1 });
    run = [];
  };
  for (const h of sorted) {
    const last = run.at(-1);
    // h07 follows h06 (same width); h10 follows h9 only without leading zeros.
    const follows = last && h.digits && last.prefix === h.prefix && h.n === last.n + 1 && (h.digits.length === last.digits.length || (!h.digits.startsWith('0') && !last.digits.startsWith('0')));
    if (!follows) flush();
    run.push(h);
  }
  flush();
  return out;
}
