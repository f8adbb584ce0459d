import { expandModel, isModelChunk } from '../../src/compile/model-blob.js';
import { isRecordKey } from '../../src/compile/records.js';
import { ovsString } from '../../src/apply/quote.js';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRemoveContainer, labRun } from '../../src/lab/container.js';
import { labPaths } from '../../src/lab/paths.js';
import { removeContivBridges } from '../harness/contiv.js';
import { CTEST, execIn, probe, startListener, type Listener } from '../harness/lab.js';
import { contiv, spawnContiv, type CliRun } from '../support/cli.js';

/*
 * Address blocks on the lab, with real packets: containers packed unevenly over the hosts take
 * as many blocks as they need and no address twice; attaches on every host at once while an
 * apply runs lose nothing and collide nowhere; hosts recorded by an older contiv (one range per
 * host) keep their endpoints and addresses through the migration; a host with runtimes gets a
 * reserve at apply, and the host-local path, run on that host itself with no other machine,
 * attaches from it.
 */
const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-addresses-'));
const dir = join(tmp, 'quickstart');
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const PORT = 7300;
const ATTACHED = /^Attached (\S+) on (h\d) to (\S+): (\d+\.\d+\.\d+\.\d+)\/24, mac \S+, port cv[0-9a-f]{12}\.$/m;

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}


const containers = new Map<string, string>();
async function container(host: string, name: string): Promise<void> {
  await labRun(CTEST.name, host, name);
  containers.set(name, host);
}

function attachArgs(manifests: string, host: string, netns: string, extra: string[] = []): string[] {
  return ['attach', manifests, '--fabric', fabric, '--host', host, '--netns', netns, '--network', 'contiv-net', ...extra];
}

function addressOf(stdout: string): string {
  const m = ATTACHED.exec(stdout);
  if (!m) throw new Error(`no Attached line:\n${stdout}`);
  return m[4]!;
}

interface ShowHost {
  host: string;
  state: { bridges: Record<string, { externalIds: Record<string, string>; ports: Record<string, { externalIds: Record<string, string> }> }> };
}
function show(): ShowHost[] {
  return (JSON.parse(ok(contiv(['show', dir, '--fabric', fabric, '--json']))) as { hosts: ShowHost[] }).hosts;
}

/** Every endpoint of default/contiv-net in the fleet, as `host netns ip`. */
function endpoints(): Array<{ host: string; netns: string; ip: string }> {
  return show().flatMap((h) =>
    Object.values(h.state.bridges['contiv0']?.ports ?? {})
      .map((p) => p.externalIds)
      .filter((x) => x['contiv.kind'] === 'endpoint' && x['contiv.tenant'] === 'default')
      .map((x) => ({ host: h.host, netns: x['contiv.netns']!, ip: x['contiv.ip']! })),
  );
}

function blocksOf(host: string): string[] {
  return blocksOfSpace(host, 'default.contiv-net');
}

function plan(manifests = dir, f = fabric): string {
  return ok(contiv(['plan', manifests, '--fabric', f])).trim();
}

const listeners: Listener[] = [];

beforeAll(() => {
  cpSync('examples/quickstart', dir, { recursive: true });
  // /29 blocks (8 addresses): a few containers already need several blocks.
  const networks = join(dir, 'networks.yaml');
  writeFileSync(networks, readFileSync(networks, 'utf8').replace('  gateway: 10.1.2.1\n', '  gateway: 10.1.2.1\n  ipam: { blockSize: 29 }\n'));
  ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
});

afterAll(async () => {
  for (const l of listeners) await l.stop();
  for (const [name, host] of containers) {
    contiv(['detach', dir, '--fabric', fabric, '--host', host, '--netns', name]);
    await labRemoveContainer(CTEST.name, name);
  }
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('address blocks on the lab', () => {
  it('migrates hosts recorded by an older contiv: endpoints keep their addresses and keep working', async () => {
    // Endpoints where the older contiv put them: inside each host's one range.
    const old: Record<string, string> = { h1: '10.1.2.2-10.1.2.85', h2: '10.1.2.86-10.1.2.169', h3: '10.1.2.170-10.1.2.254' };
    for (const [host, name, ip] of [['h1', 'm-1', '10.1.2.5'], ['h1', 'm-2', '10.1.2.6'], ['h2', 'm-3', '10.1.2.90'], ['h3', 'm-4', '10.1.2.200']] as const) {
      await container(host, name);
      ok(contiv(attachArgs(dir, host, name, ['--ip', ip])));
    }
    // Then make the fleet look as the older contiv left it: one range per host and space, its
    // records one key each (not in chunks), no MTU record.
    for (const h of ['h1', 'h2', 'h3']) {
      const ids = show().find((x) => x.host === h)!.state.bridges['contiv0']!.externalIds;
      const drop = Object.keys(ids).filter((k) => k.startsWith('contiv.block.') || k.startsWith('contiv.lent.') || isModelChunk(k));
      const records = Object.entries(expandModel(ids)).filter(([k]) => isRecordKey(k) && k !== 'contiv.mtu');
      expect(records.length).toBeGreaterThan(5);
      expect((await execIn(h, ['ovs-vsctl', 'remove', 'bridge', 'contiv0', 'external_ids', ...drop])).code).toBe(0);
      expect((await execIn(h, ['ovs-vsctl', 'set', 'bridge', 'contiv0', `external_ids:contiv.ipam.default.contiv-net="${old[h]}"`, ...records.map(([k, v]) => `external_ids:${ovsString(k)}=${ovsString(v)}`)])).code).toBe(0);
    }
    const before = endpoints();
    expect(before.map((e) => `${e.host} ${e.ip}`).sort()).toEqual(['h1 10.1.2.5', 'h1 10.1.2.6', 'h2 10.1.2.90', 'h3 10.1.2.200']);
    // Before the migration is applied, attach says what to do.
    await container('h1', 'after-migration');
    const early = contiv(attachArgs(dir, 'h1', 'after-migration'));
    expect(early.status).toBe(1);
    expect(early.stdout).toContain('error host-not-applied: h1 was applied by an older contiv (no MTU recorded)');
    expect(early.stdout).toContain('hint: contiv apply the manifests first');

    const planned = plan();
    expect(planned).toContain("address block record of default/contiv-net written by an older contiv (10.1.2.2-10.1.2.85): replaced by blocks around this host's endpoints in it");
    expect(planned).toContain('+   address block 10.1.2.2-10.1.2.7 of default/contiv-net (recorded the old way (one block per host): the piece around its endpoints is kept)');
    expect(planned).toContain('+   address block 10.1.2.88-10.1.2.95 of default/contiv-net (recorded the old way (one block per host): the piece around its endpoints is kept)');
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(plan()).toBe(NO_CHANGES);
    expect(endpoints()).toEqual(before);
    listeners.push(await startListener('m-3', PORT));
    expect(await probe('m-1', '10.1.2.90', PORT)).toMatchObject({ ok: true, reply: 'm-3' });
    expect(await probe('m-4', '10.1.2.90', PORT)).toMatchObject({ ok: true, reply: 'm-3' });
    // And a new endpoint on h1 takes an address of h1's migrated block that nobody has.
    expect(addressOf(ok(contiv(attachArgs(dir, 'h1', 'after-migration'))))).toBe('10.1.2.2');
    expect(plan()).toBe(NO_CHANGES);
  });

  it('packs 12 containers on h1, 6 on h2 and 2 on h3: blocks where they run, no address twice, packets flow', async () => {
    const wanted: Array<[string, number]> = [['h1', 12], ['h2', 6], ['h3', 2]];
    for (const [host, n] of wanted) for (let i = 0; i < n; i++) await container(host, `p-${host}-${i}`);
    for (const [host, n] of wanted) for (let i = 0; i < n; i++) ok(contiv(attachArgs(dir, host, `p-${host}-${i}`)));
    const all = endpoints();
    const packed = all.filter((e) => e.netns.startsWith('p-'));
    expect(packed).toHaveLength(20);
    expect(new Set(all.map((e) => e.ip)).size).toBe(all.length);
    // Blocks grew with what each host runs: h1 (3 + 12 endpoints) needed two more /29 blocks; h2 (1 + 6)
    // and h3 (1 + 2) still fit in the blocks their first endpoints came with.
    expect(['h1', 'h2', 'h3'].map((h) => blocksOf(h).length)).toEqual([3, 1, 1]);
    // Every endpoint lies in a block of its own host.
    for (const e of all) expect(blocksOf(e.host).some((b) => { const [a, z] = b.split(' ')[0]!.split('-'); return ipNum(a!) <= ipNum(e.ip) && ipNum(e.ip) <= ipNum(z!); }), `${e.netns} ${e.ip}`).toBe(true);
    expect(plan()).toBe(NO_CHANGES);
    // contiv show lists each host's blocks and how much of each is used.
    const json = JSON.parse(ok(contiv(['show', dir, '--fabric', fabric, '--json']))) as { hosts: Array<{ host: string; addressBlocks: Array<{ space: string; size: number; used: number; state: string }> }> };
    const h1Blocks = json.hosts.find((h) => h.host === 'h1')!.addressBlocks.filter((b) => b.space === 'default/contiv-net');
    expect(h1Blocks.map((b) => b.state)).toEqual(['claimed', 'claimed', 'claimed']);
    expect(h1Blocks.reduce((n, b) => n + b.used, 0)).toBe(all.filter((e) => e.host === 'h1').length);
    const text = ok(contiv(['show', dir, '--fabric', fabric]));
    expect(text).toMatch(/^ {6}default\/contiv-net 10\.1\.2\.\d+-10\.1\.2\.\d+: \d+ of \d+ used$/m);
    const last = all.find((e) => e.netns === 'p-h1-11')!;
    listeners.push(await startListener('p-h1-11', PORT));
    expect(await probe('p-h2-5', last.ip, PORT)).toMatchObject({ ok: true, reply: 'p-h1-11' });
    expect(await probe('p-h3-1', last.ip, PORT)).toMatchObject({ ok: true, reply: 'p-h1-11' });
  });

  it('attaches on every host at once while an apply runs: every endpoint made, no address twice, the plan then says No changes', async () => {
    const variant = join(tmp, 'with-rule');
    cpSync(dir, variant, { recursive: true });
    const policies = join(variant, 'policies.yaml');
    writeFileSync(policies, readFileSync(policies, 'utf8').replace('      action: allow\n', '      action: allow\n    - id: "3"\n      direction: in\n      priority: 20\n      protocol: udp\n      port: 53\n      action: allow\n'));
    const names = ['h1', 'h2', 'h3'].flatMap((h) => [0, 1, 2, 3].map((i) => [h, `c-${h}-${i}`] as const));
    for (const [h, n] of names) await container(h, n);
    const runs = await Promise.all([spawnContiv(['apply', variant, '--fabric', fabric, '--auto-approve']), ...names.map(([h, n]) => spawnContiv(attachArgs(variant, h, n)))]);
    for (const r of runs) expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const all = endpoints();
    expect(all.filter((e) => e.netns.startsWith('c-'))).toHaveLength(12);
    expect(new Set(all.map((e) => e.ip)).size).toBe(all.length);
    expect(plan(variant)).toBe(NO_CHANGES);
    const target = all.find((e) => e.netns === 'c-h3-3')!;
    listeners.push(await startListener('c-h3-3', PORT));
    for (const from of ['c-h1-0', 'c-h2-2', 'c-h3-1']) expect(await probe(from, target.ip, PORT)).toMatchObject({ ok: true, reply: 'c-h3-3' });
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
  });

  it('attaches by a namespace path (a runtime\'s /proc/PID/ns/net): kept while the path exists, freed by apply once it is gone', async () => {
    await container('h3', 'by-path');
    // A process in the container's namespace; its /proc/PID/ns/net is the path a runtime would pass.
    const sleeper = spawn('node', ['bin/contiv.js', 'lab', 'exec', '--name', CTEST.name, 'by-path', '--', 'sleep', '613.37'], { stdio: 'ignore' });
    let pid = '';
    for (let i = 0; i < 50 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pid = (await execIn('by-path', ['pgrep', '-f', '^sleep 613.37$'])).stdout.trim();
    }
    expect(pid).toMatch(/^\d+$/);
    const path = `/proc/${pid}/ns/net`;
    const out = ok(contiv(attachArgs(dir, 'h3', path)));
    expect(out).toMatch(new RegExp(`^Attached ${path} on h3 to default/contiv-net: `, 'm'));
    expect(plan()).toBe(NO_CHANGES);
    sleeper.kill('SIGKILL');
    await execIn('by-path', ['kill', pid]);
    await new Promise((r) => setTimeout(r, 300));
    const planned = plan();
    expect(planned).toContain(`-   endpoint ${path} on h3 (namespace gone; frees `);
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(plan()).toBe(NO_CHANGES);
    expect(endpoints().some((e) => e.netns === path)).toBe(false);
  });

  it('a host with runtimes gets a reserve at apply, and the host-local path on that host attaches from it, alone', async () => {
    const runtimeFabric = join(tmp, 'fabric-runtimes.yaml');
    writeFileSync(runtimeFabric, readFileSync(fabric, 'utf8').replace(/(- name: h2\n(\s+))/, '$1runtimes: [cni]\n$2'));
    expect(readFileSync(runtimeFabric, 'utf8')).toContain('runtimes: [cni]');
    const planned = plan(dir, runtimeFabric);
    expect(planned).toMatch(/h2:\n(.*\n)*\s+\+ {3}address block \S+ of blue\/contiv-net \(reserve for containers from cni: no address free\)/);
    const applied = ok(contiv(['apply', dir, '--fabric', runtimeFabric, '--auto-approve']));
    expect(applied).toMatch(/h2: address block \S+ of blue\/contiv-net: claimed/);
    expect(plan(dir, runtimeFabric)).toBe(NO_CHANGES);

    // On h2 itself: node, contiv's endpoint module and a local shell; no Fabric, no SSH, no other host.
    await container('h2', 'local-one');
    const script = `
      const { attachLocal } = await import(${JSON.stringify(resolve('dist/endpoint/local.js'))});
      const { LocalTransport } = await import(${JSON.stringify(resolve('dist/host/local-transport.js'))});
      const started = Date.now();
      const out = await attachLocal(new LocalTransport(), { name: 'h2', address: 'localhost', ssh: { user: 'root', port: 22, knownHostsFile: '/dev/null' } },
        { tenant: 'blue', network: 'contiv-net', netns: '/run/netns/local-one', ifname: 'eth0' });
      console.log(JSON.stringify({ ...out, ms: Date.now() - started }));`;
    const r = await execIn('h2', ['node', '--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; attached: { address: string; gateway: string; mtu: number; endpoint: { netns: string; ifname: string; mac: string } }; ms: number };
    expect(out.ok).toBe(true);
    expect(out.attached.gateway).toBe('10.1.2.1');
    expect(out.attached.mtu).toBe(1450);
    expect(out.attached.endpoint.netns).toBe('local-one');
    const reserve = blocksOfSpace('h2', 'blue.contiv-net')[0]!.split(' ')[0]!.split('-');
    const ip = out.attached.address.split('/')[0]!;
    expect(ipNum(ip) >= ipNum(reserve[0]!) && ipNum(ip) <= ipNum(reserve[1]!)).toBe(true);
    expect((await execIn('local-one', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain(`inet ${out.attached.address}`);
    expect(plan(dir, runtimeFabric)).toBe(NO_CHANGES);
    // It talks to its tenant at once: blue's endpoint on h1.
    await container('h1', 'blue-peer');
    const peer = addressOf(ok(contiv(['attach', dir, '--fabric', runtimeFabric, '--host', 'h1', '--netns', 'blue-peer', '--tenant', 'blue', '--network', 'contiv-net'])));
    listeners.push(await startListener('blue-peer', PORT));
    expect(await probe('local-one', peer, PORT)).toMatchObject({ ok: true, reply: 'blue-peer' });
    console.log(`host-local attach on h2: ${out.ms} ms`);
  });
});

function blocksOfSpace(host: string, space: string): string[] {
  const h = show().find((x) => x.host === host)!;
  return Object.entries(h.state.bridges['contiv0']?.externalIds ?? {})
    .filter(([k]) => k.startsWith(`contiv.block.${space}.`) && k.split('.').length === 3 + space.split('.').length)
    .map(([, v]) => v);
}

function ipNum(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
