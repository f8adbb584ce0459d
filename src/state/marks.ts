import { createHash } from 'node:crypto';

/*
 * Ownership marks. Everything contiv creates carries one; nothing else is ever changed.
 *
 * OVSDB rows (Bridge, Port, Interface): external_ids
 *   contiv.owner = "contiv"        the mark itself
 *   contiv.kind  = bridge | tunnel | endpoint
 *   contiv.addr  = resource address of the owner (h1/bridge/contiv0 …)
 *
 * Flow cookies, 64 bits, stable across runs (a function of the owner, never a counter):
 *   bits 63-56  marker and layout version: 0xc1 ("contiv, layout 1")
 *   bits 55-48  kind of owner (FlowOwnerKind)
 *   bits 47-0   first 48 bits of SHA-256 of the owner's address
 * So a dump tells ours from foreign flows, and which object a flow belongs to, without state.
 */

export const OWNER_KEY = 'contiv.owner';
export const OWNER_VALUE = 'contiv';
export const KIND_KEY = 'contiv.kind';
export const ADDRESS_KEY = 'contiv.addr';

export const COOKIE_MARKER = 0xc1;

export const FLOW_OWNER_KINDS = {
  pipeline: 1,
  network: 2,
  tunnel: 3,
  endpoint: 4,
  group: 5,
  rule: 6,
  /** Flows the datapath learns by itself (remote MACs): ours, dynamic, never diffed. */
  learned: 7,
} as const;
export type FlowOwnerKind = keyof typeof FLOW_OWNER_KINDS;

export function isOwned(externalIds: Record<string, string>): boolean {
  return externalIds[OWNER_KEY] === OWNER_VALUE;
}

export function ownerIds(kind: string, address: string): Record<string, string> {
  return { [OWNER_KEY]: OWNER_VALUE, [KIND_KEY]: kind, [ADDRESS_KEY]: address };
}

/** The cookie of every flow owned by `address`, as 16 hex digits. */
export function cookieFor(kind: FlowOwnerKind, address: string): string {
  const hash = createHash('sha256').update(address).digest('hex').slice(0, 12);
  return `${COOKIE_MARKER.toString(16)}${FLOW_OWNER_KINDS[kind].toString(16).padStart(2, '0')}${hash}`;
}

export interface DecodedCookie {
  ours: boolean;
  kind?: FlowOwnerKind;
  /** 48-bit owner hash, 12 hex digits. */
  owner?: string;
}

// Every flow of every host is decoded in a plan, and hosts share their cookies.
const decoded = new Map<string, DecodedCookie>();

/** The owner a cookie encodes. Callers never change the result. */
export function decodeCookie(cookie: string): DecodedCookie {
  let out = decoded.get(cookie);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a cache and its bound; any of these gives the same result
  if (!out) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
    if (decoded.size >= 100_000) decoded.clear();
    decoded.set(cookie, (out = decodeOnce(cookie)));
  }
  return out;
}

function decodeOnce(cookie: string): DecodedCookie {
  const hex = cookie.padStart(16, '0');
  if (parseInt(hex.slice(0, 2), 16) !== COOKIE_MARKER) return { ours: false };
  const kindNumber = parseInt(hex.slice(2, 4), 16);
  const kind = (Object.keys(FLOW_OWNER_KINDS) as FlowOwnerKind[]).find((k) => FLOW_OWNER_KINDS[k] === kindNumber);
  if (!kind) return { ours: false };
  return { ours: true, kind, owner: hex.slice(4) };
}
