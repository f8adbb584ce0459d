// @ts-nocheck
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RuleContext } from './context.js';
import { where } from './context.js';

interface Named {
  tenant?: string;
  name: string;
  source: { file: string; line: number; col: number };
  implicit?: boolean;
}

/** One object per name, kind and tenant. */
export function uniqueNames(ctx: RuleContext): Diagnostic[] {
  const kinds: Array<[string, readonly Named[]]> = [
    ['Tenant', ctx.tenants.filter((t) => !t.implicit)],
    ['Network', ctx.networks],
    ['EndpointGroup', ctx.groups],
    ['Policy', ctx.policies],
  ];
  const out: Diagnostic[] = [];
  for (const [kind, items] of kinds) {
    const seen = new Map<string, Named>();
    for (const item of items) {
      const key = `${item.tenant ?? ''}/${item.name}`;
      const first = seen.get(key);
      if (first) {
        const scope = item.tenant ? ` in tenant "${item.tenant}"` : '';
        out.push(error('name-duplicate', `${kind} "${item.name}"${scope} is declared twice (first at ${where(first.source)})`, item.source));
      } else {
        seen.set(key, item);
      }
    }
  }
  return out;
}

/** Networks and groups both become container-runtime network names: within a tenant they may not share one. */
export function networkGroupNamesDistinct(ctx: RuleContext): Diagnostic[] {
  const networks = new Map(ctx.networks.map((n) => [`${n.tenant}/${n.name}`, n]));
  return ctx.groups.flatMap((g) => {
    const network = networks.get(`${g.tenant}/${g.name}`);
    return network
      ? [error('name-network-group-clash', `EndpointGroup "${g.name}" has the name of a network of tenant "${g.tenant}" (${where(network.source)}); both become runtime network names`, g.source)]
      : [];
  });
}
