import { cidrRange, intToIp, ipToInt, parseCidr } from '../manifest/ipv4.js';
import { decide, type Party, type PolicyRule, type PolicyView, type Probe } from './decide.js';

/*
 * What a policy change means, in words a reviewer reads in seconds:
 *   ~ db-policy: web-group → db-group tcp/5432 becomes allowed
 *   - cache-policy: all traffic into cache-group becomes allowed (policy removed)
 * Derived from the model before (as recorded on the hosts) and after (the manifests) by asking
 * the policy semantics (decide) the same questions of both, never from flow text.
 */

export interface MeaningLine {
  symbol: '+' | '~' | '-';
  /** `tenant/policy`, or `tenant/group` when only an attachment changed. */
  subject: string;
  text: string;
}

export interface NetworkView {
  tenant: string;
  name: string;
}

interface Candidate {
  label: string;
  party: Party;
}

const ALL_PORTS = { first: 1, last: 65535 };

/** Questions above this many decisions per network are summarised instead of spelled out. */
const BUDGET = 400_000;

export function policyMeaning(before: PolicyView & { networks: readonly NetworkView[] }, after: PolicyView & { networks: readonly NetworkView[] }): MeaningLine[] {
  const changedPolicies = changedPolicyNames(before, after);
  const affected = affectedGroups(before, after, changedPolicies);
  if (affected.size === 0) return [];
  const lines: MeaningLine[] = [];
  const networks = new Map<string, NetworkView>();
  for (const n of [...before.networks, ...after.networks]) networks.set(`${n.tenant}/${n.name}`, n);
  for (const network of [...networks.values()].sort((a, b) => (`${a.tenant}/${a.name}` < `${b.tenant}/${b.name}` ? -1 : 1))) {
    lines.push(...networkMeaning(before, after, network, affected, changedPolicies));
  }
  return lines;
}

function key(x: { tenant: string; name: string }): string {
  return `${x.tenant}/${x.name}`;
}

/** A policy's rules as text, without where they were written: the Model's rules carry a source, the recorded ones do not. */
function rulesText(rules: ReadonlyArray<PolicyRule & { source?: unknown }>): string {
  return JSON.stringify(rules.map(({ source: _source, ...rule }) => Object.fromEntries(Object.entries(rule).sort(([x], [y]) => (x < y ? -1 : 1)))));
}

function changedPolicyNames(before: PolicyView, after: PolicyView): Set<string> {
  const b = new Map(before.policies.map((p) => [key(p), rulesText(p.rules)]));
  const a = new Map(after.policies.map((p) => [key(p), rulesText(p.rules)]));
  return new Set([...new Set([...b.keys(), ...a.keys()])].filter((k) => b.get(k) !== a.get(k)));
}

/** Groups whose rules may decide differently: their policy list or one of their policies changed. */
function affectedGroups(before: PolicyView, after: PolicyView, changed: Set<string>): Set<string> {
  const out = new Set<string>();
  const attach = (v: PolicyView) => new Map(v.groups.map((g) => [key(g), `${g.network}|${g.policies.join(',')}`]));
  const b = attach(before);
  const a = attach(after);
  for (const g of new Set([...b.keys(), ...a.keys()])) if (b.get(g) !== a.get(g)) out.add(g);
  for (const v of [before, after]) for (const g of v.groups) if (g.policies.some((p) => changed.has(`${g.tenant}/${p}`))) out.add(key(g));
  return out;
}

function rulesOf(view: PolicyView, tenant: string, group: string): PolicyRule[] {
  const g = view.groups.find((x) => x.tenant === tenant && x.name === group);
  return (g?.policies ?? []).flatMap((p) => view.policies.find((x) => x.tenant === tenant && x.name === p)?.rules ?? []);
}

function networkMeaning(before: PolicyView, after: PolicyView, network: NetworkView, affected: Set<string>, changedPolicies: Set<string>): MeaningLine[] {
  const groupsHere = (v: PolicyView) => v.groups.filter((g) => g.tenant === network.tenant && g.network === network.name).map((g) => g.name);
  const groups = [...new Set([...groupsHere(before), ...groupsHere(after)])].sort();
  if (!groups.some((g) => affected.has(`${network.tenant}/${g}`))) return [];
  const rules = groups.flatMap((g) => [...rulesOf(before, network.tenant, g), ...rulesOf(after, network.tenant, g)]);
  const cidrs = [...new Set(rules.flatMap((r) => (r.peer?.kind === 'cidr' ? [r.peer.value] : [])))].sort();
  const outside = addressOutside(cidrs);
  const candidates: Candidate[] = [
    ...groups.map((g) => ({ label: g, party: { tenant: network.tenant, network: network.name, group: g, ip: outside } })),
    { label: 'endpoints without a group', party: { tenant: network.tenant, network: network.name, ip: outside } },
    ...cidrs.map((c) => ({ label: c, party: { tenant: network.tenant, network: network.name, ip: intToIp(cidrRange(parseCidr(c)).first) } })),
  ];
  const probes = probeClasses(rules);
  if (candidates.length ** 2 * probes.length > BUDGET) {
    return [...changedPolicies].filter((p) => p.startsWith(`${network.tenant}/`)).map((p) => ({ symbol: '~', subject: p, text: `rules change (too many combinations on ${network.name} to spell out; run contiv verify after apply)` }));
  }

  // For each source, destination and probe class: the decision after, when it differs from before.
  interface Change {
    src: string;
    dst: string;
    cls: ProbeClass;
    allowed: boolean;
    subject: string;
  }
  const changes: Change[] = [];
  for (const src of candidates) {
    for (const dst of candidates) {
      const relevant = (src.party.group && affected.has(`${network.tenant}/${src.party.group}`)) || (dst.party.group && affected.has(`${network.tenant}/${dst.party.group}`));
      if (!relevant) continue;
      for (const cls of probes) {
        const b = decide(before, src.party, dst.party, cls.probe);
        const a = decide(after, src.party, dst.party, cls.probe);
        if (a.allowed === b.allowed) continue;
        const rule = a.inRule ?? a.outRule ?? b.inRule ?? b.outRule;
        const subject = rule ? `${rule.tenant}/${rule.policy}` : `${network.tenant}/${(dst.party.group && affected.has(`${network.tenant}/${dst.party.group}`) ? dst.party.group : src.party.group) ?? '?'}`;
        changes.push({ src: src.label, dst: dst.label, cls, allowed: a.allowed, subject });
      }
    }
  }
  return describe(changes, candidates.map((c) => c.label), before, after);

  function describe(list: Change[], everyone: string[], b: PolicyView, a: PolicyView): MeaningLine[] {
    // (subject, destination, decision, protocol) → per source, the port classes that changed.
    const byDst = new Map<string, { subject: string; dst: string; allowed: boolean; protocol: string; ports: Map<string, ProbeClass[]> }>();
    for (const c of list) {
      const k = `${c.subject}|${c.dst}|${c.allowed}|${c.cls.protocol}`;
      const g = byDst.get(k) ?? { subject: c.subject, dst: c.dst, allowed: c.allowed, protocol: c.cls.protocol, ports: new Map() };
      g.ports.set(c.src, [...(g.ports.get(c.src) ?? []), c.cls]);
      byDst.set(k, g);
    }
    const facts: Fact[] = [];
    for (const g of byDst.values()) {
      // Sources that share the same ports are one fact; all of them together read "into".
      const bySpan = new Map<string, string[]>();
      for (const [src, classes] of g.ports) {
        const span = portsText(g.protocol, classes);
        bySpan.set(span, [...(bySpan.get(span) ?? []), src]);
      }
      for (const [span, srcs] of bySpan) {
        const what = span === '' ? g.protocol : span;
        if (srcs.length === everyone.length) facts.push({ subject: g.subject, dst: g.dst, what, allowed: g.allowed });
        else facts.push({ subject: g.subject, src: srcs.sort().join(', '), dst: g.dst, what, allowed: g.allowed });
      }
    }
    return render(mergeProtocols(fromEveryone(facts, everyone), probes.map((p) => p.protocol)), b, a);
  }
}

/** One statement: traffic `what` from src (undefined: anyone) to dst (undefined: anyone) becomes allowed or denied. */
interface Fact {
  subject: string;
  src?: string;
  dst?: string;
  what: string;
  allowed: boolean;
}

/** A source whose change holds towards every destination reads "… from web-group". */
function fromEveryone(facts: Fact[], everyone: string[]): Fact[] {
  const bySrc = new Map<string, Fact[]>();
  for (const f of facts) {
    if (f.src === undefined || f.dst === undefined) continue;
    const k = `${f.subject}|${f.src}|${f.what}|${f.allowed}`;
    bySrc.set(k, [...(bySrc.get(k) ?? []), f]);
  }
  const gone = new Set<Fact>();
  const out: Fact[] = [];
  for (const group of bySrc.values()) {
    if (new Set(group.map((f) => f.dst)).size !== everyone.length) continue;
    for (const f of group) gone.add(f);
    const { dst: _dst, ...rest } = group[0]!;
    out.push(rest);
  }
  return [...facts.filter((f) => !gone.has(f)), ...out];
}

/**
 * The same change for every protocol class of the network (tcp, udp, icmp, each protocol number
 * a rule names, and every other protocol) is "all traffic"; short of one, each stays its own line.
 */
function mergeProtocols(facts: Fact[], classes: readonly string[]): Fact[] {
  const full = [...new Set(classes)];
  const groups = new Map<string, Fact[]>();
  for (const f of facts) {
    if (!full.includes(f.what)) continue;
    const k = `${f.subject}|${f.src ?? '*'}|${f.dst ?? '*'}|${f.allowed}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const gone = new Set<Fact>();
  const out: Fact[] = [];
  for (const group of groups.values()) {
    if (!full.every((p) => group.some((f) => f.what === p))) continue;
    for (const f of group) gone.add(f);
    out.push({ ...group[0]!, what: 'all traffic' });
  }
  return [...facts.filter((f) => !gone.has(f)), ...out];
}

function render(facts: Fact[], before: PolicyView, after: PolicyView): MeaningLine[] {
  return facts
    .map((f): MeaningLine => {
      const becomes = `becomes ${f.allowed ? 'allowed' : 'denied'}`;
      const text =
        f.src !== undefined && f.dst !== undefined
          ? `${f.src} → ${f.dst} ${f.what} ${becomes}`
          : f.dst !== undefined
            ? `${f.what} into ${f.dst} ${becomes}`
            : f.src !== undefined
              ? `${f.what} from ${f.src} ${becomes}`
              : `${f.what} ${becomes}`;
      const inBefore = before.policies.some((p) => key(p) === f.subject);
      const inAfter = after.policies.some((p) => key(p) === f.subject);
      const symbol = inBefore && !inAfter ? '-' : !inBefore && inAfter ? '+' : '~';
      return { symbol, subject: f.subject, text: symbol === '-' ? `${text} (policy removed)` : symbol === '+' ? `${text} (policy added)` : text };
    })
    .sort((x, y) => (x.subject + x.text < y.subject + y.text ? -1 : 1));
}

interface ProbeClass {
  protocol: string;
  probe: Probe;
  ports?: { first: number; last: number };
}

/** One question per protocol and per elementary port interval of the rules (tcp/udp). */
function probeClasses(rules: readonly PolicyRule[]): ProbeClass[] {
  const out: ProbeClass[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    const cuts = new Set<number>([ALL_PORTS.first, ALL_PORTS.last + 1]);
    for (const r of rules) if (r.ports && (r.protocol === protocol || r.protocol === 'any')) {
      cuts.add(r.ports.first);
      cuts.add(r.ports.last + 1);
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) out.push({ protocol, probe: { protocol, port: sorted[i]! }, ports: { first: sorted[i]!, last: sorted[i + 1]! - 1 } });
  }
  out.push({ protocol: 'icmp', probe: { protocol: 'icmp' } });
  const numbers = [...new Set(rules.flatMap((r) => (typeof r.protocol === 'number' ? [r.protocol] : [])))].sort((a, b) => a - b);
  for (const n of numbers) out.push({ protocol: `protocol ${n}`, probe: { protocol: n } });
  let other = 2;
  while (numbers.includes(other) || other === 6 || other === 17) other++;
  out.push({ protocol: 'other protocols', probe: { protocol: other } });
  return out;
}

/** "tcp/5432", "tcp/80,443", "udp/1-1024"; '' when the classes cover every port (or have none). */
function portsText(protocol: string, classes: readonly ProbeClass[]): string {
  const ranges = classes.flatMap((c) => (c.ports ? [c.ports] : [])).sort((a, b) => a.first - b.first);
  if (ranges.length === 0) return '';
  const merged: Array<{ first: number; last: number }> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && last.last + 1 === r.first) last.last = r.last;
    else merged.push({ ...r });
  }
  if (merged.length === 1 && merged[0]!.first === ALL_PORTS.first && merged[0]!.last === ALL_PORTS.last) return '';
  const list = (rs: ReadonlyArray<{ first: number; last: number }>) => rs.map((r) => (r.first === r.last ? String(r.first) : `${r.first}-${r.last}`)).join(',');
  // Most of the port space: say what is left out ("tcp except 5432").
  const gaps: Array<{ first: number; last: number }> = [];
  let next = ALL_PORTS.first;
  for (const r of merged) {
    if (r.first > next) gaps.push({ first: next, last: r.first - 1 });
    next = r.last + 1;
  }
  if (next <= ALL_PORTS.last) gaps.push({ first: next, last: ALL_PORTS.last });
  const covered = merged.reduce((n, r) => n + r.last - r.first + 1, 0);
  if (covered > (ALL_PORTS.last - ALL_PORTS.first + 1) / 2 && gaps.length < merged.length + 1 && gaps.length <= 3) return `${protocol} except ${list(gaps)}`;
  return `${protocol}/${list(merged)}`;
}

/** An address inside none of the CIDRs the rules name, standing for "an endpoint elsewhere in the subnet". */
function addressOutside(cidrs: readonly string[]): string {
  const ranges = cidrs.map((c) => cidrRange(parseCidr(c)));
  for (let n = ipToInt('255.255.255.254'); n > 0; n -= 65536) if (!ranges.some((r) => n >= r.first && n <= r.last)) return intToIp(n);
  return '0.0.0.1';
}
