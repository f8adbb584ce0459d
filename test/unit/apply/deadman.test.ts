import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { armLines, confirmScript, parseConfirm, type DeadmanPaths } from '../../../src/apply/deadman.js';

/*
 * The dead-man timer's scripts, run for real by sh (with flock and setsid) in a directory of
 * their own instead of /run: who wins between the confirmation and the timer, what each leaves.
 */
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function place(): DeadmanPaths & { root: string } {
  const root = mkdtempSync(join(tmpdir(), 'contiv-deadman-'));
  roots.push(root);
  return { root, dir: join(root, 'deadman'), lock: join(root, 'contiv.lock') };
}

function sh(script: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function arm(p: DeadmanPaths, token: string, seconds: number, restore: string): number {
  const r = sh(`set -eu\n${armLines(token, seconds, restore, p).join('\n')}\n`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return Number(readFileSync(join(p.dir, `${token}.pid`), 'utf8'));
}

/** `stat` fields after the command name: state, ppid, pgrp… */
function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Running (a zombie is not: this machine's init may never reap what it inherits). */
function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s[0] !== 'Z';
}

/** Live processes of a process group. */
function group(pgid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => stat(pid)?.[2] === String(pgid) && alive(pid));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The timer has fired and is done: its report there, its firing mark gone. */
function fired(p: DeadmanPaths, token: string): boolean {
  return existsSync(join(p.dir, `${token}.fired`)) && !existsSync(join(p.dir, `${token}.firing`));
}

async function until(test: () => boolean, ms = 8000): Promise<void> {
  for (const end = Date.now() + ms; !test(); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('the dead-man timer', () => {
  it.concurrent('restores by itself when nobody confirms, and leaves only its report', async () => {
    const p = place();
    const pid = arm(p, 'aaaa0001', 1, `echo restored > ${p.root}/out\n`);
    expect(alive(pid)).toBe(true);
    await until(() => fired(p, 'aaaa0001'));
    expect(readFileSync(join(p.root, 'out'), 'utf8')).toBe('restored\n');
    expect(readFileSync(join(p.dir, 'aaaa0001.fired'), 'utf8')).toMatch(/^fired at \S+: no confirmation within 1 s\nrestored the state before the apply\n$/);
    expect(readdirSync(p.dir)).toEqual(['aaaa0001.fired']);
    await until(() => !alive(pid));
    // The lock it took is free again.
    expect(sh(`exec 9>${p.lock}; flock -n 9`).code).toBe(0);
    // A confirmation that comes too late reads the report, and removes it.
    const late = sh(confirmScript('aaaa0001', '', p));
    expect(parseConfirm(late.stdout)).toEqual({ status: 'fired', report: expect.stringMatching(/no confirmation within 1 s restored the state before the apply$/) });
    expect(readdirSync(p.dir)).toEqual([]);
  });

  it.concurrent('once confirmed, never fires: its process and files are gone, and the confirmation runs what follows it', async () => {
    const p = place();
    const pid = arm(p, 'bbbb0002', 2, `echo restored > ${p.root}/out\n`);
    const r = sh(confirmScript('bbbb0002', `touch ${p.root}/cleaned\n`, p));
    expect(parseConfirm(r.stdout)).toEqual({ status: 'confirmed' });
    expect(existsSync(join(p.root, 'cleaned'))).toBe(true);
    expect(readdirSync(p.dir)).toEqual([]);
    // Its sleep goes with it (the whole process group), not only its shell.
    await until(() => group(pid).length === 0, 1000);
    await sleep(2500);
    expect(existsSync(join(p.root, 'out'))).toBe(false);
    // A second confirmation finds nothing.
    expect(parseConfirm(sh(confirmScript('bbbb0002', '', p)).stdout)).toEqual({ status: 'unknown' });
  });

  it.concurrent('ends the apply session that still holds the lock when it fires (contiv was cut off), then restores under the lock', async () => {
    const p = place();
    // The apply's lock session as lockPreamble makes it: the lock, its holder record, then waiting on standard input.
    const session = spawn('sh', ['-c', `exec 9>${p.lock}; flock 9; printf '%s, pid %s, since %s\\n' 'ci (contiv apply)' "$$" now > ${p.lock}.holder; echo locked; exec cat`], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise((r) => session.stdout.once('data', r));
    arm(p, 'cccc0003', 1, `echo restored > ${p.root}/out\n`);
    expect(readFileSync(join(p.dir, 'cccc0003.holder'), 'utf8').trim()).toBe(String(session.pid));
    const ended = await new Promise<NodeJS.Signals | null>((r) => session.on('exit', (_code, signal) => r(signal)));
    expect(ended).toBe('SIGTERM');
    await until(() => fired(p, 'cccc0003'));
    expect(readFileSync(join(p.dir, 'cccc0003.fired'), 'utf8')).toContain(`ended the apply session ${session.pid} that still held ${p.lock}\nrestored the state before the apply`);
    expect(readFileSync(join(p.root, 'out'), 'utf8')).toBe('restored\n');
  });

  it.concurrent('says so when the restore fails, and keeps nothing else', async () => {
    const p = place();
    arm(p, 'dddd0004', 1, 'exit 3\n');
    await until(() => fired(p, 'dddd0004'));
    expect(readFileSync(join(p.dir, 'dddd0004.fired'), 'utf8')).toContain('RESTORE FAILED (exit 3): run contiv plan and apply');
    expect(readdirSync(p.dir)).toEqual(['dddd0004.fired']);
  });

  it('refuses what would make a broken script', () => {
    const p = place();
    expect(() => armLines('../etc', 5, '', p)).toThrow(/bad dead-man token/);
    expect(() => armLines('aaaa0005', 0, '', p)).toThrow(/bad dead-man timeout/);
    expect(() => armLines('aaaa0005', 1.5, '', p)).toThrow(/bad dead-man timeout/);
    expect(() => confirmScript('x y', '', p)).toThrow(/bad dead-man token/);
  });
});
