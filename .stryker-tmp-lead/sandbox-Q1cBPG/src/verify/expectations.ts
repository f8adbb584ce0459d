// @ts-nocheck
import type { Model } from '../model/types.js';
import { decide, type Decision, type Probe, type RuleRef } from '../policy/decide.js';
import type { Endpoint } from '../state/endpoint.js';

/*
 * Pure: which probes `contiv verify` sends and what each should observe, from the model and
 * the attached endpoints. By default one pair per (source group, destination group, same host
 * or across hosts), for every port a rule of that pair names plus one port no rule names, and
 * one pair per pair of networks (which must be isolated); `full` probes every pair.
 */

export interface PlannedProbe {
  id: number;
  from: Endpoint;
  to: Endpoint;
  probe: Probe;
  expected: Decision;
}

const NO_GROUP = '(no group)';

function groupRules(model: Model, e: Endpoint, direction: 'in' | 'out') {
  const g = model.groups.find((x) => x.tenant === e.tenant && x.name === e.group);
  return (g?.policies ?? []).flatMap((p) => model.policies.find((x) => x.tenant === e.tenant && x.name === p)?.rules ?? []).filter((r) => r.direction === direction);
}

/** The questions for one pair: each port its rules name (tcp), icmp when a rule names it or any protocol, and a port no rule names. */
function probesFor(model: Model, from: Endpoint, to: Endpoint): Probe[] {
  const rules = [...groupRules(model, to, 'in'), ...groupRules(model, from, 'out')];
  const ports = new Set<number>();
  for (const r of rules) if (r.ports && (r.protocol === 'tcp' || r.protocol === 'any')) {
    ports.add(r.ports.first);
    if (r.ports.last !== r.ports.first) ports.add(r.ports.last);
  }
  let unnamed = 1000;
  while (rules.some((r) => r.ports && unnamed >= r.ports.first && unnamed <= r.ports.last)) unnamed++;
  ports.add(unnamed);
  const probes: Probe[] = [...ports].sort((a, b) => a - b).map((port) => ({ protocol: 'tcp', port }));
  if (rules.some((r) => r.protocol === 'icmp' || r.protocol === 'any')) probes.push({ protocol: 'icmp' });
  return probes;
}

export function planProbes(model: Model, endpoints: readonly Endpoint[], full: boolean): PlannedProbe[] {
  const out: PlannedProbe[] = [];
  const seen = new Set<string>();
  const ordered = [...endpoints].sort((a, b) => (`${a.host}/${a.netns}` < `${b.host}/${b.netns}` ? -1 : 1));
  for (const from of ordered) {
    for (const to of ordered) {
      if (from === to) continue;
      const sameNetwork = from.tenant === to.tenant && from.network === to.network;
      if (!sameNetwork) {
        // Isolation: only where the address can reach nobody else in the source's network.
        if (ordered.some((e) => e.tenant === from.tenant && e.network === from.network && e.ip === to.ip)) continue;
      }
      const kind = sameNetwork
        ? `${from.tenant}/${from.group ?? NO_GROUP}>${to.group ?? NO_GROUP}|${from.host === to.host ? 'same' : 'cross'}`
        : `${from.tenant}/${from.network}>${to.tenant}/${to.network}`;
      if (!full && seen.has(kind)) continue;
      seen.add(kind);
      for (const probe of sameNetwork ? probesFor(model, from, to) : [{ protocol: 'tcp' as const, port: 1000 }]) {
        const party = (e: Endpoint) => ({ tenant: e.tenant, network: e.network, ip: e.ip, ...(e.group ? { group: e.group } : {}) });
        out.push({ id: out.length, from, to, probe, expected: decide(model, party(from), party(to), probe) });
      }
    }
  }
  return out;
}

export function describeRule(r: RuleRef): string {
  return `${r.tenant === 'default' ? '' : `${r.tenant}/`}${r.policy} rule ${r.rule} (${r.direction}, ${r.action}, priority ${r.priority})`;
}

/** Which rule should have decided a probe that came out otherwise. */
export function shouldHaveDecided(expected: Decision): string {
  if (expected.reason === 'isolated') return 'different networks never reach each other';
  if (!expected.allowed) return `${describeRule((expected.reason === 'denied-in' ? expected.inRule : expected.outRule)!)} should have denied it`;
  const rules = [expected.inRule, expected.outRule].filter((r): r is RuleRef => r !== undefined);
  return rules.length ? `${rules.map(describeRule).join(' and ')} should have allowed it` : 'no rule matches it, so it should be allowed';
}
