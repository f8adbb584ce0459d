import { spawn } from 'node:child_process';
import { beforeReady, HostError, type ExecOptions, type ExecResult, type Held, type HostTarget, type Transport } from './transport.js';

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
    const timeoutMs = options.timeoutMs ?? 60_000;
    const closed = new Promise<number>((done) => child.on('close', (code) => done(code ?? 255)));
    return new Promise<Held>((resolve, reject) => {
      let out = '';
      let err = '';
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill('SIGKILL');
        reject(new HostError(host.name, 'timeout', `no answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (!settled && out.split('\n').includes(ready)) {
          settled = true;
          clearTimeout(timer);
          resolve({
            output: beforeReady(out, ready),
            release: async () => {
              child.stdin.end();
              return closed;
            },
          });
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      child.stdin.on('error', () => undefined);
      void closed.then((code) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new HostError(host.name, 'command', `exit ${code}: ${err.trim().split('\n')[0] ?? ''}`));
      });
      // Standard input stays open: the script reads it to its end, which is the release.
      child.stdin.write(script);
    });
  }

  async close(): Promise<void> {}
}
