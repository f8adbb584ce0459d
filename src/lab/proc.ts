import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Process helpers. Every command is an argv array (never a shell string built from input);
 * the only shell script the lab runs is a constant, given its values as positional arguments.
 */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
}

/** The machine's PATH plus the sbin directories (ip, sshd, ovs-vswitchd live there). */
export function labEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!dirs.includes(d)) dirs.push(d);
  }
  return { ...process.env, PATH: dirs.join(':'), LC_ALL: 'C', ...extra };
}

export class CommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: RunResult,
  ) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join('\n');
    super(`command failed (exit ${result.code}): ${argv.join(' ')}${detail ? `\n${detail}` : ''}`);
    this.name = 'CommandError';
  }
}

export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('run: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: labEnv(), stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n(killed after ${opts.timeoutMs ?? 60_000} ms)`;
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Runs a command and returns its stdout; a non-zero exit throws a CommandError. */
export async function runOk(argv: string[], opts: RunOptions = {}): Promise<string> {
  const res = await run(argv, opts);
  if (res.code !== 0) throw new CommandError(argv, res);
  return res.stdout;
}

/** True while the process runs; a zombie (dead, not yet reaped by its parent) counts as dead. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The inode of a process's namespace (`net:[4026532…]`), or undefined if it is gone. */
export function nsInode(pid: number, type: 'net' | 'mnt'): number | undefined {
  try {
    const m = /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The inode of a file (for a namespace file: the namespace's nsfs inode). */
export function fileInode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

export function readPidFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function waitForPidFile(path: string, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = readPidFile(path);
    if (pid !== undefined && pidAlive(pid)) return pid;
    if (Date.now() > deadline) return undefined;
    await sleep(20);
  }
}

/**
 * Every process (other than this one) whose network namespace or mount namespace is one of the
 * given inodes: the lab's own namespaces, taken from its record.
 */
export function processesInNamespaces(netInodes: Set<number>, mntInodes: Set<number>): number[] {
  const self = process.pid;
  const selfNet = nsInode(self, 'net');
  const selfMnt = nsInode(self, 'mnt');
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid <= 1 || pid === self) continue;
    const net = nsInode(pid, 'net');
    const mnt = nsInode(pid, 'mnt');
    // Never the machine's own namespaces, whatever a record says.
    if ((net !== undefined && net === selfNet) && (mnt !== undefined && mnt === selfMnt)) continue;
    if ((net !== undefined && net !== selfNet && netInodes.has(net)) || (mnt !== undefined && mnt !== selfMnt && mntInodes.has(mnt))) {
      found.push(pid);
    }
  }
  return found;
}

/** SIGTERM, then SIGKILL what is still alive after `graceMs`. Returns how many it signalled. */
export async function killPids(pids: number[], graceMs = 1500): Promise<number> {
  const alive = pids.filter(pidAlive);
  for (const pid of alive) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive.some(pidAlive) && Date.now() < deadline) await sleep(25);
  for (const pid of alive.filter(pidAlive)) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 3000;
  while (alive.some(pidAlive) && Date.now() < killDeadline) await sleep(25);
  return alive.length;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
}

/** Resolves true once something at host:port answers with an SSH banner. */
export async function waitForSsh(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await sshBanner(host, port, 2000)) return true;
    await sleep(50);
  }
  return false;
}

export function sshBanner(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) done(buf.startsWith('SSH-2.0-'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function exists(path: string): boolean {
  return existsSync(path);
}

/** The argv prefix that runs a command in a lab host's network, mount and UTS namespaces (entered through its sshd's pid). */
export function inHost(pid: number): string[] {
  return ['nsenter', '--target', String(pid), '--net', '--mount', '--uts', '--wd=/', '--'];
}

/** A process's argv from /proc/PID/cmdline ([] when it is gone). */
export function procArgv(pid: number): string[] {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (args.at(-1) === '') args.pop();
    return args;
  } catch {
    return [];
  }
}
