import { ovsString, shellQuote } from '../apply/quote.js';
import { BRIDGE } from '../compile/pipeline.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { forEachHost } from '../host/fleet.js';
import { readHostRecords } from '../host/gather.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from '../host/transport.js';
import { chooseBlock, spreadOf } from '../ipam/choose.js';
import { freeAddress, ownBlockOf, takenAddresses } from '../ipam/host.js';
import { blockKey, blockValue, lentKey, parseBlocks, parseLegacyBlocks, parseLent, type Block } from '../ipam/records.js';
import { networkOfSpace, settleClaim } from '../ipam/settle.js';
import type { AddressSpace } from '../ipam/spaces.js';
import { intToIp, ipToInt, type IntRange } from '../manifest/ipv4.js';
import { endpointsOf } from '../state/endpoint.js';
import type { LiveHost } from '../state/host-state.js';
import { withHostLock, type HostLock, type HostSession } from './session.js';
import { lockPreamble, lockProblem } from '../apply/script.js';

/*
 * Claiming an address block, without a central server. Every host records its own blocks
 * (src/ipam/records.ts) and changes them only under its own lock. To claim a block B for host H:
 *
 *   1. read every host's records; under H's lock, choose B among what no host records and no
 *      endpoint uses, and write it as `pending` on H (a pending block is never used);
 *   2. read every host's records again, all of it after step 1's write;
 *   3. under H's lock: if no other host records a block overlapping B (pending or claimed),
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

async function setRecord(session: HostSession, key: string, value: string | undefined): Promise<void> {
  const command = value === undefined ? ['ovs-vsctl', '--timeout=30', 'remove', 'bridge', BRIDGE, 'external_ids', ovsString(key)] : ['ovs-vsctl', '--timeout=30', 'set', 'bridge', BRIDGE, `external_ids:${ovsString(key)}=${ovsString(value)}`];
  const r = await session.run(`set -eu\n${command.map(shellQuote).join(' ')}\n`);
  if (r.code !== 0) throw new HostError(session.host.name, 'command', `recording ${key} failed (exit ${r.code}): ${stderrSummary(r)}`);
}

/** `want`: an address the block must hold; `lock`: who the claim says it is (on both locks it takes), and how long it waits for the host's. */
export interface ClaimOptions {
  want?: number;
  parallelism: number;
  lock?: HostLock;
}

/** `block` absent: no claim was needed after all (another attach on the host claimed one meanwhile). */
export type ClaimOutcome = { ok: true; block?: IntRange } | { ok: false; diagnostic: Diagnostic } | { ok: false; raced: string };

export const CLAIM_LOCK = '/run/contiv.claim.lock';
const CLAIMING = 'CONTIV_CLAIMING';
/** How long a claim waits for the one before it on the same host: two reads of every host. */
const CLAIM_WAIT_SECONDS = 60;

/**
 * One claimer per host at a time; released when the claim ends or its connection dies. Its
 * holder is recorded as the host lock's is (`/run/contiv.claim.lock.holder`), so a claim that
 * waits in vain names the run it waited for.
 */
export function claimLockScript(holder?: string): string {
  return [...lockPreamble(CLAIM_LOCK, 8, CLAIM_WAIT_SECONDS, holder), `echo ${CLAIMING}`, 'cat >/dev/null', ''].join('\n');
}

/** Why the claim lock could not be taken: another claim held it (named, when it recorded itself), or the host's own error. */
export function claimLockProblem(host: HostTarget, e: unknown): HostError {
  if (e instanceof Error && /exit 75/.test(e.message)) {
    const holder = new RegExp(`holds ${CLAIM_LOCK.replace(/[.]/g, '\\.')}: (.+)$`).exec(e.message)?.[1];
    return new HostError(host.name, 'command', `another claim of an address block on this host held ${CLAIM_LOCK} for ${CLAIM_WAIT_SECONDS} s${holder ? ` (${holder})` : ''}; nothing changed`, 'try again once it is done: a claim reads every host twice, and a host slow to answer slows it');
  }
  return lockProblem(host, e);
}

/**
 * Claims a block of `space` for `host` (the one holding `want`, when given): the protocol above.
 * One claim per host at a time (its own lock, /run/contiv.claim.lock): the next claimer of a
 * host finds the block the previous one claimed and claims none itself, so a burst of
 * containers on one host makes one claim, not one each (each claim reads every host twice).
 * The host's lock proper is held only to look and to write, never while other hosts are read,
 * so attaches and applies there wait milliseconds, not seconds.
 */
export async function claimBlock(transport: Transport, fleet: readonly HostTarget[], host: HostTarget, space: AddressSpace, options: ClaimOptions): Promise<ClaimOutcome> {
  let held;
  try {
    held = await transport.hold(host, claimLockScript(options.lock?.holder), CLAIMING, { timeoutMs: (CLAIM_WAIT_SECONDS + 30) * 1000 });
  } catch (e) {
    throw claimLockProblem(host, e);
  }
  try {
    return await claimHolding(transport, fleet, host, space, options);
  } finally {
    await held.release();
  }
}

async function claimHolding(transport: Transport, fleet: readonly HostTarget[], host: HostTarget, space: AddressSpace, options: ClaimOptions): Promise<ClaimOutcome> {
  const lock = options.lock ?? {};
  const network = `${space.tenant}/${space.network}`;
  const others = fleet.filter((h) => h.name !== host.name);
  const enough = (own: LiveHost): boolean => {
    const mine = idsOf(own);
    const taken = takenAddresses(mine, endpointsOf(own.state), space.tenant, space.network);
    return options.want === undefined ? freeAddress(mine, space.key, taken) !== undefined : ownBlockOf(mine, space.key, options.want) !== undefined;
  };
  // Another attach may have claimed while this one waited for the claim lock.
  if (enough(await withHostLock(transport, host, (session) => session.read(), lock))) return { ok: true };
  const first = await readFleet(transport, others, options.parallelism);
  if (!first.ok) return { ok: false, diagnostic: first.diagnostics[0]! };
  const written = await withHostLock(transport, host, async (session): Promise<ClaimOutcome | { key: string; block: Block }> => {
    const own = await session.read();
    if (!('contiv.owner' in idsOf(own))) return { ok: false, diagnostic: error('host-not-applied', `${host.name} has no contiv bridge yet`, undefined, 'contiv apply the manifests first') };
    if (enough(own)) return { ok: true };
    const fleetNow = { ...first.live, [host.name]: own };
    const piece = chooseBlock(space, occupiedIn(fleetNow, network), options.want, spreadOf(host.name));
    if (!piece) {
      // Taken since the caller looked (another attach's block or endpoint): the caller looks again.
      if (options.want !== undefined) return { ok: false, raced: host.name };
      const holders = Object.entries(fleetNow).map(([h, l]) => [h, parseBlocks(idsOf(l)).filter((b) => b.space === space.key).length] as const).filter(([, n]) => n > 0);
      return {
        ok: false,
        diagnostic: error('address-space-full', `no free address block left in ${space.key} (blocks held: ${holders.map(([h, n]) => `${h} ${n}`).join(', ') || 'none'})`, undefined, 'detach endpoints (contiv apply releases empty blocks), set a smaller spec.ipam.blockSize, or widen the subnet or ipPool'),
      };
    }
    const block: Block = { space: space.key, ...piece, state: 'pending' };
    const key = blockKey(space.key, piece.first);
    await setRecord(session, key, blockValue(block));
    return { key, block };
  }, lock);
  if (!('key' in written)) return written;
  const { key, block } = written;
  const second = await readFleet(transport, others, options.parallelism);
  const verdict = second.ok ? settleClaim(host.name, block, Object.fromEntries(Object.entries(second.live).map(([h, l]) => [h, idsOf(l)]))) : undefined;
  return withHostLock(transport, host, async (session): Promise<ClaimOutcome> => {
    // Released meanwhile (a plan settled it, someone removed it): try again from the start.
    if (idsOf(await session.read())[key] !== blockValue(block)) return { ok: false, raced: host.name };
    // Unconfirmed (a rival's record, or a host that could not be read): withdrawn.
    if (!verdict?.confirm) {
      await setRecord(session, key, undefined);
      return second.ok ? { ok: false, raced: (verdict as { rival: string }).rival } : { ok: false, diagnostic: second.diagnostics[0]! };
    }
    await setRecord(session, key, blockValue({ ...block, state: 'claimed' }));
    return { ok: true, block: { first: block.first, last: block.last } };
  }, lock);
}

/**
 * Gives back a block this run claimed when what it was claimed for failed: removed under the
 * host's lock, only while it is recorded as claimed and still empty (no endpoint, nothing lent).
 */
export function releaseIfEmpty(transport: Transport, host: HostTarget, space: string, block: IntRange, lock: HostLock = {}): Promise<boolean> {
  return withHostLock(transport, host, async (session) => {
    const live = await session.read();
    const ids = idsOf(live);
    const key = blockKey(space, block.first);
    if (ids[key] !== blockValue({ ...block, state: 'claimed' })) return false;
    const [tenant, network] = space.split('/') as [string, string];
    for (const n of takenAddresses(ids, endpointsOf(live.state), tenant, network)) if (n >= block.first && n <= block.last) return false;
    await setRecord(session, key, undefined);
    return true;
  }, lock);
}

export type LendOutcome = { ok: true } | { ok: false; diagnostic: Diagnostic } | { ok: false; raced: string };

/** Records on `owner` that its address `ip` of the network is lent to an endpoint on `to`. */
export function lendAddress(transport: Transport, owner: HostTarget, tenant: string, network: string, ip: number, to: string, lock: HostLock = {}): Promise<LendOutcome> {
  return withHostLock(transport, owner, async (session): Promise<LendOutcome> => {
    const live = await session.read();
    const ids = idsOf(live);
    if (!parseBlocks(ids).some((b) => b.state === 'claimed' && networkOfSpace(b.space) === `${tenant}/${network}` && b.first <= ip && ip <= b.last)) return { ok: false, raced: owner.name };
    const lentTo = parseLent(ids).find((l) => l.tenant === tenant && l.network === network && l.address === ip)?.to;
    // Already lent to that very host (an earlier attach there): the borrower's own lock decides whether it is free there.
    if (lentTo === to) return { ok: true };
    if (takenAddresses(ids, endpointsOf(live.state), tenant, network).has(ip)) {
      const user = endpointsOf(live.state).find((e) => e.tenant === tenant && e.network === network && e.ip === intToIp(ip));
      return { ok: false, diagnostic: error('ip-in-use', `${intToIp(ip)} is already used by ${user ? `${user.netns} on ${owner.name}` : `an endpoint on ${lentTo}`}`) };
    }
    await setRecord(session, lentKey(tenant, network, ip), to);
    return { ok: true };
  }, lock);
}

/** Takes a lend back (an attach that failed after lending). */
export function unlendAddress(transport: Transport, owner: HostTarget, tenant: string, network: string, ip: number, to: string, lock: HostLock = {}): Promise<void> {
  return withHostLock(transport, owner, async (session) => {
    const key = lentKey(tenant, network, ip);
    if (idsOf(await session.read())[key] === to) await setRecord(session, key, undefined);
  }, lock);
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
 * used, and the next plan settles them from its own read. `lock`: the apply's holder and wait,
 * for the host locks it takes here.
 */
export async function settleClaims(transport: Transport, fleet: readonly HostTarget[], claims: ReadonlyArray<{ host: string; key: string; value: string }>, parallelism: number, lock: HostLock = {}): Promise<SettledClaim[]> {
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
    }, lock),
  );
  return outcomes.flatMap((o) => (o.ok ? o.value : byHost.get(o.host)!.map((c) => ({ host: o.host, key: c.key, outcome: 'pending' as const, note: o.error.message }))));
}
