import type { LoadedManifests } from './load-model.js';
import type { Model } from '../model/types.js';
import { planDocument, serializePlan } from '../plan/plan-file.js';
import { isSharded } from '../plan/target.js';
import { countChanges, type Plan } from '../plan/types.js';
import { toJson } from '../render/json.js';
import { renderPlanMarkdown, type Approvals } from '../render/plan-markdown.js';
import { renderPlanText, type PlanTextStyle } from '../render/plan-text.js';
import type { LiveHost } from '../state/host-state.js';
import type { PlanOptions } from './commands/plan.js';
import { DRIFT_THEN, driftSection, findDrift, withOrigins, type Drift } from './drift.js';
import { hostCommitsLines } from './host-commits.js';
import { formatOf } from './options.js';
import { writePrivateFile } from './private-file.js';
import { shardNote } from './shard-note.js';
import { contentHash } from './source-commit.js';

/*
 * What `contiv plan` does once the hosts have answered: save the plan (--out), find the drift,
 * print the plan in its format, say where the hosts are by commit, and set the exit status.
 * A module of its own so that plan loads it while the hosts are read (commands/plan.ts).
 */

export interface PlanReport {
  dir: string;
  options: PlanOptions;
  color: boolean;
  loaded: LoadedManifests & { model: Model };
  approvals: Approvals | undefined;
  plan: Plan;
  live: Record<string, LiveHost>;
  setStatus: (code: number) => void;
}

export async function reportPlan({ dir, options, color, loaded, approvals, plan, live, setStatus }: PlanReport): Promise<void> {
  if (options.out) await writePrivateFile(options.out, serializePlan(plan), 'plan --out');
  // What changed on the hosts outside contiv, ahead of what the manifests change.
  const format = formatOf(options) as 'text' | 'json' | 'markdown';
  const drift = format !== 'markdown' && !isSharded(options) ? await findDrift(dir, options, live, { plan, content: contentHash(loaded.sources) }) : undefined;
  if (drift && format === 'text') {
    const lines = driftSection(drift, plan.connections.length);
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n${DRIFT_THEN}\n\n`);
  }
  process.stdout.write(`${renderPlan(plan, format, { color, full: options.full === true, ...(options.out ? { planFile: options.out } : {}), ...(approvals ? { approvals } : {}), ...(drift ? { drift } : {}) })}\n`);
  if (format === 'text') {
    const behind = await hostCommitsLines(plan.source, live);
    if (behind.length) process.stdout.write(`\n${behind.join('\n')}\n`);
  }
  if (options.out) process.stderr.write(`Saved the plan to ${options.out}; apply exactly it with: contiv apply ${options.out}\n`);
  const changes = countChanges(plan);
  setStatus(options.detailedExitcode && changes.add + changes.change + changes.destroy > 0 ? 2 : 0);
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
