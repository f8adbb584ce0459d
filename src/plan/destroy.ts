import { BRIDGE } from '../compile/pipeline.js';
import type { HostPlan, Plan } from './types.js';

/*
 * Prune safety: a plan that removes everything contiv made on a host (its bridge goes), or every
 * network of a tenant, is rarely meant — a Fabric or a manifest folder lost in a merge looks
 * the same. Such a plan says so first, and apply needs --allow-destroy for it.
 */

/** What a plan destroys wholesale: hosts losing every contiv object, tenants losing every network. */
export interface Destroys {
  hosts: string[];
  tenants: string[];
}

/** The network flows' owner, `net/TENANT/NAME`: the tenant. */
function networkTenant(owner: string): string | undefined {
  const parts = owner.split('/');
  return parts.length === 3 && parts[0] === 'net' ? parts[1] : undefined;
}

/**
 * From a plan's changes and the tenants that keep a network in the manifests: the hosts whose
 * bridge the plan deletes, and the tenants whose networks it removes with none left.
 */
export function destroysOf(hosts: readonly HostPlan[], tenantsKept: ReadonlySet<string>): Destroys {
  const gone = new Set<string>();
  const tenants = new Set<string>();
  for (const h of hosts) {
    for (const c of h.changes) {
      if (c.type === 'bridge' && c.action === 'delete' && c.bridge === BRIDGE) gone.add(h.host);
      if (c.type === 'flows' && c.action === 'delete') {
        const tenant = networkTenant(c.owner);
        if (tenant !== undefined && !tenantsKept.has(tenant)) tenants.add(tenant);
      }
    }
  }
  return { hosts: hosts.map((h) => h.host).filter((h) => gone.has(h)), tenants: [...tenants].sort() };
}

/** Whether a plan destroys anything wholesale; the hosts are read again from its changes (a plan file may have lost the record). */
export function planDestroys(plan: Pick<Plan, 'hosts' | 'destroys'>): Destroys | undefined {
  const hosts = destroysOf(plan.hosts, new Set()).hosts;
  const all = { hosts: [...new Set([...hosts, ...(plan.destroys?.hosts ?? [])])], tenants: plan.destroys?.tenants ?? [] };
  return all.hosts.length || all.tenants.length ? all : undefined;
}

/** What is destroyed, in words: `every contiv object on h1, h2, and every network of tenant red`. */
export function destroysWhat(d: Destroys, hostList: (hosts: readonly string[]) => string): string {
  const what = [d.hosts.length ? `every contiv object on ${hostList(d.hosts)}` : '', d.tenants.length ? `every network of tenant${d.tenants.length === 1 ? '' : 's'} ${d.tenants.join(', ')}` : ''].filter(Boolean);
  return what.join(', and ');
}

/** One line for the top of a plan, or nothing. */
export function destroysLine(d: Destroys | undefined, hostList: (hosts: readonly string[]) => string): string | undefined {
  return d ? `This plan DESTROYS ${destroysWhat(d, hostList)}. Applying it needs --allow-destroy.` : undefined;
}
