import type { CompiledHost } from '../compile/compile.js';
import { forEachHost, type HostOutcome } from '../host/fleet.js';
import { gatherHost } from '../host/gather.js';
import { HostError, type HostTarget, type Transport } from '../host/transport.js';
import { diffHost } from '../plan/diff.js';
import { projectState } from '../plan/project.js';
import type { Change, HostPlan, Plan } from '../plan/types.js';
import { fingerprintHost } from '../state/fingerprint.js';
import type { HostState } from '../state/host-state.js';
import { EXIT_LOCKED, hostScript } from './script.js';

export type ApplyEvent =
  | { type: 'host-started'; host: string; changes: number }
  | { type: 'host-applied'; host: string; changes: number; ms: number }
  | { type: 'host-failed'; host: string; message: string }
  | { type: 'rolled-back'; host: string; ok: boolean; message?: string };

export interface ApplyDeps {
  transport: Transport;
  hosts: readonly HostTarget[];
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
 * Applies a plan, hosts in parallel. Per host: re-gather and refuse when its fingerprint moved
 * since the plan; run the one script; re-gather and compare with the state the plan promised.
 * A host that fails anywhere is rolled back to what it had before (by diffing back to it), so
 * it is left as it was or as planned, never half-way.
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps, options: ApplyOptions): Promise<HostOutcome<HostApplied>[]> {
  const emit = options.onEvent ?? (() => undefined);
  const byName = new Map(deps.hosts.map((h) => [h.name, h]));
  const targets = plan.hosts.filter((h) => h.changes.length > 0).map((h) => {
    const host = byName.get(h.host);
    if (!host) throw new Error(`the plan names host ${h.host}, which the Fabric does not have`);
    return host;
  });
  const plans = new Map(plan.hosts.map((h) => [h.host, h]));
  return forEachHost(targets, options.parallelism, async (host) => {
    const hostPlan = plans.get(host.name)!;
    emit({ type: 'host-started', host: host.name, changes: hostPlan.changes.length });
    const started = Date.now();
    try {
      const after = await applyHost(deps.transport, host, hostPlan, emit);
      emit({ type: 'host-applied', host: host.name, changes: hostPlan.changes.length, ms: Date.now() - started });
      return { changes: hostPlan.changes.length, after };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      emit({ type: 'host-failed', host: host.name, message });
      throw e;
    }
  });
}

async function applyHost(transport: Transport, host: HostTarget, hostPlan: HostPlan, emit: (e: ApplyEvent) => void): Promise<HostState> {
  const before = (await gatherHost(transport, host)).state;
  const now = fingerprintHost(before);
  if (now !== hostPlan.fingerprint) {
    throw new HostError(host.name, 'command', 'changed since the plan was made; nothing applied', 'make a new plan');
  }
  const expected = projectState(before, hostPlan.changes);
  try {
    await runScript(transport, host, hostPlan.changes);
    const after = (await gatherHost(transport, host)).state;
    const left = diffHost(asCompiled(expected), after);
    if (left.length > 0) {
      throw new HostError(host.name, 'command', `verification failed: ${left.length} change(s) not in effect after apply (${left.map((c) => c.address).slice(0, 3).join(', ')})`);
    }
    return after;
  } catch (e) {
    await rollback(transport, host, before, emit);
    throw e;
  }
}

async function runScript(transport: Transport, host: HostTarget, changes: readonly Change[]): Promise<void> {
  const result = await transport.exec(host, hostScript(changes));
  if (result.code === EXIT_LOCKED) throw new HostError(host.name, 'command', 'another contiv run is applying to this host (lock held)');
  if (result.code !== 0) throw new HostError(host.name, 'command', `apply failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
}

/** Back to `before`: the changes that turn what is there now into what was there. */
async function rollback(transport: Transport, host: HostTarget, before: HostState, emit: (e: ApplyEvent) => void): Promise<void> {
  try {
    const now = (await gatherHost(transport, host)).state;
    const back = diffHost(asCompiled(before), now);
    if (back.length > 0) await runScript(transport, host, back);
    const check = diffHost(asCompiled(before), (await gatherHost(transport, host)).state);
    emit({ type: 'rolled-back', host: host.name, ok: check.length === 0, ...(check.length ? { message: `${check.length} change(s) could not be undone` } : {}) });
  } catch (e) {
    emit({ type: 'rolled-back', host: host.name, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
}

function asCompiled(state: HostState): CompiledHost {
  return { state, owners: {} };
}
