// @ts-nocheck
import type { EndpointGroup, Model, Network, Policy, Rule } from '../model/types.js';
import type { Allocations } from './allocate.js';
import type { FlowOwner, FlowSet } from './flow-builder.js';
import { REG, T } from './pipeline.js';
import { portMasks } from './port-ranges.js';

/*
 * Group policies as flows, evaluated on the destination host for the first packet of a
 * connection (conntrack +new; replies and later packets pass as established):
 *
 *   T40: the destination group's `in` rules, matched on reg2 (its id);
 *   T50: the source group's `out` rules, matched on reg0 (the id the source host tagged).
 *
 * A matching allow goes on to the next table, a matching deny drops; no match falls through
 * to the table's default, which allows. OpenFlow priority 10 + 2·p for allow and 10 + 2·p + 1
 * for deny makes "highest rule priority wins, a tie between allow and deny is deny" the
 * switch's own choice. One flow per (rule, group it applies to, port mask), never per
 * endpoint: flows grow with rules, not with endpoints × endpoints. Each flow's cookie is its
 * rule's, so changing one rule changes only that rule's flows.
 */

export function ruleOwner(policy: Policy, rule: Rule): FlowOwner {
  return { kind: 'rule', address: `rule/${policy.tenant}/${policy.name}/${rule.id}` };
}

export function rulePriority(rule: Rule): number {
  return 10 + 2 * rule.priority + (rule.action === 'deny' ? 1 : 0);
}

function protocolMatch(rule: Rule): string[] {
  switch (rule.protocol) {
    case 'tcp':
    case 'udp':
    case 'icmp':
      return [rule.protocol];
    case 'any':
      return ['ip'];
    default:
      return ['ip', `nw_proto=${rule.protocol}`];
  }
}

/**
 * The match on the peer, or undefined when the rule can never match for this group (a peer
 * group or network on another network: networks never reach each other).
 */
function peerMatch(rule: Rule, group: EndpointGroup, model: Model, allocations: Allocations): string[] | undefined {
  const peer = rule.peer;
  if (!peer) return [];
  const inbound = rule.direction === 'in';
  switch (peer.kind) {
    case 'group': {
      const other = model.groups.find((g) => g.tenant === group.tenant && g.name === peer.value);
      if (!other || other.network !== group.network) return undefined;
      return [`${inbound ? REG.srcGroup : REG.dstGroup}=${allocations.group[`${other.tenant}/${other.name}`]}`];
    }
    case 'network':
      return peer.value === group.network ? [] : undefined;
    case 'cidr':
      return [`${inbound ? 'nw_src' : 'nw_dst'}=${peer.value}`];
  }
}

/** The flows of every rule of every policy attached to every group. */
export function policyFlows(flows: FlowSet, model: Model, allocations: Allocations): void {
  const policies = new Map(model.policies.map((p) => [`${p.tenant}/${p.name}`, p]));
  const networks = new Map<string, Network>(model.networks.map((n) => [`${n.tenant}/${n.name}`, n]));
  for (const group of model.groups) {
    const network = networks.get(`${group.tenant}/${group.network}`);
    if (!network) continue;
    const vni = allocations.vni[`${network.tenant}/${network.name}`]!;
    const gid = allocations.group[`${group.tenant}/${group.name}`]!;
    for (const name of group.policies) {
      const policy = policies.get(`${group.tenant}/${name}`);
      if (!policy) continue;
      for (const rule of policy.rules) {
        const peer = peerMatch(rule, group, model, allocations);
        if (!peer) continue;
        const self = rule.direction === 'in' ? `${REG.dstGroup}=${gid}` : `${REG.srcGroup}=${gid}`;
        const table = rule.direction === 'in' ? T.inRules : T.outRules;
        const next = rule.direction === 'in' ? T.outRules : T.commit;
        const actions = rule.action === 'allow' ? [`goto_table:${next}`] : ['drop'];
        const ports = rule.ports ? portMasks(rule.ports.first, rule.ports.last).map((m) => [`tp_dst=${m}`]) : [[]];
        for (const port of ports) {
          flows.addShared(ruleOwner(policy, rule), table, rulePriority(rule), [...protocolMatch(rule), `metadata=${vni}`, self, ...peer, ...port], actions);
        }
      }
    }
  }
}
