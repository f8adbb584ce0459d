import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { BRIDGE } from '../compile/pipeline.js';
import { blockKey, parseBlocks } from '../ipam/records.js';
import { networkOfSpace } from '../ipam/settle.js';
import { intToIp } from '../manifest/ipv4.js';
import type { LiveHost } from '../state/host-state.js';
import { TRUST_FLAG, TRUST_HINT } from './trust.js';

/*
 * Whether the hosts agree on who owns which addresses. Each host records its own address
 * blocks (ipam/records.ts), so hosts do not record the same thing differently as they do
 * allocations; they disagree when two of them record claimed blocks of a network that
 * overlap. The claim protocol (endpoint/claim.ts) never confirms a block another host
 * records, and a plan's own claims avoid every recorded block, so no contiv leaves that: a
 * host's records were edited, a host lies, or a host that left the Fabric came back holding
 * blocks others have claimed since. The address plan (ipam/fleet.ts) would settle it by itself,
 * the host with more endpoints in the block keeping it, which a host that lies about its
 * endpoints wins; so the plan is refused, naming the hosts and their blocks, unless
 * --trust-host names one of them: its blocks are kept, the other hosts' blocks overlapping
 * them are left out of the address plan (removed from those hosts; their endpoints there stay,
 * as addresses the trusted host lends).
 *
 * Pending blocks are a claim in progress: the address plan settles those by the protocol.
 */

/** Diagnostics shown one per set of overlapping blocks; beyond, one more says how many others. */
const SHOWN = 10;
/** Hosts named per set of overlapping blocks. */
const HOSTS_SHOWN = 5;

interface Claim {
  host: string;
  network: string;
  space: string;
  first: number;
  last: number;
}

export interface BlockAgreement {
  diagnostics: Diagnostic[];
  /** Per host, the block records the address plan must not see (key → why they go): another host is trusted with their addresses. */
  dropped: Record<string, Record<string, string>>;
}

function rangeText(c: { first: number; last: number }): string {
  return `${intToIp(c.first)}-${intToIp(c.last)}`;
}

function claimsOf(live: Readonly<Record<string, LiveHost>>): Claim[] {
  // Stryker disable next-line ArrayDeclaration: an element that is no claim has no host nor network: it sorts first, alone in its run, and no host is named for it
  const out: Claim[] = [];
  for (const [host, l] of Object.entries(live)) {
    for (const b of parseBlocks(l.state.bridges[BRIDGE]?.externalIds ?? {})) if (b.state === 'claimed') out.push({ host, network: networkOfSpace(b.space), space: b.space, first: b.first, last: b.last });
  }
  // By network, then address: overlapping blocks of a network follow one another.
  return out.sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : a.first - b.first || a.last - b.last));
}

/** Runs of blocks of one network that overlap one another (each overlaps one before it in the run). */
function overlapping(claims: readonly Claim[]): Claim[][] {
  const runs: Claim[][] = [];
  // Stryker disable next-line ArrayDeclaration: an element that is no claim has no network: it ends its run at the first claim, a run of no host, where nothing is named or dropped
  let run: Claim[] = [];
  // Stryker disable next-line UnaryOperator: read only once a run has begun, and its first block sets it
  let end = -1;
  for (const c of claims) {
    if (run.length && (c.network !== run[0]!.network || c.first > end)) {
      runs.push(run);
      run = [];
    }
    if (!run.length) end = c.last;
    run.push(c);
    end = Math.max(end, c.last);
  }
  // Stryker disable next-line ConditionalExpression: an empty run (no claims at all) holds no host and no block: nothing is named or dropped for it
  if (run.length) runs.push(run);
  return runs;
}

/**
 * Blocks of other hosts overlapping one of the trusted host's: they go, each with a trusted
 * block it overlaps. Per run, the trusted blocks in address order with the furthest end so far:
 * a block overlaps one of them exactly when, among those starting at or before its end, the
 * furthest end reaches its start.
 */
function outvoted(claims: readonly Claim[], trusted: string): Map<Claim, Claim> {
  const out = new Map<Claim, Claim>();
  for (const run of overlapping(claims)) {
    const mine = run.filter((c) => c.host === trusted);
    // Stryker disable next-line ConditionalExpression: a shortcut; with no trusted block in the run, the search below finds no keeper
    if (!mine.length) continue;
    const furthest: Claim[] = [];
    for (const t of mine) furthest.push(furthest.length && furthest.at(-1)!.last >= t.last ? furthest.at(-1)! : t);
    for (const c of run) {
      if (c.host === trusted) continue;
      // The last trusted block starting at or before c ends.
      let lo = 0;
      let hi = mine.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (mine[mid]!.first <= c.last) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      // Stryker disable next-line ConditionalExpression: furthest[-1] is undefined as well
      const keeper = at >= 0 ? furthest[at]! : undefined;
      if (keeper && keeper.last >= c.first) out.set(c, keeper);
    }
  }
  return out;
}

export function blocksAgree(live: Readonly<Record<string, LiveHost>>, trusted?: string): BlockAgreement {
  const all = claimsOf(live);
  const dropped: BlockAgreement['dropped'] = {};
  // Stryker disable next-line ConditionalExpression: with no trusted host, outvoted finds no block whose host is undefined: no block goes either way
  const gone = trusted === undefined ? new Map<Claim, Claim>() : outvoted(all, trusted);
  for (const [c, keeper] of gone) {
    (dropped[c.host] ??= {})[blockKey(c.space, c.first)] = `overlaps ${trusted}'s block ${rangeText(keeper)}, and ${trusted} is trusted (${TRUST_FLAG})`;
  }
  const refused: Diagnostic[] = [];
  for (const run of overlapping(all.filter((c) => !gone.has(c)))) {
    const byHost = new Map<string, string[]>();
    for (const c of run) {
      const list = byHost.get(c.host);
      if (list) list.push(rangeText(c));
      else byHost.set(c.host, [rangeText(c)]);
    }
    if (byHost.size < 2) continue;
    const named = [...byHost].map(([h, blocks]) => `${h} (${blocks.join(', ')})`);
    const shown = named.length > HOSTS_SHOWN ? `${named.slice(0, HOSTS_SHOWN - 1).join(', ')} and ${named.length - HOSTS_SHOWN + 1} more hosts` : named.join(', ');
    const span = { first: run[0]!.first, last: run.reduce((n, c) => Math.max(n, c.last), 0) };
    const note = trusted === undefined ? '' : `; ${trusted} (${TRUST_FLAG}) holds none of them`;
    refused.push(error('address-blocks-disagree', `hosts claim the same addresses of ${run[0]!.network} (${rangeText(span)}): ${shown}${note}`, undefined, `no contiv claims a block another host holds: ${TRUST_HINT}`));
  }
  const diagnostics = refused.slice(0, SHOWN);
  if (refused.length > SHOWN) diagnostics.push(error('address-blocks-disagree', `and ${refused.length - SHOWN} more sets of blocks that hosts claim alike`, undefined, TRUST_HINT));
  if (gone.size) {
    const lost = [...gone.keys()].map((c) => `${c.host}'s ${rangeText(c)} of ${c.network}`);
    diagnostics.push(warning('host-records-trusted', `taken from ${trusted} (${TRUST_FLAG}) where hosts claim the same addresses: ${trusted} keeps its blocks; these go: ${lost.slice(0, SHOWN).join(', ')}${lost.length > SHOWN ? ` and ${lost.length - SHOWN} more` : ''}`));
  }
  return { diagnostics, dropped };
}
