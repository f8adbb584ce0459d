// @ts-nocheck
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contiv as runCli, type CliRun } from '../../support/cli.js';

/*
 * `contiv validate` end to end: the built CLI (bin/contiv.js → dist/) run as a user runs it;
 * test/support/build.ts keeps dist/ current.
 */

let tmp: string;

type Run = CliRun;

function contiv(...args: string[]): Run {
  return runCli(args, { env: { HOME: '/home/user' }, timeoutMs: 30_000 });
}

/** A copy of an example in a temporary folder, with `edit` applied to one file. */
function brokenCopy(example: string, file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmp, `${example}-`));
  cpSync(join('examples', example), dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return dir;
}

/** No stack trace and no "Internal error": a user error is one clear line. */
function expectCleanError(run: Run, pattern: RegExp): void {
  expect(run.status).toBe(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/Internal error/);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[0]).toMatch(pattern);
}

/** A repository of its own for --ref (the project checkout may belong to another user in CI). */
let repo: string;

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'contiv-validate-'));
  repo = join(tmp, 'repo');
  cpSync('examples/quickstart', join(repo, 'manifests'), { recursive: true });
  git('init', '-q');
  git('config', 'user.name', 'contiv test');
  git('config', 'user.email', 'test@contiv.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'quickstart');
  // The working tree breaks after the commit: --ref HEAD must not see it.
  writeFileSync(join(repo, 'manifests', 'tenants.yaml'), 'not: [valid\n');
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('contiv validate', () => {
  it('exits 0 on examples/quickstart', () => {
    const run = contiv('validate', 'examples/quickstart');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Valid: 5 files, 3 hosts, 2 tenants, 2 networks, 2 groups, 1 policy\.$/m);
  });

  it('exits 0 on examples/multi-tenant', () => {
    const run = contiv('validate', 'examples/multi-tenant');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Valid: .*3 tenants, 6 networks/m);
  });

  it('exits 1 on a copy with one broken value, pointing at it: file:line:col, the source line, a caret under the value', () => {
    const dir = brokenCopy('quickstart', 'networks.yaml', (t) => t.replace('  gateway: 10.1.2.1\n---', '  gateway: 10.1.3.1\n---'));
    const run = contiv('validate', dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    const sourceLines = readFileSync(join(dir, 'networks.yaml'), 'utf8').split('\n');
    const lineNo = sourceLines.findIndex((l) => l.includes('10.1.3.1')) + 1;
    const col = sourceLines[lineNo - 1]!.indexOf('10.1.3.1') + 1;
    expect(lines[0]).toBe(`${dir}/networks.yaml:${lineNo}:${col}: error gateway-outside-subnet: gateway 10.1.3.1 is not inside subnet 10.1.2.0/24`);
    // The source line, then the caret line: the caret sits exactly under the value's first character.
    const gutter = `${lineNo} | `;
    expect(lines[1]).toBe(`${gutter}${sourceLines[lineNo - 1]}`);
    expect(lines[2]!.indexOf('^')).toBe(gutter.length + col - 1);
    expect(lines[2]!.trimEnd().endsWith('^')).toBe(true);
    expect(run.stdout).toMatch(/^Invalid: 1 error\.$/m);
  });

  it('reports every problem of a copy broken in several files at once', () => {
    const dir = brokenCopy('multi-tenant', 'networks.yaml', (t) => t.replace('vni: 20002', 'vni: 0').replace('subnet: 172.16.0.0/24', 'subnet: 172.16.0.5/24'));
    writeFileSync(join(dir, 'groups.yaml'), readFileSync(join(dir, 'groups.yaml'), 'utf8').replace('policies: [app-policy]', 'policies: [app-polcy]'));
    const run = contiv('validate', dir);
    expect(run.status).toBe(1);
    const codes = [...run.stdout.matchAll(/^\S+:\d+:\d+: error ([a-z0-9-]+):/gm)].map((m) => m[1]);
    expect(codes).toEqual(['group-policy-unknown', 'vni-zero', 'subnet-not-network-address']);
    expect(run.stdout).toMatch(/hint: did you mean "app-policy"\?/);
    expect(run.stdout).toMatch(/^Invalid: 3 errors\.$/m);
  });

  it('--json prints the diagnostics as data with a format_version', () => {
    const dir = brokenCopy('quickstart', 'policies.yaml', (t) => t.replace('priority: 10', 'priority: 101'));
    const run = contiv('validate', dir, '--json');
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as { format_version: string; valid: boolean; diagnostics: Array<{ severity: string; code: string; message: string; source: { file: string; line: number; col: number } }> };
    expect(out.format_version).toMatch(/^\d+\.\d+$/);
    expect(out.valid).toBe(false);
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({ severity: 'error', code: 'schema-range', source: { file: `${dir}/policies.yaml`, line: 17, col: 17 } });
    expect(typeof out.diagnostics[0]!.message).toBe('string');
  });

  it('--json on a valid set: valid true and no diagnostics', () => {
    const run = contiv('validate', 'examples/quickstart', '--json');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { format_version: string; valid: boolean; diagnostics: unknown[] };
    expect(out).toMatchObject({ valid: true, diagnostics: [] });
    expect(typeof out.format_version).toBe('string');
  });

  it('--fabric replaces the Fabric of DIR', () => {
    const dir = brokenCopy('quickstart', 'fabric.yaml', (t) => t.replace('address: 198.18.0.12', 'address: 198.18.0.11'));
    expect(contiv('validate', dir).status).toBe(1);
    const run = contiv('validate', dir, '--fabric', 'examples/multi-tenant/fabric.yaml');
    expect(run.stdout).toMatch(/^Valid: /m);
    expect(run.status).toBe(0);
  });

  it('a YAML syntax error and an alias bomb are diagnostics, quickly, never a stack trace', () => {
    const dir = brokenCopy('quickstart', 'tenants.yaml', (t) => t.replace('name: blue', 'name: [blue'));
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    'bcdefghi'.split('').forEach((name, i) => laughs.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`));
    writeFileSync(join(dir, 'bomb.yaml'), `${laughs.join('\n')}\n`);
    const started = Date.now();
    const run = contiv('validate', dir);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/bomb\.yaml:1:1: error yaml-alias-limit/);
    expect(run.stdout).toMatch(/tenants\.yaml:\d+:\d+: error yaml-syntax/);
  });

  it('a missing directory is one clear line on stderr, exit 1', () => {
    expectCleanError(contiv('validate', join(tmp, 'no-such-dir')), /no-such-dir: no such directory/);
  });

  it('--ref with an unknown ref is one clear line on stderr, exit 1', () => {
    expectCleanError(contiv('validate', join(repo, 'manifests'), '--ref', 'no-such-ref-4f3a'), /"no-such-ref-4f3a" is not a commit/);
  });

  it('--ref outside a Git repository is one clear line on stderr, exit 1', () => {
    const dir = mkdtempSync(join(tmp, 'plain-'));
    cpSync('examples/quickstart', dir, { recursive: true });
    // tmpdir() is not inside a repository (a CI checkout lives elsewhere).
    expectCleanError(contiv('validate', dir, '--ref', 'HEAD'), /not inside a usable Git repository/);
  });

  it('--ref HEAD reads the committed manifests, not the broken working tree', () => {
    expect(contiv('validate', join(repo, 'manifests')).status).toBe(1);
    const run = contiv('validate', join(repo, 'manifests'), '--ref', 'HEAD');
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Valid: 5 files/m);
    expect(run.status).toBe(0);
  });

  it('an unreadable --fabric file is one clear line on stderr, exit 1', () => {
    expectCleanError(contiv('validate', 'examples/quickstart', '--fabric', join(tmp, 'nope.yaml')), /--fabric .*nope\.yaml/);
  });
});
