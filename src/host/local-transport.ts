import { spawn } from 'node:child_process';
import { holdUntilReady, HostError, type ExecOptions, type ExecResult, type Held, type HostTarget, type RunningScript, type Transport } from './transport.js';

/**
 * The Transport of code running on the host itself (the runtime plugins): the same scripts as
 * over SSH, given to a local `sh -s` on standard input. `host` only names the host in messages.
 */
export class LocalTransport implements Transport {
  async exec(host: HostTarget, script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const child = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    const timeoutMs = options.timeoutMs ?? 120_000;
    return new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new HostError(host.name, 'timeout', `command timed out after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new HostError(host.name, 'command', `cannot run sh: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 255), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(script);
    });
  }

  async hold(host: HostTarget, script: string, ready: string, options: ExecOptions = {}): Promise<Held> {
    const child = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    const running: RunningScript = {
      stdout: child.stdout,
      stderr: child.stderr,
      closed: new Promise<number>((done) => child.on('close', (code) => done(code ?? 255))),
      write: (text) => child.stdin.write(text),
      end: () => child.stdin.end(),
      abort: () => child.kill('SIGKILL'),
    };
    return holdUntilReady(host, running, script, ready, options.timeoutMs ?? 60_000, (r) => new HostError(host.name, 'command', `exit ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`));
  }

  async close(): Promise<void> {}
}

/** The host itself, as the code running on it names it (its Fabric name): what LocalTransport runs on. */
export function localHost(name: string): HostTarget {
  return { name, address: 'localhost', ssh: { user: 'root', port: 22, knownHostsFile: '/dev/null' } };
}
