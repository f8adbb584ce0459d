// @ts-nocheck
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir, readManifestRef } from '../../../src/manifest/read-sources.js';

/*
 * `--ref` on a real temporary repository: three commits' worth of history, a dirty working
 * tree, and checks that reading an old commit neither sees nor touches the working tree.
 */

const HOME = '/home/user';

const FABRIC = `apiVersion: contiv.io/v1
kind: Fabric
metadata:
  name: lab
spec:
  hosts:
    - name: h1
      address: 198.18.0.11
`;
const NETWORK = (subnet: string) => `apiVersion: contiv.io/v1
kind: Network
metadata:
  name: net
spec:
  subnet: ${subnet}
`;

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
}

function write(path: string, text: string): void {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
}

/** Every file below `dir` (the .git folder excluded) with its modification time. */
function mtimes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const abs = join(entry.parentPath, entry.name);
    if (abs.includes(`${join(dir, '.git')}`)) continue;
    if (entry.isFile()) out[abs] = statSync(abs).mtimeMs;
  }
  return out;
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'contiv-git-ref-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'contiv test');
  git('config', 'user.email', 'test@contiv.invalid');
  git('config', 'commit.gpgsign', 'false');
  // Commit 1 (HEAD~1): a valid set, at the top and in a subfolder.
  write('fabric.yaml', FABRIC);
  write('network.yaml', NETWORK('10.1.2.0/24'));
  write('sites/a/fabric.yaml', FABRIC);
  write('sites/a/nested/network.yaml', NETWORK('10.9.0.0/16'));
  git('add', '-A');
  git('commit', '-q', '-m', 'valid');
  // Commit 2 (HEAD): the network breaks (host bits set), and a file is added.
  write('network.yaml', NETWORK('10.1.2.5/24'));
  write('sites/a/nested/network.yaml', NETWORK('10.9.0.0/40'));
  write('extra.yaml', 'apiVersion: contiv.io/v1\nkind: Tenant\nmetadata: { name: blue }\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'broken');
  // The working tree: broken differently and not committed.
  write('network.yaml', 'this: [is not yaml\n');
  write('untracked.yaml', 'kind: Nothing\n');
});

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('readManifestRef', () => {
  it('reads the set as of HEAD~1, which loads to the old valid model', async () => {
    const files = await readManifestRef(repo, 'HEAD~1');
    expect(files.map((f) => f.path.slice(repo.length + 1))).toEqual(['fabric.yaml', 'network.yaml', 'sites/a/fabric.yaml', 'sites/a/nested/network.yaml']);
    // Only the top folder's set: the subfolder's Fabric would make two.
    const top = files.filter((f) => !f.path.includes('/sites/'));
    const result = loadManifests({ files: top, home: HOME });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.networks.map((n) => n.subnet)).toEqual([{ address: '10.1.2.0', prefix: 24 }]);
    expect(result.model?.tenants.map((t) => t.name)).toEqual(['default']);
  });

  it('reads HEAD as committed, not the working tree', async () => {
    const files = await readManifestRef(repo, 'HEAD');
    expect(files.map((f) => f.path.slice(repo.length + 1))).toContain('extra.yaml');
    expect(files.map((f) => f.path)).not.toContain(join(repo, 'untracked.yaml'));
    const network = files.find((f) => f.path.endsWith('/network.yaml') && !f.path.includes('/sites/'));
    expect(network?.text).toBe(NETWORK('10.1.2.5/24'));
    const result = loadManifests({ files: files.filter((f) => !f.path.includes('/sites/')), home: HOME });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['subnet-not-network-address']);
  });

  it('leaves the working tree and the index untouched', async () => {
    // `git status` may refresh the index, so it runs before the index's time is taken.
    const statusBefore = git('status', '--porcelain=v1', '--untracked-files=all');
    const indexBefore = statSync(join(repo, '.git', 'index')).mtimeMs;
    const timesBefore = mtimes(repo);
    await readManifestRef(repo, 'HEAD~1');
    await readManifestRef(join(repo, 'sites', 'a'), 'HEAD~1');
    // The index first: `git status` itself may refresh it.
    expect(statSync(join(repo, '.git', 'index')).mtimeMs).toBe(indexBefore);
    expect(mtimes(repo)).toEqual(timesBefore);
    expect(git('status', '--porcelain=v1', '--untracked-files=all')).toBe(statusBefore);
    // The working tree still has its own (broken) content.
    const working = await readManifestDir(repo);
    expect(working.find((f) => f.path === join(repo, 'network.yaml'))?.text).toBe('this: [is not yaml\n');
  });

  it('reads a subfolder DIR of the repository, with paths below DIR as typed', async () => {
    const dir = join(repo, 'sites', 'a');
    const files = await readManifestRef(dir, 'HEAD~1');
    expect(files.map((f) => f.path)).toEqual([join(dir, 'fabric.yaml'), join(dir, 'nested', 'network.yaml')]);
    expect(files.map((f) => f.absPath)).toEqual([join(dir, 'fabric.yaml'), join(dir, 'nested', 'network.yaml')]);
    const old = loadManifests({ files, home: HOME });
    expect(old.diagnostics).toEqual([]);
    expect(old.model?.fabric.file).toBe(join(dir, 'fabric.yaml'));
    const now = loadManifests({ files: await readManifestRef(dir, 'HEAD'), home: HOME });
    expect(now.diagnostics.map((d) => `${d.source?.file}:${d.source?.line}:${d.source?.col} ${d.code}`)).toEqual([
      `${join(dir, 'nested', 'network.yaml')}:6:11 schema-pattern`,
    ]);
  });

  it('accepts a commit id and a branch name', async () => {
    const id = git('rev-parse', 'HEAD~1').trim();
    expect((await readManifestRef(repo, id)).length).toBe(4);
    expect((await readManifestRef(repo, 'main')).length).toBe(5);
  });

  it('refuses an unknown ref with an error naming it', async () => {
    await expect(readManifestRef(repo, 'no-such-branch')).rejects.toThrow(/"no-such-branch" is not a commit/);
  });

  it('refuses a ref that looks like an option', async () => {
    await expect(readManifestRef(repo, '--output=/tmp/x')).rejects.toThrow();
  });

  it('refuses a folder outside any repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'contiv-no-repo-'));
    try {
      await expect(readManifestRef(outside, 'HEAD')).rejects.toThrow(/is not inside a usable Git repository \(not a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
