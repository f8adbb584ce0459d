// @ts-nocheck
import pLimit from 'p-limit';
import { HostError, type HostTarget } from './transport.js';

export const DEFAULT_PARALLELISM = 32;

export type HostOutcome<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: HostError };

/**
 * Runs `task` for every host, at most `parallelism` at once. A failing host never stops the
 * others: every host gets an outcome, in the order of `hosts`. An unexpected exception (a bug)
 * becomes that host's error too, with its message, so one bad host cannot hide the rest.
 */
export async function forEachHost<T>(hosts: readonly HostTarget[], parallelism: number, task: (host: HostTarget) => Promise<T>): Promise<HostOutcome<T>[]> {
  const limit = pLimit(Math.max(1, parallelism));
  return Promise.all(
    hosts.map((host) =>
      limit(async (): Promise<HostOutcome<T>> => {
        try {
          return { host: host.name, ok: true, value: await task(host) };
        } catch (e) {
          const error = e instanceof HostError ? e : new HostError(host.name, 'command', e instanceof Error ? e.message : String(e));
          return { host: host.name, ok: false, error };
        }
      }),
    ),
  );
}
