import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { modelIdentity, readModelRecords, recordsNoModel, type RecordedModel } from '../compile/model-records.js';
import { BRIDGE } from '../compile/pipeline.js';
import { unreadableModel } from '../compile/records.js';
import type { LiveHost } from '../state/host-state.js';
import { holders } from './holders.js';
import { TRUST_FLAG } from './trust.js';

/*
 * The model as last applied, as each host records it (compile/model-records.ts). It changes
 * on every apply, so after a partial apply hosts record different models, and a second plain
 * plan must still run; yet one host must not steer what the others' plan says or does. What
 * it is used for decides the rule:
 *
 *   - Refusals that keep endpoints whole (a network's subnet, gateway or VNI changing under
 *     its endpoints: checks.ts) judge each host's endpoints by that host's own records: a
 *     host whose records lie misleads only about its own endpoints. A host that records no
 *     model contiv can read is judged by the baseline below.
 *   - What a policy change means (policy/meaning.ts) is explained, not applied: it is worked
 *     out from the model most hosts record (the baseline; on a tie, the one of the host
 *     first in the Fabric), or the trusted host's with --trust-host, and every host that
 *     records another is named in a warning. A host alone cannot change the meaning shown,
 *     and hosts out of step are never silent.
 *
 * Nothing applied is decided from the merged records of several hosts.
 */

/** Warnings shown one per other model; beyond, one more says how many others. */
const SHOWN = 10;

const NO_MODEL: RecordedModel = Object.freeze({ networks: [], groups: [], policies: [] }) as RecordedModel;

export interface RecordedModels {
  /** The model a policy change's meaning is worked out from. */
  baseline: RecordedModel;
  /** The model a host records, or the baseline when it records none contiv can read. */
  on: (host: string) => RecordedModel;
  /** A warning per other model the hosts record, naming its hosts. */
  diagnostics: Diagnostic[];
}

/** The model a host records; undefined when it records none, or one contiv cannot read (modelRecordsReadable warns). */
function modelOn(l: LiveHost): RecordedModel | undefined {
  const ids = l.state.bridges[BRIDGE]?.externalIds;
  if (!ids || unreadableModel(ids)) return undefined;
  const m = readModelRecords(ids);
  return recordsNoModel(m) ? undefined : m;
}

/** `order`: the Fabric's host names, which break a tie. */
export function recordedModels(order: readonly string[], live: Readonly<Record<string, LiveHost>>, trusted?: string): RecordedModels {
  const rank = new Map(order.map((h, i) => [h, i]));
  // Stryker disable next-line EqualityOperator,ConditionalExpression: host names never tie, so `a <= b` is `a < b` and `a > b` is true where it is read; and sort tells a negative result only from the rest, so 0 there orders as 1 does
  const hosts = Object.keys(live).sort((a, b) => (rank.get(a) ?? order.length) - (rank.get(b) ?? order.length) || (a < b ? -1 : a > b ? 1 : 0));
  const own = new Map<string, RecordedModel>();
  // Hosts whose records are the same text share one reading: compared once, by object, then by content.
  const byReading = new Map<RecordedModel, string[]>();
  for (const h of hosts) {
    const m = modelOn(live[h]!);
    if (!m) continue;
    own.set(h, m);
    const list = byReading.get(m);
    if (list) list.push(h);
    else byReading.set(m, [h]);
  }
  const models = new Map<string, { model: RecordedModel; hosts: string[] }>();
  for (const [m, list] of byReading) {
    const id = modelIdentity(m);
    const known = models.get(id);
    if (known) known.hosts.push(...list);
    else models.set(id, { model: m, hosts: [...list] });
  }
  const groups = [...models.values()];
  // Stryker disable next-line ConditionalExpression: with no trusted host, no group's hosts include undefined: find gives undefined as well
  const trustedGroup = trusted === undefined ? undefined : groups.find((g) => g.hosts.includes(trusted));
  // Groups are in the order of their first host: on a tie, the earlier one is kept.
  const baseline = trustedGroup ?? groups.reduce<(typeof groups)[number] | undefined>((best, g) => (!best || g.hosts.length > best.hosts.length ? g : best), undefined);
  const total = hosts.length;
  const trusting = trustedGroup !== undefined;
  // Stryker disable next-line StringLiteral: with neither a trusted group nor a baseline there are no other models, and `whose` is never read
  const whose = trusting ? `${trusted} (trusted: ${TRUST_FLAG})` : baseline ? holders(baseline.hosts, total) : '';
  const others = groups.filter((g) => g !== baseline);
  const diagnostics = others.slice(0, SHOWN).map((g): Diagnostic => {
    const one = g.hosts.length === 1;
    const message = `${holders(g.hosts, total)} record${one ? 's' : ''} another model as last applied than ${whose}: a partial apply, or records changed on ${one ? 'that host' : 'those hosts'}. What a policy change means is worked out from the model of ${whose}`;
    const d = trusting ? warning('recorded-models-differ', message) : warning('recorded-models-differ', message, undefined, `to work it out from another host's model, plan again with ${TRUST_FLAG} NAME`);
    return one ? { ...d, address: g.hosts[0]! } : d;
  });
  if (others.length > SHOWN) diagnostics.push(warning('recorded-models-differ', `and ${others.length - SHOWN} more models, each recorded by other hosts`));
  const base = baseline?.model ?? NO_MODEL;
  return { baseline: base, on: (h) => own.get(h) ?? base, diagnostics };
}
