import { InvalidArgumentError } from 'commander';
import { UserError } from './errors.js';

/*
 * What `contiv apply` does about faults on the side of the machine running it: the dead-man
 * timer's default, Ctrl-C, and the fault injection the lab's fault tests use.
 */

/**
 * Seconds a host waits for contiv's confirmation before it restores itself. Long enough for a
 * slow host to run its change, be read back and take a new SSH connection (seconds, even with
 * 10,000 flows: BENCHMARKS.md); short enough that a change which cut a host off is undone
 * within two minutes without anyone at a console.
 */
export const DEFAULT_CONFIRM_TIMEOUT = 120;

export function parseConfirmTimeout(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 3600 || (n > 0 && n < 5)) throw new InvalidArgumentError('0 (no timer), or a whole number of seconds from 5 to 3600');
  return n;
}

export const INTERRUPTED = '\nInterrupted: the hosts in progress finish (verified, or rolled back); no other host is started. Ctrl-C again to stop at once (a host in progress then restores itself when its --confirm-timeout runs out).\n';

/**
 * The first Ctrl-C (SIGINT, or SIGTERM from a CI runner) aborts the signal: the apply starts no
 * other host and lets those in progress end cleanly. The second ends contiv at once.
 */
export function onInterrupt(said: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort();
    said();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/**
 * CONTIV_FAILPOINT=after-change:HOST:stop — when HOST's change has been made (before it is read
 * back and confirmed), contiv says so on standard error and stops itself (SIGSTOP): the fault
 * test then kills a daemon, cuts a path or kills contiv at a known moment, and continues it
 * (SIGCONT) or not.
 */
export function failpointFromEnv(value: string | undefined): ((point: 'after-change', host: string) => Promise<void>) | undefined {
  if (!value) return undefined;
  const m = /^(after-change):([^:]+):stop$/.exec(value);
  if (!m) throw new UserError(`CONTIV_FAILPOINT=${JSON.stringify(value)}: expected after-change:HOST:stop`);
  const [, at, host] = m;
  return async (point, name) => {
    if (point !== at || name !== host) return;
    process.stderr.write(`failpoint ${point} ${name}: stopped\n`);
    process.kill(process.pid, 'SIGSTOP');
  };
}
