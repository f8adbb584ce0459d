import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { FORCE_UNLOCK_SCRIPT, LOCK_READY, lockPreamble } from '../../../src/apply/script.js';
import { registerEndpointCommands } from '../../../src/cli/commands/endpoint.js';
import { endpointLockHolder } from '../../../src/cli/lock-holder.js';
import { attachAnywhere } from '../../../src/endpoint/attach-anywhere.js';
import { CLAIM_LOCK, claimBlock, claimLockProblem, claimLockScript } from '../../../src/endpoint/claim.js';
import { attachLocal, detachLocal } from '../../../src/endpoint/local.js';
import { lockedReadScript, lockedReadTimeoutMs, withHostLock } from '../../../src/endpoint/session.js';
import { LOCK_FILE, RECORDS_SCRIPT } from '../../../src/host/gather-script.js';
import { HostError, type ExecOptions, type ExecResult, type Held, type HostTarget, type Transport } from '../../../src/host/transport.js';
import type { AddressSpace } from '../../../src/ipam/spaces.js';

/*
 * attach and detach take the host's lock as apply does, and say who they are (issue 15): the
 * holder is recorded next to the lock, so an apply (or another attach) waiting for it names
 * this one and `contiv force-unlock` can end it; waiting in vain, they name the holder
 * themselves, with apply's hint. The scripts are checked by sh (-n) and on a real lock file.
 */

const H1 = { name: 'h1' } as HostTarget;
const HOLDER = 'alice@laptop (contiv attach web-1)';
const HELD_BY_APPLY = `exit 75: another contiv run holds ${LOCK_FILE}: bob@ci-7 (contiv apply, commit 0badc0de), pid 42, since 2026-11-29T12:00:00Z`;

/** A transport whose every hold is refused as a held lock is, recording what it was asked to hold. */
class HeldElsewhere implements Transport {
  holds: Array<{ host: string; script: string; ready: string; options?: ExecOptions }> = [];
  constructor(private readonly refusal: string = HELD_BY_APPLY) {}
  async exec(): Promise<ExecResult> {
    throw new Error('nothing runs without the lock');
  }
  async hold(host: HostTarget, script: string, ready: string, options?: ExecOptions): Promise<Held> {
    this.holds.push({ host: host.name, script, ready, ...(options ? { options } : {}) });
    throw new HostError(host.name, 'command', this.refusal);
  }
  async close(): Promise<void> {}
}

describe('the lock attach and detach hold', () => {
  it('records the holder after the lock is taken and before the read; waits as long as asked', () => {
    const script = lockedReadScript({ holder: HOLDER, waitSeconds: 7 });
    expect(script.startsWith(`${lockPreamble(LOCK_FILE, 9, 7, HOLDER).join('\n')}\n${RECORDS_SCRIPT}\necho ${LOCK_READY}\ncat >/dev/null\n`)).toBe(true);
    expect(script).toContain(`flock -w 7 9 ||`);
    expect(script).toContain(`printf '%s, pid %s, since %s\\n' 'alice@laptop (contiv attach web-1)' "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${LOCK_FILE}.holder`);
    expect(script.indexOf('flock -w 7 9')).toBeLessThan(script.indexOf(`> ${LOCK_FILE}.holder`));
    expect(script.indexOf(`> ${LOCK_FILE}.holder`)).toBeLessThan(script.indexOf('section ovsdb'));
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0);
    // Nobody named (the runtime plugins): the lock and the read as before, 30 s, no record.
    expect(lockedReadScript()).toBe(`${lockPreamble().join('\n')}\n${RECORDS_SCRIPT}\necho ${LOCK_READY}\ncat >/dev/null\n`);
    expect(lockedReadScript()).not.toContain('.holder\n');
    expect(lockedReadScript({ waitSeconds: 0 })).toContain('flock -w 0 9 ||');
  });

  it('gives the held script the wait and 30 s more to say it is ready', () => {
    expect(lockedReadTimeoutMs()).toBe(60_000);
    expect(lockedReadTimeoutMs({ waitSeconds: 600 })).toBe(630_000);
    expect(lockedReadTimeoutMs({ waitSeconds: 0 })).toBe(30_000);
  });

  it('waiting in vain, says who holds the lock, for how long it waited, and how to end it', async () => {
    const transport = new HeldElsewhere();
    const e = await withHostLock(transport, H1, async () => 'never', { holder: HOLDER, waitSeconds: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HostError);
    expect((e as HostError).message).toBe(`h1: another contiv run held the host's lock (${LOCK_FILE}) for 5 s (bob@ci-7 (contiv apply, commit 0badc0de), pid 42, since 2026-11-29T12:00:00Z); nothing changed`);
    expect((e as HostError).hint).toBe('wait for it (--lock-timeout), or if that run is gone for good: contiv force-unlock h1');
    expect(transport.holds).toEqual([{ host: 'h1', script: lockedReadScript({ holder: HOLDER, waitSeconds: 5 }), ready: LOCK_READY, options: { timeoutMs: 35_000 } }]);
    // Without a wait asked for: the default 30 s.
    const plain = await withHostLock(new HeldElsewhere(`exit 75: another contiv run holds ${LOCK_FILE}`), H1, async () => 'never').catch((x: unknown) => x);
    expect((plain as HostError).message).toBe(`h1: another contiv run held the host's lock (${LOCK_FILE}) for 30 s; nothing changed`);
  });

  it('releases the lock when the work fails', async () => {
    let released = 0;
    const transport: Transport = {
      exec: async () => ({ code: 0, stdout: '', stderr: '' }),
      hold: async () => ({ output: '', release: async () => (released++, 0) }),
      close: async () => undefined,
    };
    await expect(withHostLock(transport, H1, async () => Promise.reject(new Error('boom')), { holder: HOLDER })).rejects.toThrow('boom');
    expect(released).toBe(1);
  });

  it('attach, detach and a claim pass the holder and the wait to every lock they take', async () => {
    const lock = { holder: HOLDER, waitSeconds: 3 };
    const attach = new HeldElsewhere();
    await expect(attachLocal(attach, H1, { tenant: 'default', network: 'n', netns: 'web-1', ifname: 'eth0' }, lock)).rejects.toThrow('for 3 s (bob@ci-7');
    expect(attach.holds.map((h) => h.script)).toEqual([lockedReadScript(lock)]);

    const detach = new HeldElsewhere();
    await expect(detachLocal(detach, H1, { netns: 'web-1' }, lock)).rejects.toThrow('for 3 s (bob@ci-7');
    expect(detach.holds.map((h) => h.script)).toEqual([lockedReadScript(lock)]);

    // `contiv attach` as a whole: the host's lock first (a free address needs nobody else).
    const whole = new HeldElsewhere();
    const checked = { host: H1, request: { tenant: 'default', network: 'n', netns: 'web-1', ifname: 'eth0' }, space: {} as AddressSpace, spaces: [] };
    await expect(attachAnywhere(whole, [H1], checked, () => undefined, lock)).rejects.toThrow('for 3 s (bob@ci-7');
    expect(whole.holds.map((h) => h.script)).toEqual([lockedReadScript(lock)]);

    // A claim records itself on the claim lock too.
    const claim = new HeldElsewhere(`exit 75: another contiv run holds ${CLAIM_LOCK}: carol@ci (contiv attach db-1), pid 7, since T`);
    const space = { key: 'default/n', tenant: 'default', network: 'n' } as AddressSpace;
    await expect(claimBlock(claim, [H1], H1, space, { parallelism: 1, lock })).rejects.toThrow(`h1: another claim of an address block on this host held ${CLAIM_LOCK} for 60 s (carol@ci (contiv attach db-1), pid 7, since T); nothing changed`);
    expect(claim.holds.map((h) => [h.script, h.options])).toEqual([[claimLockScript(HOLDER), { timeoutMs: 90_000 }]]);
  });
});

describe('the claim lock', () => {
  it('records its holder as the host lock does, or nothing without one', () => {
    const script = claimLockScript(HOLDER);
    expect(script).toBe(`${lockPreamble(CLAIM_LOCK, 8, 60, HOLDER).join('\n')}\necho CONTIV_CLAIMING\ncat >/dev/null\n`);
    expect(script).toContain(`> ${CLAIM_LOCK}.holder`);
    expect(claimLockScript()).not.toContain('.holder\n');
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0);
  });

  it('a held claim lock is said with its holder when it recorded one; other failures are the host lock’s', () => {
    expect(claimLockProblem(H1, new Error(`exit 75: another contiv run holds ${CLAIM_LOCK}`)).message).toBe(`h1: another claim of an address block on this host held ${CLAIM_LOCK} for 60 s; nothing changed`);
    expect(claimLockProblem(H1, new Error('exit 127: flock is missing')).message).toBe('h1: flock not found on the host; nothing changed');
  });
});

describe('who attach and detach say they are', () => {
  it('user@machine, the command and the namespace (a long path by its end), and the commit CI names', () => {
    expect(endpointLockHolder('attach', 'web-1', {})).toMatch(/^\S+@\S+ \(contiv attach web-1\)$/);
    expect(endpointLockHolder('detach', '/proc/4242/ns/net', { GITHUB_SHA: '0123456789abcdef' })).toMatch(/^\S+@\S+ \(contiv detach \/proc\/4242\/ns\/net, commit 0123456789ab\)$/);
    const long = `/run/containers/${'a'.repeat(80)}/ns/net`;
    const said = /\(contiv attach (\S+)\)$/.exec(endpointLockHolder('attach', long, {}))![1]!;
    expect(said).toHaveLength(64);
    expect(said).toBe(`...${long.slice(-61)}`);
  });

  it('--lock-timeout on attach and detach: 30 s by default, parsed as apply parses it', () => {
    const program = new Command();
    registerEndpointCommands(program, () => undefined);
    for (const name of ['attach', 'detach']) {
      const option = program.commands.find((c) => c.name() === name)!.options.find((o: Option) => o.long === '--lock-timeout')!;
      expect(option, name).toBeDefined();
      expect(option.defaultValue).toBe(30);
      expect(option.parseArg!('600', 30)).toBe(600);
      expect(() => option.parseArg!('-1', 30)).toThrow('a whole number of seconds from 0 to 3600');
      expect(() => option.parseArg!('3601', 30)).toThrow('a whole number of seconds from 0 to 3600');
    }
  });
});

describe('an attach holding a real lock file', () => {
  it('is named by a run that waits for it, and ended by force-unlock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contiv-attach-lock-'));
    const file = join(dir, 'lock');
    const on = (script: string) => script.replaceAll(LOCK_FILE, file);
    try {
      // The attach's held script, as the transport runs it: sh reading it on standard input, kept open.
      const attach = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      attach.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((r) => attach.once('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
      attach.stdin.write(on(lockedReadScript({ holder: HOLDER, waitSeconds: 1 })));
      for (let i = 0; i < 100 && !out.split('\n').includes(LOCK_READY); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out.split('\n')).toContain(LOCK_READY);
      expect(existsSync(`${file}.holder`)).toBe(true);
      expect(readFileSync(`${file}.holder`, 'utf8')).toMatch(new RegExp(`^alice@laptop \\(contiv attach web-1\\), pid ${attach.pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n$`));

      // An apply (any run) waiting for it names the attach.
      const waiter = spawnSync('sh', ['-s'], { input: `${lockPreamble(file, 9, 1).join('\n')}\necho TAKEN\n`, encoding: 'utf8' });
      expect(waiter.status).toBe(75);
      expect(waiter.stderr.trim()).toBe(`another contiv run holds ${file}: alice@laptop (contiv attach web-1), pid ${attach.pid}, since ${/since (\S+)/.exec(readFileSync(`${file}.holder`, 'utf8'))![1]}`);

      // force-unlock ends it, by the pid it recorded, and the lock is free.
      const unlocked = spawnSync('sh', ['-s'], { input: on(FORCE_UNLOCK_SCRIPT), encoding: 'utf8' });
      expect(unlocked.stderr).toBe('');
      expect(unlocked.stdout).toMatch(/^released: alice@laptop \(contiv attach web-1\), pid \d+, since \S+\n$/);
      expect(unlocked.status).toBe(0);
      expect(await exited).not.toBe(0);
      expect(spawnSync('sh', ['-s'], { input: `${lockPreamble(file, 9, 1).join('\n')}\necho TAKEN\n`, encoding: 'utf8' }).stdout.trim()).toBe('TAKEN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
