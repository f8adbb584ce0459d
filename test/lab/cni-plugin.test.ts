import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRemoveContainer, labRun } from '../../src/lab/container.js';
import { labPaths } from '../../src/lab/paths.js';
import { removeContivBridges } from '../harness/contiv.js';
import { CTEST, execIn, probe, startListener, type Listener } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * contiv-cni as a runtime calls it, run directly on a lab host (the CNI conformance cases):
 * apply installs it on a host with `runtimes: [cni]`; ADD makes an endpoint that works at once
 * and that plan expects; CHECK agrees with the runtime's record; DEL twice succeeds and leaves
 * nothing; VERSION lists every version; an unknown network or a host out of addresses is a
 * clear CNI error that leaves nothing half-made. And what apply writes goes when the host
 * stops running the runtime.
 */
const tmp = mkdtempSync(join(tmpdir(), 'contiv-cni-'));
const dir = join(tmp, 'quickstart');
const fabric = join(tmp, 'fabric-cni.yaml');
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const PORT = 7400;
const listeners: Listener[] = [];
const containers: Array<[string, string]> = [];

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

interface CniRun {
  code: number;
  out: Record<string, unknown>;
}

/** Runs /opt/cni/bin/contiv on h2 as a runtime does: the command in the environment, the configuration on stdin. */
async function cni(command: string, conf: string, netns: string, extra: Record<string, string> = {}): Promise<CniRun> {
  const env = { CNI_COMMAND: command, CNI_CONTAINERID: `ctr-${netns}`, CNI_NETNS: `/run/netns/${netns}`, CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', ...extra };
  const assignments = Object.entries(env).map(([k, v]) => `${k}='${v}'`).join(' ');
  const r = await execIn('h2', ['sh', '-c', `printf '%s' "$0" | env ${assignments} /opt/cni/bin/contiv`, conf]);
  return { code: r.code, out: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {} };
}

/** A runtime's stdin: the configuration list's one plugin object, with the list's name and version. */
async function confOf(name: string): Promise<string> {
  const list = JSON.parse((await execIn('h2', ['cat', `/etc/cni/net.d/50-contiv-${name}.conflist`])).stdout) as { cniVersion: string; name: string; plugins: object[] };
  return JSON.stringify({ cniVersion: list.cniVersion, name: list.name, ...list.plugins[0] });
}

function plan(): string {
  return ok(contiv(['plan', dir, '--fabric', fabric])).trim();
}

async function endpointPorts(): Promise<string> {
  return (await execIn('h2', ['ovs-vsctl', '--bare', '--columns=name', 'find', 'Port', 'external_ids:contiv.kind=endpoint'])).stdout.trim();
}

beforeAll(async () => {
  cpSync('examples/quickstart', dir, { recursive: true });
  writeFileSync(fabric, readFileSync(labPaths(CTEST.name).fabric, 'utf8').replace(/(- name: h2\n(\s+))/, '$1runtimes: [cni]\n$2'));
  ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
  for (const [host, name] of [['h2', 'k-web'], ['h2', 'k-db'], ['h1', 'k-peer'], ['h2', 'k-none']] as const) {
    await labRun(CTEST.name, host, name);
    containers.push([host, name]);
  }
});

afterAll(async () => {
  for (const l of listeners) await l.stop();
  for (const [host, name] of containers) {
    contiv(['detach', dir, '--fabric', fabric, '--host', host, '--netns', name]);
    await labRemoveContainer(CTEST.name, name);
  }
  await removeContivBridges();
  await execIn('h2', ['sh', '-c', 'rm -f /opt/cni/bin/contiv* /etc/cni/net.d/50-contiv-*']);
  rmSync(tmp, { recursive: true, force: true });
});

describe('contiv-cni on a lab host', () => {
  it('apply installs the plugin and one configuration per network and group, on the cni host only', async () => {
    const files = (await execIn('h2', ['sh', '-c', 'ls /opt/cni/bin /etc/cni/net.d'])).stdout;
    for (const name of ['contiv-net', 'contiv-net.blue', 'web-group', 'db-group']) expect(files).toContain(`50-contiv-${name}.conflist`);
    expect(files).toContain('contiv');
    expect((await execIn('h1', ['sh', '-c', 'ls /opt/cni/bin /etc/cni/net.d'])).stdout).not.toContain('contiv');
    expect(plan()).toBe(NO_CHANGES);
  });

  it('VERSION lists every version a runtime may ask for', async () => {
    const v = await cni('VERSION', '{"cniVersion":"0.4.0"}', 'dummy');
    expect(v).toEqual({ code: 0, out: { cniVersion: '0.4.0', supportedVersions: ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'] } });
  });

  it('ADD makes a working endpoint in the group the network name says; CHECK agrees; plan says No changes', async () => {
    const add = await cni('ADD', await confOf('db-group'), 'k-db');
    expect(add.code, JSON.stringify(add.out)).toBe(0);
    const result = add.out as { interfaces: Array<{ name: string; mac: string; sandbox: string }>; ips: Array<{ address: string; gateway: string; interface: number }>; routes: Array<{ dst: string; gw: string }> };
    expect(result.interfaces).toEqual([{ name: 'eth0', mac: expect.stringMatching(/^02(:[0-9a-f]{2}){5}$/), mtu: 1450, sandbox: '/run/netns/k-db' }]);
    expect(result.ips).toEqual([{ address: expect.stringMatching(/^10\.1\.2\.\d+\/24$/), gateway: '10.1.2.1', interface: 0 }]);
    expect(result.routes).toEqual([{ dst: '0.0.0.0/0', gw: '10.1.2.1' }]);
    const dbIp = result.ips[0]!.address.split('/')[0]!;
    expect((await execIn('k-db', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain(`inet ${dbIp}/24`);
    expect(plan()).toBe(NO_CHANGES);
    const check = await cni('CHECK', JSON.stringify({ ...JSON.parse(await confOf('db-group')), prevResult: add.out }), 'k-db');
    expect(check.code, JSON.stringify(check.out)).toBe(0);
    // The group's policy holds from the first packet: web-group reaches tcp/5432, an endpoint without a group does not.
    expect((await cni('ADD', await confOf('web-group'), 'k-web')).code).toBe(0);
    const peer = ok(contiv(['attach', dir, '--fabric', fabric, '--host', 'h1', '--netns', 'k-peer', '--network', 'contiv-net']));
    expect(peer).toMatch(/Attached k-peer on h1/);
    listeners.push(await startListener('k-db', 5432));
    expect(await probe('k-web', dbIp, 5432)).toMatchObject({ ok: true, reply: 'k-db' });
    const blocked = await probe('k-peer', dbIp, 5432, { timeoutMs: 1000 });
    expect(blocked.outcome).toBe('timeout');
    expect(plan()).toBe(NO_CHANGES);
  });

  it('CHECK fails, as CNI errors, when the endpoint is gone or differs from the runtime’s record', async () => {
    const conf = JSON.parse(await confOf('db-group')) as object;
    const wrong = await cni('CHECK', JSON.stringify({ ...conf, prevResult: { ips: [{ address: '10.1.2.250/24' }] } }), 'k-db');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatchObject({ code: 100, msg: expect.stringContaining('the runtime expects 10.1.2.250/24') });
    const none = await cni('CHECK', JSON.stringify(conf), 'k-none');
    expect(none.out).toMatchObject({ code: 100, details: expect.stringContaining('endpoint-missing') });
  });

  it('DEL removes everything, and a second DEL succeeds with nothing left to do', async () => {
    const before = await endpointPorts();
    const del = await cni('DEL', await confOf('db-group'), 'k-db');
    expect(del).toEqual({ code: 0, out: {} });
    expect(await endpointPorts()).not.toBe(before);
    expect((await execIn('k-db', ['ip', '-o', 'link'])).stdout).not.toContain('eth0');
    expect((await cni('DEL', await confOf('db-group'), 'k-db')).code).toBe(0);
    // A DEL whose namespace is already gone (the runtime removed it first) finds the endpoint by its container.
    expect((await cni('DEL', await confOf('web-group'), 'k-web', { CNI_NETNS: '' })).code).toBe(0);
    expect(plan()).toBe(NO_CHANGES);
  });

  it('a network the host does not have, or no free address left: a clear CNI error, and nothing half-made', async () => {
    const portsBefore = await endpointPorts();
    const unknown = await cni('ADD', JSON.stringify({ cniVersion: '1.0.0', name: 'nope', type: 'contiv', contiv: { host: 'h2', tenant: 'default', network: 'nope' } }), 'k-none');
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatchObject({ cniVersion: '1.0.0', code: 100, msg: 'contiv: h2 has no network nope of tenant default (as applied)' });
    // An --ip outside the host's blocks is refused the same way (a host never borrows on its own).
    const outside = await cni('ADD', await confOf('contiv-net'), 'k-none', { CNI_ARGS: 'IgnoreUnknown=1;IP=10.1.2.250' });
    expect(outside.out).toMatchObject({ code: 100, details: expect.stringContaining('ip-not-in-blocks') });
    expect(await endpointPorts()).toBe(portsBefore);
    expect((await execIn('k-none', ['ip', '-o', 'link'])).stdout).not.toContain('eth0');
    expect(plan()).toBe(NO_CHANGES);

    // Use up the host's reserve (interfaces eth0, eth1 … of one container), until ADD says it has no address left.
    const conf = await confOf('contiv-net');
    const made: string[] = [];
    let refused: CniRun | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await cni('ADD', conf, 'k-none', { CNI_CONTAINERID: 'filler', CNI_IFNAME: `eth${i}` });
      if (r.code === 0) made.push(`eth${i}`);
      else refused = r;
    }
    expect(made.length).toBeGreaterThanOrEqual(4);
    expect(refused?.out).toMatchObject({ code: 100, msg: expect.stringContaining('h2 has no free address left in its blocks of default/contiv-net'), details: expect.stringContaining('contiv apply keeps a reserve') });
    expect((await execIn('k-none', ['ip', '-o', 'link'])).stdout).not.toContain(`eth${made.length}:`);
    // The next apply claims another block for the host's reserve; then the runtime gets addresses again.
    expect(plan()).toMatch(/\+ {3}address block \S+ of default\/contiv-net \(reserve for containers from cni: no address free\)/);
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect((await cni('ADD', conf, 'k-none', { CNI_CONTAINERID: 'filler', CNI_IFNAME: `eth${made.length}` })).code).toBe(0);
    made.push(`eth${made.length}`);
    for (const ifname of made) expect((await cni('DEL', conf, 'k-none', { CNI_CONTAINERID: 'filler', CNI_IFNAME: ifname })).code).toBe(0);
    expect(await endpointPorts()).toBe(portsBefore);
  });

  it('when the host stops running the runtime, apply removes what it installed', async () => {
    ok(contiv(['apply', dir, '--fabric', labPaths(CTEST.name).fabric, '--auto-approve']));
    const files = (await execIn('h2', ['sh', '-c', 'ls /opt/cni/bin /etc/cni/net.d'])).stdout;
    expect(files).not.toContain('50-contiv-');
    expect(files).not.toMatch(/^contiv$/m);
  });
});
