/**
 * The quickstart's manifests in a Git repository of their own (`net/`), as a team keeps them,
 * and contiv run on it as CI runs it: with the lab's Fabric, no --allow-dirty given behind its back.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contiv, type CliRun } from '../support/cli.js';
import { ctestFabric } from './contiv.js';

export interface ManifestRepo {
  root: string;
  /** The manifests' folder in it. */
  dir: string;
  git(...args: string[]): string;
  /** `contiv ARGS --fabric FABRIC` (the lab's by default). */
  run(args: string[], fabric?: string): CliRun;
}

export function manifestRepo(prefix: string): ManifestRepo {
  const root = mkdtempSync(join(tmpdir(), `contiv-${prefix}-`));
  const dir = join(root, 'net');
  cpSync('examples/quickstart', dir, { recursive: true });
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.org', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'the network');
  return { root, dir, git, run: (args, fabric = ctestFabric) => contiv([...args, '--fabric', fabric], { committed: true, timeoutMs: 180_000 }) };
}

export function ok(r: CliRun): string {
  if (r.status !== 0) throw new Error(`contiv failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
