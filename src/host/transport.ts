import type { Host } from '../model/types.js';

/** What a transport needs of a host: its name (for messages), where to connect and how. */
export type HostTarget = Pick<Host, 'name' | 'address' | 'ssh'>;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The first lines of a command's standard error, on one line, for a message naming the cause. */
export function stderrSummary(result: Pick<ExecResult, 'stderr'>, lines = 3): string {
  return result.stderr.trim().split('\n').slice(0, lines).join(' | ');
}

export interface ExecOptions {
  /** Abort the command (and its connection) after this long. */
  timeoutMs?: number;
  /**
   * Over a connection of its own, made for this command and closed after it: proof that the
   * host still accepts new connections (an apply's confirmation), not only the one held open.
   */
  fresh?: boolean;
}

/**
 * How contiv runs commands on hosts. The script is sent on standard input to `sh -s` as root
 * (through `sudo -n` for other users), so nothing is ever quoted into a command line.
 * Tests of pure stages pass a recording fake; integration tests use the real sshd of the lab.
 */
export interface Transport {
  exec(host: HostTarget, script: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Starts `script` and resolves once it prints the line `ready`; it keeps running until
   * `release()` closes its standard input (or the connection dies). How a host-wide lock is
   * held across several execs.
   */
  hold(host: HostTarget, script: string, ready: string, options?: ExecOptions): Promise<Held>;
  /** Closes every connection; the transport can not be used afterwards. */
  close(): Promise<void>;
}

export interface Held {
  /** What the script printed before its ready line (a read made under the lock it holds). */
  output: string;
  /** Ends the held script; resolves with its exit status. */
  release(): Promise<number>;
}

/** The lines a held script printed before its ready line. */
export function beforeReady(out: string, ready: string): string {
  const lines = out.split('\n');
  return lines.slice(0, lines.indexOf(ready)).join('\n');
}

/** A running script, as SSH channels and child processes both are. */
export interface RunningScript {
  stdout: { on(event: 'data', listener: (d: Buffer) => void): unknown };
  stderr: { on(event: 'data', listener: (d: Buffer) => void): unknown };
  /** Resolves with the exit status. */
  closed: Promise<number>;
  write(text: string): void;
  /** Closes standard input: the held script ends. */
  end(): void;
  abort(): void;
}

/**
 * Transport.hold for any transport: sends the script, keeps standard input open, resolves once
 * the script prints `ready` (with what it printed before); a script that ends first is an error
 * (`failed` turns it into the right one), one that says nothing in time is aborted.
 */
export function holdUntilReady(host: HostTarget, running: RunningScript, script: string, ready: string, timeoutMs: number, failed: (result: ExecResult) => Error): Promise<Held> {
  return new Promise<Held>((resolve, reject) => {
    let out = '';
    let err = '';
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      running.abort();
      reject(new HostError(host.name, 'timeout', `no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    running.stdout.on('data', (d) => {
      out += d.toString('utf8');
      if (!settled && out.split('\n').includes(ready)) {
        settled = true;
        clearTimeout(timer);
        resolve({ output: beforeReady(out, ready), release: async () => (running.end(), running.closed) });
      }
    });
    running.stderr.on('data', (d) => (err += d.toString('utf8')));
    void running.closed.then((code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(failed({ code, stdout: out, stderr: err }));
    });
    // Standard input stays open: the script reads it to its end, which is the release.
    running.write(script);
  });
}

export type HostErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'config'
  | 'sudo'
  | 'permission'
  | 'missing-binary'
  | 'command'
  | 'interrupted';

/** A problem with one host. The message names the host and the cause; the others go on. */
export class HostError extends Error {
  constructor(
    readonly host: string,
    readonly kind: HostErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(`${host}: ${message}`);
    this.name = 'HostError';
  }
}
