import { spawn, spawnSync } from 'node:child_process';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Tests work on copies of manifests in temporary folders, which no Git commit holds: `apply` and
 * `plan --out` of them need --allow-dirty, given here unless the test says `committed` (it
 * tests that refusal, or runs in a repository of its own).
 */
export function withAllowDirty(args: readonly string[], committed = false): string[] {
  const needs = args[0] === 'apply' || (args[0] === 'plan' && args.includes('--out'));
  return needs && !committed && !args.includes('--allow-dirty') ? [...args, '--allow-dirty'] : [...args];
}

/** Runs the built CLI (`node bin/contiv.js ARGS`) without colours; dist/ is kept current by build.ts. */
export function contiv(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number; committed?: boolean } = {}): CliRun {
  const r = spawnSync('node', ['bin/contiv.js', ...withAllowDirty(args, options.committed)], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI without blocking the event loop, so several can run at the same moment. */
export function spawnContiv(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn('node', ['bin/contiv.js', ...withAllowDirty(args)], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * A text plan without its closing note on the hosts' commits (`Hosts not at commit …`), which
 * names hosts a test applied from copies in temporary folders: what the plan itself says.
 */
export function planPart(stdout: string): string {
  return stdout.split('\n\nHosts not at commit ')[0]!.trim();
}
