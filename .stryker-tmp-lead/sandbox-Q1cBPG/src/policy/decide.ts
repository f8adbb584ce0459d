// @ts-nocheck
import { cidrRange, ipToInt, parseCidr } from '../manifest/ipv4.js';
import type { Rule } from '../model/types.js';

/*
 * What a policy means, straight from CONTEXT §4, over the Model alone: the reference the
 * datapath is tested against, the expectation `verify` probes for, and the source of the
 * plan's "becomes allowed" lines. No OpenFlow here.
 */

/** The part of a model policies depend on; the Model and the model recorded on hosts both fit. */
export interface PolicyView {
  groups: ReadonlyArray<{ tenant: string; name: string; network: string; policies: readonly string[] }>;
  policies: ReadonlyArray<{ tenant: string; name: string; rules: ReadonlyArray<PolicyRule> }>;
}

export type PolicyRule = Omit<Rule, 'source'>;

export interface Party {
  tenant: string;
  network: string;
  group?: string;
  ip: string;
}

export interface Probe {
  /** tcp, udp, icmp or an IP protocol number. */
  protocol: 'tcp' | 'udp' | 'icmp' | number;
  port?: number;
}

export interface RuleRef {
  tenant: string;
  policy: string;
  rule: string;
  direction: 'in' | 'out';
  action: 'allow' | 'deny';
  priority: number;
}

export interface Decision {
  allowed: boolean;
  /** Why, in one phrase: isolated, or which side denied. */
  reason: 'isolated' | 'allowed' | 'denied-in' | 'denied-out';
  /** The rule that decided each side; absent when no rule matched (which allows). */
  inRule?: RuleRef;
  outRule?: RuleRef;
}

const PROTOCOL_NUMBERS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

function protocolNumber(p: Probe['protocol']): number {
  return typeof p === 'number' ? p : PROTOCOL_NUMBERS[p]!;
}

export function ruleMatches(rule: PolicyRule, probe: Probe, peer: Party): boolean {
  if (rule.protocol !== 'any') {
    const wanted = typeof rule.protocol === 'number' ? rule.protocol : PROTOCOL_NUMBERS[rule.protocol]!;
    if (wanted !== protocolNumber(probe.protocol)) return false;
  }
  if (rule.ports) {
    if (probe.port === undefined || probe.port < rule.ports.first || probe.port > rule.ports.last) return false;
  }
  const p = rule.peer;
  if (!p) return true;
  switch (p.kind) {
    case 'group':
      return peer.group === p.value;
    case 'network':
      return peer.network === p.value;
    case 'cidr': {
      const range = cidrRange(parseCidr(p.value));
      const ip = ipToInt(peer.ip);
      return ip >= range.first && ip <= range.last;
    }
  }
}

/** The deciding rule of one side: highest priority among matches, deny on a tie; none → allow. */
function decideSide(model: PolicyView, self: Party, peer: Party, probe: Probe, direction: 'in' | 'out'): RuleRef | undefined {
  if (!self.group) return undefined;
  const group = model.groups.find((g) => g.tenant === self.tenant && g.name === self.group);
  if (!group) return undefined;
  let best: RuleRef | undefined;
  for (const name of group.policies) {
    const policy = model.policies.find((p) => p.tenant === group.tenant && p.name === name);
    for (const rule of policy?.rules ?? []) {
      if (rule.direction !== direction || !ruleMatches(rule, probe, peer)) continue;
      const better = !best || rule.priority > best.priority || (rule.priority === best.priority && rule.action === 'deny' && best.action === 'allow');
      if (better) best = { tenant: group.tenant, policy: policy!.name, rule: rule.id, direction, action: rule.action, priority: rule.priority };
    }
  }
  return best;
}

/** Whether `src` may open a connection to `dst` with `probe`, and which rules decided. */
export function decide(model: PolicyView, src: Party, dst: Party, probe: Probe): Decision {
  if (src.tenant !== dst.tenant || src.network !== dst.network) return { allowed: false, reason: 'isolated' };
  const inRule = decideSide(model, dst, src, probe, 'in');
  const outRule = decideSide(model, src, dst, probe, 'out');
  const refs = { ...(inRule ? { inRule } : {}), ...(outRule ? { outRule } : {}) };
  if (inRule?.action === 'deny') return { allowed: false, reason: 'denied-in', ...refs };
  if (outRule?.action === 'deny') return { allowed: false, reason: 'denied-out', ...refs };
  return { allowed: true, reason: 'allowed', ...refs };
}
