import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointLockHolder } from '../../src/cli/lock-holder.js';
import { withHostLock } from '../../src/endpoint/session.js';
import { SshTransport } from '../../src/host/ssh-transport.js';
import { labPaths } from '../../src/lab/paths.js';
import { loadManifests } from '../../src/manifest/load.js';
import { readManifestDir, readSourceFile } from '../../src/manifest/read-sources.js';
import type { Host } from '../../src/model/types.js';
import { removeContivBridges, removeEndpoints } from '../harness/contiv.js';
import { CTEST, execIn } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * attach and detach hold a host's lock as apply does, and say who they are (issue 15): a run
 * waiting for the lock an attach holds (an apply, another attach) names that attach, and
 * `contiv force-unlock` ends it; an attach or detach that waits in vain names the holder, how
 * long it waited (--lock-timeout) and how to end it.
 */
const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-endpoint-holder-'));
const dir = join(tmp, 'quickstart');
cpSync('examples/quickstart', dir, { recursive: true });
/** The manifests with a change on every host, so that an apply reaches h2. */
const changed = join(tmp, 'changed');
cpSync(dir, changed, { recursive: true });
writeFileSync(join(changed, 'policies.yaml'), readFileSync(join(changed, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));

const RECORD = /^(.+), pid (\d+), since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\n$/;

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const attachArgs = (netns: string, extra: string[] = []): string[] => ['attach', dir, '--fabric', fabric, '--host', 'h2', '--netns', netns, '--network', 'contiv-net', '--group', 'db-group', ...extra];
const detachArgs = (netns: string, extra: string[] = []): string[] => ['detach', dir, '--fabric', fabric, '--host', 'h2', '--netns', netns, ...extra];

async function record(): Promise<{ holder: string; pid: string; since: string } | undefined> {
  const m = RECORD.exec((await execIn('h2', ['sh', '-c', 'cat /run/contiv.lock.holder 2>/dev/null || true'])).stdout);
  return m ? { holder: m[1]!, pid: m[2]!, since: m[3]! } : undefined;
}

async function labHost(name: string): Promise<Host> {
  const result = loadManifests({ files: await readManifestDir(dir), fabricFile: await readSourceFile(fabric), home: homedir() });
  if (!result.model) throw new Error(`lab fabric does not load: ${JSON.stringify(result.diagnostics)}`);
  return result.model.fabric.hosts.find((h) => h.name === name)!;
}

beforeAll(async () => {
  ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
  ok(contiv(['lab', 'run', '--name', CTEST.name, 'h2', 'hdb']));
}, 180_000);

afterAll(async () => {
  await removeEndpoints(dir, [['h2', 'hdb']]);
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('attach and detach say who holds the host lock', () => {
  it('an attach or detach that waits in vain names the holder, its wait, and how to end it', async () => {
    // A run whose session hangs on h2: the lock taken, its holder recorded as contiv records one.
    const holder = execIn('h2', ['sh', '-c', 'exec 9>/run/contiv.lock; flock 9; printf "%s, pid %s, since %s\\n" "bob@ci-7 (contiv apply, commit 0badc0de)" "$$" "2026-11-29T12:00:00Z" >/run/contiv.lock.holder; exec sleep 120'], { timeoutMs: 150_000 });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const pid = (await record())!.pid;
      const said = `h2: error host-command: another contiv run held the host's lock (/run/contiv.lock) for 2 s (bob@ci-7 (contiv apply, commit 0badc0de), pid ${pid}, since 2026-11-29T12:00:00Z); nothing changed\n  hint: wait for it (--lock-timeout), or if that run is gone for good: contiv force-unlock h2`;

      const attach = contiv(attachArgs('hdb', ['--lock-timeout', '2']));
      expect(attach.status).toBe(1);
      expect(attach.stdout).toContain(said);
      expect(attach.stdout.trim().split('\n').at(-1)).toBe('Nothing attached.');

      const detach = contiv(detachArgs('hdb', ['--lock-timeout', '2']));
      expect(detach.status).toBe(1);
      expect(detach.stdout).toContain(said);
      expect(detach.stdout.trim().split('\n').at(-1)).toBe('Nothing detached.');

      // A bad wait is the user's mistake, said before any host is touched.
      const bad = contiv(attachArgs('hdb', ['--lock-timeout', '-1']));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('a whole number of seconds from 0 to 3600');

      const unlocked = contiv(['force-unlock', 'h2', dir, '--fabric', fabric]);
      expect(unlocked.stdout).toBe(`h2: ended the run that held the lock: bob@ci-7 (contiv apply, commit 0badc0de), pid ${pid}, since 2026-11-29T12:00:00Z\n`);
    } finally {
      await holder.catch(() => undefined);
    }
  }, 120_000);

  it('an attach holding the lock is named by an apply and an attach that wait for it, and force-unlock ends it', async () => {
    await execIn('h2', ['rm', '-f', '/run/contiv.lock.holder']);
    const h2 = await labHost('h2');
    const transport = new SshTransport();
    // A stuck attach: the host's lock taken as `contiv attach --netns hdb` takes it, its work never ending.
    const who = endpointLockHolder('attach', 'hdb');
    let started!: () => void;
    const inside = new Promise<void>((r) => (started = r));
    let finish!: () => void;
    const stuck = withHostLock(transport, h2, () => (started(), new Promise<void>((r) => (finish = r))), { holder: who, waitSeconds: 5 }).catch((e: unknown) => e);
    try {
      await inside;
      const held = (await record())!;
      expect(held.holder).toBe(who);
      expect(who).toMatch(/^\S+@\S+ \(contiv attach hdb\)$/);

      // An apply waiting for it names the attach.
      const apply = contiv(['apply', changed, '--fabric', fabric, '--auto-approve', '--lock-timeout', '2']);
      expect(apply.status).toBe(1);
      expect(apply.stdout).toContain(`h2: FAILED: h2: another contiv run held the host's lock (/run/contiv.lock) for 2 s (${who}, pid ${held.pid}, since ${held.since}); nothing changed`);
      expect(apply.stdout).not.toContain('h2: rolled back');

      // So does another attach.
      const attach = contiv(attachArgs('hdb', ['--lock-timeout', '2']));
      expect(attach.status).toBe(1);
      expect(attach.stdout).toContain(`(${who}, pid ${held.pid}, since ${held.since}); nothing changed`);

      // force-unlock ends the attach's session on h2, and only that.
      const unlocked = contiv(['force-unlock', 'h2', dir, '--fabric', fabric]);
      expect(unlocked.stdout).toBe(`h2: ended the run that held the lock: ${who}, pid ${held.pid}, since ${held.since}\n`);
      expect(unlocked.status).toBe(0);
      expect((await execIn('h2', ['kill', '-0', held.pid])).code).not.toBe(0);
      expect(contiv(['force-unlock', 'h2', dir, '--fabric', fabric]).stdout).toBe('h2: the lock is free; nothing to end.\n');
    } finally {
      finish?.();
      await stuck;
      await transport.close();
    }

    // The lock free again: an attach and a detach go through, each recorded while it held the lock.
    const attached = ok(contiv(attachArgs('hdb')));
    expect(attached).toMatch(/^Attached hdb on h2 to default\/contiv-net \(group db-group\): /m);
    expect((await record())?.holder).toMatch(/^\S+@\S+ \(contiv attach hdb\)$/);
    ok(contiv(detachArgs('hdb')));
    expect((await record())?.holder).toMatch(/^\S+@\S+ \(contiv detach hdb\)$/);
    // And the apply the attach held up goes through now (then back).
    ok(contiv(['apply', changed, '--fabric', fabric, '--auto-approve']));
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(ok(contiv(['plan', dir, '--fabric', fabric]))).toContain('No changes. The hosts match the manifests.');
  }, 180_000);
});
