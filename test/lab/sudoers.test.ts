import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USER } from '../../src/lab/texts.js';
import { ctestFabric, removeContivBridges, removeEndpoints } from '../harness/contiv.js';
import { CTEST, ctestPlan, execIn, probe, ssh, startListener } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * The sudoers entry the README gives for contiv's login user, narrower than ALL: sudo runs one
 * command line for it, `sh -s` as root (what contiv sends every script to), and nothing else.
 * Every host gets it in its own mount namespace, over the lab's NOPASSWD: ALL, and contiv does its
 * whole job through it as the lab's non-root user.
 */
const SUDOERS_ENTRY = `${LAB_USER} ALL=(root) NOPASSWD: /bin/sh -s, /usr/bin/sh -s\n`;

const tmp = mkdtempSync(join(tmpdir(), 'contiv-sudoers-'));
const dir = join(tmp, 'quickstart');
cpSync('examples/quickstart', dir, { recursive: true });
const fabric = join(tmp, 'fabric.yaml');
writeFileSync(fabric, readFileSync(ctestFabric, 'utf8').replace(/\n {4}user: root\n/, `\n    user: ${LAB_USER}\n`));
const sudoers = join(tmp, 'sudoers');
writeFileSync(sudoers, SUDOERS_ENTRY, { mode: 0o440 });
chmodSync(tmp, 0o755);

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

beforeAll(async () => {
  for (const h of ctestPlan.hosts) expect((await execIn(h.name, ['mount', '--bind', sudoers, '/etc/sudoers.d/contiv-lab'])).code).toBe(0);
});

afterAll(async () => {
  for (const h of ctestPlan.hosts) await execIn(h.name, ['umount', '/etc/sudoers.d/contiv-lab']);
  await removeEndpoints(dir, [['h1', 'uweb'], ['h2', 'udb']]);
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('contiv as a non-root user whose sudo runs only `sh -s`', () => {
  it('the entry is narrower than ALL: any other command is refused', async () => {
    expect(readFileSync(fabric, 'utf8')).toContain(`user: ${LAB_USER}`);
    const h = ctestPlan.hosts[0]!;
    const other = await ssh(h.mgmtIp, 'sudo -n ovs-vsctl show', { user: LAB_USER });
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/not allowed|a password is required/);
    expect((await ssh(h.mgmtIp, "echo 'id -u' | sudo -n sh -s", { user: LAB_USER })).stdout.trim()).toBe('0');
  });

  it('is enough for plan, apply with its dead-man timer, attach, detach, force-unlock and verify-by-packets', async () => {
    expect(ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve'], { timeoutMs: 180_000 }))).toContain('Apply complete: 3 hosts changed.');
    ok(contiv(['lab', 'run', '--name', CTEST.name, 'h2', 'udb']));
    ok(contiv(['attach', dir, '--fabric', fabric, '--host', 'h2', '--netns', 'udb', '--network', 'contiv-net', '--group', 'db-group', '--ip', '10.1.2.70']));
    ok(contiv(['lab', 'run', '--name', CTEST.name, 'h1', 'uweb']));
    ok(contiv(['attach', dir, '--fabric', fabric, '--host', 'h1', '--netns', 'uweb', '--network', 'contiv-net', '--group', 'web-group', '--ip', '10.1.2.71']));
    const listener = await startListener('udb', 5432);
    try {
      expect((await probe('uweb', '10.1.2.70', 5432)).reply).toBe('udb');
    } finally {
      await listener.stop();
    }
    const changed = join(tmp, 'changed');
    cpSync(dir, changed, { recursive: true });
    writeFileSync(join(changed, 'policies.yaml'), readFileSync(join(changed, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));
    expect(ok(contiv(['apply', changed, '--fabric', fabric, '--auto-approve'], { timeoutMs: 180_000 }))).toContain('Apply complete: 3 hosts changed.');
    expect(ok(contiv(['plan', changed, '--fabric', fabric]))).toContain('No changes. The hosts match the manifests.');
    ok(contiv(['detach', changed, '--fabric', fabric, '--host', 'h1', '--netns', 'uweb']));
    expect(ok(contiv(['force-unlock', 'h3', changed, '--fabric', fabric]))).toBe('h3: the lock is free; nothing to end.\n');
    // Nothing of the timers is left: each was confirmed through the same entry.
    for (const h of ctestPlan.hosts) expect((await execIn(h.name, ['sh', '-c', 'ls /run/contiv/deadman 2>/dev/null | grep -v "[.]fired$" || true'])).stdout).toBe('');
  }, 240_000);
});
