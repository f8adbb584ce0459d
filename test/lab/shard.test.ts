/**
 * Sharding a fleet (issue 14) on a lab of its own (`cshard`, 4 hosts labelled rack=a: h1 h2 and
 * rack=b: h3 h4): shard A (--target rack=a) planned, saved and applied from the file while
 * h3 and h4 are locked by someone else (apply neither waits for nor touches them); shard B
 * (--exclude rack=a) applied from the directory; a full plan then says No changes. Two shards
 * planned before either applies (a CI matrix) apply in the other order and converge. A shard's
 * reads, counted through the real SSH transport: its hosts gathered, the others' records only
 * (sizes and times logged). tenant:blue selects the host of blue's endpoint; selectors that
 * select nothing are errors naming them (exit 1).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_READY, LOCK_SCRIPT } from '../../src/apply/script.js';
import { planFleet } from '../../src/cli/fleet-plan.js';
import { GATHER_SCRIPT, RECORDS_SCRIPT } from '../../src/host/gather-script.js';
import { SshTransport } from '../../src/host/ssh-transport.js';
import type { ExecOptions, ExecResult, Held, HostTarget, Transport } from '../../src/host/transport.js';
import { labRemoveContainer, labRun } from '../../src/lab/container.js';
import { labDown } from '../../src/lab/down.js';
import { labPaths } from '../../src/lab/paths.js';
import type { LabOptions } from '../../src/lab/plan.js';
import { labUp } from '../../src/lab/up.js';
import { loadFromCli } from '../../src/cli/load-model.js';
import type { Model } from '../../src/model/types.js';
import { execIn } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

const CSHARD: LabOptions = { name: 'cshard', hosts: 4, mgmtSubnet: '198.18.106.0/24', underlaySubnet: '198.19.106.0/24' };
const lab = { lab: CSHARD.name, timeoutMs: 60_000 };
const tmp = mkdtempSync(join(tmpdir(), 'contiv-shard-'));
const dir = join(tmp, 'quickstart');
const fabric = join(tmp, 'fabric.yaml');
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const HOSTS = ['h1', 'h2', 'h3', 'h4'];
const RACK: Record<string, string> = { h1: 'a', h2: 'a', h3: 'b', h4: 'b' };
const log = (line: string): void => {
  process.stderr.write(`[lab ${CSHARD.name}] ${line}\n`);
};

function ok(run: CliRun): CliRun {
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const cli = (...args: string[]): CliRun => contiv([...args, '--fabric', fabric], { timeoutMs: 120_000 });

async function hasBridge(host: string): Promise<boolean> {
  return (await execIn(host, ['ovs-vsctl', 'list-br'], lab)).stdout.split('\n').includes('contiv0');
}

async function model(): Promise<Model> {
  const loaded = await loadFromCli(dir, { fabric });
  if (!loaded.model) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.model;
}

/** The built plugins' hashes (what the CLI installs), as planFleet reads them from dist/. */
const sha = (name: string): string => createHash('sha256').update(readFileSync(`dist/${name}.cjs`, 'utf8')).digest('hex');
const BUNDLES = { cni: sha('contiv-cni'), docker: sha('contiv-docker') };

/** The real SSH transport, counting which read each host got, with its size and time. */
class Counting implements Transport {
  readonly reads: Array<{ host: string; kind: string; bytes: number; ms: number }> = [];
  constructor(private readonly inner: Transport) {}
  async exec(host: HostTarget, script: string, options?: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const r = await this.inner.exec(host, script, options);
    this.reads.push({ host: host.name, kind: script === GATHER_SCRIPT ? 'gather' : script === RECORDS_SCRIPT ? 'records' : 'other', bytes: r.stdout.length, ms: performance.now() - started });
    return r;
  }
  hold(host: HostTarget, script: string, ready: string, options?: ExecOptions): Promise<Held> {
    return this.inner.hold(host, script, ready, options);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

beforeAll(async () => {
  await labDown(CSHARD.name, log);
  await labUp(CSHARD, log);
  cpSync('examples/quickstart', dir, { recursive: true });
  rmSync(join(dir, 'fabric.yaml'));
  // The lab's Fabric with a rack label on every host.
  const text = readFileSync(labPaths(CSHARD.name).fabric, 'utf8').replace(/( {4}- name: (h\d)\n(?: {6}.*\n)*)/g, (block: string, _all: string, h: string) => `${block}      labels: { rack: ${RACK[h]} }\n`);
  for (const h of HOSTS) expect(text).toContain(`labels: { rack: ${RACK[h]} }`);
  writeFileSync(fabric, text);
}, 300_000);

afterAll(async () => {
  try {
    await labDown(CSHARD.name, log);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 300_000);

describe('sharding a fleet with --target and --exclude', () => {
  it('shard A, planned and saved, applies from the file to its hosts only, without waiting for the others\' locks', async () => {
    const planFile = join(tmp, 'a.json');
    const run = ok(cli('plan', dir, '--target', 'rack=a', '--out', planFile));
    expect(run.stdout).toContain('Shard (--target rack=a): h1, h2 — 2 of 4 hosts; the other 2 are neither planned nor changed.');
    expect(run.stdout).toMatch(/h1/);
    expect(run.stdout).not.toMatch(/^\s*[+~-].*h[34]\//m);
    const saved = JSON.parse(readFileSync(planFile, 'utf8')) as { shard: unknown; hosts: Array<{ host: string }>; connections: Array<{ name: string }> };
    expect(saved.shard).toEqual({ target: ['rack=a'], exclude: [], hosts: ['h1', 'h2'] });
    expect(saved.hosts.map((h) => h.host)).toEqual(['h1', 'h2']);
    expect(saved.connections.map((c) => c.name)).toEqual(HOSTS);

    // Someone else holds h3's and h4's locks for the whole apply: a shard of h1, h2 never asks for them.
    const transport = new SshTransport({});
    const m = await model();
    const held: Held[] = [];
    try {
      for (const h of ['h3', 'h4']) held.push(await transport.hold(m.fabric.hosts.find((x) => x.name === h)!, LOCK_SCRIPT, LOCK_READY));
      const started = Date.now();
      const applied = ok(cli('apply', planFile));
      expect(applied.stdout).toContain('Apply complete: 2 hosts changed.');
      expect(Date.now() - started).toBeLessThan(25_000);
    } finally {
      for (const h of held) await h.release();
      await transport.close();
    }
    expect(await Promise.all(HOSTS.map(hasBridge))).toEqual([true, true, false, false]);
  }, 180_000);

  it('shard B (--exclude rack=a) applies from the directory; then a full plan says No changes', async () => {
    const run = ok(cli('apply', dir, '--exclude', 'rack=a', '--auto-approve'));
    expect(run.stdout).toContain('Shard (--exclude rack=a): h3, h4');
    expect(run.stdout).toContain('Apply complete: 2 hosts changed.');
    const full = cli('plan', dir, '--detailed-exitcode');
    expect(full.status, full.stdout).toBe(0);
    expect(full.stdout).toContain(NO_CHANGES);
    expect(full.stdout).not.toContain('Shard');
  }, 180_000);

  it('a CI matrix: both shards planned before either applies, applied in the other order, converge', async () => {
    writeFileSync(join(dir, 'matrix-net.yaml'), ['apiVersion: contiv.io/v1', 'kind: Network', 'metadata: { name: matrix-net }', 'spec: { subnet: 10.8.0.0/24 }', ''].join('\n'));
    const a = join(tmp, 'matrix-a.json');
    const b = join(tmp, 'matrix-b.json');
    expect(cli('plan', dir, '--target', 'rack=a', '--out', a, '--detailed-exitcode').status).toBe(2);
    expect(cli('plan', dir, '--target', 'rack=b', '--out', b, '--detailed-exitcode').status).toBe(2);
    // Each plan fingerprints its own hosts only: the other shard's apply does not make it stale.
    expect(ok(cli('apply', b)).stdout).toContain('Apply complete: 2 hosts changed.');
    expect(ok(cli('apply', a)).stdout).toContain('Apply complete: 2 hosts changed.');
    const full = cli('plan', dir, '--detailed-exitcode');
    expect(full.status, full.stdout).toBe(0);
    expect(full.stdout).toContain(NO_CHANGES);
  }, 180_000);

  it('a shard plan gathers its hosts and reads only the records of the others, one exec each', async () => {
    const m = await model();
    const measure = async (target: string[]) => {
      const counting = new Counting(new SshTransport({}));
      try {
        const result = await planFleet(m, counting, { parallelism: 32, target, source: { dir }, bundles: BUNDLES });
        expect(result.ok, JSON.stringify(result.ok ? '' : result.diagnostics)).toBe(true);
        return counting.reads;
      } finally {
        await counting.close();
      }
    };
    const shard = await measure(['h1']);
    expect(shard.map((r) => `${r.host} ${r.kind}`).sort()).toEqual(['h1 gather', 'h2 records', 'h3 records', 'h4 records']);
    const full = await measure([]);
    expect(full.map((r) => `${r.host} ${r.kind}`).sort()).toEqual(['h1 gather', 'h2 gather', 'h3 gather', 'h4 gather']);
    const avg = (rs: typeof full, kind: string, f: 'bytes' | 'ms') => Math.round(rs.filter((r) => r.kind === kind).reduce((n, r) => n + r[f], 0) / rs.filter((r) => r.kind === kind).length);
    log(`full gather: ${avg(full, 'gather', 'bytes')} bytes, ${avg(full, 'gather', 'ms')} ms per host; small read: ${avg(shard, 'records', 'bytes')} bytes, ${avg(shard, 'records', 'ms')} ms per host (first exec on a fresh connection, the quickstart converged)`);
    expect(avg(shard, 'records', 'bytes')).toBeLessThan(avg(full, 'gather', 'bytes'));
    // On a warm connection (the handshake apart): the median of 5 of each read of h2.
    const warm = new Counting(new SshTransport({}));
    try {
      const h2 = m.fabric.hosts.find((h) => h.name === 'h2')!;
      await warm.exec(h2, 'true\n');
      for (let i = 0; i < 5; i++) for (const script of [GATHER_SCRIPT, RECORDS_SCRIPT]) await warm.exec(h2, script);
    } finally {
      await warm.close();
    }
    const median = (kind: string) => [...warm.reads.filter((r) => r.kind === kind).map((r) => r.ms)].sort((a, b) => a - b)[2]!.toFixed(0);
    log(`warm connection, h2: full gather ${median('gather')} ms, small read ${median('records')} ms (median of 5)`);
  }, 120_000);

  it('tenant:blue selects the host of blue\'s endpoint; the others catch up with their own shard', async () => {
    await labRun(CSHARD.name, 'h3', 'b1');
    try {
      ok(cli('attach', dir, '--host', 'h3', '--netns', 'b1', '--tenant', 'blue', '--network', 'contiv-net'));
      writeFileSync(join(dir, 'blue-two.yaml'), ['apiVersion: contiv.io/v1', 'kind: Network', 'metadata: { name: blue-two, tenant: blue }', 'spec: { subnet: 10.7.0.0/24 }', ''].join('\n'));
      const planned = cli('plan', dir, '--target', 'tenant:blue', '--detailed-exitcode');
      expect(planned.status, planned.stdout).toBe(2);
      expect(planned.stdout).toContain('blue-two');
      const applied = ok(cli('apply', dir, '--target', 'tenant:blue', '--auto-approve'));
      expect(applied.stdout).toContain('Shard (--target tenant:blue): h3 — 1 of 4 hosts;');
      expect(applied.stdout).toContain('Apply complete: 1 host changed.');
      // Blue's new network reached h3; the other hosts get it with the rest of the fleet.
      const rest = cli('plan', dir, '--exclude', 'tenant:blue', '--detailed-exitcode');
      expect(rest.status, rest.stdout).toBe(2);
      expect(rest.stdout).toContain('Shard (--exclude tenant:blue): h1, h2, h4');
      ok(cli('apply', dir, '--exclude', 'tenant:blue', '--auto-approve'));
      expect(cli('plan', dir, '--detailed-exitcode').status).toBe(0);
      ok(cli('detach', dir, '--host', 'h3', '--netns', 'b1'));
    } finally {
      await labRemoveContainer(CSHARD.name, 'b1');
    }
  }, 300_000);

  it('a selector that selects nothing is an error naming it (exit 1), never an internal error', () => {
    for (const args of [['--target', 'rack=c'], ['--exclude', 'h9'], ['--target', 'tenant:red'], ['--target', 'rack=a', '--exclude', 'rack=a'], ['--target', 'H1']]) {
      const run = cli('plan', dir, ...args);
      expect(run.status, args.join(' ')).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toMatch(/selector-unmatched|shard-empty|selector-invalid/);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/internal|please report/i);
    }
    const planFile = join(tmp, 'all.json');
    ok(cli('plan', dir, '--out', planFile));
    const run = contiv(['apply', planFile, '--target', 'tenant:blue']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('a tenant selects the hosts where it has endpoints');
  }, 120_000);
});
