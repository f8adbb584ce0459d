// @ts-nocheck
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { removeContivBridges, removeEndpoints } from '../harness/contiv.js';
import { CTEST, execIn, probe, startListener, wasBlocked, type Listener } from '../harness/lab.js';
import { contiv } from '../support/cli.js';

/*
 * Group policies with real packets (CONTEXT §4), on the test lab, for a same-host and a
 * cross-host pair each: the quickstart whitelist (web-group → db-group tcp/5432 only), replies
 * passing, out rules, and a one-rule change that disturbs nothing else.
 *
 *   h1: web1 (web-group)  db1 (db-group)      h2: db2 (db-group)      h3: web3 (web-group)
 */
const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-policy-'));
const manifests = join(tmp, 'quickstart');
const containers: Array<[host: string, name: string, group: string]> = [
  ['h1', 'pweb1', 'web-group'],
  ['h1', 'pdb1', 'db-group'],
  ['h2', 'pdb2', 'db-group'],
  ['h3', 'pweb3', 'web-group'],
];
const ip: Record<string, string> = {};
const listeners: Listener[] = [];

function ok(run: { status: number | null; stdout: string; stderr: string }): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

function apply(): string {
  return ok(contiv(['apply', manifests, '--fabric', fabric, '--auto-approve']));
}

async function reach(from: string, to: string, port: number): Promise<string> {
  const r = await probe(from, ip[to]!, port, { timeoutMs: 1500 });
  if (r.ok) return r.reply;
  if (wasBlocked(r)) return 'blocked';
  throw new Error(`${from} → ${to}:${port}: the probe ended with ${r.outcome} (${r.reply}), neither answered nor blocked`);
}

beforeAll(async () => {
  cpSync('examples/quickstart', manifests, { recursive: true });
  apply();
  for (const [host, name, group] of containers) {
    ok(contiv(['lab', 'run', '--name', CTEST.name, host, name]));
    const out = ok(contiv(['attach', manifests, '--fabric', fabric, '--host', host, '--netns', name, '--network', 'contiv-net', '--group', group]));
    ip[name] = /: (\d+\.\d+\.\d+\.\d+)\//.exec(out)![1]!;
    for (const port of [80, 5432]) listeners.push(await startListener(name, port));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.stop()));
  await removeEndpoints(manifests, containers.map(([host, name]) => [host, name] as const));
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('group policies on the lab', () => {
  it('the quickstart: web-group reaches db-group on 5432 only, same host and across hosts, and the reply comes back', async () => {
    expect(await reach('pweb1', 'pdb1', 5432)).toBe('pdb1'); // same host; the answer is the reply
    expect(await reach('pweb1', 'pdb2', 5432)).toBe('pdb2'); // across hosts
    expect(await reach('pweb3', 'pdb1', 5432)).toBe('pdb1');
    expect(await reach('pweb1', 'pdb1', 80)).toBe('blocked');
    expect(await reach('pweb1', 'pdb2', 80)).toBe('blocked');
    // db → db: rule 1 denies all TCP into db-group from anyone but web-group.
    expect(await reach('pdb2', 'pdb1', 5432)).toBe('blocked');
    // web-group has no policy: db may open connections to it, and their replies pass db's deny.
    expect(await reach('pdb1', 'pweb1', 80)).toBe('pweb1');
    expect(await reach('pdb2', 'pweb1', 80)).toBe('pweb1');
  });

  it('an out rule denies new connections from its group while replies to its group\'s connections pass', async () => {
    const policies = join(manifests, 'policies.yaml');
    const groups = join(manifests, 'groups.yaml');
    const before = { policies: readFileSync(policies, 'utf8'), groups: readFileSync(groups, 'utf8') };
    writeFileSync(policies, `${before.policies}---\napiVersion: contiv.io/v1\nkind: Policy\nmetadata: { name: web-egress }\nspec:\n  rules:\n    - { id: no-tcp-out, direction: out, protocol: tcp, action: deny }\n`);
    writeFileSync(groups, before.groups.replace('  network: contiv-net\n---', '  network: contiv-net\n  policies: [web-egress]\n---'));
    try {
      expect(apply()).toContain('Apply complete');
      expect(await reach('pweb1', 'pdb1', 5432)).toBe('blocked');
      expect(await reach('pweb1', 'pdb2', 5432)).toBe('blocked');
      // db → web: new connections into web-group are not web's out rules' business; the reply,
      // which leaves web-group, passes as part of an established connection.
      expect(await reach('pdb1', 'pweb1', 80)).toBe('pweb1');
      expect(await reach('pdb2', 'pweb1', 80)).toBe('pweb1');
      expect(await reach('pdb2', 'pweb3', 80)).toBe('pweb3');
    } finally {
      writeFileSync(policies, before.policies);
      writeFileSync(groups, before.groups);
      apply();
    }
    expect(await reach('pweb1', 'pdb2', 5432)).toBe('pdb2');
  });

  it('a one-rule change touches only that rule\'s flows and loses no packet between other endpoints', async () => {
    const policies = join(manifests, 'policies.yaml');
    const before = readFileSync(policies, 'utf8');
    // Re-prioritise rule 2 (10 → 20): its flow is replaced in the bundle, nothing else moves.
    writeFileSync(policies, before.replace('priority: 10', 'priority: 20'));
    try {
      const plan = ok(contiv(['plan', manifests, '--fabric', fabric]));
      expect(plan).toContain('flows of rule/default/db-policy/2: 1 to add, 1 to remove');
      expect(plan).not.toContain('db-policy/1');
      // Per host: the rule's flow, and the policy as recorded on the bridge.
      expect(plan).toContain('Plan: 0 to add, 6 to change, 0 to destroy.');
      expect(plan).not.toContain('What the policy changes mean');

      // Unaffected pair across hosts: pweb1 (h1) ↔ pweb3 (h3). 100 pings per second and a TCP
      // stream, while the change is applied on every host.
      const sink = execIn('pweb3', ['node', '-e', SINK], { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 1000));
      const before = await tcpCounters('pweb1');
      const stream = streamTcp('pweb1', ip['pweb3']!, 9000, 4000);
      const ping = execIn('pweb1', ['ping', '-q', '-i', '0.01', '-c', '400', '-W', '1', ip['pweb3']!], { timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 800));
      expect(apply()).toContain('Apply complete: 3 hosts changed.');
      const pinged = await ping;
      const streamed = await stream;
      expect(pinged.stdout).toMatch(/400 packets transmitted, 400 received, 0% packet loss/);
      expect(streamed.code).toBe(0);
      // Nothing lost: no retransmission timeout, and any retransmission was a tail-loss probe
      // the receiver already had (on two shared cores, a busy moment can delay an ACK past the
      // probe timer of a sub-millisecond RTT; DSACK proves the segment had arrived).
      const after = await tcpCounters('pweb1');
      expect(after.timeouts - before.timeouts).toBe(0);
      expect(after.retransmitted - before.retransmitted).toBe(after.spurious - before.spurious);
      expect((await sink).stdout).toMatch(/^received \d+ bytes/);
      expect(await reach('pweb1', 'pdb2', 5432)).toBe('pdb2');
    } finally {
      writeFileSync(policies, before);
      apply();
    }
  });
});

/** Reads and counts one connection, then exits. */
const SINK = `let n=0;const srv=require('net').createServer(s=>{s.on('data',d=>n+=d.length);s.on('end',()=>{console.log('received '+n+' bytes');process.exit(0)});s.on('error',()=>process.exit(1))}).listen(9000);setTimeout(()=>process.exit(2),20000);`;

/**
 * A container's TCP counters (its own network namespace): segments retransmitted, and of
 * those the ones the receiver reported as duplicates (DSACK) — tail-loss probes sent because
 * an ACK was late, not because anything was lost — plus retransmission timeouts.
 */
async function tcpCounters(container: string): Promise<{ retransmitted: number; spurious: number; timeouts: number }> {
  const table = (text: string, prefix: string) => {
    const [names, values] = text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.trim().split(/\s+/));
    return (name: string) => Number(values![names!.indexOf(name)]);
  };
  const snmp = table((await execIn(container, ['cat', '/proc/net/snmp'])).stdout, 'Tcp:');
  const ext = table((await execIn(container, ['cat', '/proc/net/netstat'])).stdout, 'TcpExt:');
  return { retransmitted: snmp('RetransSegs'), spurious: ext('TCPDSACKRecvSegs'), timeouts: ext('TCPTimeouts') };
}

/** Sends data over one TCP connection for `ms`; exits 0 when the connection lasted. */
function streamTcp(from: string, to: string, port: number, ms: number) {
  const script = `const s=require('net').connect(${port},'${to}');const b=Buffer.alloc(4096);let t;s.on('connect',()=>{t=setInterval(()=>s.write(b),5);setTimeout(()=>{clearInterval(t);s.end();process.exit(0)},${ms})});s.on('error',e=>{console.error(e.code);process.exit(1)});`;
  return execIn(from, ['node', '-e', script], { timeoutMs: ms + 10_000 });
}
