import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { parsePlan } from '../../plan/plan-file.js';
import type { Plan } from '../../plan/types.js';
import { renderPlan } from '../plan-report.js';
import { gatherFleet } from '../../host/gather.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { toJson } from '../../render/json.js';
import { renderShowText } from '../../render/show-text.js';
import { recordedCommit } from '../../plan/commit-record.js';
import { distancesFromHead } from '../host-commits.js';
import { fingerprintHost } from '../../state/fingerprint.js';
import { BRIDGE } from '../../compile/pipeline.js';
import { blockUse } from '../../ipam/host.js';
import { intToIp } from '../../manifest/ipv4.js';
import { endpointsOf } from '../../state/endpoint.js';
import type { LiveHost } from '../../state/host-state.js';
import { UserError } from '../errors.js';
import { loadModelOrReport, useColor } from '../load-model.js';
import { formatOf, formatOptions, hostOptions, manifestOptions, type FormatCliOptions, type ManifestCliOptions } from '../options.js';

interface ShowOptions extends ManifestCliOptions, FormatCliOptions {
  host?: string[];
  parallelism: number;
  acceptNewHostKeys?: boolean;
  color?: boolean;
  full?: boolean;
}

/** Each block of the host, as addresses, with how many of them are in use. */
function addressBlocksOf(live: LiveHost): Array<{ space: string; first: string; last: string; state: string; size: number; used: number }> {
  const bridge = live.state.bridges[BRIDGE];
  if (!bridge) return [];
  return blockUse(bridge.externalIds, endpointsOf(live.state)).map((b) => ({ space: b.space, first: intToIp(b.first), last: intToIp(b.last), state: b.state, size: b.last - b.first + 1, used: b.used }));
}

export function registerShow(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('show').description('Show the live contiv state of every host: bridges, tunnels, endpoints, flows, unmanaged objects; or print a saved plan (PLANFILE).');
  manifestOptions(command, ['[dir-or-planfile]', 'manifest directory, or a plan saved by `contiv plan --out` to print']);
  formatOptions(command, ['text', 'json', 'markdown']);
  hostOptions(command)
    .option('--host <name...>', 'only these hosts')
    .option('--full', 'a saved plan: every host\'s changes in its own section, every flow line')
    .action(async (dir: string, options: ShowOptions) => {
      if ((await stat(dir).catch(() => undefined))?.isFile()) {
        showPlanFile(dir, await readFile(dir, 'utf8'), options);
        setStatus(0);
        return;
      }
      if (formatOf(options) === 'markdown') throw new UserError('--format markdown prints a saved plan (contiv show PLANFILE --format markdown); the live state is text or json');
      if (options.full) throw new UserError('--full prints a saved plan per host (contiv show PLANFILE --full); the live state is always shown whole');
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      let hosts = loaded.model.fabric.hosts;
      if (options.host) {
        const unknown = options.host.filter((h) => !hosts.some((x) => x.name === h));
        if (unknown.length) throw new UserError(`unknown host ${unknown.join(', ')}; the Fabric has ${hosts.map((h) => h.name).join(', ')}`);
        hosts = hosts.filter((h) => options.host!.includes(h.name));
      }
      const transport = new SshTransport({ acceptNewHostKeys: options.acceptNewHostKeys === true });
      try {
        const outcomes = await gatherFleet(transport, hosts, options.parallelism);
        if (formatOf(options) === 'json') {
          const body = outcomes.map((o) =>
            o.ok
              ? { host: o.host, ok: true, fingerprint: fingerprintHost(o.value.state), ...o.value, addressBlocks: addressBlocksOf(o.value) }
              : { host: o.host, ok: false, error: { kind: o.error.kind, message: o.error.message, hint: o.error.hint } },
          );
          process.stdout.write(`${toJson('show', { hosts: body })}\n`);
        } else {
          const commits = outcomes.flatMap((o) => (o.ok ? [recordedCommit(o.value.state)].filter((c): c is string => c !== undefined) : []));
          const notes = await distancesFromHead(dir, commits).catch(() => ({}) as Record<string, string>);
          process.stdout.write(`${renderShowText(outcomes, (c) => notes[c] ?? '')}\n`);
        }
        setStatus(outcomes.every((o) => o.ok) ? 0 : 1);
      } finally {
        await transport.close();
      }
    });
}

/** A saved plan, as `plan` printed it (grouped; per host with --full), or as its JSON. */
function showPlanFile(file: string, text: string, options: ShowOptions): void {
  const parsed = parsePlan(text);
  if (!parsed.plan) throw new UserError(`${file}: ${parsed.problem}`);
  let plan: Plan = parsed.plan;
  if (options.host) {
    const unknown = options.host.filter((h) => !plan.hosts.some((x) => x.host === h));
    if (unknown.length) throw new UserError(`unknown host ${unknown.join(', ')}; the plan has ${plan.hosts.map((h) => h.host).join(', ')}`);
    plan = { ...plan, hosts: plan.hosts.filter((h) => options.host!.includes(h.host)) };
  }
  const format = formatOf(options) as 'text' | 'json' | 'markdown';
  process.stdout.write(`${renderPlan(plan, format, { color: useColor(options.color), full: options.full === true, planFile: file })}\n`);
}
