// @ts-nocheck
import { spawn, type StdioOptions } from 'node:child_process';
import { UserError } from '../cli/errors.js';
import { requireHostAnchor, requireRecord } from './container.js';
import { hostIndex } from './names.js';
import { labEnv } from './proc.js';

/**
 * The argv that runs CMD in a host (its network, mount and UTS namespaces, entered through its
 * sshd's pid) or in a container (`ip netns exec` from inside its host's mount namespace).
 */
export function execArgv(labName: string, target: string, cmd: string[]): string[] {
  if (cmd.length === 0) throw new UserError('lab exec needs a command after --');
  const rec = requireRecord(labName);
  if (hostIndex(target) !== undefined) {
    const pid = requireHostAnchor(rec, target);
    return ['nsenter', '--target', String(pid), '--net', '--mount', '--uts', '--wd=/', '--', ...cmd];
  }
  const c = rec.objects.find((o) => o.kind === 'container' && o.name === target);
  if (!c || c.kind !== 'container') {
    throw new UserError(`lab ${labName} has no host or container named ${JSON.stringify(target)}; see \`contiv lab status\``);
  }
  const pid = requireHostAnchor(rec, c.host);
  return ['nsenter', '--target', String(pid), '--mount', '--uts', '--net', '--wd=/', '--', 'ip', 'netns', 'exec', c.name, ...cmd];
}

/** `contiv lab exec NAME -- CMD…`: runs it with the given stdio; resolves to its exit status. */
export function labExec(labName: string, target: string, cmd: string[], stdio: StdioOptions = 'inherit'): Promise<number> {
  const [bin, ...args] = execArgv(labName, target, cmd);
  return new Promise((resolve, reject) => {
    const child = spawn(bin!, args, { stdio, env: labEnv() });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return table[sig] ?? 1;
}
