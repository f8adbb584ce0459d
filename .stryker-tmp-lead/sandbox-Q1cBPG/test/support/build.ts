// @ts-nocheck
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/*
 * vitest globalSetup (both projects): tests that run the CLI as a user does (bin/contiv.js →
 * dist/) need dist/ current. CI builds it in `npm ci` (prepare); locally it is rebuilt here,
 * once per run, when it is older than src/, so no test ever runs a stale CLI.
 */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const main = 'dist/cli/main.js';
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime('src')) return;
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx tsc failed:\n${r.stdout}${r.stderr}`);
}
