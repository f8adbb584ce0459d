import { describeHosts } from '../render/host-list.js';
import { planTextSections } from '../render/plan-text.js';
import { recordedCommit } from '../plan/commit-record.js';
import { makePlan } from '../plan/make-plan.js';
import type { Change, Plan } from '../plan/types.js';
import type { PlanDocument } from '../plan/plan-file.js';
import { HOST_PLACEHOLDER } from '../plan/host-relative.js';
import type { LiveHost } from '../state/host-state.js';
import { bundleHashes } from './fleet-plan.js';
import { loadFromCli, type ManifestOptions } from './load-model.js';
import { gitOutput } from './git-process.js';
import { contentHash } from './source-commit.js';

/*
 * Drift (issue 16): what changed on a host outside contiv since the commit it records — a flow
 * deleted by hand, a port or tunnel removed, a restarted ovs-vswitchd's empty table, a plugin
 * file edited. For each commit the hosts record, the manifests as of that commit are planned
 * for those hosts: what that plan would change is what moved on them since, and nothing the
 * manifests changed after it. `apply --repair` applies exactly these plans.
 */
export interface DriftPlan {
  commit: string;
  hosts: string[];
  plan: Plan;
}

export interface Drift {
  plans: DriftPlan[];
  /** Hosts whose drift cannot be told: no commit recorded, or manifests at it that do not load. */
  unknown: Array<{ hosts: string[]; why: string }>;
}

/** Address records are contiv's own bookkeeping (blocks follow the endpoints there are): never drift. */
function isDrift(c: Change): boolean {
  return c.type !== 'address';
}

/** The plan just made, and the content of the manifests it was made of (source-commit.ts contentHash). */
export interface CurrentPlan {
  plan: Plan;
  content: string;
}

/**
 * Hosts that record the very commit just planned, or a commit whose manifests are the same
 * files (a commit that changed nothing for the hosts leaves their record as it was), need no
 * second plan: what the current one changes on them is their drift.
 */
export async function findDrift(dir: string, options: ManifestOptions & { trustHost?: string }, live: Readonly<Record<string, LiveHost>>, current?: CurrentPlan): Promise<Drift> {
  const byCommit = new Map<string, string[]>();
  const none: string[] = [];
  for (const [host, l] of Object.entries(live)) {
    const c = recordedCommit(l.state);
    if (c === undefined) none.push(host);
    else byCommit.set(c, [...(byCommit.get(c) ?? []), host]);
  }
  const drift: Drift = { plans: [], unknown: none.length ? [{ hosts: none, why: 'no commit recorded (applied before contiv recorded commits, or from uncommitted manifests)' }] : [] };
  const found = (commit: string, plan: Plan, hosts: readonly string[]): void => {
    const mine = new Set(hosts);
    const only = { ...plan, hosts: plan.hosts.filter((h) => mine.has(h.host)).map((h) => ({ ...h, changes: h.changes.filter(isDrift) })) };
    if (only.hosts.some((h) => h.changes.length)) drift.plans.push({ commit, hosts: only.hosts.map((h) => h.host), plan: only });
  };
  let bundles: Awaited<ReturnType<typeof bundleHashes>> | undefined;
  for (const [commit, hosts] of byCommit) {
    if (current !== undefined && (current.plan.source.commit === commit || (await sameManifestTree(dir, commit, current.plan.source.commit)))) {
      found(commit, current.plan, hosts);
      continue;
    }
    let loaded;
    try {
      loaded = await loadFromCli(dir, { ...options, ref: commit });
    } catch {
      loaded = undefined;
    }
    if (!loaded?.model) {
      drift.unknown.push({ hosts, why: `the manifests at ${commit.slice(0, 12)} cannot be read or do not load` });
      continue;
    }
    if (current !== undefined && contentHash(loaded.sources) === current.content) {
      found(commit, current.plan, hosts);
      continue;
    }
    const model = loaded.model;
    bundles ??= await bundleHashes();
    const known = new Set(model.fabric.hosts.map((h) => h.name));
    const covered = hosts.filter((h) => known.has(h));
    const result = makePlan({ model, live: live as Record<string, LiveHost>, source: { dir, ref: commit, commit }, cni: { pluginSha256: bundles.cni }, docker: { pluginSha256: bundles.docker }, cover: { hosts: covered, target: [], exclude: [] }, ...(options.trustHost !== undefined ? { trustHost: options.trustHost } : {}) });
    if (!result.plan) {
      drift.unknown.push({ hosts, why: `the manifests at ${commit.slice(0, 12)} do not plan (${result.diagnostics[0]?.message ?? 'no reason given'})` });
      continue;
    }
    found(commit, result.plan, covered);
  }
  return drift;
}

/**
 * Whether DIR holds the same tree at `commit` as at `planned`, the commit just planned (its
 * checkout clean): then the manifests at `commit` are the same files, and the Fabric is read
 * the same way for both. Two git processes at once, where reading and loading the manifests at
 * `commit` took one per file and the loader's time (80 ms of plan of 10 hosts).
 */
async function sameManifestTree(dir: string, commit: string, planned: string | undefined): Promise<boolean> {
  if (planned === undefined) return false;
  const treeAt = (rev: string) => gitOutput(dir, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}:./`]).then((t) => t.trim());
  // A commit this repository does not have is left to the full read, which says so.
  const trees = await Promise.all([treeAt(commit), treeAt(planned)]).catch(() => undefined);
  return trees !== undefined && trees[0] !== '' && trees[0] === trees[1];
}

/** Between the drift and the plan, which repairs it too. */
export const DRIFT_THEN = 'What apply does: the manifests\' changes, and the drift above put back.';

/** The section ahead of a plan: per commit, the hosts' changes made outside contiv, as the plan that undoes them. */
export function driftSection(drift: Drift, total: number): string[] {
  const out: string[] = [];
  for (const d of drift.plans) {
    const s = planTextSections(d.plan, { color: false });
    out.push(`Changed outside contiv since ${d.commit.slice(0, 12)} (the commit ${describeHosts(d.hosts, total)} record${d.hosts.length === 1 ? 's' : ''}); contiv apply --repair puts back:`, ...s.shared, ...s.hosts.flatMap((h) => h.lines));
  }
  return out;
}

/**
 * One plan of every drift plan, for apply: the hosts of each (each records one commit, so they
 * never meet), the Fabric's connections as the current plan has them, no manifest change.
 */
export function repairPlan(current: Plan, drift: Drift): Plan {
  const hosts = drift.plans.flatMap((d) => d.plan.hosts.filter((h) => h.changes.length));
  return { format_version: current.format_version, source: { dir: current.source.dir }, connections: current.connections, hosts, meaning: [], addresses: [], diagnostics: drift.plans.flatMap((d) => d.plan.diagnostics) };
}

/**
 * The JSON plan with each change marked `origin: "drift"` (on every host that makes it, it puts
 * back what changed outside contiv) or `"manifests"`; drift is a change (--detailed-exitcode 2).
 */
export function withOrigins(doc: PlanDocument, drift: Drift): Omit<PlanDocument, 'changes'> & { changes: Array<PlanDocument['changes'][number] & { origin: 'drift' | 'manifests' }> } {
  const drifted = new Set(drift.plans.flatMap((d) => d.plan.hosts.flatMap((h) => h.changes.map((c) => c.address))));
  const at = (address: string, host: string): string => (address.startsWith(`${HOST_PLACEHOLDER}/`) ? `${host}${address.slice(HOST_PLACEHOLDER.length)}` : address);
  return { ...doc, changes: doc.changes.map((g) => ({ ...g, origin: g.hosts.every((h) => drifted.has(at(g.change.address, h))) ? 'drift' : 'manifests' })) };
}
