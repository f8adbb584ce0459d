import type { Command } from 'commander';
import { EXIT_UNKNOWN_HOLDER, FORCE_UNLOCK_SCRIPT } from '../../apply/script.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { stderrSummary } from '../../host/transport.js';
import { visible } from '../../render/visible.js';
import { UserError } from '../errors.js';
import { loadModelOrReport } from '../load-model.js';
import { hostOptions, manifestOptions, type ManifestCliOptions } from '../options.js';

interface ForceUnlockOptions extends ManifestCliOptions {
  acceptNewHostKeys?: boolean;
  parallelism: number;
}

/**
 * `contiv force-unlock HOST`: for a run that is gone but whose session still holds a host's
 * lock (a hung SSH session, a CI job killed without its connection). A contiv that dies lets
 * go by itself (its session closes); this is for when that did not happen.
 */
export function registerForceUnlock(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('force-unlock').description("End the contiv run that holds a host's lock (/run/contiv.lock), as its record names it; nothing else is ended.");
  command.argument('<host>', 'host name in the Fabric');
  manifestOptions(command);
  hostOptions(command).action(async (hostName: string, dir: string, options: ForceUnlockOptions) => {
    const loaded = await loadModelOrReport(dir, options, setStatus);
    if (!loaded) return;
    const host = loaded.model.fabric.hosts.find((h) => h.name === hostName);
    if (!host) throw new UserError(`unknown host ${hostName}; the Fabric has ${loaded.model.fabric.hosts.map((h) => h.name).join(', ')}`);
    const transport = new SshTransport({ acceptNewHostKeys: options.acceptNewHostKeys === true });
    try {
      const result = await transport.exec(host, FORCE_UNLOCK_SCRIPT, { timeoutMs: 30_000 });
      const said = visible(result.stdout.trim());
      if (result.code === 0 && said === 'free') process.stdout.write(`${host.name}: the lock is free; nothing to end.\n`);
      else if (result.code === 0) process.stdout.write(`${host.name}: ${said.replace(/^released: /, 'ended the run that held the lock: ')}\n`);
      else {
        const why = visible(stderrSummary(result, 1));
        const hint = result.code === EXIT_UNKNOWN_HOLDER ? ' (a plan reading the host, or a contiv older than this one: wait, or find it on the host)' : '';
        throw new UserError(`${host.name}: not unlocked: ${why}${hint}`);
      }
      setStatus(0);
    } finally {
      await transport.close();
    }
  });
}
