import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { GROUP_IDS, ZONE_IDS } from '../compile/pipeline.js';
import { parseRecords, recordKey, type ParsedRecord } from '../compile/records.js';
import type { Model } from '../model/types.js';
import type { HostState, LiveHost } from '../state/host-state.js';
import { holders } from './holders.js';
import { TRUST_FLAG, TRUST_HINT } from './trust.js';

/*
 * Whether the hosts agree on the numbers they record (VNIs, group ids, conntrack zones:
 * compile/allocate.ts), before the allocator reads them. The allocator keeps, per key, the
 * value most hosts record; so a host that records another value could sway it (on a tie, or
 * where the others' value can no longer be kept), and a plan would renumber a network on the
 * word of one host.
 *
 * What a partial apply leaves is not a disagreement, and a second plain plan must converge:
 *   - a key recorded on some hosts and not on others (a network added, reached some hosts);
 *   - a key whose old value the allocator can no longer keep, beside its new one. An existing
 *     key's allocation changes only when the manifests rule its value out: a VNI outside a
 *     changed vniRange, or a network whose `vni` is given (the manifests decide it, whatever is
 *     recorded). Group ids and zones never change (fixed ranges; a recorded value is kept).
 * So hosts disagree when they record two or more values for a key of the manifests that the
 * allocator could each keep. Such a plan is refused, naming the record, each value and its
 * hosts, unless --trust-host names a host holding one of them: its value is taken.
 */

type AllocationKind = 'vni' | 'gid' | 'zone';

const KINDS: readonly AllocationKind[] = ['vni', 'gid', 'zone'];

/** Diagnostics shown one per record; beyond, one more says how many others disagree. */
const SHOWN = 10;

/** Per allocation kind, whether the allocator could keep a recorded value of a key (absent: the key is not the manifests' to allocate). */
function keepable(model: Model): Record<AllocationKind, (key: string) => ((value: number) => boolean) | undefined> {
  const within = (range: { first: number; last: number }) => (v: number) => v >= range.first && v <= range.last;
  const automatic = new Set(model.networks.filter((n) => n.vni === undefined).map((n) => `${n.tenant}/${n.name}`));
  const groups = new Set(model.groups.map((g) => `${g.tenant}/${g.name}`));
  const tenants = new Set(model.tenants.map((t) => t.name));
  const vniRange = within(model.fabric.vniRange);
  return {
    vni: (key) => (automatic.has(key) ? vniRange : undefined),
    gid: (key) => (groups.has(key) ? within(GROUP_IDS) : undefined),
    zone: (key) => (tenants.has(key) ? within(ZONE_IDS) : undefined),
  };
}

interface Recorded {
  kind: AllocationKind;
  parts: string[];
  /**
   * Each value the allocator could keep, with the hosts recording it: one list per set of
   * hosts sharing their records, joined only for a record they disagree on (a thousand hosts
   * that agree are never copied once per record).
   */
  values: Map<number, string[][]>;
}

/** Per allocation record (`vni/default/web`), the values the allocator could keep and who records each. */
function keepableValues(model: Model, live: Readonly<Record<string, LiveHost>>): Map<string, Recorded> {
  // Hosts with the same records share one array (parseRecords): each is read once.
  const hostsOf = new Map<readonly ParsedRecord[], string[]>();
  for (const [host, l] of Object.entries(live)) {
    for (const bridge of Object.values(l.state.bridges)) {
      const records = parseRecords(bridge.externalIds);
      const list = hostsOf.get(records);
      if (list) list.push(host);
      else hostsOf.set(records, [host]);
    }
  }
  const keep = keepable(model);
  const out = new Map<string, Recorded>();
  for (const [records, hosts] of hostsOf) {
    for (const r of records) {
      if (!(KINDS as readonly string[]).includes(r.kind)) continue;
      const kind = r.kind as AllocationKind;
      const ok = keep[kind](r.parts.join('/'));
      // As the allocator reads it: "02" and "2" are one value.
      const value = Number(r.value);
      if (!ok || !Number.isInteger(value) || !ok(value)) continue;
      const id = `${kind}/${r.parts.join('/')}`;
      let rec = out.get(id);
      if (!rec) out.set(id, (rec = { kind, parts: r.parts, values: new Map() }));
      const holding = rec.values.get(value);
      if (holding) holding.push(hosts);
      else rec.values.set(value, [hosts]);
    }
  }
  return out;
}

export interface AllocationAgreement {
  /** Errors for records hosts disagree on; a warning for each taken from the trusted host. */
  diagnostics: Diagnostic[];
}

export function allocationsAgree(model: Model, live: Readonly<Record<string, LiveHost>>, trusted?: string): AllocationAgreement {
  const total = Object.keys(live).length;
  const refused: Diagnostic[] = [];
  const taken: string[] = [];
  // Stryker disable next-line EqualityOperator: ids are a Map's keys, never equal, so `a <= b` orders them as `a < b` does
  const ids = [...keepableValues(model, live)].filter(([, r]) => r.values.size > 1).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [, r] of ids) {
    const key = recordKey(r.kind, ...r.parts);
    // Most hosts first, then the lower value. (A host with two bridges is one host.)
    const values = [...r.values].map(([v, lists]): [number, Set<string>] => [v, new Set(lists.flat())]).sort(([va, a], [vb, b]) => b.size - a.size || va - vb);
    // Stryker disable next-line ConditionalExpression: with no trusted host, no set of hosts holds undefined: the filter gives [] as well
    const trustedValues = trusted === undefined ? [] : values.filter(([, hosts]) => hosts.has(trusted));
    if (trustedValues.length === 1) {
      const [value] = trustedValues[0]!;
      taken.push(`${key} = ${value}, not ${values.filter(([v]) => v !== value).map(([v, hosts]) => `${v} as on ${holders([...hosts], total)}`).join(' nor ')}`);
      continue;
    }
    const list = values.map(([v, hosts]) => `${v} on ${holders([...hosts], total)}`).join(', ');
    const note = trusted === undefined ? '' : `; ${trusted} (${TRUST_FLAG}) records ${trustedValues.length ? 'more than one of them' : 'none of them'}`;
    refused.push(error('host-records-disagree', `hosts disagree about ${key}: ${list}${note}`, undefined, TRUST_HINT));
  }
  const diagnostics = refused.slice(0, SHOWN);
  if (refused.length > SHOWN) diagnostics.push(error('host-records-disagree', `and ${refused.length - SHOWN} more records hosts disagree about`, undefined, TRUST_HINT));
  if (taken.length) {
    const shown = taken.slice(0, SHOWN).join('; ');
    diagnostics.push(warning('host-records-trusted', `taken from ${trusted} (${TRUST_FLAG}) where hosts disagree: ${shown}${taken.length > SHOWN ? `; and ${taken.length - SHOWN} more` : ''}`));
  }
  return { diagnostics };
}

/**
 * The hosts whose records the allocator counts. It keeps, per key, the value most hosts
 * record; counted once more for every host, the trusted host outvotes all the others
 * together. Where only one value can be kept (allocationsAgree), that changes nothing.
 */
export function allocationVoters(states: readonly HostState[], trusted?: string): HostState[] {
  // Stryker disable next-line ConditionalExpression: with no trusted host, no state's host is undefined: find gives undefined as well
  const trustedState = trusted === undefined ? undefined : states.find((s) => s.host === trusted);
  return trustedState ? [...states, ...states.map(() => trustedState)] : [...states];
}
