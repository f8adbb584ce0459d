// @ts-nocheck
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { EndpointGroup } from '../../model/types.js';
import { cidrRange, contains, formatCidr, intToIp, overlaps, poolRange } from '../ipv4.js';
import type { RuleContext } from './context.js';
import { where } from './context.js';

/** A group's ipPool: ordered, within the usable addresses of its network, disjoint from other pools there. */
export function ipPoolsValid(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const networks = new Map(ctx.networks.map((n) => [`${n.tenant}/${n.name}`, n]));
  const accepted: EndpointGroup[] = [];
  for (const g of ctx.groups) {
    if (!g.ipPool) continue;
    const pos = g.at['spec.ipPool'] ?? g.source;
    const pool = poolRange(g.ipPool);
    if (pool.first > pool.last) {
      out.push(error('pool-reversed', `ipPool ${g.ipPool.first}-${g.ipPool.last} of group "${g.name}" is reversed`, pos, `write ${g.ipPool.last}-${g.ipPool.first}`));
      continue;
    }
    const network = networks.get(`${g.tenant}/${g.network}`);
    if (!network) continue; // reported by the reference rules
    const subnet = cidrRange(network.subnet);
    const usable = { first: subnet.first + 1, last: subnet.last - 1 };
    if (!contains(usable, pool)) {
      out.push(
        error(
          'pool-outside-subnet',
          `ipPool ${g.ipPool.first}-${g.ipPool.last} of group "${g.name}" is not inside the usable addresses of ${formatCidr(network.subnet)}`,
          pos,
          `usable: ${intToIp(usable.first)}-${intToIp(usable.last)}`,
        ),
      );
      continue;
    }
    const other = accepted.find((o) => o.tenant === g.tenant && o.network === g.network && overlaps(poolRange(o.ipPool!), pool));
    if (other) {
      out.push(
        error(
          'pool-overlap',
          `ipPool ${g.ipPool.first}-${g.ipPool.last} of group "${g.name}" overlaps the pool of group "${other.name}" (${where(other.at['spec.ipPool'] ?? other.source)}) on network "${g.network}"`,
          pos,
        ),
      );
      continue;
    }
    accepted.push(g);
  }
  return out;
}
