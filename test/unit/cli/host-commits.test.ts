import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distancesFromHead, hostCommitsLines } from '../../../src/cli/host-commits.js';
import type { LiveHost } from '../../../src/state/host-state.js';

/* How far a commit a host records is from HEAD, counted by git in a real repository. */
const root = mkdtempSync(join(tmpdir(), 'contiv-distance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
function commit(message: string): string {
  writeFileSync(join(root, 'f'), message);
  git('add', 'f');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

describe('distancesFromHead', () => {
  it('says behind, ahead, on another line, unknown, or nothing at HEAD', async () => {
    git('init', '-q', '-b', 'main');
    const a = commit('a');
    const b = commit('b');
    git('switch', '-q', '-c', 'side', a);
    const side = commit('side');
    git('switch', '-q', '-c', 'later', b);
    const later = commit('later');
    git('switch', '-q', 'main');
    const out = await distancesFromHead(root, [a, side, later, b, 'f'.repeat(40)]);
    expect(out).toEqual({
      [a]: ', 1 commit behind HEAD',
      [side]: ', on another line of history than HEAD (1 ahead, 1 behind)',
      [later]: ', 1 commit ahead of HEAD',
      [b]: '',
      ['f'.repeat(40)]: ', a commit this repository does not have',
    });
    expect(await distancesFromHead(root, [])).toEqual({});
  });
});

describe('hostCommitsLines', () => {
  // A repository of its own: main~1, then main.
  const dir = mkdtempSync(join(tmpdir(), 'contiv-host-commits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'one');
  git('commit', '-q', '--allow-empty', '-m', 'two');
  const at = (record: string | undefined): LiveHost => ({ state: { host: 'h', bridges: { contiv0: { name: 'contiv0', externalIds: record ? { 'contiv.commit': record } : {}, ports: {}, flows: {} } } } }) as unknown as LiveHost;

  it('names the hosts not at the plan\'s commit, grouped by the commit each records, and how far it is', async () => {
    const head = git('rev-parse', 'main');
    const behind = git('rev-parse', 'main~1');
    const live = { h1: at(behind), h2: at(behind), h3: at(head), h4: at('uncommitted'), h5: at(undefined) };
    expect(await hostCommitsLines({ dir, commit: head }, live)).toEqual([
      `Hosts not at commit ${head.slice(0, 12)}:`,
      `  2 hosts (h1, h2) at ${behind.slice(0, 12)}, 1 commit behind`,
      '  1 host (h4) applied from uncommitted manifests (--allow-dirty)',
    ]);
  });

  it('says nothing when every host is at the commit, or the plan is of uncommitted manifests', async () => {
    const head = git('rev-parse', 'main');
    expect(await hostCommitsLines({ dir, commit: head }, { h1: at(head), h2: at(undefined) })).toEqual([]);
    expect(await hostCommitsLines({ dir, uncommitted: { sha256: 'c'.repeat(64) } }, { h1: at(git('rev-parse', 'main~1')) })).toEqual([]);
  });
});
