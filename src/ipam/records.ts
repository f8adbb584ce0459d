import { intToIp, ipToInt, isIpv4 } from '../manifest/ipv4.js';
import { spaceKey } from './spaces.js';

/*
 * What a host records of its addresses, in the external_ids of contiv's bridge (beside the
 * records of compile/records.ts). There is no other record of them anywhere: the claim
 * protocol (src/endpoint/claim.ts) reads them from every host.
 *
 *   contiv.block.<tenant>.<network>[.<group>].<a-b-c-d> = "<first>-<last> claimed|pending"
 *       a block of the network's space (or of the group's ipPool) this host owns, keyed by its
 *       first address. A pending block is being claimed: never used until confirmed.
 *   contiv.lent.<tenant>.<network>.<a-b-c-d> = <host>
 *       an address of one of this host's blocks that an endpoint on <host> uses
 *       (`contiv attach --ip` of an address in another host's block).
 *   contiv.ipam.<tenant>.<network>[.<group>] = "<first>-<last>"
 *       the one block per host of contiv before on-demand blocks: read for migration only.
 *   contiv.held.<tenant>.<network>.<a-b-c-d> = "docker" | <Docker endpoint id>
 *       an address of this host's blocks that Docker's IPAM handed out for an endpoint not made
 *       yet (src/endpoint/docker.ts): taken like an endpoint's address, bound to the endpoint
 *       id by CreateEndpoint, and turned into the endpoint by Join in one transaction. Written
 *       and removed by the host alone; a plan keeps it as it is.
 */

export type BlockState = 'claimed' | 'pending';

export interface Block {
  /** `tenant/network` or `tenant/network/group`. */
  space: string;
  first: number;
  last: number;
  state: BlockState;
}

export interface Lent {
  tenant: string;
  network: string;
  address: number;
  /** The host whose endpoint uses it. */
  to: string;
}

export interface LegacyBlock {
  space: string;
  first: number;
  last: number;
}

const BLOCK = 'contiv.block.';
const LENT = 'contiv.lent.';
const LEGACY = 'contiv.ipam.';
const HELD = 'contiv.held.';
/** The holder of an address Docker's IPAM handed out, before CreateEndpoint names the endpoint. */
export const HELD_BY_DOCKER = 'docker';

export interface Held {
  tenant: string;
  network: string;
  address: number;
  ip: string;
  /** HELD_BY_DOCKER, or the Docker endpoint id it is bound to. */
  holder: string;
}

/** Keys of address records: bookkeeping of the hosts' addresses, not state a plan converges field by field. */
export function isAddressRecord(key: string): boolean {
  return key.startsWith(BLOCK) || key.startsWith(LENT) || key.startsWith(LEGACY) || key.startsWith(HELD);
}

/** Holds are the host's own, made and removed between plans: a plan keeps them as they are. */
export function isHeldRecord(key: string): boolean {
  return key.startsWith(HELD);
}

function dashed(address: number): string {
  return intToIp(address).replaceAll('.', '-');
}

export function blockKey(space: string, first: number): string {
  return `${BLOCK}${space.split('/').join('.')}.${dashed(first)}`;
}

export function blockValue(b: Pick<Block, 'first' | 'last' | 'state'>): string {
  return `${intToIp(b.first)}-${intToIp(b.last)} ${b.state}`;
}

export function lentKey(tenant: string, network: string, address: number): string {
  return `${LENT}${tenant}.${network}.${dashed(address)}`;
}

export function heldKey(tenant: string, network: string, address: number): string {
  return `${HELD}${tenant}.${network}.${dashed(address)}`;
}

export function parseHeld(externalIds: Record<string, string>): Held[] {
  return parseAddressKeyed(externalIds, HELD).map(({ tenant, network, address, ip, value }) => ({ tenant, network, address, ip, holder: value }));
}

export function legacyKey(space: string): string {
  return `${LEGACY}${space.split('/').join('.')}`;
}

function range(text: string): { first: number; last: number } | undefined {
  const [a, b] = text.split('-');
  if (a === undefined || b === undefined || !isIpv4(a) || !isIpv4(b)) return undefined;
  const r = { first: ipToInt(a), last: ipToInt(b) };
  return r.first <= r.last ? r : undefined;
}

/** The blocks recorded in a bridge's external_ids; entries that do not read (edited by hand) are skipped. */
export function parseBlocks(externalIds: Record<string, string>): Block[] {
  const out: Block[] = [];
  for (const [key, value] of Object.entries(externalIds)) {
    if (!key.startsWith(BLOCK)) continue;
    const parts = key.slice(BLOCK.length).split('.');
    if (parts.length !== 3 && parts.length !== 4) continue;
    const [text, state] = value.split(' ');
    const r = range(text ?? '');
    if (!r || (state !== 'claimed' && state !== 'pending') || dashed(r.first) !== parts[parts.length - 1]) continue;
    out.push({ space: spaceKey(parts[0]!, parts[1]!, parts.length === 4 ? parts[2] : undefined), ...r, state });
  }
  return out.sort((a, b) => a.first - b.first || (a.space < b.space ? -1 : 1));
}

/**
 * Records keyed `<prefix><tenant>.<network>.<a-b-c-d>` with a non-empty value (lent and held
 * addresses), in address order; keys that do not read are skipped.
 */
function parseAddressKeyed(externalIds: Record<string, string>, prefix: string): Array<{ tenant: string; network: string; address: number; ip: string; value: string }> {
  const out = [];
  for (const [key, value] of Object.entries(externalIds)) {
    if (!key.startsWith(prefix)) continue;
    const [tenant, network, address, ...rest] = key.slice(prefix.length).split('.');
    const ip = address?.replaceAll('-', '.') ?? '';
    if (!tenant || !network || rest.length || !isIpv4(ip) || !value) continue;
    out.push({ tenant, network, address: ipToInt(ip), ip, value });
  }
  return out.sort((a, b) => a.address - b.address);
}

export function parseLent(externalIds: Record<string, string>): Lent[] {
  return parseAddressKeyed(externalIds, LENT).map(({ tenant, network, address, value }) => ({ tenant, network, address, to: value }));
}

export function parseLegacyBlocks(externalIds: Record<string, string>): LegacyBlock[] {
  const out: LegacyBlock[] = [];
  for (const [key, value] of Object.entries(externalIds)) {
    if (!key.startsWith(LEGACY)) continue;
    const parts = key.slice(LEGACY.length).split('.');
    const r = range(value);
    if ((parts.length !== 2 && parts.length !== 3) || !r) continue;
    out.push({ space: spaceKey(parts[0]!, parts[1]!, parts[2]), ...r });
  }
  return out;
}

/** What an address record is, for plan lines and resource addresses. */
export interface AddressRecordInfo {
  kind: 'block' | 'lent' | 'legacy';
  /** `tenant/network[/group]`, and the record's address or range as text. */
  space: string;
  what: string;
}

export function describeAddressRecord(key: string, value: string | undefined): AddressRecordInfo {
  const kind = key.startsWith(BLOCK) ? 'block' : key.startsWith(LENT) ? 'lent' : 'legacy';
  const parts = key.slice((kind === 'block' ? BLOCK : kind === 'lent' ? LENT : LEGACY).length).split('.');
  if (kind === 'legacy') return { kind, space: parts.join('/'), what: value ?? '' };
  const first = parts.pop()!.replaceAll('-', '.');
  return { kind, space: parts.join('/'), what: kind === 'block' ? (value?.split(' ')[0] ?? first) : first };
}
