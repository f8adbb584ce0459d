import type { Flow } from './host-state.js';

/*
 * Canonical text of OpenFlow matches and actions. contiv writes flows and OVS prints them
 * back differently (field order, `ip,nw_proto=6` vs `tcp`, `reg0=5` vs `reg0=0x5`, table 0
 * omitted, `load:…->NXM_NX_REG0[]` vs `set_field:…->reg0`, `strip_vlan` vs `pop_vlan`). Both
 * sides go through these functions, so a flow as written and as dumped compare equal; the
 * round-trip lab test proves it for every form the compiler emits.
 *
 * Canonical form: protocol shorthand first (tcp, udp6, arp …), then the other fields sorted by
 * name; unmasked integers in decimal, masked ones as hex value/mask; IPv4 masks as prefix
 * lengths (/32 dropped); MACs in lower case; ct_state flags in OVS's bit order.
 */

const FIELD_SYNONYMS: Record<string, string> = {
  eth_type: 'dl_type',
  eth_src: 'dl_src',
  eth_dst: 'dl_dst',
  ip_src: 'nw_src',
  ip_dst: 'nw_dst',
  ip_proto: 'nw_proto',
  tunnel_id: 'tun_id',
  tcp_src: 'tp_src',
  tcp_dst: 'tp_dst',
  udp_src: 'tp_src',
  udp_dst: 'tp_dst',
  vlan_tci: 'vlan_tci',
};

/** Shorthand → [dl_type, nw_proto]. */
const SHORTHANDS: Record<string, [number, number | undefined]> = {
  ip: [0x0800, undefined],
  ipv6: [0x86dd, undefined],
  arp: [0x0806, undefined],
  rarp: [0x8035, undefined],
  tcp: [0x0800, 6],
  udp: [0x0800, 17],
  icmp: [0x0800, 1],
  sctp: [0x0800, 132],
  tcp6: [0x86dd, 6],
  udp6: [0x86dd, 17],
  icmp6: [0x86dd, 58],
  sctp6: [0x86dd, 132],
};

const CT_STATE_ORDER = ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'];

function parseInteger(text: string): bigint | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return BigInt(text);
  if (/^\d+$/.test(text)) return BigInt(text);
  return undefined;
}

/** `5`, `0x5` → `5`; `0x10/0xf0`, `16/240` → `0x10/0xf0`; anything else unchanged. */
export function canonicalNumber(value: string): string {
  const [v, mask, ...rest] = value.split('/');
  if (rest.length > 0 || v === undefined) return value;
  const n = parseInteger(v);
  if (n === undefined) return value;
  if (mask === undefined) return n.toString(10);
  const m = parseInteger(mask);
  return m === undefined ? value : `0x${n.toString(16)}/0x${m.toString(16)}`;
}

function maskToPrefix(mask: string): number | undefined {
  const parts = mask.split('.').map(Number);
  if (parts.length !== 4) return undefined;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}

function canonicalIpv4(value: string): string {
  const [address, mask] = value.split('/');
  if (mask === undefined) return value;
  const prefix = /^\d+$/.test(mask) ? Number(mask) : maskToPrefix(mask);
  if (prefix === undefined) return value;
  return prefix === 32 ? address! : `${address}/${prefix}`;
}

function canonicalCtState(value: string): string {
  // As bits (`0x21/0x21`): a number like any other.
  if (!/^[+-]/.test(value)) return canonicalNumber(value);
  const flags = value.match(/[+-][a-z]+/g) ?? [];
  return flags.sort((a, b) => CT_STATE_ORDER.indexOf(a.slice(1)) - CT_STATE_ORDER.indexOf(b.slice(1))).join('');
}

const IPV4_FIELDS = /^(nw_src|nw_dst|arp_spa|arp_tpa|tun_src|tun_dst)$/;

function canonicalValue(field: string, value: string): string {
  if (field === 'ct_state') return canonicalCtState(value);
  if (IPV4_FIELDS.test(field)) return canonicalIpv4(value);
  if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}(\/([0-9a-f]{2}:){5}[0-9a-f]{2})?$/i.test(value)) return value.toLowerCase();
  return canonicalNumber(value);
}

/** Canonical match from its comma-separated fields (without cookie, table and priority). */
export function canonicalMatch(fields: readonly string[]): string {
  let dlType: number | undefined;
  let nwProto: number | undefined;
  const rest: Array<[string, string]> = [];
  for (const raw of fields) {
    const token = raw.trim();
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq === -1) {
      const shorthand = SHORTHANDS[token];
      if (!shorthand) {
        rest.push([token, '']);
        continue;
      }
      dlType = shorthand[0];
      if (shorthand[1] !== undefined) nwProto = shorthand[1];
      continue;
    }
    const name = FIELD_SYNONYMS[token.slice(0, eq)] ?? token.slice(0, eq);
    const value = token.slice(eq + 1);
    // A zero-length prefix matches everything: OVS drops such a field, so the canonical form does.
    if (IPV4_FIELDS.test(name) && /\/(0|0\.0\.0\.0)$/.test(value)) continue;
    if (name === 'dl_type') dlType = Number(parseInteger(value) ?? NaN);
    else if (name === 'nw_proto') nwProto = Number(parseInteger(value) ?? NaN);
    else rest.push([name, canonicalValue(name, value)]);
  }
  const head: string[] = [];
  if (dlType !== undefined) {
    const short = Object.entries(SHORTHANDS).find(([, [t, p]]) => t === dlType && p === nwProto)?.[0];
    const base = Object.entries(SHORTHANDS).find(([, [t, p]]) => t === dlType && p === undefined)?.[0];
    if (short) head.push(short);
    else if (base) head.push(base, `nw_proto=${nwProto}`);
    else {
      head.push(`dl_type=0x${dlType.toString(16).padStart(4, '0')}`);
      if (nwProto !== undefined) head.push(`nw_proto=${nwProto}`);
    }
  } else if (nwProto !== undefined) {
    head.push(`nw_proto=${nwProto}`);
  }
  rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...head, ...rest.map(([k, v]) => (v === '' ? k : `${k}=${v}`))].join(',');
}

/** Splits at commas that are not inside parentheses or brackets. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const LOAD_TARGETS: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^NXM_NX_REG(\d+)\[\]$/, (m) => `reg${m[1]}`],
  [/^NXM_NX_XXREG(\d+)\[\]$/, (m) => `xxreg${m[1]}`],
  [/^NXM_NX_TUN_ID\[\]$/, () => 'tun_id'],
  [/^OXM_OF_METADATA\[\]$/, () => 'metadata'],
];

// A flood list names every peer, and every host names the same peers: each distinct action is
// made canonical once. Bounded for long-lived processes.
const canonical = new Map<string, string>();

function canonicalAction(action: string): string {
  let out = canonical.get(action);
  // Stryker disable next-line ConditionalExpression: a cache; computing again gives the same result
  if (out === undefined) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
    if (canonical.size >= 100_000) canonical.clear();
    // Copies: the action is a slice of a host's whole output, which the cache would keep alive.
    const key = Buffer.from(action).toString();
    const value = canonicalActionOnce(action);
    // Stryker disable next-line ConditionalExpression: which of two equal strings is kept is a matter of memory only
    out = value === action ? key : value;
    canonical.set(key, out);
  }
  return out;
}

function canonicalActionOnce(action: string): string {
  if (action === 'strip_vlan') return 'pop_vlan';
  if (action === 'in_port' || action === 'output:in_port') return 'IN_PORT';
  if (/^\d+$/.test(action)) return `output:${action}`;
  const load = /^load:([^-]+)->(.+)$/.exec(action);
  if (load) {
    const target = LOAD_TARGETS.map(([re, f]) => {
      const m = re.exec(load[2]!);
      return m ? f(m) : undefined;
    }).find((t) => t !== undefined);
    if (target) return `set_field:${canonicalNumber(load[1]!)}->${target}`;
    return action;
  }
  const setField = /^set_field:(.+)->([a-z_0-9]+)$/.exec(action);
  if (setField) return `set_field:${canonicalValue(setField[2]!, setField[1]!)}->${setField[2]}`;
  return action;
}

export function canonicalActions(actions: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: which actions take the shortcut; the result is the same
  if (actions.length > LONG_ACTIONS) return canonicalLongActions(actions);
  return canonicalActionsOnce(actions);
}

function canonicalActionsOnce(actions: string): string {
  const list = splitTopLevel(actions).map(canonicalAction);
  // Stryker disable next-line ConditionalExpression,StringLiteral: a list of the one action drop joins to 'drop' anyway
  return list.length === 0 || (list.length === 1 && list[0] === 'drop') ? 'drop' : list.join(',');
}

/*
 * A flood list names every peer but the host itself: 1,000 hosts print 1,000 lists of 2,000
 * actions, each the last one read but for a peer or two. When the last long list read was
 * canonical as printed, a list that differs from it only in a stretch of plain actions (no
 * brackets, so every comma there parts two actions) is canonical as printed too if the actions
 * in that stretch are: the rest are the last list's own actions.
 */
const LONG_ACTIONS = 2_000;
let lastLong: { text: string; lastBracket: number } | undefined;
let shortcuts = 0;

/** How many long lists were taken as canonical by the shortcut (the result is the same either way: tests see which way it went). */
export function longActionShortcuts(): number {
  return shortcuts;
}

function canonicalLongActions(actions: string): string {
  const last = lastLong;
  // Stryker disable next-line BlockStatement: the shortcut not taken, the list is read action by action: the same result
  if (last && sameAsCanonical(actions, last)) {
    shortcuts++;
    const copy = Buffer.from(actions).toString();
    lastLong = { text: copy, lastBracket: last.lastBracket };
    return copy;
  }
  const out = canonicalActionsOnce(actions);
  lastLong = undefined;
  // Stryker disable next-line ConditionalExpression: a list kept that was not canonical as printed differs from the next list at its non-canonical actions, which refuse the shortcut
  if (out === actions) {
    // Where the last bracket is, and whether every bracket before it is closed.
    let depth = 0;
    // Stryker disable next-line UnaryOperator,EqualityOperator: a start at +1 refuses only lists differing in their first two characters, and the character at the length is NaN, not a bracket (refused lists are read action by action: the same result)
    let lastBracket = -1;
    // Stryker disable next-line EqualityOperator: the character at the length is NaN, not a bracket
    for (let i = 0; i < out.length; i++) {
      const c = out.charCodeAt(i);
      if (c === 40 || c === 91) depth++;
      else if (c === 41 || c === 93) depth--;
      else continue;
      lastBracket = i;
    }
    if (depth === 0) lastLong = { text: out, lastBracket };
  }
  return out;
}

// Stryker disable next-line Regex: a pattern that matches more says no to more lists, read action by action: the same result
const BRACKET = /[()[\]]/;

/** Whether `actions` is canonical as it is, given that `last.text` is and what differs between them. */
// Stryker disable next-line BlockStatement: undefined is no, and the list is read action by action: the same result
function sameAsCanonical(actions: string, last: { text: string; lastBracket: number }): boolean {
  const was = last.text;
  const shorter = Math.min(actions.length, was.length);
  const prefix = commonStart(actions, was, shorter);
  const suffix = commonEnd(actions, was, shorter - prefix);
  // Stryker disable next-line ConditionalExpression: true is no to every list (read action by action: the same result); false leaves a list that starts with a comma to the next test
  if (prefix === 0) return false;
  // The stretch that differs, widened to whole actions: from a comma in the common beginning
  // (after every bracket) to a comma in the common end.
  const from = actions.lastIndexOf(',', prefix - 1);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,UnaryOperator,EqualityOperator: without these refusals the stretch is checked from the start (from -1), or from a comma within brackets, whose closing bracket the stretch then holds (refused below); a comma is never where the last bracket is
  if (from === -1 || from <= last.lastBracket) return false;
  // Stryker disable next-line ArithmeticOperator: a search from past the end finds no comma, and the stretch runs to the end: more is checked, the same result
  const to = actions.indexOf(',', actions.length - suffix);
  // Stryker disable next-line ConditionalExpression: a stretch to the end checks more, the same result
  const stretch = actions.slice(from + 1, to === -1 ? actions.length : to);
  // Stryker disable next-line ConditionalExpression: a bracketed action split at its commas is kept as printed either way, and a non-canonical one (load:…[]) holds no comma and is refused below
  if (BRACKET.test(stretch)) return false;
  for (const action of stretch.split(',')) {
    if (action === '' || action.trim() !== action || canonicalAction(action) !== action) return false;
  }
  // Stryker disable next-line BooleanLiteral: no is the list read action by action: the same result
  return true;
}

/*
 * How far two long texts agree from the start (from the end), up to `most` characters: a chunk
 * at a time compared as a whole (slices share the texts; comparing two is one memcmp), then
 * the chunk that differs character by character: 4–7 times faster than a character at a time
 * over flood lists of a thousand peers.
 */
const CHUNK = 512;

function commonStart(a: string, b: string, most: number): number {
  let n = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,MethodExpression: chunks compared whole only skip ahead; the characters are compared one by one after
  while (n + CHUNK <= most && a.slice(n, n + CHUNK) === b.slice(n, n + CHUNK)) n += CHUNK;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: past the shorter list a character is NaN, never equal: the loop ends there anyway
  while (n < most && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

function commonEnd(a: string, b: string, most: number): number {
  let n = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,MethodExpression: chunks compared whole only skip ahead; the characters are compared one by one after
  while (n + CHUNK <= most && a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)) n += CHUNK;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,UpdateOperator: a shorter common end (or none) only widens the stretch checked after it, which then holds or refuses: the same result
  while (n < most && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/** Keys printed by dump-flows that describe counters or timers, not the flow. */
const STAT_KEYS = new Set(['duration', 'n_packets', 'n_bytes', 'idle_age', 'hard_age', 'idle_timeout', 'hard_timeout', 'importance', 'reset_counts', 'send_flow_rem', 'no_packet_counts', 'no_byte_counts', 'check_overlap', 'out_port', 'out_group']);

/**
 * Parses one flow line: a dump-flows line (` cookie=0x…, table=1, priority=…,match actions=…`)
 * or a line as contiv writes it for add-flows (same, without the leading verb).
 */
export function parseFlowLine(line: string): Flow | undefined {
  const text = line.trim();
  const at = text.indexOf(' actions=');
  const actionsAt = at === -1 ? (text.startsWith('actions=') ? 0 : -1) : at + 1;
  if (actionsAt === -1) return undefined;
  const head = text.slice(0, actionsAt).trim();
  const actions = text.slice(actionsAt + 'actions='.length);
  let cookie = '0';
  let table = 0;
  let priority = 32768;
  const fields: string[] = [];
  // dump-flows separates the flow_mod flags it prints (send_flow_rem, reset_counts …) by blanks, not commas.
  for (const raw of head.split(/[,\s]+/)) {
    const token = raw.trim();
    if (token === '') continue;
    const [key, value = ''] = token.split('=', 2) as [string, string?];
    if (key === 'cookie') cookie = value.split('/')[0]!;
    else if (key === 'table') table = Number(value);
    else if (key === 'priority') priority = Number(value);
    else if (!STAT_KEYS.has(key)) fields.push(token);
  }
  return {
    cookie: BigInt(cookie).toString(16).padStart(16, '0'),
    table,
    priority,
    match: canonicalMatch(fields),
    actions: canonicalActions(actions),
  };
}

/** The flow as a line for `ovs-ofctl add-flows` (without the leading add/modify/delete verb). */
export function formatFlow(flow: Flow): string {
  const match = flow.match ? `,${flow.match}` : '';
  return `cookie=0x${flow.cookie},table=${flow.table},priority=${flow.priority}${match} actions=${flow.actions}`;
}
