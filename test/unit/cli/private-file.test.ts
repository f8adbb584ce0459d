import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { checkWritablePath, writePrivateFile } from '../../../src/cli/private-file.js';
import { contiv } from '../../support/cli.js';

/*
 * plan --out: a saved plan says how to reach every host and what apply will run. It is written
 * 0600, whole or not at all, never through a symbolic link, and a path that cannot be written
 * is the user's error, said before any host is read.
 */

const dir = mkdtempSync(join(tmpdir(), 'contiv-private-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('writePrivateFile', () => {
  it('writes the content readable by its owner only, and leaves no temporary file', async () => {
    const path = join(dir, 'plan.json');
    await writePrivateFile(path, '{"a":1}', 'plan --out');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    expect(mode(path)).toBe('600');
    expect(leftovers()).toEqual([]);
  });

  it('replaces a file that is there (and its wider mode) whole', async () => {
    const path = join(dir, 'old.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writePrivateFile(path, 'new', 'plan --out');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(mode(path)).toBe('600');
  });

  it('never writes through a symbolic link: the link is replaced, the file it names is untouched', async () => {
    const victim = join(dir, 'authorized_keys');
    writeFileSync(victim, 'ssh-ed25519 AAAA the-owner\n', { mode: 0o600 });
    const path = join(dir, 'linked.json');
    symlinkSync(victim, path);
    await writePrivateFile(path, 'plan', 'plan --out');
    expect(readFileSync(victim, 'utf8')).toBe('ssh-ed25519 AAAA the-owner\n');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('plan');
  });

  it('a path it cannot write is a user error naming it, and nothing is left behind', async () => {
    await expect(writePrivateFile(join(dir, 'missing', 'plan.json'), 'x', 'plan --out')).rejects.toThrow(new UserError(`plan --out ${join(dir, 'missing', 'plan.json')}: cannot create a file in ${join(dir, 'missing')} (ENOENT)`));
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    await expect(writePrivateFile(sub, 'x', 'plan --out')).rejects.toBeInstanceOf(UserError);
    expect(statSync(sub).isDirectory()).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});

describe('checkWritablePath', () => {
  it('refuses a missing directory, a file as directory, and a directory as the file', () => {
    expect(() => checkWritablePath(join(dir, 'nope', 'p.json'), 'plan --out')).toThrow(`plan --out ${join(dir, 'nope', 'p.json')}: the directory ${join(dir, 'nope')} does not exist`);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => checkWritablePath(join(file, 'p.json'), 'plan --out')).toThrow(`plan --out ${join(file, 'p.json')}: ${file} is not a directory`);
    expect(() => checkWritablePath(dir, 'plan --out')).toThrow(`plan --out ${dir}: is a directory`);
    expect(() => checkWritablePath(join(dir, 'fine.json'), 'plan --out')).not.toThrow();
  });

  it('contiv plan --out into a missing directory says so before reading any host, exit 1', () => {
    const run = contiv(['plan', 'examples/quickstart', '--out', join(dir, 'missing', 'plan.json')]);
    expect(run.status).toBe(1);
    expect(run.stderr + run.stdout).toContain(`plan --out ${join(dir, 'missing', 'plan.json')}: the directory ${join(dir, 'missing')} does not exist`);
    expect(run.stderr + run.stdout).not.toMatch(/Internal error|h1|ssh/i);
  });
});
