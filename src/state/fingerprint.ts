import { createHash } from 'node:crypto';
import { flowKey, type Flow, type HostState } from './host-state.js';
import { decodeCookie, KIND_KEY } from './marks.js';
import { bridgeFlows } from './flow-list.js';
import { isAddressRecord } from '../ipam/records.js';

/**
 * Fingerprint of a host's managed infrastructure: bridges, tunnel ports, flows and files — not
 * endpoints, address records (blocks, lent addresses), counters or locks. Containers come and go between plan and apply without making
 * a plan stale, so their ports and flows are left out, and so are the actions of network
 * flows (a network's flood list names its local endpoints). What a plan changes among those is
 * checked exactly, under the host's lock, by the executor (plan/scope.ts). A saved plan
 * records this per host; apply refuses a host whose fingerprint moved. Keys are sorted and flows
 * are a multiset (flowsDigest), so equal states hash equally whatever the order.
 */
export function fingerprintHost(state: HostState): string {
  const lines: string[] = [];
  for (const name of Object.keys(state.bridges).sort()) {
    const b = state.bridges[name]!;
    const records = Object.entries(b.externalIds).filter(([k]) => !isAddressRecord(k));
    lines.push(`bridge ${JSON.stringify([name, b.datapathType, b.failMode, sortEntries(records)])}`);
    for (const p of Object.keys(b.ports).sort()) {
      const port = b.ports[p]!;
      if (port.externalIds[KIND_KEY] === 'endpoint') continue;
      lines.push(`port ${name} ${JSON.stringify({ ...port, options: sortEntries(Object.entries(port.options)), externalIds: sortEntries(Object.entries(port.externalIds)) })}`);
    }
    lines.push(`flows ${name} ${flowsDigest(bridgeFlows(b).flows)}`);
  }
  for (const path of Object.keys(state.files ?? {}).sort()) lines.push(`file ${JSON.stringify([path, state.files![path]!.sha256, state.files![path]!.mode])}`);
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

/**
 * The flows of a bridge as a multiset: the sum, word by word, of each flow's own digest, which
 * is the same whatever order the switch dumps them in. Hosts share their Flow objects (the
 * parser reads each distinct line once), so a flow's digest is worked out once per plan, not
 * once per host; a plan of 1,000 hosts with 1,600 flows each sorted 1.6 million lines. And
 * hosts list them mostly alike: a run of flows that are, one for one, a run of the reference
 * (an earlier bridge's flows, with their sums so far) counts as that run's sum, without a
 * look-up per flow.
 */
function flowsDigest(list: readonly Flow[]): string {
  const sum = new Uint32Array(WORDS);
  let count = 0;
  const ref = reference;
  const own = (f: Flow) => {
    const words = flowWords(f);
    if (!words) return;
    count++;
    // Stryker disable next-line EqualityOperator: a ninth word is undefined, and a Uint32Array of eight ignores it
    for (let i = 0; i < WORDS; i++) sum[i] = (sum[i]! + words[i]!) >>> 0;
  };
  const run = (from: number, to: number) => {
    // Stryker disable next-line LogicalOperator,ConditionalExpression,EqualityOperator: a run of no flows adds nothing (and without a reference every run is empty)
    if (!ref || to <= from) return;
    count += ref.counts[to]! - ref.counts[from]!;
    // Stryker disable next-line EqualityOperator: a ninth word is the next row's first, and a Uint32Array of eight ignores it
    for (let i = 0; i < WORDS; i++) sum[i] = (sum[i]! + ref.sums[to * WORDS + i]! - ref.sums[from * WORDS + i]!) >>> 0;
  };
  // j: the reference's next flow; runStart: where the current run of it began.
  let j = 0;
  let runStart = 0;
  let matched = 0;
  let total = 0;
  for (let n = 0; n < list.length; n++) {
    const f = list[n]!;
    // Stryker disable next-line UpdateOperator: counts that choose the reference only; the digest is the same
    total++;
    // Stryker disable next-line ConditionalExpression,BlockStatement: the reference not used, every flow counts on its own: the same digest
    if (ref) {
      // Stryker disable next-line ConditionalExpression,BlockStatement: a flow not taken from the reference counts on its own: the same digest
      if (ref.flows[j] === f) {
        j++;
        // Stryker disable next-line UpdateOperator: counts that choose the reference only; the digest is the same
        matched++;
        continue;
      }
      // Stryker disable next-line ConditionalExpression,BlockStatement,ArithmeticOperator: a flow not taken from the reference counts on its own (and flows[j - 1] was matched already): the same digest
      if (ref.flows[j + 1] === f) {
        // The reference has a flow here that this bridge has not: the run ends before it.
        run(runStart, j);
        runStart = j + 1;
        j += 2;
        // Stryker disable next-line UpdateOperator: counts that choose the reference only; the digest is the same
        matched++;
        continue;
      }
    }
    own(f);
  }
  run(runStart, j);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,BooleanLiteral,ArithmeticOperator: which bridge is the reference; the digest is the same
  if (!ref || matched < total / 2) reference = referenceOf(list);
  return `${count} ${Array.from(sum, (w) => w.toString(16).padStart(8, '0')).join('')}`;
}

/** The flows of one bridge in order, with the sums of their digests (and their count) before each. */
let reference: { flows: readonly Flow[]; sums: Uint32Array; counts: Uint32Array } | undefined;

// Stryker disable next-line BlockStatement: no reference (undefined), every flow counts on its own: the same digest
function referenceOf(list: readonly Flow[]): NonNullable<typeof reference> {
  const sums = new Uint32Array((list.length + 1) * WORDS);
  const counts = new Uint32Array(list.length + 1);
  list.forEach((f, n) => {
    const words = flowWords(f);
    counts[n + 1] = counts[n]! + (words ? 1 : 0);
    // Stryker disable next-line EqualityOperator: a ninth word lands in the next row's first, written again after it (or past the end, ignored)
    for (let i = 0; i < WORDS; i++) sums[(n + 1) * WORDS + i] = (sums[n * WORDS + i]! + (words ? words[i]! : 0)) >>> 0;
  });
  return { flows: list, sums, counts };
}

const WORDS = 8;
const digests = new WeakMap<Flow, Uint32Array | null>();

/** A flow's digest as 32-bit words; null for flows the fingerprint leaves out (endpoints'). */
function flowWords(f: Flow): Uint32Array | null {
  let words = digests.get(f);
  // Stryker disable next-line ConditionalExpression: a cache; hashing again gives the same words
  if (words === undefined) {
    const kind = decodeCookie(f.cookie).kind;
    if (kind === 'endpoint') words = null;
    else {
      const digest = createHash('sha256').update(`${flowKey(f)} ${f.cookie} ${kind === 'network' ? '' : f.actions}`).digest();
      // Big-endian words: a saved plan's fingerprint is checked by whatever machine applies it.
      words = Uint32Array.from({ length: WORDS }, (_, i) => digest.readUInt32BE(i * 4));
    }
    digests.set(f, words);
  }
  return words;
}

function sortEntries(entries: Array<[string, string]>): Array<[string, string]> {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
