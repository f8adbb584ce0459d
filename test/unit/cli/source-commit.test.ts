import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askGit, contentHash, describeSource, filesBelow, sourceOf } from '../../../src/cli/source-commit.js';
import { readManifestDir, readManifestRef } from '../../../src/manifest/read-sources.js';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import type { Plan } from '../../../src/plan/types.js';
import { contiv } from '../../support/cli.js';

/*
 * The commit a plan is made from, read from real repositories: a clean checkout is its HEAD,
 * anything else is uncommitted (named by its content), and a saved plan or an apply of it is
 * refused unless --allow-dirty.
 */
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function repo(under = 'm'): { root: string; dir: string; git: (...args: string[]) => string } {
  const root = mkdtempSync(join(tmpdir(), 'contiv-source-'));
  roots.push(root);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
  cpSync('examples/quickstart', join(root, under), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  return { root, dir: join(root, under), git };
}

/** What the loader reads from DIR's working tree, as plan and apply hand it to sourceOf. */
async function loadedAt(dir: string): Promise<{ files: Awaited<ReturnType<typeof readManifestDir>>; sources: Map<string, string> }> {
  const read = await readManifestDir(dir);
  return { files: read, sources: new Map(read.map((f) => [f.path, f.text])) };
}

async function sourceAt(dir: string, ref?: string): Promise<ReturnType<typeof sourceOf>> {
  return sourceOf(dir, await askGit(dir, ref), await loadedAt(dir));
}

const files = new Map([['a.yaml', 'x'], ['b.yaml', 'y']]);

describe('sourceOf', () => {
  let r: ReturnType<typeof repo>;
  beforeAll(() => {
    r = repo();
  });

  it('a clean checkout is its HEAD, in full; --ref is the commit it names', async () => {
    const head = r.git('rev-parse', 'HEAD');
    expect(await sourceAt(r.dir)).toEqual({ dir: r.dir, commit: head });
    writeFileSync(join(r.root, 'README'), 'not a manifest\n');
    expect((await sourceAt(r.dir)).commit).toBe(head);
    expect(await sourceAt(r.dir, 'main')).toEqual({ dir: r.dir, ref: 'main', commit: head });
    await expect(sourceAt(r.dir, 'no-such')).rejects.toThrow('--ref "no-such" is not a commit of the repository');
  });

  it('a changed or new manifest makes it uncommitted, named by the content and the commit under it', async () => {
    const head = r.git('rev-parse', 'HEAD');
    const p = join(r.dir, 'policies.yaml');
    const text = readFileSync(p, 'utf8');
    writeFileSync(p, text.replace('5432', '5433'));
    const changed = await loadedAt(r.dir);
    const dirty = sourceOf(r.dir, await askGit(r.dir, undefined), changed);
    expect(dirty).toEqual({ dir: r.dir, uncommitted: { sha256: contentHash(changed.sources), head, files: [p] } });
    // What to commit is named where the plan is refused.
    expect(describeSource(dirty)).toBe(`uncommitted manifests (content ${contentHash(changed.sources).slice(0, 12)}, on ${head.slice(0, 12)}; not as committed: ${p})`);
    writeFileSync(p, text);
    writeFileSync(join(r.dir, 'new.yaml'), 'kind: Tenant\n');
    expect((await sourceAt(r.dir)).uncommitted?.head).toBe(head);
    rmSync(join(r.dir, 'new.yaml'));
    // Staged, then deleted: both differ from HEAD.
    writeFileSync(p, text.replace('5432', '5433'));
    r.git('add', 'm/policies.yaml');
    writeFileSync(p, text);
    expect((await sourceAt(r.dir)).uncommitted?.head).toBe(head);
    r.git('reset', '-q');
    rmSync(p);
    expect((await sourceAt(r.dir)).uncommitted?.head).toBe(head);
    writeFileSync(p, text);
    expect((await sourceAt(r.dir)).commit).toBe(head);
  });

  it('a manifest Git ignores, or one in a folder Git does not track, is uncommitted too: the loader reads it all the same', async () => {
    const head = r.git('rev-parse', 'HEAD');
    writeFileSync(join(r.root, '.git', 'info', 'exclude'), 'extra.yaml\nlocal/\nnode_modules/\n*.log\n');
    writeFileSync(join(r.dir, 'extra.yaml'), 'kind: Tenant\nname: t\n');
    expect((await sourceAt(r.dir)).uncommitted?.head).toBe(head);
    rmSync(join(r.dir, 'extra.yaml'));
    mkdirSync(join(r.dir, 'local'));
    writeFileSync(join(r.dir, 'local', 'x.yaml'), 'kind: Tenant\nname: t\n');
    expect((await sourceAt(r.dir)).uncommitted?.head).toBe(head);
    rmSync(join(r.dir, 'local'), { recursive: true });
    // A nested repository's files are not the outer commit's.
    mkdirSync(join(r.dir, 'nested'));
    execFileSync('git', ['init', '-q'], { cwd: join(r.dir, 'nested') });
    writeFileSync(join(r.dir, 'nested', 'y.yaml'), 'kind: Tenant\nname: t\n');
    expect((await sourceAt(r.dir)).uncommitted?.head).toBe(head);
    rmSync(join(r.dir, 'nested'), { recursive: true });
    // What the loader does not read stays out of it, ignored or not.
    mkdirSync(join(r.dir, 'node_modules'));
    writeFileSync(join(r.dir, 'node_modules', 'z.yaml'), 'x: 1\n');
    writeFileSync(join(r.dir, 'debug.log'), 'x\n');
    mkdirSync(join(r.dir, '.cache'));
    writeFileSync(join(r.dir, '.cache', 'c.yaml'), 'x: 1\n');
    writeFileSync(join(r.dir, '.hidden.yaml'), 'x: 1\n');
    expect((await readManifestDir(r.dir)).map((f) => f.path)).not.toContain(join(r.dir, '.hidden.yaml'));
    expect(await sourceAt(r.dir)).toEqual({ dir: r.dir, commit: head });
  });

  it('a submodule\'s manifests are uncommitted even when it is clean: the commit holds its commit, not its files', async () => {
    const s = repo();
    const sub = join(s.dir, 'shared');
    mkdirSync(sub);
    const inSub = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: sub, encoding: 'utf8' }).trim();
    inSub('init', '-q', '-b', 'main');
    writeFileSync(join(sub, 'common.yaml'), 'apiVersion: contiv.io/v1\nkind: Tenant\nmetadata:\n  name: common\n');
    inSub('add', '.');
    inSub('commit', '-q', '-m', 'common');
    // The superproject records the submodule's commit (a gitlink), as `git submodule add` does.
    s.git('update-index', '--add', '--cacheinfo', `160000,${inSub('rev-parse', 'HEAD')},m/shared`);
    s.git('commit', '-q', '-m', 'submodule');
    expect(s.git('status', '--porcelain')).toBe('');
    const loaded = await loadedAt(s.dir);
    expect(loaded.files.find((f) => f.absPath === join(sub, 'common.yaml'))?.inNestedRepository).toBe(true);
    expect(sourceOf(s.dir, await askGit(s.dir, undefined), loaded).uncommitted).toEqual({ sha256: contentHash(loaded.sources), head: s.git('rev-parse', 'HEAD'), files: [join(s.dir, 'shared', 'common.yaml')] });
  });

  it('a status Git cannot give is said, not taken for "not in a repository"', async () => {
    const broken = repo();
    writeFileSync(join(broken.root, '.git', 'index'), 'not an index');
    await expect(sourceAt(broken.dir)).rejects.toThrow(/^git status in .* failed: .*index/);
  });

  it('outside any repository: uncommitted, with no commit under it', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'contiv-plain-'));
    roots.push(plain);
    expect(sourceOf(plain, await askGit(plain, undefined), { files: [], sources: files })).toEqual({ dir: plain, uncommitted: { sha256: contentHash(files) } });
    expect(describeSource({ dir: plain, uncommitted: { sha256: contentHash(files) } })).toBe(`uncommitted manifests (content ${contentHash(files).slice(0, 12)}, not in a Git repository)`);
  });

  it('a manifest folder inside a hidden folder or an ignored one is checked like any other, and read so at --ref', async () => {
    const hidden = repo('.deploy/net');
    const head = hidden.git('rev-parse', 'HEAD');
    expect(await sourceAt(hidden.dir)).toEqual({ dir: hidden.dir, commit: head });
    const atRef = await readManifestRef(hidden.dir, 'main');
    expect(atRef.map((f) => f.path)).toEqual((await readManifestDir(hidden.dir)).map((f) => f.path));
    expect(atRef.length).toBeGreaterThan(0);
    const p = join(hidden.dir, 'policies.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('5432', '5433'));
    expect((await sourceAt(hidden.dir)).uncommitted?.head).toBe(head);

    // A folder whose name begins with a space is a folder like any other.
    const spaced = repo(' lead/net');
    expect((await sourceAt(spaced.dir)).commit).toBe(spaced.git('rev-parse', 'HEAD'));
    const q = join(spaced.dir, 'policies.yaml');
    writeFileSync(q, readFileSync(q, 'utf8').replace('5432', '5433'));
    expect((await sourceAt(spaced.dir)).uncommitted?.head).toBe(spaced.git('rev-parse', 'HEAD'));
    expect((await readManifestRef(spaced.dir, 'main')).length).toBeGreaterThan(0);

    // DIR inside a folder Git ignores: nothing in it is committed.
    const ignored = repo('build/net');
    writeFileSync(join(ignored.root, '.git', 'info', 'exclude'), 'build/\n');
    ignored.git('rm', '-q', '-r', '--cached', 'build');
    ignored.git('commit', '-q', '-m', 'untrack');
    expect((await sourceAt(ignored.dir)).uncommitted?.head).toBe(ignored.git('rev-parse', 'HEAD'));
  });

  it('only files below DIR are DIR\'s: a --fabric file elsewhere is not', () => {
    const at = (absPath: string) => ({ path: absPath, absPath, text: '' });
    expect(filesBelow('/r/m', [at('/r/m/a.yaml'), at('/r/m/sub/b.yml'), at('/r/fabric.yaml'), at('/r/mm/c.yaml'), at('/r/m/..c.yaml')])).toEqual(['a.yaml', 'sub/b.yml', '..c.yaml']);
  });

  it('the content hash is of paths and texts, in any order', () => {
    expect(contentHash(new Map([['b.yaml', 'y'], ['a.yaml', 'x']]))).toBe(contentHash(files));
    expect(contentHash(new Map([['a.yaml', 'y'], ['b.yaml', 'x']]))).not.toBe(contentHash(files));
    expect(contentHash(new Map([['a.yamlx', ''], ['b.yaml', 'y']]))).not.toBe(contentHash(new Map([['a.yaml', 'x'], ['b.yaml', 'y']])));
  });
});

describe('what needs a commit', () => {
  it('plan --out and apply of uncommitted manifests are refused before any host is contacted', () => {
    const plain = mkdtempSync(join(tmpdir(), 'contiv-plain-'));
    roots.push(plain);
    cpSync('examples/quickstart', plain, { recursive: true });
    // Hosts on loopback, on a port nothing listens on: never contacted, since the refusal comes first.
    writeFileSync(join(plain, 'fabric.yaml'), readFileSync(join(plain, 'fabric.yaml'), 'utf8').replace(/address: 198\.18\.0\.(\d+)/g, 'address: 127.0.0.$1').replace('port: 22', 'port: 9'));
    const out = contiv(['plan', plain, '--out', join(plain, 'p.json')], { committed: true, timeoutMs: 20_000 });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/plan --out of uncommitted manifests \(content [0-9a-f]{12}, not in a Git repository\): no commit would say what was applied\. Commit them \(or plan a commit with --ref REV\), or pass --allow-dirty/);
    const apply = contiv(['apply', plain, '--auto-approve'], { committed: true, timeoutMs: 20_000 });
    expect(apply.status).toBe(1);
    expect(apply.stderr).toContain('apply of uncommitted manifests');
    expect(apply.stderr).not.toMatch(/Internal error/);
  });

  it('a saved plan of uncommitted manifests is applied only with --allow-dirty; its record is checked', () => {
    const plain = mkdtempSync(join(tmpdir(), 'contiv-plain-'));
    roots.push(plain);
    const plan: Plan = { format_version: 1, source: { dir: 'm', uncommitted: { sha256: 'a'.repeat(64) } }, connections: [], hosts: [], meaning: [], addresses: [], diagnostics: [] };
    const file = join(plain, 'plan.json');
    writeFileSync(file, serializePlan(plan));
    const refused = contiv(['apply', file], { committed: true });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`apply ${file}, a plan of uncommitted manifests (content aaaaaaaaaaaa, not in a Git repository): no commit would say what was applied`);
    const allowed = contiv(['apply', file, '--allow-dirty'], { committed: true });
    expect(allowed.stdout).toContain('No changes');
    expect(allowed.status).toBe(0);
    // A commit that is not a full hash, or content that is not a hash, is a damaged plan.
    expect(parsePlan(serializePlan({ ...plan, source: { dir: 'm', commit: 'abc123' } })).problem).toContain('source (its commit is not a full commit hash)');
    expect(parsePlan(serializePlan({ ...plan, source: { dir: 'm', uncommitted: { sha256: 'zz' } } })).problem).toContain('source (its uncommitted content)');
    expect(parsePlan(serializePlan({ ...plan, source: { dir: 'm', uncommitted: { sha256: 'a'.repeat(64), files: [1] as unknown as string[] } } })).problem).toContain('source (its uncommitted content)');
    expect(parsePlan(serializePlan({ ...plan, source: { dir: 'm', uncommitted: { sha256: 'a'.repeat(64), files: ['m/a.yaml'] } } })).plan?.source.uncommitted?.files).toEqual(['m/a.yaml']);
    const many = Array.from({ length: 7 }, (_, i) => `m/${i}.yaml`);
    expect(describeSource({ dir: 'm', uncommitted: { sha256: 'a'.repeat(64), head: 'b'.repeat(40), files: many } })).toBe(`uncommitted manifests (content aaaaaaaaaaaa, on bbbbbbbbbbbb; not as committed: m/0.yaml, m/1.yaml, m/2.yaml, m/3.yaml, m/4.yaml and 2 more)`);
    expect(parsePlan(serializePlan({ ...plan, source: { dir: 'm', commit: 'b'.repeat(40) } })).plan?.source.commit).toBe('b'.repeat(40));
  });
});
