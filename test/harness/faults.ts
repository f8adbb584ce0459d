/**
 * Faults for the lab's fault tests: a contiv stopped at a known point of its apply
 * (CONTIV_FAILPOINT), a host's daemon killed and started again (by the pid the lab recorded,
 * and recorded again once it runs), and the state of every host read as apply reads it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { gatherHost } from '../../src/host/gather.js';
import { SshTransport } from '../../src/host/ssh-transport.js';
import { labPaths } from '../../src/lab/paths.js';
import { readPidFile, run, waitForPidFile, waitForSsh } from '../../src/lab/proc.js';
import { readRecord, updateObject, type ProcessRole } from '../../src/lab/record.js';
import { loadManifests } from '../../src/manifest/load.js';
import { readManifestDir, readSourceFile } from '../../src/manifest/read-sources.js';
import { fingerprintHost } from '../../src/state/fingerprint.js';
import { withAllowDirty, type CliRun } from '../support/cli.js';
import { CTEST, ctestPlan, execIn } from './lab.js';

/** A contiv apply that stopped itself (SIGSTOP) at `after-change` of one host. */
export interface Stopped {
  pid: number;
  /** Resolves when the process ends, with what it printed. */
  done: Promise<CliRun>;
  signal(signal: NodeJS.Signals): void;
}

/** Runs `contiv ARGS` with CONTIV_FAILPOINT=after-change:HOST:stop; resolves once it stopped there. */
export async function stopAfterChange(args: string[], host: string): Promise<Stopped> {
  const child = spawn('node', ['bin/contiv.js', ...withAllowDirty(args)], { env: { ...process.env, NO_COLOR: '1', CONTIV_FAILPOINT: `after-change:${host}:stop` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const done = new Promise<CliRun>((resolve) => child.on('close', (status, signal) => resolve({ status: status ?? (signal ? -1 : null), stdout, stderr })));
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes(`failpoint after-change ${host}: stopped`)) resolve();
    });
    void done.then((r) => reject(new Error(`contiv ended before the failpoint (${r.status}):\n${r.stdout}\n${r.stderr}`)));
  });
  const pid = child.pid!;
  // Stopped for real (state T), not only about to be.
  for (let i = 0; i < 100 && !/^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
  return { pid, done, signal: (s) => process.kill(pid, s) };
}

function processObject(host: string, role: ProcessRole) {
  const rec = readRecord(CTEST.name)!;
  const obj = rec.objects.find((o) => o.kind === 'process' && o.host === host && o.role === role);
  if (!obj || obj.kind !== 'process' || obj.pid === undefined) throw new Error(`the lab recorded no ${role} on ${host}`);
  return { rec, obj };
}

/**
 * Kills a host's daemon by the pid the lab recorded; sshd with its sessions (its children), as
 * when it dies, unless `sessions: false` (only the listener goes; the connections made stay).
 */
export async function killDaemon(host: string, role: 'sshd' | 'ovs-vswitchd', options: { sessions?: boolean } = {}): Promise<void> {
  const { obj } = processObject(host, role);
  if (role === 'sshd' && options.sessions !== false) await run(['pkill', '-KILL', '-P', String(obj.pid)]);
  process.kill(obj.pid!, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    const stat = (() => {
      try {
        return readFileSync(`/proc/${obj.pid}/stat`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (!stat || /^\d+ \(.*\) Z/.test(stat)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${role} of ${host} did not die`);
}

/** Starts a host's daemon again in the host's namespaces (entered through another of its daemons), and records its pid. */
export async function restartDaemon(host: string, role: 'sshd' | 'ovs-vswitchd'): Promise<void> {
  const { rec, obj } = processObject(host, role);
  const anchor = processObject(host, 'ovsdb-server').obj.pid!;
  const hp = labPaths(CTEST.name).host(host);
  const argv =
    role === 'sshd'
      ? ['/usr/sbin/sshd', '-f', hp.sshdConfig, '-E', hp.sshdLog]
      : ['ovs-vswitchd', 'unix:/run/openvswitch/db.sock', '--pidfile', '--detach', '--no-chdir', '--log-file'];
  const old = obj.pid;
  const result = await run(['nsenter', '--target', String(anchor), '--net', '--mount', '--uts', '--wd=/', '--', ...argv], { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`${role} of ${host} did not start: ${result.stderr}`);
  let pid = await waitForPidFile(obj.pidFile, 10_000);
  for (let i = 0; i < 100 && (pid === undefined || pid === old); i++) {
    await new Promise((r) => setTimeout(r, 50));
    pid = readPidFile(obj.pidFile);
  }
  if (pid === undefined || pid === old) throw new Error(`${role} of ${host} wrote no new pid to ${obj.pidFile}`);
  updateObject(rec, obj, { pid });
  if (role === 'sshd') {
    const ip = ctestPlan.hosts.find((h) => h.name === host)!.mgmtIp;
    if (!(await waitForSsh(ip, 22, 20_000))) throw new Error(`sshd of ${host} does not answer again`);
  }
}

/** Every host's fingerprint, read as apply reads it. */
export async function fingerprints(dir: string): Promise<Record<string, string>> {
  const model = loadManifests({ files: await readManifestDir(dir), fabricFile: await readSourceFile(labPaths(CTEST.name).fabric), home: homedir() }).model!;
  const transport = new SshTransport();
  try {
    const out: Record<string, string> = {};
    for (const h of model.fabric.hosts) out[h.name] = fingerprintHost((await gatherHost(transport, h)).state);
    return out;
  } finally {
    await transport.close();
  }
}

/**
 * What an apply may leave on a host besides its change: nothing but the report of a timer that
 * fired. Lists the rest: an armed timer, its files, its process, a held lock.
 */
export async function leftBehind(host: string): Promise<string[]> {
  const found: string[] = [];
  const files = (await execIn(host, ['sh', '-c', 'ls /run/contiv/deadman 2>/dev/null || true'])).stdout.split('\n').filter(Boolean);
  found.push(...files.filter((f) => !f.endsWith('.fired')).map((f) => `file /run/contiv/deadman/${f}`));
  if ((await execIn(host, ['sh', '-c', 'exec 9>>/run/contiv.lock; flock -n 9'])).code !== 0) found.push('the lock is held');
  // The pattern does not match its own text, so the grep and its shell are never counted; only
  // the hosts' timers (in /run/contiv/deadman), not those of unit tests running meanwhile.
  const timers = (await execIn(host, ['sh', '-c', 'for p in /proc/[0-9]*; do if grep -qs "/run/contiv/deadman/[0-9a-f]*[.]fire" "$p/cmdline" && ! grep -qs "^[0-9]* (.*) Z" "$p/stat"; then echo "${p#/proc/} $(tr "\\000" " " < "$p/cmdline")"; fi; done'])).stdout.split('\n').filter(Boolean);
  found.push(...timers.map((p) => `timer process ${p}`));
  return found;
}

/** The reports of timers that fired on a host (and removes them, so the next test starts clean). */
export async function firedReports(host: string): Promise<string> {
  return (await execIn(host, ['sh', '-c', 'cat /run/contiv/deadman/*.fired 2>/dev/null; rm -f /run/contiv/deadman/*.fired'])).stdout;
}
