import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORCE_UNLOCK_SCRIPT, LOCK_SCRIPT, lockPreamble, lockProblem, lockScript } from '../../../src/apply/script.js';
import { lockHolder } from '../../../src/cli/lock-holder.js';
import { parseLockTimeout } from '../../../src/cli/options.js';
import { HostError, type HostTarget } from '../../../src/host/transport.js';

/*
 * Locks that say who holds them: the taker records itself (user, machine, command, commit), a
 * run that waits in vain names that holder and how to end it, and force-unlock ends only a
 * holder contiv recorded. The scripts' shell is checked by sh itself (-n), the holder's text is
 * quoted whatever it holds.
 */

const H2 = { name: 'h2' } as HostTarget;

describe('the lock script', () => {
  it('records a holder, quoted and without control characters, after the lock is taken; waits as long as asked', () => {
    const script = lockScript({ holder: "eve'; reboot; echo '\nx", waitSeconds: 7 });
    expect(script).toContain('flock -w 7 9 ||');
    expect(script).toContain(`printf '%s, pid %s, since %s\\n' 'eve'\\''; reboot; echo '\\'' x' "$$"`);
    // Through sh, the holder is one argument, as written.
    const printed = spawnSync('sh', ['-c', script.split('\n').find((l) => l.startsWith('printf'))!.replace(/ > \S+$/, '')], { encoding: 'utf8' }).stdout;
    expect(printed).toMatch(/^eve'; reboot; echo ' x, pid \d+, since \d{4}-/);
    expect(script.indexOf('flock -w 7 9')).toBeLessThan(script.indexOf('> /run/contiv.lock.holder'));
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0);
    expect(spawnSync('sh', ['-n'], { input: FORCE_UNLOCK_SCRIPT }).status).toBe(0);
    // The default: 30 s, no holder record (attach and the claim protocol).
    expect(LOCK_SCRIPT).toContain('flock -w 30 9 ||');
    expect(LOCK_SCRIPT).not.toContain('.holder\n');
  });

  it('the scripts, whole (goldens: test/unit/apply/golden/lock-held-by-h.sh, force-unlock.sh)', () => {
    expect(lockScript({ holder: 'h', waitSeconds: 7 })).toBe(readFileSync('test/unit/apply/golden/lock-held-by-h.sh', 'utf8'));
    expect(FORCE_UNLOCK_SCRIPT).toBe(readFileSync('test/unit/apply/golden/force-unlock.sh', 'utf8'));
    expect(LOCK_SCRIPT).toBe(lockScript());
  });

  it('a held lock is said with its holder, the wait, and how to end it', () => {
    const e = lockProblem(H2, new HostError('h2', 'command', 'exit 75: another contiv run holds /run/contiv.lock: bob@ci (contiv apply), pid 9, since 2026-11-29T12:00:00Z'), 5);
    expect(e.message).toBe("h2: another contiv run held the host's lock (/run/contiv.lock) for 5 s (bob@ci (contiv apply), pid 9, since 2026-11-29T12:00:00Z); nothing changed");
    expect(e.hint).toBe('wait for it (--lock-timeout), or if that run is gone for good: contiv force-unlock h2');
    expect(lockProblem(H2, new Error('exit 75: another contiv run holds /run/contiv.lock')).message).toBe("h2: another contiv run held the host's lock (/run/contiv.lock) for 30 s; nothing changed");
  });
});

describe('the lock script on a real lock file', () => {
  it('names the holder its record names only while that process holds the lock; a stale record names nobody', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contiv-lock-'));
    const file = join(dir, 'lock');
    try {
      // The holder: a shell that takes the lock, records itself as contiv does, and waits.
      const holder = spawn('sh', ['-c', `exec 9>${file}; flock 9; printf '%s, pid %s, since %s\\n' 'bob@ci (contiv apply)' "$$" T >${file}.holder; exec sleep 30`], { stdio: 'ignore' });
      for (let i = 0; i < 50 && !existsSync(`${file}.holder`); i++) await new Promise((r) => setTimeout(r, 50));
      const wait = () => spawnSync('sh', ['-s'], { input: `${lockPreamble(file, 9, 1).join('\n')}\necho TAKEN\n`, encoding: 'utf8' });
      const named = wait();
      expect(named.status).toBe(75);
      expect(named.stderr.trim()).toBe(`another contiv run holds ${file}: bob@ci (contiv apply), pid ${holder.pid}, since T`);
      writeFileSync(`${file}.holder`, 'eve@x (contiv apply), pid 1, since T\n');
      expect(wait().stderr.trim()).toBe(`another contiv run holds ${file}`);
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
      expect(wait().stdout.trim()).toBe('TAKEN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('who holds the lock', () => {
  it('user@machine, the command, and the commit: --ref first, then what CI says, shortened', () => {
    expect(lockHolder('apply', undefined, {})).toMatch(/^\S+@\S+ \(contiv apply\)$/);
    expect(lockHolder('apply', undefined, { GITHUB_SHA: '0123456789abcdef0123' })).toMatch(/ \(contiv apply, commit 0123456789ab\)$/);
    expect(lockHolder('apply', undefined, { CI_COMMIT_SHA: 'feedface' })).toMatch(/, commit feedface\)$/);
    expect(lockHolder('apply', 'origin/main', { GITHUB_SHA: 'ffff' })).toMatch(/, commit origin\/main\)$/);
  });

  it('--lock-timeout: whole seconds from 0 to an hour', () => {
    expect(parseLockTimeout('0')).toBe(0);
    expect(parseLockTimeout('3600')).toBe(3600);
    for (const bad of ['-1', '3601', '1.5', 'x', '']) expect(() => parseLockTimeout(bad), bad).toThrow('a whole number of seconds from 0 to 3600');
  });
});
