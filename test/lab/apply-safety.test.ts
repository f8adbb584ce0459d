import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { removeContivBridges, removeEndpoints } from '../harness/contiv.js';
import { CTEST, execIn, probe, startListener } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * Apply never undoes what it did not do: a host whose lock another contiv holds is left
 * untouched (no rollback of someone else's work), and an endpoint attached between plan and
 * apply survives the apply of a saved plan.
 */
const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-safety-'));
const dir = join(tmp, 'quickstart');
cpSync('examples/quickstart', dir, { recursive: true });

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

afterAll(async () => {
  await removeEndpoints(dir, [['h1', 'sweb'], ['h2', 'sdb']]);
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('apply changes only what it planned', () => {
  it('leaves a host whose lock is held untouched, and applies the others', async () => {
    // Another run holds h2's lock for longer than the plan's read (10 s) and apply (30 s) wait for it.
    const holder = execIn('h2', ['sh', '-c', 'echo $$ > /run/contiv-test-holder.pid; exec 9>/run/contiv.lock; flock 9; exec sleep 70'], { timeoutMs: 90_000 });
    await new Promise((r) => setTimeout(r, 500));
    const run = contiv(['apply', dir, '--fabric', fabric, '--auto-approve'], { timeoutMs: 120_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("h2: FAILED: h2: another contiv run held the host's lock (/run/contiv.lock) for 30 s; nothing changed");
    expect(run.stdout).not.toContain('h2: rolled back');
    expect(run.stdout).toContain('Apply failed: 2 hosts changed, 1 failed (1 left untouched).');
    expect((await execIn('h2', ['ovs-vsctl', 'br-exists', 'contiv0'])).code).toBe(2);
    // Ended by the pid it recorded, never by a pattern (the lab's hosts share one process table).
    await execIn('h2', ['sh', '-c', 'kill "$(cat /run/contiv-test-holder.pid)"; rm -f /run/contiv-test-holder.pid']);
    await holder.catch(() => undefined);
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(ok(contiv(['plan', dir, '--fabric', fabric]))).toContain('No changes. The hosts match the manifests.');
  }, 180_000);

  it('a held lock says who holds it; force-unlock ends that run, and only a run contiv recorded', async () => {
    // A run whose session hangs on h2: the lock taken, its holder recorded as contiv records one.
    const holder = execIn('h2', ['sh', '-c', 'exec 9>/run/contiv.lock; flock 9; printf "%s, pid %s, since %s\\n" "bob@ci-7 (contiv apply, commit 0badc0de)" "$$" "2026-11-29T12:00:00Z" >/run/contiv.lock.holder; exec sleep 120'], { timeoutMs: 150_000 });
    await new Promise((r) => setTimeout(r, 500));
    const pid = /pid (\d+)/.exec((await execIn('h2', ['cat', '/run/contiv.lock.holder'])).stdout)![1]!;
    // A change for every host, so that the apply reaches h2.
    const changed = join(tmp, 'lock-changed');
    cpSync(dir, changed, { recursive: true });
    writeFileSync(join(changed, 'policies.yaml'), readFileSync(join(changed, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));
    const run = contiv(['apply', changed, '--fabric', fabric, '--auto-approve', '--lock-timeout', '2']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`h2: FAILED: h2: another contiv run held the host's lock (/run/contiv.lock) for 2 s (bob@ci-7 (contiv apply, commit 0badc0de), pid ${pid}, since 2026-11-29T12:00:00Z); nothing changed`);
    const unlocked = contiv(['force-unlock', 'h2', dir, '--fabric', fabric]);
    expect(unlocked.stdout).toBe(`h2: ended the run that held the lock: bob@ci-7 (contiv apply, commit 0badc0de), pid ${pid}, since 2026-11-29T12:00:00Z\n`);
    expect(unlocked.status).toBe(0);
    await holder.catch(() => undefined);
    expect((await execIn('h2', ['kill', '-0', pid])).code).not.toBe(0);
    expect(contiv(['force-unlock', 'h2', dir, '--fabric', fabric]).stdout).toBe('h2: the lock is free; nothing to end.\n');

    // A holder contiv did not record (its record names another pid): nothing is ended.
    const stranger = execIn('h3', ['sh', '-c', 'echo $$ >/run/contiv-test-stranger.pid; exec 9>/run/contiv.lock; flock 9; exec sleep 120'], { timeoutMs: 150_000 });
    await new Promise((r) => setTimeout(r, 500));
    await execIn('h3', ['sh', '-c', 'echo "x@y (contiv apply), pid 1, since 2026-01-01T00:00:00Z" >/run/contiv.lock.holder']);
    const refused = contiv(['force-unlock', 'h3', dir, '--fabric', fabric]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('h3: not unlocked: the lock is held by a process contiv did not record (the record says: x@y (contiv apply), pid 1, since 2026-01-01T00:00:00Z)');
    const strangerPid = (await execIn('h3', ['cat', '/run/contiv-test-stranger.pid'])).stdout.trim();
    expect((await execIn('h3', ['kill', '-0', strangerPid])).code).toBe(0);
    await execIn('h3', ['sh', '-c', `kill ${strangerPid}; rm -f /run/contiv-test-stranger.pid`]);
    await stranger.catch(() => undefined);

    // An apply records itself as the holder while it holds the lock (h2 still has the change to make, then back).
    ok(contiv(['apply', changed, '--fabric', fabric, '--auto-approve']));
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect((await execIn('h2', ['cat', '/run/contiv.lock.holder'])).stdout).toMatch(/^\S+@\S+ \(contiv apply\), pid \d+, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
  }, 120_000);

  it('a plan waits for a change in progress on a host to end, so it never reads half of one', async () => {
    // What attach does, stretched: the host's lock held exclusively while it writes, 3 s.
    const holder = execIn('h3', ['sh', '-c', 'exec 9>/run/contiv.lock; flock 9; sleep 3; date +%s%N >/run/contiv-test-released'], { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
    const planned = contiv(['plan', dir, '--fabric', fabric]);
    const planEnded = Date.now();
    expect((await holder).code).toBe(0);
    const released = await execIn('h3', ['sh', '-c', 'cat /run/contiv-test-released; rm -f /run/contiv-test-released']);
    expect(planned.stdout).toContain('No changes. The hosts match the manifests.');
    expect(planEnded).toBeGreaterThan(Number(released.stdout.trim()) / 1e6);
  }, 60_000);

  it('an endpoint attached after the plan was saved survives its apply and keeps working', async () => {
    ok(contiv(['lab', 'run', '--name', CTEST.name, 'h2', 'sdb']));
    ok(contiv(['attach', dir, '--fabric', fabric, '--host', 'h2', '--netns', 'sdb', '--network', 'contiv-net', '--group', 'db-group', '--ip', '10.1.2.60']));
    // The plan (a pull request): open db-group to web-group on 6432 too.
    const edited = join(tmp, 'edited');
    cpSync(dir, edited, { recursive: true });
    writeFileSync(join(edited, 'policies.yaml'), readFileSync(join(edited, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5432-6432'));
    const saved = join(tmp, 'plan.json');
    ok(contiv(['plan', edited, '--fabric', fabric, '--out', saved]));
    // Meanwhile a web container arrives on h1.
    ok(contiv(['lab', 'run', '--name', CTEST.name, 'h1', 'sweb']));
    ok(contiv(['attach', dir, '--fabric', fabric, '--host', 'h1', '--netns', 'sweb', '--network', 'contiv-net', '--group', 'web-group', '--ip', '10.1.2.61']));
    const applied = ok(contiv(['apply', saved]));
    expect(applied).toContain('Apply complete: 3 hosts changed.');
    const listener = await startListener('sdb', 6000);
    try {
      expect((await probe('sweb', '10.1.2.60', 6000)).reply).toBe('sdb');
    } finally {
      await listener.stop();
    }
    expect(ok(contiv(['plan', edited, '--fabric', fabric]))).toContain('No changes. The hosts match the manifests.');
  }, 180_000);
});
