// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/compile/allocate.js';
import { FlowSet } from '../../../src/compile/flow-builder.js';
import { NO_GROUP, T } from '../../../src/compile/pipeline.js';
import { policyFlows } from '../../../src/compile/policy.js';
import { cidrRange, ipToInt, parseCidr } from '../../../src/manifest/ipv4.js';
import type { EndpointGroup, Model, Policy, Rule } from '../../../src/model/types.js';
import { decide, type Party, type Probe } from '../../../src/policy/decide.js';
import type { Flow } from '../../../src/state/host-state.js';

/*
 * The compiled policy tables (T40 in-rules, T50 out-rules) must decide every connection exactly
 * as CONTEXT §4 says (src/policy/decide.ts). Random rule sets — with priority ties, ports and
 * ranges, protocol numbers, group / network / CIDR peers, several policies per group and
 * groups without policy — are compiled, and a small OpenFlow table evaluator replays each
 * connection through the flows.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pos = { file: 'x.yaml', line: 1, col: 1 };
const located = { source: pos, at: {} };
const GROUPS = ['g1', 'g2', 'g3', 'g4'];
const PORTS = [22, 80, 443, 5432, 8000, 8080];
const PROBES: Probe[] = [...PORTS.flatMap((port) => [{ protocol: 'tcp' as const, port }, { protocol: 'udp' as const, port }]), { protocol: 'icmp' }, { protocol: 47 }];

function randomModel(r: () => number): Model {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const policies: Policy[] = Array.from({ length: 3 }, (_, p) => ({
    tenant: 'default',
    name: `p${p}`,
    ...located,
    rules: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i): Rule => {
      const protocol = pick(['tcp', 'udp', 'icmp', 'any', 47] as const);
      const rule: Rule = { id: String(i), direction: pick(['in', 'out'] as const), priority: 1 + Math.floor(r() * 4), protocol, action: pick(['allow', 'deny'] as const), source: pos };
      if ((protocol === 'tcp' || protocol === 'udp') && r() < 0.6) {
        rule.ports = r() < 0.5 ? { first: pick(PORTS), last: 0 } : pick([{ first: 8000, last: 8080 }, { first: 1, last: 1024 }, { first: 443, last: 5432 }]);
        if (rule.ports.last === 0) rule.ports.last = rule.ports.first;
      }
      const peer = r();
      if (peer < 0.3) rule.peer = { kind: 'group', value: pick(GROUPS) };
      else if (peer < 0.45) rule.peer = { kind: 'network', value: pick(['net', 'other']) };
      else if (peer < 0.65) rule.peer = { kind: 'cidr', value: pick(['10.1.2.0/25', '10.1.2.128/25', '10.1.2.10/32']) };
      return rule;
    }),
  }));
  const groups: EndpointGroup[] = GROUPS.map((name) => ({
    tenant: 'default',
    name,
    network: 'net',
    policies: policies.filter(() => r() < 0.4).map((p) => p.name),
    ...located,
  }));
  return {
    fabric: { name: 'f', file: '/f.yaml', vxlanPort: 4789, vniRange: { first: 1, last: 100 }, mtu: 1450, hosts: [], ...located },
    tenants: [{ name: 'default', description: '', implicit: true, ...located }],
    networks: [
      { tenant: 'default', name: 'net', subnet: { address: '10.1.2.0', prefix: 24 }, blockSize: 28, ...located },
      { tenant: 'default', name: 'other', subnet: { address: '10.1.3.0', prefix: 24 }, blockSize: 28, ...located },
    ],
    groups,
    policies,
  };
}

interface Packet {
  metadata: number;
  reg0: number;
  reg2: number;
  proto: number;
  tpDst?: number;
  nwSrc: string;
  nwDst: string;
}

const SHORTHAND: Record<string, number | undefined> = { tcp: 6, udp: 17, icmp: 1, ip: undefined };

function matches(flow: Flow, p: Packet): boolean {
  for (const token of flow.match.split(',')) {
    if (token in SHORTHAND) {
      const proto = SHORTHAND[token];
      if (proto !== undefined && proto !== p.proto) return false;
      continue;
    }
    const [field, value] = token.split('=') as [string, string];
    const num = (v: string) => Number(v);
    switch (field) {
      case 'nw_proto':
        if (num(value) !== p.proto) return false;
        break;
      case 'metadata':
        if (num(value) !== p.metadata) return false;
        break;
      case 'reg0':
        if (num(value) !== p.reg0) return false;
        break;
      case 'reg2':
        if (num(value) !== p.reg2) return false;
        break;
      case 'tp_dst': {
        if (p.tpDst === undefined) return false;
        const [v, m] = value.split('/');
        if (m === undefined ? num(v!) !== p.tpDst : (p.tpDst & Number(m)) !== Number(v)) return false;
        break;
      }
      case 'nw_src':
      case 'nw_dst': {
        const range = value.includes('/') ? cidrRange(parseCidr(value)) : { first: ipToInt(value), last: ipToInt(value) };
        const ip = ipToInt(field === 'nw_src' ? p.nwSrc : p.nwDst);
        if (ip < range.first || ip > range.last) return false;
        break;
      }
      default:
        throw new Error(`evaluator does not know ${token}`);
    }
  }
  return true;
}

/** One table: the highest-priority matching flow; none → the table's default (allow onwards). */
function table(flows: Flow[], id: number, p: Packet): 'pass' | 'drop' {
  const hit = flows.filter((f) => f.table === id && matches(f, p)).sort((a, b) => b.priority - a.priority)[0];
  if (!hit) return 'pass';
  // Same priority, overlapping matches, different actions would make the switch's choice arbitrary.
  const rivals = flows.filter((f) => f.table === id && f.priority === hit.priority && f.actions !== hit.actions && matches(f, p));
  if (rivals.length) throw new Error(`ambiguous flows at priority ${hit.priority}: ${hit.match} vs ${rivals[0]!.match}`);
  return hit.actions === 'drop' ? 'drop' : 'pass';
}

describe('compiled policy flows decide as CONTEXT §4 says', () => {
  it('on 300 random rule sets, for every pair of endpoints and every probe', () => {
    const r = rng(20261128);
    let checked = 0;
    let allowedCount = 0;
    for (let i = 0; i < 300; i++) {
      const model = randomModel(r);
      const { allocations } = allocate(model, []);
      const set = new FlowSet();
      policyFlows(set, model, allocations);
      const flows = Object.values(set.flows);
      const parties: Party[] = [
        ...GROUPS.map((g, k) => ({ tenant: 'default', network: 'net', group: g, ip: `10.1.2.${[10, 20, 130, 140][k]}` })),
        { tenant: 'default', network: 'net', ip: '10.1.2.200' },
      ];
      for (const src of parties) {
        for (const dst of parties) {
          if (src === dst) continue;
          for (const probe of PROBES) {
            const expected = decide(model, src, dst, probe);
            const packet: Packet = {
              metadata: allocations.vni['default/net']!,
              reg0: src.group ? allocations.group[`default/${src.group}`]! : NO_GROUP,
              reg2: dst.group ? allocations.group[`default/${dst.group}`]! : NO_GROUP,
              proto: typeof probe.protocol === 'number' ? probe.protocol : SHORTHAND[probe.protocol]!,
              ...(probe.port !== undefined ? { tpDst: probe.port } : {}),
              nwSrc: src.ip,
              nwDst: dst.ip,
            };
            const observed = table(flows, T.inRules, packet) === 'pass' && table(flows, T.outRules, packet) === 'pass';
            if (observed !== expected.allowed) {
              throw new Error(`model ${i}: ${src.group ?? '-'} → ${dst.group ?? '-'} ${JSON.stringify(probe)}: flows say ${observed}, semantics say ${expected.allowed} (${JSON.stringify(expected)})\n${JSON.stringify(model.policies, null, 1)}\n${JSON.stringify(model.groups.map((g) => [g.name, g.policies]))}`);
            }
            checked++;
            if (observed) allowedCount++;
          }
        }
      }
    }
    // Both outcomes occur often, so the comparison means something.
    expect(checked).toBe(300 * 20 * PROBES.length);
    expect(allowedCount / checked).toBeGreaterThan(0.2);
    expect(allowedCount / checked).toBeLessThan(0.95);
  });

  it('isolates networks and tenants whatever the rules', () => {
    const model = randomModel(rng(1));
    const a: Party = { tenant: 'default', network: 'net', ip: '10.1.2.10' };
    expect(decide(model, a, { ...a, network: 'other', ip: '10.1.3.10' }, { protocol: 'icmp' })).toEqual({ allowed: false, reason: 'isolated' });
    expect(decide(model, a, { ...a, tenant: 'blue' }, { protocol: 'icmp' })).toEqual({ allowed: false, reason: 'isolated' });
  });
});
