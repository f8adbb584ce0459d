import { checkWritablePath } from '../private-file.js';
import type { Command } from 'commander';
import { SshTransport } from '../../host/ssh-transport.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { planFleet } from '../fleet-plan.js';
import { checkBaseOrReport, loadModelOrReport, useColor } from '../load-model.js';
import { baseOptions, formatOptions, hostOptions, manifestOptions, shardOptions, trustOptions, type BaseCliOptions, type FormatCliOptions, type ManifestCliOptions, type ShardCliOptions, type TrustCliOptions } from '../options.js';
import { askGit, refuseDirty, sourceOf } from '../source-commit.js';

export interface PlanOptions extends ManifestCliOptions, FormatCliOptions, ShardCliOptions, TrustCliOptions, BaseCliOptions {
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
      const approvals = options.base !== undefined ? await checkBaseOrReport(dir, options.base, loaded, await git, options, setStatus) : undefined;
      if (options.base !== undefined && !approvals) return;
      const source = git.then((answer) => sourceOf(dir, answer, loaded));
      source.catch(() => undefined);
      if (options.out) refuseDirty(await source, 'plan --out', options.allowDirty);
      const transport = new SshTransport({ acceptNewHostKeys: options.acceptNewHostKeys === true });
      try {
        // What only the hosts' answers need is loaded while they are read: the client's one
        // thread waits on the handshakes meanwhile (bench/plan-fleet).
        const report = import('../plan-report.js');
        report.catch(() => undefined);
        const result = await planFleet(loaded.model, transport, { parallelism: options.parallelism, target: options.target, exclude: options.exclude, source, ...(options.trustHost !== undefined ? { trustHost: options.trustHost } : {}) });
        if (!result.ok) {
          process.stdout.write(`${renderDiagnostics(result.diagnostics, loaded.sources, { color })}\n\nNo plan: fix the problems above first.\n`);
          setStatus(1);
          return;
        }
        await (await report).reportPlan({ dir, options, color, loaded, approvals, plan: result.plan, live: result.live, setStatus });
      } finally {
        await transport.close();
      }
    });
}
