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
import { randomBytes } from 'node:crypto';
import { armLines, confirmScript, parseConfirm } from './deadman.js';
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
  /**
   * The dead-man timer (src/apply/deadman.ts): seconds after which a host restores its state
   * before the apply unless contiv confirmed it over a new connection. 0 or absent: none.
   */
  confirmTimeoutSeconds?: number;
  /** Once set, no host is started any more; the hosts in progress finish (verified, or rolled back). */
  interrupted?: AbortSignal;
  /**
   * Fault injection for the lab's fault tests (CONTIV_FAILPOINT): awaited at a named point of a
   * host's apply, so a test can kill a process or cut a path at a known moment.
   */
  failpoint?: (point: 'after-change', host: string) => Promise<void>;
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
    if (deps.interrupted?.aborted) throw new HostError(host.name, 'interrupted', 'not started: the apply was interrupted; nothing changed');
    emit({ type: 'host-started', host: host.name, changes: hostPlan.changes.length });
    const started = Date.now();
    const after = await applyHost(deps, host, hostPlan, emit);
    emit({ type: 'host-applied', host: host.name, changes: hostPlan.changes.length, ms: Date.now() - started });
    return { changes: hostPlan.changes.length, after };
  });
  // Blocks this apply claimed were written pending; once every host is applied, each is
  // confirmed or withdrawn from one read of every host (the claim protocol, src/endpoint/claim.ts).
  const applied = new Set(outcomes.filter((o) => o.ok).map((o) => o.host));
  const claims = plan.hosts
    .filter((h) => applied.has(h.host))
    .flatMap((h) => h.changes.flatMap((c) => (c.type === 'address' && c.after?.endsWith(' pending') ? [{ host: h.host, key: c.key, value: c.after }] : [])));
  if (claims.length) emit({ type: 'claims-settled', claims: await settleClaims(deps.transport, deps.hosts, claims, options.parallelism, deps.lock ?? {}) });
  return outcomes;
}

async function applyHost(deps: ApplyDeps, host: HostTarget, hostPlan: HostPlan, emit: (e: ApplyEvent) => void): Promise<HostState> {
  const { transport } = deps;
  const lock = deps.lock ?? {};
  const bundles = deps.bundles ?? {};
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
    const timer = armTimer(deps.confirmTimeoutSeconds, before, expected, hostPlan.changes);
    try {
      await runScript(transport, host, hostPlan.changes, bundles, timer?.arm);
      await deps.failpoint?.('after-change', host.name);
      const after = (await gatherHost(transport, host, LOCK_HELD)).state;
      const left = withinPlan(diffHost(asCompiled(expected), after), hostPlan.changes);
      if (left.length > 0) throw new HostError(host.name, 'command', `verification failed: ${left.length} change(s) not in effect after apply (${left.map((c) => c.address).slice(0, 3).join(', ')})`);
      const cleanup = fileCleanupScript(hostPlan.changes) ?? '';
      if (timer) await confirm(transport, host, timer, cleanup);
      else if (cleanup) await transport.exec(host, cleanup);
      return after;
    } catch (e) {
      // The failure first, then what was done about it.
      report(e);
      const restored = await rollback(transport, host, before, hostPlan.changes, emit);
      // Back where it was, checked: the timer has nothing left to do. Otherwise it stays armed,
      // and restores the host if contiv could not (the connection is what failed).
      if (restored && timer) await transport.exec(host, confirmScript(timer.token)).catch(() => undefined);
      throw e;
    }
  } catch (e) {
    report(e);
    throw e;
  } finally {
    await held.release();
  }
}

interface ArmedTimer {
  token: string;
  seconds: number;
  /** The lines that arm it, ahead of the change. */
  arm: string[];
}

/** The timer for one host's change: its checkpoint is the way back from the state the change makes. */
function armTimer(seconds: number | undefined, before: HostState, expected: HostState, changes: readonly Change[]): ArmedTimer | undefined {
  if (!seconds) return undefined;
  const token = randomBytes(8).toString('hex');
  const back = withinPlan(diffHost(asCompiled(before), expected), changes);
  return { token, seconds, arm: armLines(token, seconds, hostScript(back, {}, { restore: true })) };
}

/**
 * The confirmation, over a new connection: it proves that the changed host still accepts
 * contiv, and disarms its timer. A host that cannot be reached anew, or whose timer fired first,
 * has failed (and is rolled back by the caller, through the connection still open, if it can).
 */
async function confirm(transport: Transport, host: HostTarget, timer: ArmedTimer, cleanup: string): Promise<void> {
  let outcome;
  try {
    outcome = parseConfirm((await transport.exec(host, confirmScript(timer.token, cleanup), { fresh: true, timeoutMs: 60_000 + 90_000 })).stdout);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(`${host.name}: `, '') : String(e);
    throw new HostError(host.name, 'unreachable', `applied and verified, but a new SSH connection to confirm it failed (${why}); unless contiv rolls it back now, the host restores its state before the apply by itself within ${timer.seconds} s of the change`);
  }
  if (outcome.status === 'fired') throw new HostError(host.name, 'timeout', `its dead-man timer fired before contiv confirmed the change (${outcome.report})`, `the host is back at its state before the apply; if it is slow, give it longer (--confirm-timeout, now ${timer.seconds} s)`);
  if (outcome.status === 'unknown') throw new HostError(host.name, 'command', 'its dead-man timer is gone (the host rebooted, or /run was cleared?); the change is not confirmed', 'run contiv plan to see where the host is');
}

async function runScript(transport: Transport, host: HostTarget, changes: readonly Change[], bundles: Bundles = {}, first: readonly string[] = []): Promise<void> {
  const script = hostScript(changes, bundles);
  const result = await transport.exec(host, first.length ? `set -eu\n${first.join('\n')}\n${script}` : script);
  if (result.code !== 0) throw new HostError(host.name, 'command', `apply failed (exit ${result.code}): ${stderrSummary(result)}`);
}

/** Back to `before`, for what the plan touches: the changes that turn it from what is there now into what was. */
async function rollback(transport: Transport, host: HostTarget, before: HostState, plan: readonly Change[], emit: (e: ApplyEvent) => void): Promise<boolean> {
  try {
    const back = withinPlan(diffHost(asCompiled(before), (await gatherHost(transport, host, LOCK_HELD)).state), plan);
    if (back.length > 0) await runScript(transport, host, back);
    const check = withinPlan(diffHost(asCompiled(before), (await gatherHost(transport, host, LOCK_HELD)).state), plan);
    emit({ type: 'rolled-back', host: host.name, ok: check.length === 0, ...(check.length ? { message: `${check.length} change(s) could not be undone` } : {}) });
    return check.length === 0;
  } catch (e) {
    emit({ type: 'rolled-back', host: host.name, ok: false, message: e instanceof Error ? e.message : String(e) });
    return false;
  }
}

/** A state as the target of a diff: what was there, the commit record included. */
function asCompiled(state: HostState): CompiledHost {
  return { state, owners: {}, commitRecorded: true };
}
