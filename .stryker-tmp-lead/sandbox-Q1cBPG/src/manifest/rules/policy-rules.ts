// @ts-nocheck
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatCidr, networkAddress, parseCidr } from '../ipv4.js';
import { locate } from '../locate.js';
import type { ParsedDocument } from '../parse-yaml.js';

/*
 * Rule consistency, checked on the Policy document as written: normalization drops what these
 * rules look at (the side a peer was written on, port 0, protocol 6 vs tcp).
 */

interface RawRule {
  id: string | number;
  direction: 'in' | 'out';
  protocol?: string | number;
  port?: number | string;
  from?: Record<string, unknown>;
  to?: Record<string, unknown>;
}

/** Position of a field of the rule: its value, or with `key` its key. */
type At = (field: string[], options?: { key: boolean }) => Diagnostic['source'];
type RuleCheck = (rule: RawRule, name: string, at: At) => Diagnostic[];

/**
 * in → `from` only, out → `to` only (reported at the key: the side is what is wrong); a peer
 * names exactly one kind; a CIDR is a network address.
 */
const rulePeers: RuleCheck = (rule, name, at) => {
  const out: Diagnostic[] = [];
  const right = rule.direction === 'in' ? 'from' : 'to';
  const wrong = rule.direction === 'in' ? 'to' : 'from';
  if (rule[wrong] !== undefined) {
    out.push(
      error('rule-peer-direction', `${name}: an "${rule.direction}" rule takes "${right}", not "${wrong}"`, at([wrong], { key: true }), `"${right}" names the peer ${rule.direction === 'in' ? 'that opens connections into' : 'that receives connections from'} the group`),
    );
  }
  for (const side of ['from', 'to'] as const) {
    const peer = rule[side];
    if (peer === undefined) continue;
    const kinds = Object.keys(peer);
    if (kinds.length !== 1) {
      out.push(
        error('rule-peer-count', `${name}: "${side}" must name exactly one of group, network or cidr${kinds.length ? ` (it names ${kinds.join(' and ')})` : ''}`, at([side]), 'leave it out to match any peer; write one rule per peer'),
      );
    }
    if (typeof peer['cidr'] === 'string') {
      const { address, prefix } = parseCidr(peer['cidr']);
      const canonical = networkAddress(address, prefix);
      if (canonical !== address) {
        out.push(error('rule-cidr-not-network-address', `${name}: cidr ${address}/${prefix} has host bits set`, at([side, 'cidr']), `did you mean ${formatCidr({ address: canonical, prefix })}?`));
      }
    }
  }
  return out;
};

/** A port only with tcp or udp (6, 17); a range is ordered and within 1-65535. */
const rulePorts: RuleCheck = (rule, name, at) => {
  if (rule.port === undefined) return [];
  const protocol = rule.protocol ?? 'any';
  if (!['tcp', 'udp', 6, 17].includes(protocol)) {
    return [error('rule-port-protocol', `${name}: a port needs protocol tcp or udp (protocol is ${protocol})`, at(['port']))];
  }
  if (typeof rule.port === 'string') {
    const [first, last] = rule.port.split('-').map(Number) as [number, number];
    if (first > last) return [error('rule-port-range-order', `${name}: port range ${rule.port} is reversed`, at(['port']), `write ${last}-${first}`)];
    if (first < 1 || last > 65535) return [error('rule-port-range-bounds', `${name}: port range ${rule.port} must lie within 1-65535`, at(['port']))];
  }
  return [];
};

/** Rule ids are unique within a policy; 1 and "1" are the same id. */
function ruleIdsUnique(rules: RawRule[], policy: string, at: (i: number) => Diagnostic['source']): Diagnostic[] {
  const seen = new Map<string, number>();
  return rules.flatMap((rule, i) => {
    const id = String(rule.id);
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, i);
      return [];
    }
    return [error('rule-id-duplicate', `policy "${policy}": rule id ${id} is used twice (first by rule #${first + 1})`, at(i))];
  });
}

/** All rule checks of one Policy document that passed its schema. */
export function checkPolicyDocument(parsed: ParsedDocument): Diagnostic[] {
  const raw = parsed.value as { metadata: { name: string }; spec: { rules: RawRule[] } };
  const policy = raw.metadata.name;
  const out: Diagnostic[] = [];
  raw.spec.rules.forEach((rule, i) => {
    const name = `rule ${String(rule.id)} of policy "${policy}"`;
    const at: At = (field, options) => locate(parsed, ['spec', 'rules', i, ...field], options);
    out.push(...rulePeers(rule, name, at), ...rulePorts(rule, name, at));
  });
  out.push(...ruleIdsUnique(raw.spec.rules, policy, (i) => locate(parsed, ['spec', 'rules', i, 'id'])));
  return out;
}
