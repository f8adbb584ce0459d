/**
 * Helpers for integration tests on a real lab (see global-setup.ts, which brings the `ctest` lab
 * up once per run). Everything here sends packets only inside the lab's own namespaces.
 */
// @ts-nocheck

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { execArgv } from '../../src/lab/exec.js';
import { labPaths } from '../../src/lab/paths.js';
import { type LabOptions, planLab } from '../../src/lab/plan.js';
import { labEnv, pidAlive, run, type RunResult } from '../../src/lab/proc.js';
import type { LabRecord } from '../../src/lab/record.js';

/** The test suite's lab: its own name and subnets, so it never meets a developer's demo lab. */
export const CTEST: LabOptions = {
  name: 'ctest',
  hosts: 3,
  mgmtSubnet: '198.18.100.0/24',
  underlaySubnet: '198.19.100.0/24',
};

export const ctestPlan = planLab(CTEST);

/** Runs argv in a host (h1…) or container of a lab and captures its output. */
export function execIn(target: string, argv: string[], opts: { lab?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(execArgv(opts.lab ?? CTEST.name, target, argv), { timeoutMs: opts.timeoutMs ?? 30_000 });
}

/** The OpenSSH client with the lab's key and known_hosts, strict host-key checking. */
export function sshArgv(lab: string, user: string, address: string, command: string): string[] {
  const p = labPaths(lab);
  return [
    'ssh', '-F', '/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${p.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'ConnectTimeout=5',
    '-i', p.key,
    `${user}@${address}`,
    command,
  ];
}

export function ssh(address: string, command: string, opts: { lab?: string; user?: string } = {}): Promise<RunResult> {
  return run(sshArgv(opts.lab ?? CTEST.name, opts.user ?? 'root', address, command), { timeoutMs: 30_000 });
}

/** A TCP server that answers every connection with `<answer>\n` and closes; exits by itself after `lifeMs`. */
const LISTENER = String.raw`
const net = require('node:net');
const [answer, host, port, lifeMs] = process.argv.slice(1);
const server = net.createServer((s) => { s.on('error', () => {}); s.end(answer + '\n'); });
server.listen(Number(port), host, () => process.stdout.write('listening\n'));
server.on('error', (e) => { process.stderr.write(String(e) + '\n'); process.exit(2); });
setTimeout(() => process.exit(0), Number(lifeMs)).unref();
`;

export interface Listener {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a listener in a container (or host) of the lab, answering with the container's name
 * (or `answer`); resolves once it listens.
 */
export async function startListener(
  target: string,
  port: number,
  opts: { lab?: string; bind?: string; answer?: string; lifeMs?: number } = {},
): Promise<Listener> {
  const argv = execArgv(opts.lab ?? CTEST.name, target, [
    'node', '-e', LISTENER, opts.answer ?? target, opts.bind ?? '0.0.0.0', String(port), String(opts.lifeMs ?? 300_000),
  ]);
  const child = spawn(argv[0]!, argv.slice(1), { env: labEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listener in ${target} did not start within 10 s: ${err}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`listener in ${target} exited with ${code}: ${err}`));
    });
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // nsenter passes the signal on to the node process it became (it execs, no fork).
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      }
    },
  };
}

/** connect(ip, port), read the answer; prints it and exits 0, or prints why and exits 1. */
const PROBE = String.raw`
const net = require('node:net');
const [ip, port, timeoutMs] = process.argv.slice(1);
let data = '';
const s = net.connect({ host: ip, port: Number(port) });
const t = setTimeout(() => { process.stdout.write('timeout\n'); process.exit(1); }, Number(timeoutMs));
s.setEncoding('utf8');
s.on('data', (d) => { data += d; });
s.on('end', () => { clearTimeout(t); process.stdout.write('ok ' + data.trim() + '\n'); process.exit(0); });
s.on('error', (e) => { clearTimeout(t); process.stdout.write('error ' + (e.code || e.message) + '\n'); process.exit(1); });
`;

/**
 * What became of a probe. Only `timeout` and `unreachable` (no ARP answer) mean the network
 * dropped it; `refused` is an answer (a RST: reachable, nobody listening), and `no-route` means
 * it never left the container. A probe that could not run at all throws.
 */
export type ProbeOutcome = 'answered' | 'timeout' | 'unreachable' | 'refused' | 'no-route' | 'error';

export interface ProbeResult {
  ok: boolean;
  /** The listener's answer when ok, else 'timeout' or 'error ECONNREFUSED' etc. */
  reply: string;
  attempts: number;
  outcome: ProbeOutcome;
}

function outcomeOf(line: string): ProbeOutcome {
  if (line.startsWith('ok ')) return 'answered';
  if (line === 'timeout') return 'timeout';
  if (line === 'error EHOSTUNREACH') return 'unreachable';
  if (line === 'error ECONNREFUSED') return 'refused';
  if (line === 'error ENETUNREACH') return 'no-route';
  return 'error';
}

/** Whether the network dropped what the probe sent (as opposed to answering it, or never sending). */
export function wasBlocked(r: ProbeResult): boolean {
  return r.outcome === 'timeout' || r.outcome === 'unreachable';
}

/** A probe that must be blocked: dropped by the network, not refused, not unsent, not failed to run. */
export async function expectBlocked(from: string, ip: string, port: number, opts: { lab?: string; timeoutMs?: number } = {}): Promise<void> {
  const r = await probe(from, ip, port, { timeoutMs: 1000, ...opts });
  if (!wasBlocked(r)) throw new Error(`${from} → ${ip}:${port} should be blocked, but the probe ended with ${r.outcome} (${r.reply})`);
}

/** Pings: 'replied', 'no reply' (dropped), or a throw when ping could not send (no route, no such namespace). */
export async function pings(from: string, ip: string, opts: { lab?: string } = {}): Promise<'replied' | 'no reply'> {
  const r = await execIn(from, ['ping', '-n', '-c', '3', '-i', '0.3', '-W', '1', ip], opts);
  if (r.code === 0) return 'replied';
  if (r.code === 1) return 'no reply';
  throw new Error(`ping from ${from} to ${ip} could not run (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
}

/**
 * Probes connect(ip, port) from a container (or host). Userspace VXLAN drops the first packets
 * to a peer while it resolves it (LAB-NOTES), so a failed first attempt is retried once before
 * the pair counts as blocked. Bounded: at most 2 × timeoutMs (+ process start).
 */
export async function probe(from: string, ip: string, port: number, opts: { lab?: string; timeoutMs?: number; retries?: number } = {}): Promise<ProbeResult> {
  const retries = opts.retries ?? 1;
  let last = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const res = await execIn(from, ['node', '-e', PROBE, ip, String(port), String(opts.timeoutMs ?? 2000)], {
      ...(opts.lab ? { lab: opts.lab } : {}),
      timeoutMs: (opts.timeoutMs ?? 2000) + 10_000,
    });
    last = res.stdout.trim();
    // The probe script exits 0 (answered) or 1 (printed why): anything else is a probe that did not run.
    if ((res.code !== 0 && res.code !== 1) || last === '') throw new Error(`probe from ${from} could not run (exit ${res.code}): ${res.stderr.trim()}`);
    if (res.code === 0 && last.startsWith('ok ')) return { ok: true, reply: last.slice(3), attempts: attempt, outcome: 'answered' };
  }
  return { ok: false, reply: last, attempts: retries + 1, outcome: outcomeOf(last) };
}

/** Names of the network namespaces in the machine's /run/netns. */
export async function netnsNames(): Promise<string[]> {
  const out = (await run(['ip', 'netns', 'list'])).stdout;
  return out.split('\n').filter(Boolean).map((l) => l.split(' ')[0]!);
}

export async function rootLinkNames(): Promise<string[]> {
  const links = JSON.parse((await run(['ip', '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
  return links.map((l) => l.ifname);
}

export function readRecordFile(lab: string): LabRecord | undefined {
  const p = labPaths(lab).record;
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as LabRecord) : undefined;
}

/**
 * What is left of a lab after `down`, checked against its plan, a copy of its record and the
 * processes it had (findLabProcesses, taken before down): namespaces, root links, processes,
 * files. Empty when nothing is left.
 */
export async function leftovers(opts: LabOptions, rec: LabRecord | undefined, processesBefore: number[] = []): Promise<string[]> {
  const plan = planLab(opts);
  const left: string[] = [];
  const ns = await netnsNames();
  const names = new Set([plan.fabricNs, ...plan.hosts.map((h) => h.netns)]);
  for (const o of rec?.objects ?? []) if (o.kind === 'netns') names.add(o.name);
  for (const n of names) if (ns.includes(n)) left.push(`netns ${n}`);
  const links = await rootLinkNames();
  const linkNames = new Set([plan.rootIf]);
  for (const o of rec?.objects ?? []) if (o.kind === 'link') linkNames.add(o.name);
  for (const l of linkNames) if (links.includes(l)) left.push(`link ${l}`);
  const pids = new Set(processesBefore);
  for (const o of rec?.objects ?? []) if (o.kind === 'process' && o.pid !== undefined) pids.add(o.pid);
  for (const pid of pids) if (pidAlive(pid)) left.push(`process ${pid} (${cmdline(pid)})`);
  if (existsSync(labPaths(opts.name).dir)) left.push(`dir ${labPaths(opts.name).dir}`);
  return left;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '?';
  }
}
