import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { gatherAll } from '../host/gather.js';
import type { Transport } from '../host/transport.js';
import { makePlan } from '../plan/make-plan.js';
import { selectHosts } from '../plan/target.js';
import type { Plan } from '../plan/types.js';
import type { LiveHost } from '../state/host-state.js';
import type { Model } from '../model/types.js';
import { UserError } from './errors.js';
import { readBundles } from '../runtime/bundle.js';

export interface FleetPlanOptions {
  parallelism: number;
  target?: string[];
  source: Plan['source'];
}

export type FleetPlanResult =
  | { ok: true; plan: Plan; live: Record<string, LiveHost> }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Gather every host (allocations need the whole fleet), plan, then keep only the targeted
 * hosts' changes. An unreachable host stops the plan: planning without it could hand out a VNI
 * or an address block it already uses.
 */
export async function planFleet(model: Model, transport: Transport, options: FleetPlanOptions): Promise<FleetPlanResult> {
  let targets: Set<string> | undefined;
  if (options.target?.length) {
    const { names, unmatched } = selectHosts(model.fabric.hosts, options.target);
    if (unmatched.length) throw new UserError(`--target ${unmatched.join(', ')} matches no host (a host name or a label key=value)`);
    targets = names;
  }
  const gathered = await gatherAll(transport, model.fabric.hosts, options.parallelism);
  if (!gathered.live) return { ok: false, diagnostics: gathered.diagnostics };
  const live = gathered.live;
  const bundles = await readBundles();
  const result = makePlan({ model, live, source: options.source, cni: { pluginSha256: bundles['contiv-cni'].sha256 }, docker: { pluginSha256: bundles['contiv-docker'].sha256 } });
  if (!result.plan) return { ok: false, diagnostics: result.diagnostics };
  const plan = result.plan;
  if (targets) plan.hosts = plan.hosts.map((h) => (targets!.has(h.host) ? h : { ...h, changes: [] }));
  return { ok: true, plan, live };
}
