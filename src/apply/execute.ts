import type { CompiledHost } from '../compile/compile.js';
import { forEachHost, type HostOutcome } from '../host/fleet.js';
import { gatherHost } from '../host/gather.js';
import { HostError, stderrSummary, type Held, type HostTarget, type Transport } from '../host/transport.js';
import { diffHost } from '../plan/diff.js';
import { projectState } from '../plan/project.js';
import { outsideContiv } from '../plan/ownership.js';
import { unmetAssumptions, withinPlan } from '../plan/scope.js';
import type { Change, HostPlan, Plan } from '../plan/types.js';
import { fingerprintHost } from '../state/fingerprint.js';
import type { HostState } from '../state/host-state.js';
import { settleClaims, type SettledClaim } from '../endpoint/claim.js';
import { fileCleanupScript, hostScript, LOCK_READY, lockProblem, lockScript, type Bundles } from './script.js';

/** Every read here is made while this run holds the host's lock. */
const LOCK_HELD = { lockHeld: true };

export type ApplyEvent =
  | { type: 'host-started'; host: string; changes: number }
  | { type: 'host-applied'; host: string; changes: number; ms: number }
  | { type: 'host-failed'; host: string; message: string }
  | { type: 'rolled-back'; host: string; ok: boolean; message?: string }
  | { type: 'claims-settled'; claims: SettledClaim[] };

export interface ApplyDeps {
  transport: Transport;
  hosts: readonly HostTarget[];
  /** Contents the plan names but does not carry (the contiv-cni bundle of this contiv). */
  bundles?: Bundles;
  /** Who takes each host's lock (shown to a run that waits for it in vain), and how long to wait for it (30 s). */
  lock?: { holder?: string; waitSeconds?: number };
}

export interface ApplyOptions {
  parallelism: number;
  onEvent?: (event: ApplyEvent) => void;
}

export interface HostApplied {
  changes: number;
  /** Live state after the apply, as re-gathered. */
  after: HostState;
}

/**
 * Applies a plan, hosts in parallel. Per host, all under the host's lock: read the host and
 * refuse it, untouched, when it moved since the plan (its fingerprint, and every object the
 * plan touches as the plan saw it); run the one script; read it again and compare the touched
 * objects with what the plan promised. A host that fails after its script started is rolled
 * back, for the objects the plan touches only, so it is left as it was or as planned, never
 * half-way, and nothing else on it (an endpoint attached meanwhile) is undone.
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps, options: ApplyOptions): Promise<HostOutcome<HostApplied>[]> {
  const emit = options.onEvent ?? (() => undefined);
  const byName = new Map(deps.hosts.map((h) => [h.name, h]));
  const targets = plan.hosts.filter((h) => h.changes.length > 0).map((h) => {
    const host = byName.get(h.host);
    if (!host) throw new HostError(h.host, 'config', 'the plan changes this host but does not say how to reach it (a damaged plan file?)');
    return host;
  });
  const plans = new Map(plan.hosts.map((h) => [h.host, h]));
  const outcomes = await forEachHost(targets, options.parallelism, async (host) => {
    const hostPlan = plans.get(host.name)!;
    emit({ type: 'host-started', host: host.name, changes: hostPlan.changes.length });
    const started = Date.now();
    const after = await applyHost(deps.transport, host, hostPlan, emit, deps.bundles ?? {}, deps.lock ?? {});
    emit({ type: 'host-applied', host: host.name, changes: hostPlan.changes.length, ms: Date.now() - started });
    return { changes: hostPlan.changes.length, after };
  });
  // Blocks this apply claimed were written pending; once every host is applied, each is
  // confirmed or withdrawn from one read of every host (the claim protocol, src/endpoint/claim.ts).
  const applied = new Set(outcomes.filter((o) => o.ok).map((o) => o.host));
  const claims = plan.hosts
    .filter((h) => applied.has(h.host))
    .flatMap((h) => h.changes.flatMap((c) => (c.type === 'address' && c.after?.endsWith(' pending') ? [{ host: h.host, key: c.key, value: c.after }] : [])));
  if (claims.length) emit({ type: 'claims-settled', claims: await settleClaims(deps.transport, deps.hosts, claims, options.parallelism) });
  return outcomes;
}

async function applyHost(transport: Transport, host: HostTarget, hostPlan: HostPlan, emit: (e: ApplyEvent) => void, bundles: Bundles, lock: NonNullable<ApplyDeps['lock']>): Promise<HostState> {
  let reported = false;
  const report = (e: unknown): void => {
    if (reported) return;
    reported = true;
    emit({ type: 'host-failed', host: host.name, message: e instanceof Error ? e.message : String(e) });
  };
  let held: Held;
  try {
    held = await transport.hold(host, lockScript(lock), LOCK_READY, { timeoutMs: ((lock.waitSeconds ?? 30) + 30) * 1000 });
  } catch (e) {
    const problem = lockProblem(host, e, lock.waitSeconds);
    report(problem);
    throw problem;
  }
  try {
    const gathered = await gatherHost(transport, host, LOCK_HELD);
    const before = gathered.state;
    // A saved plan is a file anyone with write access could have edited: each change must name what contiv owns here.
    const outside = outsideContiv(gathered, hostPlan.changes);
    if (outside.length) throw new HostError(host.name, 'command', `the plan changes what contiv does not own here; nothing applied (${outside.slice(0, 3).join('; ')})`, 'make a new plan with contiv plan --out; a plan file must not be edited');
    const moved = fingerprintHost(before) !== hostPlan.fingerprint ? ['its fingerprint'] : unmetAssumptions(before, hostPlan.changes);
    if (moved.length) throw new HostError(host.name, 'command', `changed since the plan was made; nothing applied (${moved.slice(0, 3).join(', ')} moved)`, 'make a new plan');
    const expected = projectState(before, hostPlan.changes);
    try {
      await runScript(transport, host, hostPlan.changes, bundles);
      const after = (await gatherHost(transport, host, LOCK_HELD)).state;
      const left = withinPlan(diffHost(asCompiled(expected), after), hostPlan.changes);
      if (left.length > 0) throw new HostError(host.name, 'command', `verification failed: ${left.length} change(s) not in effect after apply (${left.map((c) => c.address).slice(0, 3).join(', ')})`);
      const cleanup = fileCleanupScript(hostPlan.changes);
      if (cleanup) await transport.exec(host, cleanup);
      return after;
    } catch (e) {
      // The failure first, then what was done about it.
      report(e);
      await rollback(transport, host, before, hostPlan.changes, emit);
      throw e;
    }
  } catch (e) {
    report(e);
    throw e;
  } finally {
    await held.release();
  }
}

async function runScript(transport: Transport, host: HostTarget, changes: readonly Change[], bundles: Bundles = {}): Promise<void> {
  const result = await transport.exec(host, hostScript(changes, bundles));
  if (result.code !== 0) throw new HostError(host.name, 'command', `apply failed (exit ${result.code}): ${stderrSummary(result)}`);
}

/** Back to `before`, for what the plan touches: the changes that turn it from what is there now into what was. */
async function rollback(transport: Transport, host: HostTarget, before: HostState, plan: readonly Change[], emit: (e: ApplyEvent) => void): Promise<void> {
  try {
    const back = withinPlan(diffHost(asCompiled(before), (await gatherHost(transport, host, LOCK_HELD)).state), plan);
    if (back.length > 0) await runScript(transport, host, back);
    const check = withinPlan(diffHost(asCompiled(before), (await gatherHost(transport, host, LOCK_HELD)).state), plan);
    emit({ type: 'rolled-back', host: host.name, ok: check.length === 0, ...(check.length ? { message: `${check.length} change(s) could not be undone` } : {}) });
  } catch (e) {
    emit({ type: 'rolled-back', host: host.name, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
}

function asCompiled(state: HostState): CompiledHost {
  return { state, owners: {} };
}
