// @ts-nocheck
import type { Command } from 'commander';
import { gatherFleet } from '../../host/gather.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { toJson } from '../../render/json.js';
import { renderShowText } from '../../render/show-text.js';
import { fingerprintHost } from '../../state/fingerprint.js';
import { UserError } from '../errors.js';
import { loadModelOrReport } from '../load-model.js';
import { formatOf, formatOptions, hostOptions, manifestOptions, type FormatCliOptions, type ManifestCliOptions } from '../options.js';

interface ShowOptions extends ManifestCliOptions, FormatCliOptions {
  host?: string[];
  parallelism: number;
  acceptNewHostKeys?: boolean;
  color?: boolean;
}

export function registerShow(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('show').description('Show the live contiv state of every host: bridges, tunnels, endpoints, flows, unmanaged objects.');
  manifestOptions(command);
  formatOptions(command);
  hostOptions(command)
    .option('--host <name...>', 'only these hosts')
    .action(async (dir: string, options: ShowOptions) => {
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
              ? { host: o.host, ok: true, fingerprint: fingerprintHost(o.value.state), ...o.value }
              : { host: o.host, ok: false, error: { kind: o.error.kind, message: o.error.message, hint: o.error.hint } },
          );
          process.stdout.write(`${toJson('show', { hosts: body })}\n`);
        } else {
          process.stdout.write(`${renderShowText(outcomes)}\n`);
        }
        setStatus(outcomes.every((o) => o.ok) ? 0 : 1);
      } finally {
        await transport.close();
      }
    });
}
