import { setTimeout as sleep } from 'node:timers/promises';
import { BRIDGE } from '../compile/pipeline.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_PARALLELISM } from '../host/fleet.js';
import type { HostTarget, Transport } from '../host/transport.js';
import { parseBlocks } from '../ipam/records.js';
import { networkOfSpace } from '../ipam/settle.js';
import { spaceOfAddress, type AddressSpace } from '../ipam/spaces.js';
import { intToIp, ipToInt, type IntRange } from '../manifest/ipv4.js';
import { endpointsOf } from '../state/endpoint.js';
import { claimBlock, lendAddress, readFleet, releaseIfEmpty, unlendAddress } from './claim.js';
import { attachLocal, type AttachOutcome } from './local.js';
import type { Checked } from './request.js';
import type { HostLock } from './session.js';

/** How often attach tries again when a claim or a lend lost a race with another attach or apply. */
const ATTEMPTS = 5;

function fail(code: string, message: string, hint?: string): Diagnostic[] {
  return [error(code, message, undefined, hint)];
}

/** Both may have withdrawn: wait a random moment so that one of them goes first next time. */
function backoff(): Promise<void> {
  return sleep(100 + Math.random() * 900);
}

/**
 * `contiv attach`: the host-local path on the one host. Only when that host has no free address
 * (or the address asked for lies outside its blocks) does it read the other hosts: to claim a
 * block (claim.ts) or to borrow the address from the host that owns it. `say` tells the user
 * what happened on the way (a block claimed, an address lent). Every host lock it takes (the
 * attach's host, a lender, the claim's) records `lock.holder` and waits `lock.waitSeconds`.
 */
export async function attachAnywhere(transport: Transport, fleet: readonly HostTarget[], c: Checked, say: (line: string) => void, lock: HostLock = {}): Promise<{ outcome?: AttachOutcome; diagnostics: Diagnostic[] }> {
  const claimed: Array<{ space: string; block: IntRange }> = [];
  try {
    const result = await attempts(transport, fleet, c, say, claimed, lock);
    if (result.outcome?.ok) return result;
    // A refused attach changes nothing: a block claimed for it goes back (when still empty).
    for (const k of claimed) await releaseIfEmpty(transport, c.host, k.space, k.block, lock);
    return result;
  } catch (e) {
    for (const k of claimed) await releaseIfEmpty(transport, c.host, k.space, k.block, lock).catch(() => undefined);
    throw e;
  }
}

async function attempts(transport: Transport, fleet: readonly HostTarget[], c: Checked, say: (line: string) => void, claimed: Array<{ space: string; block: IntRange }>, lock: HostLock): Promise<{ outcome?: AttachOutcome; diagnostics: Diagnostic[] }> {
  const { host, request } = c;
  /** One claim: 'again' to look again (claimed, or lost a race), or the diagnostics to stop with. */
  const claim = async (space: AddressSpace, want?: number): Promise<'again' | Diagnostic[]> => {
    const r = await claimBlock(transport, fleet, host, space, { ...(want !== undefined ? { want } : {}), parallelism: DEFAULT_PARALLELISM, lock });
    if (r.ok) {
      if (r.block) {
        claimed.push({ space: space.key, block: r.block });
        say(`Claimed address block ${intToIp(r.block.first)}-${intToIp(r.block.last)} of ${space.key} for ${host.name}.`);
      }
      return 'again';
    }
    if ('diagnostic' in r) return [r.diagnostic];
    await backoff();
    return 'again';
  };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (request.ip !== undefined) {
      const ip = ipToInt(request.ip);
      const read = await readFleet(transport, fleet, DEFAULT_PARALLELISM);
      if (!read.ok) return { diagnostics: read.diagnostics };
      const network = `${request.tenant}/${request.network}`;
      for (const [name, l] of Object.entries(read.live)) {
        const user = endpointsOf(l.state).find((e) => `${e.tenant}/${e.network}` === network && e.ip === request.ip);
        if (user) return { diagnostics: fail('ip-in-use', `--ip ${request.ip} is already used by ${user.netns} on ${name}`) };
      }
      const owner = Object.entries(read.live)
        .flatMap(([name, l]) => parseBlocks(l.state.bridges[BRIDGE]?.externalIds ?? {}).map((b) => ({ host: name, ...b })))
        .find((b) => networkOfSpace(b.space) === network && b.first <= ip && ip <= b.last);
      if (owner?.host === host.name && owner.state === 'claimed') return { outcome: await attachLocal(transport, host, request, lock), diagnostics: [] };
      if (owner?.state === 'pending') {
        await backoff();
        continue;
      }
      if (!owner) {
        const next = await claim(spaceOfAddress(c.spaces, ip) ?? c.space, ip);
        if (Array.isArray(next)) return { diagnostics: next };
        continue;
      }
      const lender = fleet.find((h) => h.name === owner.host)!;
      const lent = await lendAddress(transport, lender, request.tenant, request.network, ip, host.name, lock);
      if (!lent.ok && 'diagnostic' in lent) return { diagnostics: [lent.diagnostic] };
      if (!lent.ok) continue;
      try {
        const outcome = await attachLocal(transport, host, { ...request, lentBy: owner.host }, lock);
        if (!outcome.ok) await unlendAddress(transport, lender, request.tenant, request.network, ip, host.name, lock);
        else say(`${request.ip} lies in ${owner.host}'s address block: lent by ${owner.host}.`);
        return { outcome, diagnostics: [] };
      } catch (e) {
        await unlendAddress(transport, lender, request.tenant, request.network, ip, host.name, lock).catch(() => undefined);
        throw e;
      }
    }
    const outcome = await attachLocal(transport, host, request, lock);
    if (outcome.ok || outcome.needsBlock === undefined) return { outcome, diagnostics: [] };
    const next = await claim(c.space);
    if (Array.isArray(next)) return { diagnostics: next };
  }
  return { diagnostics: fail('attach-raced', `${host.name}: other attaches kept taking the address blocks chosen for this one`, 'try again') };
}

