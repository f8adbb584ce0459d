import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contiv } from '../../support/cli.js';

/*
 * The trust anchors are not a pull request's to choose. A Fabric read from the manifests keeps
 * its key and known_hosts files in ~/.ssh or ~/.contiv (with --accept-new-host-keys contiv
 * appends to the known_hosts file: a Fabric naming victim/authorized_keys wrote a key line
 * there); in CI, --fabric-ref BASE reads the Fabric from the base branch and the rest from the
 * pull request, and --fabric FILE is the operator's own.
 */

describe('--fabric-ref', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'contiv-fabric-ref-'));
    cpSync('examples/quickstart', join(repo, 'm'), { recursive: true });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'base');
    // The pull request: its Fabric names a file of its choosing.
    const f = join(repo, 'm', 'fabric.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('knownHostsFile: ~/.contiv/labs/contiv/known_hosts', 'knownHostsFile: ../../victim/authorized_keys'));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('the pull request\'s Fabric is refused; the base branch\'s is used with --fabric-ref; not both --fabric and --fabric-ref', () => {
    const dir = join(repo, 'm');
    const own = contiv(['validate', dir]);
    expect(own.status).toBe(1);
    expect(own.stdout).toContain('error fabric-path-untrusted: knownHostsFile');
    const based = contiv(['validate', dir, '--fabric-ref', 'main']);
    expect(based.stdout + based.stderr).not.toContain('fabric-path-untrusted');
    expect(based.status).toBe(0);
    const both = contiv(['validate', dir, '--fabric-ref', 'main', '--fabric', join(dir, 'fabric.yaml')]);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('--fabric and --fabric-ref both say where the Fabric comes from: give one');
    const unknown = contiv(['validate', dir, '--fabric-ref', 'no-such-branch']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('--fabric-ref: cannot read');
  });
});
