import { LOCK_READY, lockPreamble, lockProblem } from '../apply/script.js';
import { parseRecordsOutput, readHostRecords } from '../host/gather.js';
import { RECORDS_SCRIPT } from '../host/gather-script.js';
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
    // The first read comes with the lock, in one round trip: the held script reads, then says ready.
    held = await transport.hold(host, LOCKED_READ_SCRIPT, LOCK_READY);
  } catch (e) {
    throw lockProblem(host, e);
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

const LOCKED_READ_SCRIPT = `${lockPreamble().join('\n')}\n${RECORDS_SCRIPT}\necho ${LOCK_READY}\ncat >/dev/null\n`;
