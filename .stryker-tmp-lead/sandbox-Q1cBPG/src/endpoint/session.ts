// @ts-nocheck
import { LOCK_READY, LOCK_SCRIPT, lockProblem } from '../apply/script.js';
import { readHostRecords } from '../host/gather.js';
import type { ExecResult, HostTarget, Transport } from '../host/transport.js';
import type { LiveHost } from '../state/host-state.js';

/** What code holding a host's lock may do there: read it, and run scripts that take no lock. */
export interface HostSession {
  host: HostTarget;
  read(): Promise<LiveHost>;
  run(script: string): Promise<ExecResult>;
}

/**
 * Runs `work` while holding the host's lock (/run/contiv.lock, the one apply holds): whatever
 * it reads stays true until it is done, so deciding in TypeScript between a read and a write is
 * as safe as doing it in one script. Released when `work` ends, fails, or the connection dies.
 */
export async function withHostLock<T>(transport: Transport, host: HostTarget, work: (session: HostSession) => Promise<T>): Promise<T> {
  let held;
  try {
    held = await transport.hold(host, LOCK_SCRIPT, LOCK_READY);
  } catch (e) {
    throw lockProblem(host, e);
  }
  try {
    return await work({ host, read: () => readHostRecords(transport, host), run: (script) => transport.exec(host, script) });
  } finally {
    await held.release();
  }
}
