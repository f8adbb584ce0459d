// @ts-nocheck
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Network } from '../../model/types.js';
import { cidrRange, formatCidr, intToIp, ipToInt, networkAddress, overlaps } from '../ipv4.js';
import type { RuleContext } from './context.js';
import { where } from './context.js';

/** A subnet is written as its network address and leaves room for endpoints. */
export function subnetWellFormed(ctx: RuleContext): Diagnostic[] {
  return ctx.networks.flatMap((n) => {
    const pos = n.at['spec.subnet'] ?? n.source;
    const canonical = networkAddress(n.subnet.address, n.subnet.prefix);
    if (canonical !== n.subnet.address) {
      return [error('subnet-not-network-address', `subnet ${formatCidr(n.subnet)} has host bits set`, pos, `did you mean ${canonical}/${n.subnet.prefix}?`)];
    }
    if (n.subnet.prefix > 30) {
      return [error('subnet-too-small', `subnet ${formatCidr(n.subnet)} has no room for endpoints (at most /30)`, pos)];
    }
    return [];
  });
}

/** Within a tenant subnets may not overlap; across tenants they may (tenants are isolated). */
export function subnetsDisjointPerTenant(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen: Network[] = [];
  for (const n of ctx.networks) {
    const other = seen.find((s) => s.tenant === n.tenant && s.name !== n.name && overlaps(cidrRange(s.subnet), cidrRange(n.subnet)));
    if (other) {
      out.push(
        error(
          'subnet-overlap',
          `subnet ${formatCidr(n.subnet)} of network "${n.name}" overlaps ${formatCidr(other.subnet)} of network "${other.name}" (${where(other.at['spec.subnet'] ?? other.source)}) in tenant "${n.tenant}"`,
          n.at['spec.subnet'] ?? n.source,
        ),
      );
    }
    seen.push(n);
  }
  return out;
}

export function gatewayInsideSubnet(ctx: RuleContext): Diagnostic[] {
  return ctx.networks.flatMap((n) => {
    if (n.gateway === undefined) return [];
    const pos = n.at['spec.gateway'] ?? n.source;
    const range = cidrRange(n.subnet);
    const gw = ipToInt(n.gateway);
    if (gw < range.first || gw > range.last) {
      return [error('gateway-outside-subnet', `gateway ${n.gateway} is not inside subnet ${formatCidr(n.subnet)}`, pos)];
    }
    if (gw === range.first || gw === range.last) {
      const which = gw === range.first ? 'network' : 'broadcast';
      return [error('gateway-reserved', `gateway ${n.gateway} is the ${which} address of ${formatCidr(n.subnet)}`, pos, `the usable addresses are ${intToIp(range.first + 1)}-${intToIp(range.last - 1)}`)];
    }
    return [];
  });
}

/** A host claims blocks of the subnet: a block prefix shorter than the subnet's would be larger than the subnet. */
export function blockSizeFitsSubnet(ctx: RuleContext): Diagnostic[] {
  return ctx.networks.flatMap((n) => {
    if (n.blockSize >= n.subnet.prefix) return [];
    const pos = n.at['spec.ipam.blockSize'] ?? n.source;
    return [error('block-size-too-large', `blockSize /${n.blockSize} is larger than subnet ${formatCidr(n.subnet)}`, pos, `use a prefix length from ${n.subnet.prefix} to 32 (a /${n.subnet.prefix} block is the whole subnet)`)];
  });
}
