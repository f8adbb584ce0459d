import { describe, expect, it } from 'vitest';
import { worktreeAgainstHead } from '../../../src/rbac/history.js';

/*
 * worktreeAgainstHead over `git status --porcelain=v2 -z --branch` output as git 2.x prints it
 * (the real-repository cases are in test/unit/cli/source-commit.test.ts): which entries make a
 * manifest the loader read differ from HEAD, for DIR at the repository's root and below it.
 */
const HEAD = '1f0e3dad99908345f7439f8ffabdffc4e3a8e4b2';
const status = (...entries: string[]) => [`# branch.oid ${HEAD}`, '# branch.head main', ...entries, ''].join('\0');
const modified = (path: string) => `1 .M N... 100644 100644 100644 ${'a'.repeat(40)} ${'a'.repeat(40)} ${path}`;
const unmerged = (path: string) => `u UU N... 100644 100644 100644 100644 ${'a'.repeat(40)} ${'b'.repeat(40)} ${'c'.repeat(40)} ${path}`;

describe('worktreeAgainstHead', () => {
  it('reads HEAD from the branch header; before the first commit there is none', () => {
    expect(worktreeAgainstHead('', status(), ['a.yaml'])).toEqual({ head: HEAD, uncommitted: [] });
    expect(worktreeAgainstHead('', '# branch.oid (initial)\0# branch.head main\0', [])).toEqual({ head: undefined, uncommitted: [] });
  });

  it('a changed, unmerged, deleted or untracked manifest differs; other files and what the loader skips do not', () => {
    const out = status(modified('net/a.yaml'), unmerged('b.yml'), modified('gone.yaml'), '? new.yaml', modified('README.md'), '? .cache/c.yaml', '? node_modules/m/x.yaml', modified('path with spaces/d.yaml'));
    expect(worktreeAgainstHead('', out, ['net/a.yaml', 'b.yml', 'new.yaml', 'path with spaces/d.yaml']).uncommitted).toEqual(['b.yml', 'gone.yaml', 'net/a.yaml', 'new.yaml', 'path with spaces/d.yaml']);
  });

  it('an ignored entry counts only when the loader read from it: a file, or a folder holding one', () => {
    const out = status('! secret.yaml', '! local/', '! build/', '! debug.log');
    expect(worktreeAgainstHead('', out, ['secret.yaml', 'local/x.yaml', 'net.yaml']).uncommitted).toEqual(['local/x.yaml', 'secret.yaml']);
    expect(worktreeAgainstHead('', out, ['net.yaml']).uncommitted).toEqual([]);
  });

  it('below the root, paths are taken relative to DIR before the loader\'s rule: DIR inside a hidden folder is checked', () => {
    const out = status(modified('.deploy/net/a.yaml'), modified('.deploy/other/b.yaml'), '? .deploy/net/sub/c.yaml');
    expect(worktreeAgainstHead('.deploy/net/', out, ['a.yaml', 'sub/c.yaml']).uncommitted).toEqual(['a.yaml', 'sub/c.yaml']);
  });

  it('a prefix is taken as git prints it: a folder may begin with a space', () => {
    const out = status(modified(' lead/net/a.yaml'), modified('lead/net/b.yaml'));
    expect(worktreeAgainstHead(' lead/net/', out, ['a.yaml', 'b.yaml']).uncommitted).toEqual(['a.yaml']);
  });

  it('DIR inside a folder Git ignores or does not track: everything the loader read differs', () => {
    expect(worktreeAgainstHead('build/m/', status('! build/'), ['a.yaml', 'x/b.yaml']).uncommitted).toEqual(['a.yaml', 'x/b.yaml']);
    expect(worktreeAgainstHead('build/m/', status('? build/m/'), ['a.yaml']).uncommitted).toEqual(['a.yaml']);
    // A sibling folder with a name DIR's starts with is not DIR's.
    expect(worktreeAgainstHead('build/m/', status('! build/mm/'), ['a.yaml']).uncommitted).toEqual([]);
  });
});
