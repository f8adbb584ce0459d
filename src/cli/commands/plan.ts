import { checkWritablePath, writePrivateFile } from '../private-file.js';
import type { Command } from 'commander';
import { SshTransport } from '../../host/ssh-transport.js';
import { planDocument, serializePlan } from '../../plan/plan-file.js';
import { countChanges, type Plan } from '../../plan/types.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { toJson } from '../../render/json.js';
import { renderPlanText, type PlanTextStyle } from '../../render/plan-text.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { planFleet } from '../fleet-plan.js';
import { checkBaseOrReport, loadModelOrReport, useColor } from '../load-model.js';
import { baseOptions, formatOf, formatOptions, hostOptions, manifestOptions, shardOptions, trustOptions, type BaseCliOptions, type FormatCliOptions, type ManifestCliOptions, type ShardCliOptions, type TrustCliOptions } from '../options.js';
import type { Approvals } from '../../render/plan-markdown.js';
import { shardNote } from '../shard-note.js';
import { askGit, contentHash, refuseDirty, sourceOf } from '../source-commit.js';
import { hostCommitsLines } from '../host-commits.js';
import { DRIFT_THEN, driftSection, findDrift, withOrigins, type Drift } from '../drift.js';
import { isSharded } from '../../plan/target.js';

interface PlanOptions extends ManifestCliOptions, FormatCliOptions, ShardCliOptions, TrustCliOptions, BaseCliOptions {
  out?: string;
  allowDirty?: boolean;
  detailedExitcode?: boolean;
  parallelism: number;
  acceptNewHostKeys?: boolean;
  full?: boolean;
}

export function registerPlan(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('plan').description('Show what apply would change on every host to match the manifests.');
  manifestOptions(command);
  formatOptions(command, ['text', 'json', 'markdown']);
  baseOptions(trustOptions(shardOptions(hostOptions(command))))
    .option('--out <file>', 'save the plan, for `contiv apply FILE`')
    .option('--allow-dirty', 'save a plan of manifests with uncommitted changes (no commit names it)')
    .option('--full', 'every host\'s changes in its own section, every flow line (default: changes made alike on several hosts shown once)')
    .option('--detailed-exitcode', 'exit 0 when there is nothing to change, 2 when there is, 1 on error')
    .action(async (dir: string, options: PlanOptions) => {
      const color = useColor(options.color);
      if (options.out) checkWritablePath(options.out, 'plan --out');
      // The commit the plan is of: Git is asked first, and answers while the manifests are read
      // and the hosts are; but a saved plan must name one, and that is checked before any host
      // is contacted. Awaited where it is used; a plan that stops first leaves it unread, not unhandled.
      const git = askGit(dir, options.ref);
      git.catch(() => undefined);
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      // Who may change what is checked before any host is contacted.
      const approvals = options.base !== undefined ? await checkBaseOrReport(dir, options.base, loaded, options, setStatus) : undefined;
      if (options.base !== undefined && !approvals) return;
      const source = git.then((answer) => sourceOf(dir, answer, loaded));
      source.catch(() => undefined);
      if (options.out) refuseDirty(await source, 'plan --out', options.allowDirty);
      const transport = new SshTransport({ acceptNewHostKeys: options.acceptNewHostKeys === true });
      try {
        const result = await planFleet(loaded.model, transport, { parallelism: options.parallelism, target: options.target, exclude: options.exclude, source, ...(options.trustHost !== undefined ? { trustHost: options.trustHost } : {}) });
        if (!result.ok) {
          process.stdout.write(`${renderDiagnostics(result.diagnostics, loaded.sources, { color })}\n\nNo plan: fix the problems above first.\n`);
          setStatus(1);
          return;
        }
        const plan = result.plan;
        if (options.out) await writePrivateFile(options.out, serializePlan(plan), 'plan --out');
        // What changed on the hosts outside contiv, ahead of what the manifests change.
        const format = formatOf(options) as 'text' | 'json' | 'markdown';
        const drift = format !== 'markdown' && !isSharded(options) ? await findDrift(dir, options, result.live, { plan, content: contentHash(loaded.sources) }) : undefined;
        if (drift && format === 'text') {
          const lines = driftSection(drift, plan.connections.length);
          if (lines.length) process.stdout.write(`${lines.join('\n')}\n${DRIFT_THEN}\n\n`);
        }
        process.stdout.write(`${renderPlan(plan, format, { color, full: options.full === true, ...(options.out ? { planFile: options.out } : {}), ...(approvals ? { approvals } : {}), ...(drift ? { drift } : {}) })}\n`);
        if (formatOf(options) === 'text') {
          const behind = await hostCommitsLines(plan.source, result.live);
          if (behind.length) process.stdout.write(`\n${behind.join('\n')}\n`);
        }
        if (options.out) process.stderr.write(`Saved the plan to ${options.out}; apply exactly it with: contiv apply ${options.out}\n`);
        const changes = countChanges(plan);
        setStatus(options.detailedExitcode && changes.add + changes.change + changes.destroy > 0 ? 2 : 0);
      } finally {
        await transport.close();
      }
    });
}

export interface RenderPlanOptions {
  color: boolean;
  /** Per host, every line (`--full`); markdown ignores it (it has a size limit). */
  full: boolean;
  /** Where the plan was saved: markdown points there for the full plan. */
  planFile?: string;
  /** --base: whose signatures each part of the change needs (markdown lists them). */
  approvals?: Approvals;
  /** What changed outside contiv (JSON marks each change as drift or as the manifests'). */
  drift?: Drift;
}

export function renderPlan(plan: Plan, format: 'text' | 'json' | 'markdown', options: RenderPlanOptions): string {
  switch (format) {
    case 'json':
      // The saved plan's form: each change once, with its hosts (src/plan/plan-file.ts).
      return toJson('plan', { plan: options.drift ? withOrigins(planDocument(plan), options.drift) : planDocument(plan), summary: countChanges(plan) });
    case 'markdown':
      return renderPlanMarkdown(plan, { fullPlanCommand: options.planFile ? `contiv show ${options.planFile} --full` : 'contiv plan --full', ...(plan.shard ? { note: shardNote(plan) } : {}), ...(options.approvals ? { approvals: options.approvals } : {}) });
    default:
      return `${plan.shard ? `${shardNote(plan)}\n\n` : ''}${renderPlanText(plan, fullStyle(options.color, options.full))}`;
  }
}

/** `--full`: each host's changes in its own section, with every flow line. */
export function fullStyle(color: boolean, full: boolean): PlanTextStyle {
  return full ? { color, perHost: true, maxFlowLines: Number.POSITIVE_INFINITY } : { color };
}
