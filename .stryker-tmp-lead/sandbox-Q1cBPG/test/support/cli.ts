// @ts-nocheck
import { spawnSync } from 'node:child_process';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`node bin/contiv.js ARGS`) without colours; dist/ is kept current by build.ts. */
export function contiv(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): CliRun {
  const r = spawnSync('node', ['bin/contiv.js', ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
