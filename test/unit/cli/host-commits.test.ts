import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distancesFromHead } from '../../../src/cli/host-commits.js';

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
