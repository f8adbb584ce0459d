import { LOCK_READY, lockPreamble, lockProblem } from '../apply/script.js';
import { parseRecordsOutput, readHostRecords } from '../host/gather.js';
import { LOCK_FILE, RECORDS_SCRIPT } from '../host/gather-script.js';
import type { ExecResult, HostTarget, Transport } from '../host/transport.js';
import type { LiveHost } from '../state/host-state.js';

/** What code holding a host's lock may do there: read it, and run scripts that take no lock. */
export interface HostSession {
  host: HostTarget;
  read(): Promise<LiveHost>;
  run(script: string): Promise<ExecResult>;
}

/**
 * Who takes a host's lock, and how long to wait for it (30 s), as apply's executor takes it
 * (ApplyDeps.lock): the holder (src/cli/lock-holder.ts) is recorded next to the lock
 * (`/run/contiv.lock.holder`), so a run that waits for it in vain names this one, and
 * `contiv force-unlock HOST` can end it. Without a holder nothing is recorded (the runtime
 * plugins, which hold the lock for milliseconds).
 */
export interface HostLock {
  holder?: string;
  waitSeconds?: number;
}

const DEFAULT_WAIT_SECONDS = 30;

/** The held script of withHostLock: the lock (recording its holder), the first read under it, then ready until released. */
export function lockedReadScript(lock: HostLock = {}): string {
  return `${lockPreamble(LOCK_FILE, 9, lock.waitSeconds ?? DEFAULT_WAIT_SECONDS, lock.holder).join('\n')}\n${RECORDS_SCRIPT}\necho ${LOCK_READY}\ncat >/dev/null\n`;
}

/** How long the held script may take to say it is ready: the wait for the lock, and 30 s for the read and the connection. */
export function lockedReadTimeoutMs(lock: HostLock = {}): number {
  return ((lock.waitSeconds ?? DEFAULT_WAIT_SECONDS) + 30) * 1000;
}

/**
 * Runs `work` while holding the host's lock (/run/contiv.lock, the one apply holds): whatever
 * it reads stays true until it is done, so deciding in TypeScript between a read and a write is
 * as safe as doing it in one script. Released when `work` ends, fails, or the connection dies.
 * A lock another run holds for longer than the wait is an error naming that run (its record)
 * and how to end it.
 */
export async function withHostLock<T>(transport: Transport, host: HostTarget, work: (session: HostSession) => Promise<T>, lock: HostLock = {}): Promise<T> {
  let held;
  try {
    // The first read comes with the lock, in one round trip: the held script reads, then says ready.
    held = await transport.hold(host, lockedReadScript(lock), LOCK_READY, { timeoutMs: lockedReadTimeoutMs(lock) });
  } catch (e) {
    throw lockProblem(host, e, lock.waitSeconds ?? DEFAULT_WAIT_SECONDS);
  }
  let first: string | undefined = held.output;
  try {
    const read = async (): Promise<LiveHost> => {
      if (first === undefined) return readHostRecords(transport, host);
      const output = first;
      first = undefined;
      return parseRecordsOutput(host, output);
    };
    return await work({ host, read, run: (script) => transport.exec(host, script) });
  } finally {
    await held.release();
  }
}
