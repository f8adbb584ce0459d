import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, describeSource, sourceOf } from '../../../src/cli/source-commit.js';
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

function repo(): { root: string; dir: string; git: (...args: string[]) => string } {
  const root = mkdtempSync(join(tmpdir(), 'contiv-source-'));
  roots.push(root);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
  cpSync('examples/quickstart', join(root, 'm'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  return { root, dir: join(root, 'm'), git };
}

const files = new Map([['a.yaml', 'x'], ['b.yaml', 'y']]);

describe('sourceOf', () => {
  let r: ReturnType<typeof repo>;
  beforeAll(() => {
    r = repo();
  });

  it('a clean checkout is its HEAD, in full; --ref is the commit it names', async () => {
    const head = r.git('rev-parse', 'HEAD');
    expect(await sourceOf(r.dir, undefined, files)).toEqual({ dir: r.dir, commit: head });
    writeFileSync(join(r.root, 'README'), 'not a manifest\n');
    expect((await sourceOf(r.dir, undefined, files)).commit).toBe(head);
    expect(await sourceOf(r.dir, 'main', files)).toEqual({ dir: r.dir, ref: 'main', commit: head });
    await expect(sourceOf(r.dir, 'no-such', files)).rejects.toThrow('--ref "no-such" is not a commit of the repository');
  });

  it('a changed or new manifest makes it uncommitted, named by the content and the commit under it', async () => {
    const head = r.git('rev-parse', 'HEAD');
    const p = join(r.dir, 'policies.yaml');
    const text = readFileSync(p, 'utf8');
    writeFileSync(p, text.replace('5432', '5433'));
    expect(await sourceOf(r.dir, undefined, files)).toEqual({ dir: r.dir, uncommitted: { sha256: contentHash(files), head } });
    writeFileSync(p, text);
    writeFileSync(join(r.dir, 'new.yaml'), 'kind: Tenant\n');
    expect((await sourceOf(r.dir, undefined, files)).uncommitted?.head).toBe(head);
    rmSync(join(r.dir, 'new.yaml'));
    expect((await sourceOf(r.dir, undefined, files)).commit).toBe(head);
  });

  it('outside any repository: uncommitted, with no commit under it', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'contiv-plain-'));
    roots.push(plain);
    expect(await sourceOf(plain, undefined, files)).toEqual({ dir: plain, uncommitted: { sha256: contentHash(files) } });
    expect(describeSource({ dir: plain, uncommitted: { sha256: contentHash(files) } })).toBe(`uncommitted manifests (content ${contentHash(files).slice(0, 12)}, not in a Git repository)`);
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
    expect(parsePlan(serializePlan({ ...plan, source: { dir: 'm', commit: 'b'.repeat(40) } })).plan?.source.commit).toBe('b'.repeat(40));
  });
});
