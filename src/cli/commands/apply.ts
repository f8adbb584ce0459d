import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { applyPlan, type ApplyEvent } from '../../apply/execute.js';
import type { SettledClaim } from '../../endpoint/claim.js';
import { describeAddressRecord } from '../../ipam/records.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { parsePlan } from '../../plan/plan-file.js';
import { destroysWhat, planDestroys } from '../../plan/destroy.js';
import { describeHosts } from '../../render/host-list.js';
import { isSharded, selectShard } from '../../plan/target.js';
import { countChanges, type Plan } from '../../plan/types.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { renderPlanText } from '../../render/plan-text.js';
import { UserError } from '../errors.js';
import { readBundles } from '../../runtime/bundle.js';
import { planFleet } from '../fleet-plan.js';
import { loadModelOrReport, useColor } from '../load-model.js';
import { hostOptions, manifestOptions, parseLockTimeout, shardOptions, trustOptions, type ManifestCliOptions, type ShardCliOptions, type TrustCliOptions } from '../options.js';
import { lockHolder } from '../lock-holder.js';
import { shardNote } from '../shard-note.js';
import { confirm } from '../prompt.js';
import { findDrift, repairPlan } from '../drift.js';
import { askGit, contentHash, refuseDirty, sourceOf } from '../source-commit.js';
import { DEFAULT_CONFIRM_TIMEOUT, failpointFromEnv, INTERRUPTED, onInterrupt, parseConfirmTimeout } from '../apply-safety.js';

interface ApplyOptions extends ManifestCliOptions, ShardCliOptions, TrustCliOptions {
  autoApprove?: boolean;
  parallelism: number;
  acceptNewHostKeys?: boolean;
  color?: boolean;
  lockTimeout: number;
  confirmTimeout: number;
  allowDestroy?: boolean;
  allowDirty?: boolean;
  repair?: boolean;
}

export function registerApply(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('apply').description('Make every host match the manifests (DIR), or apply a saved plan exactly (PLANFILE).');
  manifestOptions(command, ['[dir-or-planfile]', 'manifest directory, or a plan saved by `contiv plan --out`']);
  trustOptions(shardOptions(hostOptions(command)))
    .option('--auto-approve', 'apply without asking')
    .option('--lock-timeout <seconds>', "how long to wait for a host's lock that another contiv run holds", parseLockTimeout, 30)
    .option('--repair', 'change nothing the manifests changed: put back on each host what changed outside contiv since the commit it records (safe from cron)')
    .option('--allow-dirty', 'apply manifests with uncommitted changes, or a plan of them (no commit says what was applied)')
    .option('--allow-destroy', 'apply a plan that removes everything contiv made on a host, or every network of a tenant')
    .option('--confirm-timeout <seconds>', 'a host restores its state before the apply by itself unless contiv confirms the change over a new SSH connection within this long (0: no such timer)', parseConfirmTimeout, DEFAULT_CONFIRM_TIMEOUT)
    .action(async (arg: string, options: ApplyOptions) => {
      const color = useColor(options.color);
      const transport = new SshTransport({ acceptNewHostKeys: options.acceptNewHostKeys === true });
      try {
        const info = await stat(arg).catch(() => undefined);
        let plan: Plan;
        if (info?.isFile()) {
          // A saved plan is the approval: applied exactly as shown, or refused per host if that host moved.
          if (options.repair) throw new UserError(`--repair works from the manifests' history (DIR), not from a saved plan such as ${arg}`);
          if (options.trustHost !== undefined) throw new UserError(`--trust-host chooses whose records a plan takes; ${arg} is a plan already made (make it with contiv plan --trust-host ${options.trustHost} --out FILE)`);
          const parsed = parsePlan(await readFile(arg, 'utf8'));
          if (!parsed.plan) throw new UserError(`${arg}: ${parsed.problem}`);
          plan = parsed.plan;
          refuseDirty(plan.source, `apply ${arg}, a plan`, options.allowDirty);
          // Narrowed to some of the hosts the plan covers; the others stay unlocked and untouched.
          if (isSharded(options)) {
            const covered = new Set(plan.hosts.map((h) => h.host));
            const selection = selectShard(plan.connections.filter((c) => covered.has(c.name)), options, undefined, 'the plan');
            if (!selection.hosts) throw new UserError(`${arg}: ${selection.diagnostics.map((d) => `${d.message}${d.hint ? ` (${d.hint})` : ''} [${d.code}]`).join('; ')}`);
            const chosen = new Set(selection.hosts);
            plan = { ...plan, hosts: plan.hosts.filter((h) => chosen.has(h.host)), shard: { target: options.target, exclude: options.exclude, hosts: selection.hosts } };
          }
        } else {
          const git = askGit(arg, options.ref);
          git.catch(() => undefined);
          const loaded = await loadModelOrReport(arg, options, setStatus);
          if (!loaded) return;
          const source = sourceOf(arg, await git, loaded);
          // A repair applies commits the hosts already record, never DIR as it is now.
          if (!options.repair) refuseDirty(source, 'apply', options.allowDirty);
          const result = await planFleet(loaded.model, transport, { parallelism: options.parallelism, target: options.target, exclude: options.exclude, source, ...(options.trustHost !== undefined ? { trustHost: options.trustHost } : {}) });
          if (!result.ok) {
            process.stdout.write(`${renderDiagnostics(result.diagnostics, loaded.sources, { color })}\n\nNothing applied: fix the problems above first.\n`);
            setStatus(1);
            return;
          }
          plan = result.plan;
          if (options.repair) {
            if (isSharded(options)) throw new UserError('--repair works on every host; --target and --exclude are not for it');
            const drift = await findDrift(arg, options, result.live, { plan, content: contentHash(loaded.sources) });
            for (const u of drift.unknown) process.stdout.write(`Not repaired, ${describeHosts(u.hosts, plan.connections.length)}: ${u.why}.\n`);
            plan = repairPlan(plan, drift);
          }
        }
        // A saved plan made by another contiv would install another plugin than this one carries.
        const bundles = await readBundles();
        const stale = plan.hosts.flatMap((h) => h.changes).find((c) => c.type === 'file' && c.after?.bundle !== undefined && c.after.sha256 !== bundles[c.after.bundle].sha256);
        if (stale?.type === 'file') throw new UserError(`${arg}: the plan installs a ${stale.after!.bundle} this contiv does not have (it was made by another build of contiv); make a new plan`);
        if (plan.shard) process.stdout.write(`${shardNote(plan)}\n\n`);
        process.stdout.write(`${renderPlanText(plan, { color })}\n`);
        const counts = countChanges(plan);
        if (counts.add + counts.change + counts.destroy === 0) {
          setStatus(0);
          return;
        }
        const destroys = planDestroys(plan);
        if (destroys && !options.allowDestroy) throw new UserError(`this plan destroys ${destroysWhat(destroys, (hosts) => describeHosts(hosts, plan.hosts.length))}; nothing applied. If that is meant, apply again with --allow-destroy`);
        if (!info?.isFile() && !options.autoApprove) {
          if (!process.stdin.isTTY) throw new UserError('no terminal to ask for approval: pass --auto-approve, or apply a saved plan (contiv plan --out FILE, then contiv apply FILE)');
          if (!(await confirm('\nApply these changes? Only "yes" is accepted: '))) {
            process.stdout.write('Apply cancelled.\n');
            setStatus(1);
            return;
          }
        }
        // Only hosts that were changed are rolled back; a host refused before any change (it
        // moved since the plan, its lock was held) was never touched, and the summary says so.
        const rolledBack = new Set<string>();
        const notUndone = new Set<string>();
        // On a terminal a live row per host (ink); otherwise plain lines, one per event.
        // ink (and React) only when a terminal shows the progress.
        const progress = process.stdout.isTTY ? (await import('../../render/ink/ApplyView.js')).showApplyProgress(plan.hosts.filter((h) => h.changes.length).map((h) => ({ host: h.host, changes: h.changes.length }))) : undefined;
        let settled: SettledClaim[] = [];
        const onEvent = (e: ApplyEvent): void => {
          if (e.type === 'rolled-back') (e.ok ? rolledBack : notUndone).add(e.host);
          if (e.type === 'claims-settled') settled = e.claims;
          else (progress?.onEvent ?? printEvent)(e);
        };
        const lock = { holder: lockHolder(options.repair ? 'apply --repair' : 'apply', plan.source.commit ?? plan.source.ref), waitSeconds: options.lockTimeout };
        const interrupt = onInterrupt(() => process.stderr.write(INTERRUPTED));
        const failpoint = failpointFromEnv(process.env['CONTIV_FAILPOINT']);
        let outcomes;
        try {
          outcomes = await applyPlan(plan, { transport, hosts: plan.connections, bundles, lock, confirmTimeoutSeconds: options.confirmTimeout, interrupted: interrupt.signal, ...(failpoint ? { failpoint } : {}) }, { parallelism: options.parallelism, onEvent });
        } finally {
          interrupt.dispose();
        }
        await progress?.finish();
        if (interrupt.signal.aborted) {
          const started = outcomes.filter((o) => o.ok || o.error.kind !== 'interrupted');
          const applied = started.filter((o) => o.ok).length;
          process.stdout.write(`\nApply interrupted: ${applied} host${applied === 1 ? '' : 's'} changed, ${started.length - applied} failed, ${outcomes.length - started.length} not started.\n`);
          setStatus(130);
          return;
        }
        if (settled.length) process.stdout.write(claimsSummary(settled));
        const failed = outcomes.filter((o) => !o.ok);
        const done = outcomes.length - failed.length;
        process.stdout.write(`\nApply ${failed.length ? 'failed' : 'complete'}: ${done} host${done === 1 ? '' : 's'} changed${failed.length ? `, ${failureSummary(failed.length, rolledBack.size, notUndone.size)}` : ''}.\n`);
        setStatus(failed.length ? 1 : 0);
      } finally {
        await transport.close();
      }
    });
}

/** What became of the address blocks this apply claimed (written pending, then settled). */
function claimsSummary(claims: readonly SettledClaim[]): string {
  const lines = claims.map((c) => {
    const info = describeAddressRecord(c.key, undefined);
    const what = `${c.host}: address block ${info.what} of ${info.space}`;
    if (c.outcome === 'confirmed') return `${what}: claimed`;
    if (c.outcome === 'withdrawn') return `${what}: withdrawn, ${c.note} recorded an overlapping block meanwhile (the next plan claims another)`;
    return `${what}: left pending (${c.note ?? 'not settled'}); never used until the next plan settles it`;
  });
  return `${lines.join('\n')}\n`;
}

function failureSummary(failed: number, rolledBack: number, notUndone: number): string {
  const untouched = failed - rolledBack - notUndone;
  const parts = [rolledBack ? `${rolledBack} rolled back` : '', notUndone ? `${notUndone} NOT fully rolled back` : '', untouched ? `${untouched} left untouched` : ''].filter(Boolean);
  return `${failed} failed (${parts.join(', ')})`;
}

function printEvent(e: ApplyEvent): void {
  switch (e.type) {
    case 'host-started':
      process.stdout.write(`${e.host}: applying ${e.changes} change${e.changes === 1 ? '' : 's'}…\n`);
      break;
    case 'host-applied':
      process.stdout.write(`${e.host}: done and verified in ${(e.ms / 1000).toFixed(1)} s\n`);
      break;
    case 'host-failed':
      process.stdout.write(`${e.host}: FAILED: ${e.message}\n`);
      break;
    case 'rolled-back':
      process.stdout.write(`${e.host}: ${e.ok ? 'rolled back to its state before the apply' : `ROLLBACK INCOMPLETE: ${e.message ?? ''}`}\n`);
      break;
    case 'claims-settled':
      break;
  }
}
