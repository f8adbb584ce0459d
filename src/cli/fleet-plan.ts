import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { gatherAll } from '../host/gather.js';
import { readAllRecords, readShard } from '../host/read-shard.js';
import type { Transport } from '../host/transport.js';
import { unknownTrustedHost } from '../plan/trust.js';
import { isSharded, needsEndpoints, selectShard, tenantsOn, type ShardRequest } from '../plan/target.js';
import type { Plan } from '../plan/types.js';
import type { LiveHost } from '../state/host-state.js';
import type { Model } from '../model/types.js';
import { readBundles } from '../runtime/bundle.js';

export interface FleetPlanOptions {
  parallelism: number;
  /** --target selectors (src/plan/target.ts); none: every host. */
  target?: string[];
  /** --exclude selectors. */
  exclude?: string[];
  /** The commit planned; a promise while Git is still asked (read alongside the hosts). */
  source: Plan['source'] | Promise<Plan['source']>;
  /** The runtime plugins' hashes; absent: read from this contiv's bundles. */
  bundles?: { cni: string; docker: string };
  /** --trust-host: whose records are taken where the hosts' records disagree (src/plan/trust.ts). */
  trustHost?: string;
}

export type FleetPlanResult =
  | { ok: true; plan: Plan; live: Record<string, LiveHost> }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads the hosts and plans. The whole fleet: every host gathered. A shard (--target /
 * --exclude): its hosts gathered, every other host's records read with the small read
 * (src/host/read-shard.ts says what and why), and only the shard's hosts planned. An
 * unreachable host stops the plan: planning without it could hand out a VNI or an address
 * block it already uses. A selector that selects nothing is a diagnostic (exit 1).
 */
export async function planFleet(model: Model, transport: Transport, options: FleetPlanOptions): Promise<FleetPlanResult> {
  // A --trust-host naming no host is said before a thousand hosts are read for nothing.
  const untrusted = unknownTrustedHost(model, options.trustHost);
  if (untrusted) return { ok: false, diagnostics: [untrusted] };
  const request: ShardRequest = { target: options.target ?? [], exclude: options.exclude ?? [] };
  const hosts = model.fabric.hosts;
  // Planning is loaded while the hosts are read: it is needed only once they have all answered,
  // and the client's one thread waits on the handshakes meanwhile (bench/plan-fleet).
  const planning = Promise.all([import('../plan/make-plan.js'), import('../plan/destroy.js')]);
  // Read while the hosts are: neither needs the other. A plan that stops early leaves them unread, not unhandled.
  const source = Promise.resolve(options.source);
  const bundlesRead = options.bundles ? Promise.resolve(options.bundles) : bundleHashes();
  for (const p of [source, bundlesRead, planning]) p.catch(() => undefined);
  let live: Record<string, LiveHost>;
  let cover: { hosts: string[]; target: string[]; exclude: string[] } | undefined;
  if (!isSharded(request)) {
    const gathered = await gatherAll(transport, hosts, options.parallelism);
    if (!gathered.live) return { ok: false, diagnostics: gathered.diagnostics };
    live = gathered.live;
  } else {
    // A tenant selects by endpoints: every host's records first (the small read the shard needs
    // of the others anyway), then the full gather of the hosts selected.
    const records = needsEndpoints(request) ? await readAllRecords(transport, hosts, options.parallelism) : undefined;
    if (records && !records.live) return { ok: false, diagnostics: records.diagnostics };
    const selection = selectShard(hosts, request, records?.live ? tenantsOn(records.live) : undefined);
    if (!selection.hosts) return { ok: false, diagnostics: selection.diagnostics };
    const read = await readShard(transport, hosts, new Set(selection.hosts), options.parallelism, records?.live);
    if (!read.live) return { ok: false, diagnostics: read.diagnostics };
    live = read.live;
    cover = { hosts: selection.hosts, target: [...request.target], exclude: [...request.exclude] };
  }
  const bundles = await bundlesRead;
  const [{ makePlan }, { destroysOf }] = await planning;
  const result = makePlan({ model, live, source: await source, cni: { pluginSha256: bundles.cni }, docker: { pluginSha256: bundles.docker }, ...(cover ? { cover } : {}), ...(options.trustHost !== undefined ? { trustHost: options.trustHost } : {}) });
  if (!result.plan) return { ok: false, diagnostics: result.diagnostics };
  const destroys = destroysOf(result.plan.hosts, new Set(model.networks.map((n) => n.tenant)));
  const plan = destroys.hosts.length || destroys.tenants.length ? { ...result.plan, destroys } : result.plan;
  return { ok: true, plan, live };
}

export async function bundleHashes(): Promise<{ cni: string; docker: string }> {
  const b = await readBundles();
  return { cni: b['contiv-cni'].sha256, docker: b['contiv-docker'].sha256 };
}
