// @ts-nocheck
import { ovsString, shellQuote } from '../apply/quote.js';
import { BRIDGE } from '../compile/pipeline.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { forEachHost } from '../host/fleet.js';
import { readHostRecords } from '../host/gather.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from '../host/transport.js';
import { chooseBlock } from '../ipam/choose.js';
import { takenAddresses } from '../ipam/host.js';
import { blockKey, blockValue, lentKey, parseBlocks, parseLegacyBlocks, parseLent } from '../ipam/records.js';
import { networkOfSpace, settleClaim } from '../ipam/settle.js';
import type { AddressSpace } from '../ipam/spaces.js';
import { intToIp, ipToInt, type IntRange } from '../manifest/ipv4.js';
import { endpointsOf } from '../state/endpoint.js';
import type { LiveHost } from '../state/host-state.js';
import { withHostLock, type HostSession } from './session.js';

/*
 * Claiming an address block, without a central server. Every host records its own blocks
 * (src/ipam/records.ts) and changes them only under its own lock. To claim a block B for host H:
 *
 *   1. read every host's records; choose B among what no host records and no endpoint uses;
 *   2. under H's lock: write B as `pending` on H (a pending block is never used);
 *   3. read every host's records again, all of it after step 2;
 *   4. under H's lock: if no other host records a block overlapping B (pending or claimed),
 *      mark B `claimed` on H; else remove it: H lost, and tries again with another block.
 *
 * Two claims of overlapping blocks on H and G: each wrote before it read (2 before 3), so at
 * least the later reader of the two sees the other's record and withdraws; a host never
 * confirms a block another host recorded before its read. At worst both withdraw and try again
 * (the CLI waits a random moment first), never do both keep it. An apply that claims a block
 * (the reserve of runtime hosts) writes it pending and settles it the same way once every host
 * is applied (settleClaims); a plan that finds a pending block settles it from its own read.
 *
 * Lending: `contiv attach --ip A` on H, where A lies in G's block, records `A lent to H` on G
 * under G's lock (after checking G does not use it), so G's own attaches skip A.
 */

export type FleetRead = { ok: true; live: Record<string, LiveHost> } | { ok: false; diagnostics: Diagnostic[] };

/** Every host's records (the small read). A host that cannot be read stops a claim: it may hold the block. */
export async function readFleet(transport: Transport, hosts: readonly HostTarget[], parallelism: number): Promise<FleetRead> {
  const outcomes = await forEachHost(hosts, parallelism, (h) => readHostRecords(transport, h));
  const diagnostics = outcomes.flatMap((o) =>
    o.ok ? [] : [{ ...error(`host-${o.error.kind}`, `${o.error.message} (claiming an address block reads every host: each keeps its own blocks)`, undefined, o.error.hint), address: o.host }],
  );
  if (diagnostics.length) return { ok: false, diagnostics };
  return { ok: true, live: Object.fromEntries(outcomes.map((o) => [o.host, (o as { value: LiveHost }).value])) };
}

function idsOf(l: LiveHost): Record<string, string> {
  return l.state.bridges[BRIDGE]?.externalIds ?? {};
}

/** Every address of a network some host records or uses: blocks (any state, old records too) and endpoints. */
export function occupiedIn(live: Record<string, LiveHost>, network: string): IntRange[] {
  const out: IntRange[] = [];
  for (const l of Object.values(live)) {
    const ids = idsOf(l);
    for (const b of [...parseBlocks(ids), ...parseLegacyBlocks(ids)]) if (networkOfSpace(b.space) === network) out.push(b);
    for (const e of endpointsOf(l.state)) if (`${e.tenant}/${e.network}` === network) out.push({ first: ipToInt(e.ip), last: ipToInt(e.ip) });
  }
  return out;
}

export type ClaimOutcome = { ok: true; block: IntRange } | { ok: false; diagnostic: Diagnostic } | { ok: false; raced: string };

async function setRecord(session: HostSession, key: string, value: string | undefined): Promise<void> {
  const command = value === undefined ? ['ovs-vsctl', '--timeout=30', 'remove', 'bridge', BRIDGE, 'external_ids', ovsString(key)] : ['ovs-vsctl', '--timeout=30', 'set', 'bridge', BRIDGE, `external_ids:${ovsString(key)}=${ovsString(value)}`];
  const r = await session.run(`set -eu\n${command.map(shellQuote).join(' ')}\n`);
  if (r.code !== 0) throw new HostError(session.host.name, 'command', `recording ${key} failed (exit ${r.code}): ${stderrSummary(r)}`);
}

/** Claims a block of `space` for `host` (the one holding `want`, when given): the protocol above. */
export async function claimBlock(transport: Transport, fleet: readonly HostTarget[], host: HostTarget, space: AddressSpace, options: { want?: number; parallelism: number }): Promise<ClaimOutcome> {
  const network = `${space.tenant}/${space.network}`;
  const first = await readFleet(transport, fleet, options.parallelism);
  if (!first.ok) return { ok: false, diagnostic: first.diagnostics[0]! };
  const piece = chooseBlock(space, occupiedIn(first.live, network), options.want);
  if (!piece) {
    if (options.want !== undefined) return { ok: false, diagnostic: error('ip-in-use', `${intToIp(options.want)} is not free in ${space.key}`) };
    const holders = Object.entries(first.live).map(([h, l]) => [h, parseBlocks(idsOf(l)).filter((b) => b.space === space.key).length] as const).filter(([, n]) => n > 0);
    return {
      ok: false,
      diagnostic: error('address-space-full', `no free address block left in ${space.key} (blocks held: ${holders.map(([h, n]) => `${h} ${n}`).join(', ') || 'none'})`, undefined, 'detach endpoints (contiv apply releases empty blocks), set a smaller spec.ipam.blockSize, or widen the subnet or ipPool'),
    };
  }
  const block = { space: space.key, ...piece, state: 'pending' as const };
  const key = blockKey(space.key, piece.first);
  const written = await withHostLock(transport, host, async (session) => {
    const ids = idsOf(await session.read());
    if (!('contiv.owner' in ids)) return false;
    if (parseBlocks(ids).some((b) => networkOfSpace(b.space) === network && b.first <= piece.last && piece.first <= b.last)) return false;
    await setRecord(session, key, blockValue(block));
    return true;
  });
  if (!written) return { ok: false, raced: host.name };
  const second = await readFleet(transport, fleet, options.parallelism);
  const verdict = second.ok ? settleClaim(host.name, block, Object.fromEntries(Object.entries(second.live).map(([h, l]) => [h, idsOf(l)]))) : undefined;
  return withHostLock(transport, host, async (session): Promise<ClaimOutcome> => {
    const ids = idsOf(await session.read());
    if (ids[key] !== blockValue(block)) return { ok: false, raced: host.name };
    // Unconfirmed (a rival's record, or a host that could not be read): withdrawn.
    if (!second.ok || !verdict!.confirm) await setRecord(session, key, undefined);
    if (!second.ok) return { ok: false, diagnostic: second.diagnostics[0]! };
    if (!verdict!.confirm) return { ok: false, raced: verdict!.rival };
    await setRecord(session, key, blockValue({ ...block, state: 'claimed' }));
    return { ok: true, block: piece };
  });
}

/**
 * Gives back a block this run claimed when what it was claimed for failed: removed under the
 * host's lock, only while it is recorded as claimed and still empty (no endpoint, nothing lent).
 */
export function releaseIfEmpty(transport: Transport, host: HostTarget, space: string, block: IntRange): Promise<boolean> {
  return withHostLock(transport, host, async (session) => {
    const live = await session.read();
    const ids = idsOf(live);
    const key = blockKey(space, block.first);
    if (ids[key] !== blockValue({ ...block, state: 'claimed' })) return false;
    const [tenant, network] = space.split('/') as [string, string];
    for (const n of takenAddresses(ids, endpointsOf(live.state), tenant, network)) if (n >= block.first && n <= block.last) return false;
    await setRecord(session, key, undefined);
    return true;
  });
}

export type LendOutcome = { ok: true } | { ok: false; diagnostic: Diagnostic } | { ok: false; raced: string };

/** Records on `owner` that its address `ip` of the network is lent to an endpoint on `to`. */
export function lendAddress(transport: Transport, owner: HostTarget, tenant: string, network: string, ip: number, to: string): Promise<LendOutcome> {
  return withHostLock(transport, owner, async (session): Promise<LendOutcome> => {
    const live = await session.read();
    const ids = idsOf(live);
    if (!parseBlocks(ids).some((b) => b.state === 'claimed' && networkOfSpace(b.space) === `${tenant}/${network}` && b.first <= ip && ip <= b.last)) return { ok: false, raced: owner.name };
    if (takenAddresses(ids, endpointsOf(live.state), tenant, network).has(ip)) {
      const user = endpointsOf(live.state).find((e) => e.tenant === tenant && e.network === network && e.ip === intToIp(ip));
      const lentTo = parseLent(ids).find((l) => l.tenant === tenant && l.network === network && l.address === ip)?.to;
      return { ok: false, diagnostic: error('ip-in-use', `${intToIp(ip)} is already used by ${user ? `${user.netns} on ${owner.name}` : `an endpoint on ${lentTo}`}`) };
    }
    await setRecord(session, lentKey(tenant, network, ip), to);
    return { ok: true };
  });
}

/** Takes a lend back (an attach that failed after lending). */
export function unlendAddress(transport: Transport, owner: HostTarget, tenant: string, network: string, ip: number, to: string): Promise<void> {
  return withHostLock(transport, owner, async (session) => {
    const key = lentKey(tenant, network, ip);
    if (idsOf(await session.read())[key] === to) await setRecord(session, key, undefined);
  });
}

export interface SettledClaim {
  host: string;
  key: string;
  outcome: 'confirmed' | 'withdrawn' | 'pending';
  /** Who recorded an overlapping block (withdrawn), or why it stays pending. */
  note?: string;
}

/**
 * Steps 3 and 4 of the protocol for blocks an apply wrote as pending (the reserve of hosts
 * with runtimes): one read of every host after all of them were written, then each confirmed
 * or withdrawn under its host's lock. A host that cannot be read leaves them pending: never
 * used, and the next plan settles them from its own read.
 */
export async function settleClaims(transport: Transport, fleet: readonly HostTarget[], claims: ReadonlyArray<{ host: string; key: string; value: string }>, parallelism: number): Promise<SettledClaim[]> {
  if (claims.length === 0) return [];
  const read = await readFleet(transport, fleet, parallelism);
  if (!read.ok) return claims.map((c) => ({ host: c.host, key: c.key, outcome: 'pending', note: read.diagnostics[0]!.message }));
  const ids = Object.fromEntries(Object.entries(read.live).map(([h, l]) => [h, idsOf(l)]));
  const byHost = new Map<string, Array<{ key: string; value: string }>>();
  for (const c of claims) byHost.set(c.host, [...(byHost.get(c.host) ?? []), c]);
  const targets = fleet.filter((h) => byHost.has(h.name));
  const outcomes = await forEachHost(targets, parallelism, (host) =>
    withHostLock(transport, host, async (session) => {
      const now = idsOf(await session.read());
      const out: SettledClaim[] = [];
      for (const c of byHost.get(host.name)!) {
        const [block] = parseBlocks({ [c.key]: c.value });
        if (!block || now[c.key] !== c.value) {
          out.push({ host: host.name, key: c.key, outcome: 'pending', note: 'changed since the apply wrote it' });
          continue;
        }
        const verdict = settleClaim(host.name, block, ids);
        await setRecord(session, c.key, verdict.confirm ? blockValue({ ...block, state: 'claimed' }) : undefined);
        out.push(verdict.confirm ? { host: host.name, key: c.key, outcome: 'confirmed' } : { host: host.name, key: c.key, outcome: 'withdrawn', note: verdict.rival });
      }
      return out;
    }),
  );
  return outcomes.flatMap((o) => (o.ok ? o.value : byHost.get(o.host)!.map((c) => ({ host: o.host, key: c.key, outcome: 'pending' as const, note: o.error.message }))));
}
