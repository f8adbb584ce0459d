import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { readRecord } from '../../src/lab/record.js';
import { parsePlan } from '../../src/plan/plan-file.js';
import { recordedPidAlive, hostNetns } from '../../src/lab/health.js';
import { ctestFabric, removeContivBridges } from '../harness/contiv.js';
import { fingerprints, firedReports, killDaemon, leftBehind, restartDaemon, stopAfterChange } from '../harness/faults.js';
import { CTEST, ctestPlan, execIn } from '../harness/lab.js';
import { contiv, spawnContiv, type CliRun } from '../support/cli.js';

/*
 * The fault matrix: an apply of a rule change (flows on every host) broken at a known moment —
 * contiv stopped by CONTIV_FAILPOINT right after h2's change, before h2 is read back and
 * confirmed — by a fault of the host, of the path to it, or of contiv itself. Every host must
 * end exactly at its old or its new state (by fingerprint, as apply reads it), nothing of the
 * apply may be left behind (an armed timer, its files or process, a held lock), and the next
 * apply converges. A command failing mid-host is test/lab/rollback.test.ts.
 */
const tmp = mkdtempSync(join(tmpdir(), 'contiv-faults-'));
const OLD_DIR = join(tmp, 'old');
const NEW_DIR = join(tmp, 'new');
cpSync('examples/quickstart', OLD_DIR, { recursive: true });
cpSync('examples/quickstart', NEW_DIR, { recursive: true });
writeFileSync(join(NEW_DIR, 'policies.yaml'), readFileSync(join(NEW_DIR, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));

const HOSTS = ['h1', 'h2', 'h3'];
/** The faulty applies' --confirm-timeout: short, yet long enough for h1 and h3 to be confirmed on a busy machine. */
const TIMER = '10';
const NFT_TABLE = 'contiv_fault_test';
let OLD: Record<string, string> = {};
let NEW: Record<string, string> = {};

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const apply = (dir: string, extra: string[] = []): CliRun => contiv(['apply', dir, '--fabric', ctestFabric, '--auto-approve', ...extra], { timeoutMs: 180_000 });
/** The faulty apply: one host at a time (so only h2 is mid-way when contiv stops there). */
const faulty = (extra: string[]): string[] => ['apply', NEW_DIR, '--fabric', ctestFabric, '--auto-approve', '--parallelism', '1', ...extra];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function expectStates(want: Record<string, 'old' | 'new'>): Promise<void> {
  const now = await fingerprints(NEW_DIR);
  expect(Object.fromEntries(HOSTS.map((h) => [h, now[h] === OLD[h] ? 'old' : now[h] === NEW[h] ? 'new' : 'neither']))).toEqual(want);
}

async function expectNothingLeft(): Promise<void> {
  const left: string[] = [];
  for (const h of HOSTS) left.push(...(await leftBehind(h)).map((x) => `${h}: ${x}`));
  expect(left).toEqual([]);
}

/** The report of h2's timer once it fired (it was armed `seconds` before contiv stopped). */
async function firedOn(host: string): Promise<string> {
  // Up to its lock wait (60 s) plus a restore whose ovs-vsctl waits for a dead ovs-vswitchd (30 s).
  for (let i = 0; i < 1000; i++) {
    if ((await execIn(host, ['sh', '-c', 'ls /run/contiv/deadman/*.fired >/dev/null 2>&1 && ! ls /run/contiv/deadman/*.firing >/dev/null 2>&1'])).code === 0) {
      // Written whole when the restore ended (renamed from its log), the firing mark gone after it.
      return firedReports(host);
    }
    await sleep(100);
  }
  throw new Error(`no timer fired on ${host}`);
}

async function converges(): Promise<void> {
  ok(apply(NEW_DIR));
  expect(ok(contiv(['plan', NEW_DIR, '--fabric', ctestFabric]))).toContain('No changes. The hosts match the manifests.');
  await expectStates({ h1: 'new', h2: 'new', h3: 'new' });
}

/** h2 as the lab made it, whatever a failed test left: its daemons running, its path open, no reports. */
async function healH2(): Promise<void> {
  const rec = readRecord(CTEST.name)!;
  for (const role of ['sshd', 'ovs-vswitchd'] as const) {
    const obj = rec.objects.find((o) => o.kind === 'process' && o.host === 'h2' && o.role === role);
    if (obj?.kind === 'process' && !recordedPidAlive(obj.pid, hostNetns(rec, 'h2'))) await restartDaemon('h2', role);
  }
  await uncut('h2');
  for (const h of HOSTS) await firedReports(h);
}

async function cut(host: string, what: 'all' | 'new'): Promise<void> {
  // New connections by their first segment (SYN without ACK): conntrack would take the
  // established one, first seen after the rule, for a new one too.
  const rule = what === 'all' ? 'tcp dport 22 drop' : "tcp dport 22 'tcp flags & (syn | ack) == syn' drop";
  const r = await execIn(host, ['sh', '-c', `nft add table inet ${NFT_TABLE} && nft add chain inet ${NFT_TABLE} input '{ type filter hook input priority -10; }' && nft add rule inet ${NFT_TABLE} input ${rule}`]);
  expect(r.stderr).toBe('');
}

async function uncut(host: string): Promise<void> {
  await execIn(host, ['sh', '-c', `nft delete table inet ${NFT_TABLE} 2>/dev/null || true`]);
}

beforeAll(async () => {
  ok(apply(NEW_DIR));
  NEW = await fingerprints(NEW_DIR);
  ok(apply(OLD_DIR));
  OLD = await fingerprints(NEW_DIR);
  for (const h of HOSTS) expect([h, OLD[h] !== NEW[h]]).toEqual([h, true]);
}, 300_000);

// A test that failed half-way may have left h2 cut off or without a daemon: the next starts from the old state anyway.
beforeEach(async () => {
  await healH2();
  ok(apply(OLD_DIR));
}, 300_000);

afterAll(async () => {
  await healH2();
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

describe('faults mid-apply: every host ends at its old or its new state, nothing is left behind, the next apply converges', () => {
  it("h2's sshd dies: h2 is reported failed, and its timer restores it", async () => {
    const stopped = await stopAfterChange(faulty(['--confirm-timeout', TIMER]), 'h2');
    await killDaemon('h2', 'sshd');
    stopped.signal('SIGCONT');
    const run = await stopped.done;
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/h2: FAILED: h2: /);
    expect(run.stdout).toMatch(/h2: ROLLBACK INCOMPLETE: /);
    expect(run.stdout).toContain('Apply failed: 2 hosts changed, 1 failed (1 NOT fully rolled back).');
    await restartDaemon('h2', 'sshd');
    expect(await firedOn('h2')).toContain(`no confirmation within ${TIMER} s\nrestored the state before the apply\n`);
    await expectStates({ h1: 'new', h2: 'old', h3: 'new' });
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('h2\'s ovs-vswitchd dies: h2 is reported failed; once it runs again, plan shows the drift and apply repairs it', async () => {
    const stopped = await stopAfterChange(faulty(['--confirm-timeout', TIMER]), 'h2');
    await killDaemon('h2', 'ovs-vswitchd');
    stopped.signal('SIGCONT');
    const run = await stopped.done;
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/h2: FAILED: h2: /);
    expect(run.stdout).toContain('Apply failed: 2 hosts changed, 1 failed (1 NOT fully rolled back).');
    // Its timer fires too, and cannot restore flows without ovs-vswitchd: it says so.
    expect(await firedOn('h2')).toMatch(/RESTORE FAILED \(exit \d+\): run contiv plan and apply/);
    await restartDaemon('h2', 'ovs-vswitchd');
    // Restarted, it has its ports and no flows (LAB-NOTES): the plan puts them back, on h2 only.
    const saved = join(tmp, 'drift.plan');
    ok(contiv(['plan', NEW_DIR, '--fabric', ctestFabric, '--out', saved]));
    const drift = parsePlan(readFileSync(saved, 'utf8')).plan!;
    expect(drift.hosts.filter((h) => h.changes.length).map((h) => h.host)).toEqual(['h2']);
    expect(drift.hosts.find((h) => h.host === 'h2')!.changes.some((c) => c.type === 'flows' && c.add.length > 0)).toBe(true);
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('the path to h2 is cut with its timer armed: h2 restores itself, ending the apply session that held its lock', async () => {
    const stopped = await stopAfterChange(faulty(['--confirm-timeout', TIMER]), 'h2');
    await cut('h2', 'all');
    stopped.signal('SIGCONT');
    // contiv learns of the cut by its SSH keepalives (15 s, 3 missed), then tries to reconnect.
    const run = await stopped.done;
    await uncut('h2');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/h2: FAILED: h2: /);
    expect(run.stdout).toContain('Apply failed: 2 hosts changed, 1 failed (1 NOT fully rolled back).');
    expect(await firedOn('h2')).toMatch(/ended the apply session \d+ that still held \/run\/contiv\.lock\nrestored the state before the apply\n/);
    await expectStates({ h1: 'new', h2: 'old', h3: 'new' });
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('a change after which h2 takes no new connection is not confirmed: contiv rolls it back over the connection it still has', async () => {
    const stopped = await stopAfterChange(faulty([]), 'h2');
    await cut('h2', 'new');
    stopped.signal('SIGCONT');
    const run = await stopped.done;
    await uncut('h2');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/h2: FAILED: h2: applied and verified, but a new SSH connection to confirm it failed \(.*\); unless contiv rolls it back now, the host restores its state before the apply by itself within 120 s of the change/);
    expect(run.stdout).toContain('h2: rolled back to its state before the apply');
    await expectStates({ h1: 'new', h2: 'old', h3: 'new' });
    // Rolled back by contiv, so its timer was disarmed: no report, nothing left.
    expect(await firedReports('h2')).toBe('');
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('contiv is killed (SIGKILL) mid-apply: the lock comes free at once, and h2 restores itself', async () => {
    const stopped = await stopAfterChange(faulty(['--confirm-timeout', TIMER]), 'h2');
    stopped.signal('SIGKILL');
    await stopped.done;
    // The held lock session ends with its connection, well before the timer fires.
    let held = true;
    for (let i = 0; i < 30 && held; i++) {
      held = (await leftBehind('h2')).includes('the lock is held');
      if (held) await sleep(100);
    }
    expect(held).toBe(false);
    expect(await firedOn('h2')).toContain(`no confirmation within ${TIMER} s\nrestored the state before the apply\n`);
    await expectStates({ h1: 'new', h2: 'old', h3: 'old' });
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('Ctrl-C: the host in progress finishes and is confirmed, no other host is started', async () => {
    const stopped = await stopAfterChange(faulty([]), 'h2');
    // Delivered when it continues, while h2 is being read back.
    stopped.signal('SIGINT');
    stopped.signal('SIGCONT');
    const run = await stopped.done;
    expect(run.status).toBe(130);
    expect(run.stderr).toContain('Interrupted: the hosts in progress finish (verified, or rolled back); no other host is started.');
    expect(run.stdout).toContain('h2: done and verified');
    expect(run.stdout).not.toContain('h3: applying');
    expect(run.stdout).toContain('Apply interrupted: 2 hosts changed, 0 failed, 1 not started.');
    await expectStates({ h1: 'new', h2: 'new', h3: 'old' });
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('two applies at once: the hosts end at the new state, each changed once, nothing rolled back', async () => {
    const runs = await Promise.all([spawnContiv(faulty([]).slice(0, -2)), spawnContiv(faulty([]).slice(0, -2))]);
    for (const run of runs) {
      expect(run.stdout).not.toContain('rolled back');
      expect(run.stdout).not.toContain('ROLLBACK');
      // A host the other run changed first is refused, untouched, never applied twice.
      for (const line of run.stdout.split('\n').filter((l) => l.includes('FAILED'))) expect(line).toMatch(/changed since the plan was made; nothing applied/);
    }
    await expectStates({ h1: 'new', h2: 'new', h3: 'new' });
    await expectNothingLeft();
    await converges();
  }, 240_000);

  it('another key answers for h2 within the same run: a key accepted as new minutes ago is "changed", never accepted again', async () => {
    // A known_hosts without h2, so the run accepts h2's key as new (--accept-new-host-keys).
    const paths = labPaths(CTEST.name);
    const h2 = ctestPlan.hosts.find((h) => h.name === 'h2')!;
    const known = join(tmp, 'known_hosts');
    writeFileSync(known, readFileSync(paths.knownHosts, 'utf8').split('\n').filter((l) => !l.includes(h2.mgmtIp)).join('\n'));
    const fabric = join(tmp, 'impostor-fabric.yaml');
    writeFileSync(fabric, readFileSync(ctestFabric, 'utf8').replace(/knownHostsFile: .*/, `knownHostsFile: ${known}`));
    const stopped = await stopAfterChange(['apply', NEW_DIR, '--fabric', fabric, '--auto-approve', '--parallelism', '1', '--accept-new-host-keys'], 'h2');
    // The impostor: h2's listener swapped for one with another key (the sessions open stay).
    const hp = paths.host('h2');
    const key = join(tmp, 'impostor_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const config = join(tmp, 'impostor_sshd_config');
    writeFileSync(config, readFileSync(hp.sshdConfig, 'utf8').replace(/^HostKey .*$/m, `HostKey ${key}`).replace(/^PidFile .*$/m, `PidFile ${join(tmp, 'impostor.pid')}`));
    await killDaemon('h2', 'sshd', { sessions: false });
    const anchor = readRecord(CTEST.name)!.objects.find((o) => o.kind === 'process' && o.host === 'h2' && o.role === 'ovsdb-server');
    execFileSync('nsenter', ['--target', String(anchor?.kind === 'process' ? anchor.pid : 0), '--net', '--mount', '--uts', '--', '/usr/sbin/sshd', '-f', config, '-E', join(tmp, 'impostor.log')]);
    try {
      stopped.signal('SIGCONT');
      const run = await stopped.done;
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`h2: FAILED: h2: applied and verified, but a new SSH connection to confirm it failed \\(HOST KEY CHANGED for ${h2.mgmtIp.replace(/[.]/g, '[.]')}: it presented SHA256:`));
      expect(run.stdout).toContain('h2: rolled back to its state before the apply');
      // Recorded once, the first key: the impostor's is in no line.
      const impostor = readFileSync(`${key}.pub`, 'utf8').split(' ')[1]!;
      const lines = readFileSync(known, 'utf8').split('\n').filter((l) => l.includes(h2.mgmtIp));
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain(impostor);
      expect(lines[0]).toContain(readFileSync(hp.hostPubKey, 'utf8').split(' ')[1]!);
    } finally {
      execFileSync('sh', ['-c', `kill "$(cat ${join(tmp, 'impostor.pid')})"`]);
      await restartDaemon('h2', 'sshd');
    }
    await expectStates({ h1: 'new', h2: 'old', h3: 'new' });
    await expectNothingLeft();
    await converges();
  }, 240_000);
});
