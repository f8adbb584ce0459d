// @ts-nocheck
import { error, type Diagnostic, type SourcePos } from '../../diagnostics/diagnostic.js';
import { closest } from '../suggest.js';
import type { RuleContext } from './context.js';
import { objectKey } from './context.js';

/**
 * References resolve within the tenant. An unknown name gets a hint: the closest name in the
 * tenant, or the other tenant that has it (a common mistake in multi-tenant sets).
 */
function unknownReference(
  ctx: RuleContext,
  code: string,
  what: string,
  kind: 'Network' | 'EndpointGroup' | 'Policy',
  tenant: string,
  name: string,
  pos: SourcePos,
  referrer: string,
): Diagnostic[] {
  if (ctx.broken.has(objectKey(kind, tenant, name))) return [];
  const pool = kind === 'Network' ? ctx.networks : kind === 'EndpointGroup' ? ctx.groups : ctx.policies;
  if (pool.some((o) => o.tenant === tenant && o.name === name)) return [];
  const elsewhere = pool.find((o) => o.name === name);
  const guess = closest(name, pool.filter((o) => o.tenant === tenant).map((o) => o.name));
  const hint = guess
    ? `did you mean "${guess}"?`
    : elsewhere
      ? `"${name}" exists in tenant "${elsewhere.tenant}"; references resolve within the tenant`
      : undefined;
  return [error(code, `${referrer} refers to ${what} "${name}", which tenant "${tenant}" does not have`, pos, hint)];
}

export function tenantsExist(ctx: RuleContext): Diagnostic[] {
  const tenants = new Set(ctx.tenants.map((t) => t.name));
  const owned = [
    ...ctx.networks.map((o) => ['Network', o] as const),
    ...ctx.groups.map((o) => ['EndpointGroup', o] as const),
    ...ctx.policies.map((o) => ['Policy', o] as const),
  ];
  return owned
    .filter(([, o]) => !tenants.has(o.tenant) && !ctx.broken.has(objectKey('Tenant', '', o.tenant)))
    .map(([kind, o]) => {
      const guess = closest(o.tenant, tenants);
      return error('tenant-unknown', `${kind} "${o.name}" belongs to tenant "${o.tenant}", which is not declared`, o.at['metadata.tenant'] ?? o.source, guess ? `did you mean "${guess}"? Otherwise add a Tenant document` : 'add a document of kind: Tenant');
    });
}

export function groupReferences(ctx: RuleContext): Diagnostic[] {
  return ctx.groups.flatMap((g) => [
    ...unknownReference(ctx, 'group-network-unknown', 'network', 'Network', g.tenant, g.network, g.at['spec.network'] ?? g.source, `EndpointGroup "${g.name}"`),
    ...g.policies.flatMap((p, i) =>
      unknownReference(ctx, 'group-policy-unknown', 'policy', 'Policy', g.tenant, p, g.at[`spec.policies.${i}`] ?? g.source, `EndpointGroup "${g.name}"`),
    ),
  ]);
}

export function rulePeerReferences(ctx: RuleContext): Diagnostic[] {
  return ctx.policies.flatMap((policy) =>
    policy.rules.flatMap((rule, i) => {
      const peer = rule.peer;
      if (!peer || peer.kind === 'cidr') return [];
      const side = rule.direction === 'in' ? 'from' : 'to';
      const pos = policy.at[`spec.rules.${i}.${side}.${peer.kind}`] ?? policy.at[`spec.rules.${i}.${side === 'from' ? 'to' : 'from'}.${peer.kind}`] ?? rule.source;
      const referrer = `rule ${rule.id} of policy "${policy.name}"`;
      return peer.kind === 'group'
        ? unknownReference(ctx, 'rule-group-unknown', 'group', 'EndpointGroup', policy.tenant, peer.value, pos, referrer)
        : unknownReference(ctx, 'rule-network-unknown', 'network', 'Network', policy.tenant, peer.value, pos, referrer);
    }),
  );
}
