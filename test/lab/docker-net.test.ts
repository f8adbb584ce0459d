/**
 * Containers from real dockerd join contiv networks (issue 13), on a lab of its own (`cdnet`)
 * whose hosts run both podman and Docker: `docker network ls`/`inspect` show contiv's networks,
 * `docker run --net contiv-net` on two hosts and `contiv-net/blue` with the same address each
 * reach their own tenant only, a container in db-group has the quickstart's policy from its first
 * packet, `contiv plan` then says No changes, `docker rm` leaves nothing, `docker network
 * connect/disconnect` work, a killed plugin is a clear error that `contiv apply` repairs without
 * cutting running containers, and a Docker container and a podman container talk. Probes run node
 * in a container's namespace (nsenter on its host), so blocked (silence) is told from refused and
 * from a probe that could not run.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown } from '../../src/lab/down.js';
import { labPaths } from '../../src/lab/paths.js';
import type { LabOptions } from '../../src/lab/plan.js';
import { LAB_IMAGE } from '../../src/lab/runtimes.js';
import { labUp } from '../../src/lab/up.js';
import { execIn } from '../harness/lab.js';
import { contiv } from '../support/cli.js';
import { okRun, probeFromNetns, shownEndpoints, type ShownEndpoint } from '../harness/container-probe.js';

const CDNET: LabOptions = { name: 'cdnet', hosts: 2, mgmtSubnet: '198.18.105.0/24', underlaySubnet: '198.19.105.0/24', runtimes: ['podman', 'docker'] };
const lab = { lab: CDNET.name, timeoutMs: 90_000 };
const fabric = labPaths(CDNET.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-docker-'));
const dir = join(tmp, 'quickstart');
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const log = (line: string): void => {
  process.stderr.write(`[lab ${CDNET.name}] ${line}\n`);
};

const ok = okRun;

async function docker(host: string, ...args: string[]): Promise<string> {
  const r = await execIn(host, ['docker', ...args], lab);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} on ${host} (exit ${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** A container that answers every TCP connection on `port` with its name. */
async function server(host: string, name: string, network: string, port: number, extra: string[] = []): Promise<void> {
  await docker(host, 'run', '-d', '--name', name, '--net', network, ...extra, LAB_IMAGE, 'sh', '-c', `while true; do echo ${name} | nc -l -p ${port}; done`);
}

interface Seen {
  ip: string;
  mac: string;
  netns: string;
  endpoint: string;
}

async function inspect(host: string, name: string, network?: string): Promise<Seen> {
  const out = JSON.parse(await docker(host, 'inspect', name)) as Array<{ NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string; MacAddress: string; EndpointID: string }> } }>;
  const nets = out[0]!.NetworkSettings.Networks;
  const n = network ? nets[network]! : Object.values(nets)[0]!;
  return { ip: n.IPAddress, mac: n.MacAddress, netns: out[0]!.NetworkSettings.SandboxKey, endpoint: n.EndpointID };
}

const probeFrom = (host: string, netns: string, from: string, ip: string, port: number): Promise<string> => probeFromNetns(lab, host, netns, from, ip, port);

async function probe(host: string, from: string, ip: string, port: number): Promise<string> {
  return probeFrom(host, (await inspect(host, from)).netns, from, ip, port);
}

const endpoints = (): ShownEndpoint[] => shownEndpoints(dir, fabric);

/** What a host has of contiv's endpoints: OVS ports, host-side veths, endpoint flows, held addresses. */
async function leftOn(host: string): Promise<{ ports: number; veths: number; flows: number; held: number }> {
  const ports = (await execIn(host, ['ovs-vsctl', 'list-ports', 'contiv0'], lab)).stdout.split('\n').filter((p) => p.startsWith('cv'));
  const veths = (await execIn(host, ['ip', '-o', 'link'], lab)).stdout.split('\n').filter((l) => /^\d+: c[vt][0-9a-f]{12}[@:]/.test(l));
  const flows = (await execIn(host, ['ovs-ofctl', '-O', 'OpenFlow14', 'dump-flows', 'contiv0'], lab)).stdout.split('\n').filter((l) => l.includes('cookie=0xc104'));
  const ids = (await execIn(host, ['ovs-vsctl', 'get', 'bridge', 'contiv0', 'external_ids'], lab)).stdout;
  return { ports: ports.length, veths: veths.length, flows: flows.length, held: (ids.match(/contiv\.held\./g) ?? []).length };
}

beforeAll(async () => {
  await labDown(CDNET.name, log);
  await labUp(CDNET, log);
  cpSync('examples/quickstart', dir, { recursive: true });
  // A second network of tenant default, on its own subnet, for docker network connect.
  writeFileSync(join(dir, 'other-net.yaml'), ['apiVersion: contiv.io/v1', 'kind: Network', 'metadata:', '  name: other-net', 'spec:', '  subnet: 10.1.3.0/24', '  gateway: 10.1.3.1', ''].join('\n'));
  ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
}, 300_000);

afterAll(async () => {
  try {
    await labDown(CDNET.name, log);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 300_000);

describe('docker containers on contiv networks', () => {
  it('docker network ls and inspect show every network and group with driver contiv, its subnet, gateway, tenant and group', async () => {
    expect(readFileSync(fabric, 'utf8')).toContain('runtimes: [cni, docker]');
    for (const h of ['h1', 'h2']) {
      const rows = (await docker(h, 'network', 'ls', '--filter', 'driver=contiv', '--format', '{{.Name}} {{.Driver}} {{.Scope}}')).split('\n').sort();
      expect(rows).toEqual(['contiv-net contiv local', 'contiv-net/blue contiv local', 'db-group contiv local', 'other-net contiv local', 'web-group contiv local']);
      const [blue] = JSON.parse(await docker(h, 'network', 'inspect', 'contiv-net/blue')) as Array<{ Driver: string; IPAM: { Driver: string; Config: Array<{ Subnet: string; Gateway: string }> }; Options: Record<string, string> }>;
      expect(blue).toMatchObject({ Driver: 'contiv', IPAM: { Driver: 'contiv', Config: [{ Subnet: '10.1.2.0/24', Gateway: '10.1.2.1' }] }, Options: { 'contiv.tenant': 'blue', 'contiv.network': 'contiv-net' } });
      const [db] = JSON.parse(await docker(h, 'network', 'inspect', 'db-group')) as Array<{ Options: Record<string, string> }>;
      expect(db!.Options).toEqual({ 'contiv.tenant': 'default', 'contiv.network': 'contiv-net', 'contiv.group': 'db-group' });
    }
  });

  it('docker run on two hosts, the same address in blue, and db-group reached only from web-group on tcp/5432 from its first packet', async () => {
    await server('h1', 'web1', 'web-group', 8080);
    await server('h2', 'plain2', 'contiv-net', 8080);
    await server('h2', 'db1', 'db-group', 5432);
    // Probed the moment docker run returned: the group's policy is in force already.
    const db = await inspect('h2', 'db1');
    expect(await probe('h1', 'web1', db.ip, 5432)).toBe('ok db1');
    expect(await probe('h2', 'plain2', db.ip, 5432)).toBe('timeout');
    const web = await inspect('h1', 'web1');
    expect(await probe('h2', 'plain2', web.ip, 8080)).toBe('ok web1');
    // Docker shows the address and MAC contiv gave, and the route through the gateway.
    expect(db.ip).toMatch(/^10\.1\.2\.\d+$/);
    expect(db.mac).toMatch(/^02:/);
    const route = await execIn('h2', ['nsenter', `--net=${db.netns}`, 'ip', '-4', 'route', 'show', 'default'], lab);
    expect(route.stdout.trim()).toBe('default via 10.1.2.1 dev eth0');
    // blue's contiv-net: db1's very address on h2 (each runtime host takes its own blocks' addresses), and one on h1.
    await server('h2', 'blue2', 'contiv-net/blue', 5432, ['--ip', db.ip]);
    expect((await inspect('h2', 'blue2')).ip).toBe(db.ip);
    await server('h1', 'blue1', 'contiv-net/blue', 8080);
    expect(await probe('h1', 'blue1', db.ip, 5432)).toBe('ok blue2');
    expect(await probe('h1', 'web1', db.ip, 5432)).toBe('ok db1');
    // An address only tenant default uses: nothing answers it in blue, not even ARP.
    const plain = await inspect('h2', 'plain2');
    expect(['timeout', 'error EHOSTUNREACH']).toContain(await probe('h1', 'blue1', plain.ip, 8080));
    expect(await probe('h1', 'web1', plain.ip, 8080)).toBe('ok plain2');
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
    // contiv's refusals reach the user as Docker shows a driver's error, and leave nothing.
    const before = await leftOn('h1');
    const refused = await execIn('h1', ['docker', 'run', '--rm', '--net', 'contiv-net', '--ip', '10.1.2.200', LAB_IMAGE, 'true'], lab);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('remote: contiv: 10.1.2.200 is not in an address block of h1');
    expect(await leftOn('h1')).toEqual(before);
    // Endpoints Docker made carry Docker's endpoint id: the same marks as every other endpoint's.
    expect(endpoints()).toContainEqual({ host: 'h2', ip: db.ip, tenant: 'default', container: db.endpoint });
  });

  it('docker network connect gives a running container a second interface, and disconnect takes it away again', async () => {
    const before = await leftOn('h1');
    await docker('h1', 'network', 'connect', 'other-net', 'web1');
    const other = await inspect('h1', 'web1', 'other-net');
    expect(other.ip).toMatch(/^10\.1\.3\.\d+$/);
    const eth1 = await execIn('h1', ['nsenter', `--net=${other.netns}`, 'ip', '-4', '-o', 'addr', 'show', 'eth1'], lab);
    expect(eth1.stdout).toContain(`inet ${other.ip}/24`);
    expect((await leftOn('h1')).ports).toBe(before.ports + 1);
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
    await docker('h1', 'network', 'disconnect', 'other-net', 'web1');
    expect(await leftOn('h1')).toEqual(before);
    // The first interface still works.
    expect(await probe('h2', 'plain2', (await inspect('h1', 'web1', 'web-group')).ip, 8080)).toBe('ok web1');
  });

  it('docker stop and docker rm leave nothing: veth, port, flows, address', async () => {
    const before = await leftOn('h2');
    const { ip } = await inspect('h2', 'plain2');
    await docker('h2', 'stop', '-t', '0', 'plain2');
    const after = { ports: before.ports - 1, veths: before.veths - 1, flows: before.flows - 3, held: 0 };
    expect(await leftOn('h2')).toEqual(after);
    await docker('h2', 'rm', 'plain2');
    expect(await leftOn('h2')).toEqual(after);
    expect(endpoints().some((e) => e.ip === ip && e.tenant === 'default')).toBe(false);
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
    // Its address is free again.
    await server('h2', 'again2', 'contiv-net', 8080, ['--ip', ip]);
    expect((await inspect('h2', 'again2')).ip).toBe(ip);
  });

  it('a killed plugin is a clear error on the next docker run; contiv apply restarts it and running containers never lost their network', async () => {
    const pid = (await execIn('h1', ['sh', '-c', 'read pid b < /run/contiv-docker.pid; echo $pid'], lab)).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    await execIn('h1', ['kill', '-9', pid], lab);
    const failed = await execIn('h1', ['docker', 'run', '--rm', '--net', 'contiv-net', LAB_IMAGE, 'true'], lab);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('/run/docker/plugins/contiv.sock');
    const plan = contiv(['plan', dir, '--fabric', fabric]);
    expect(plan.stdout).toMatch(/^h1:\n {2}\+ {3}Docker plugin contiv-docker build [0-9a-f]{12}: not running$/m);
    expect(plan.stdout.trim().split('\n').at(-1)).toBe('Plan: 1 to add, 0 to change, 0 to destroy.');
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(await probe('h2', 'again2', (await inspect('h1', 'web1')).ip, 8080)).toBe('ok web1');
    const ran = await docker('h1', 'run', '--rm', '--net', 'contiv-net', LAB_IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'eth0');
    expect(ran).toMatch(/inet 10\.1\.2\.\d+\/24/);
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
  });

  it('a Docker container on one host and a podman container on the other reach each other on contiv-net', async () => {
    const p = await execIn('h1', ['podman', 'run', '-d', '--name', 'pod1', '--network', 'contiv-net', LAB_IMAGE, 'sh', '-c', 'while true; do echo pod1 | nc -l -p 8080; done'], lab);
    expect(p.code, p.stderr).toBe(0);
    const [pod] = JSON.parse((await execIn('h1', ['podman', 'inspect', 'pod1'], lab)).stdout) as Array<{ NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string }> } }>;
    const podIp = pod!.NetworkSettings.Networks['contiv-net']!.IPAddress;
    expect(await probe('h2', 'again2', podIp, 8080)).toBe('ok pod1');
    expect(await probeFrom('h1', pod!.NetworkSettings.SandboxKey, 'pod1', (await inspect('h2', 'again2')).ip, 8080)).toBe('ok again2');
    // One address space for both runtimes: no address given twice.
    const ips = endpoints().filter((e) => e.tenant === 'default').map((e) => e.ip);
    expect(new Set(ips).size).toBe(ips.length);
  });

  it('dockerd restarted: a --restart always container comes back on its network, the others leave nothing behind', async () => {
    await server('h1', 'always1', 'contiv-net', 8080, ['--restart', 'always']);
    const dockerDir = labPaths(CDNET.name).host('h1').docker.dir;
    const pid = readFileSync(join(dockerDir, 'dockerd.pid'), 'utf8').trim();
    // As the lab starts it: in the host's own cgroups (so lab down finds it), its own session.
    const restart = [
      `kill ${pid}; while [ -e /proc/${pid} ]; do sleep 0.1; done`,
      'for f in /sys/fs/cgroup/*/cgroup.procs; do echo $$ > "$f" 2>/dev/null || true; done',
      `setsid dockerd --config-file /etc/docker/daemon.json </dev/null >>${join(dockerDir, 'dockerd.log')} 2>&1 &`,
      'n=0; until docker version >/dev/null 2>&1; do n=$((n+1)); [ $n -lt 300 ] || exit 1; sleep 0.1; done',
    ].join('\n');
    const r = await execIn('h1', ['sh', '-c', restart], lab);
    expect(r.code, r.stderr).toBe(0);
    let state = '';
    for (let i = 0; i < 50 && state !== 'running'; i++) {
      state = await docker('h1', 'inspect', '--format', '{{.State.Status}}', 'always1');
      if (state !== 'running') await new Promise((done) => setTimeout(done, 200));
    }
    expect(state).toBe('running');
    // Docker asks for an address again (the lowest free one unless the container has --ip).
    const { ip } = await inspect('h1', 'always1');
    expect(ip).toMatch(/^10\.1\.2\.\d+$/);
    expect(await probe('h2', 'again2', ip, 8080)).toBe('ok always1');
    // web1 and blue1 were stopped with dockerd: their endpoints went with them, nothing is held;
    // podman's pod1 never noticed.
    const [pod] = JSON.parse((await execIn('h1', ['podman', 'inspect', 'pod1'], lab)).stdout) as Array<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>;
    const shown = endpoints().filter((e) => e.host === 'h1');
    expect(shown.map((e) => e.ip).sort()).toEqual([ip, pod!.NetworkSettings.Networks['contiv-net']!.IPAddress].sort());
    expect((await leftOn('h1')).held).toBe(0);
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
  });

  it('a network that leaves the manifests leaves Docker, refused while a container uses it', async () => {
    const without = join(tmp, 'without-other-net');
    cpSync(dir, without, { recursive: true });
    rmSync(join(without, 'other-net.yaml'));
    await docker('h1', 'network', 'connect', 'other-net', 'always1');
    const refused = contiv(['plan', without, '--fabric', fabric]);
    expect(refused.status).toBe(1);
    // The container's endpoint on other-net refuses it, as any endpoint does (the plan stops there, nothing changes).
    expect(refused.stdout).toContain('error network-in-use: network default/other-net is not in the manifests but endpoints still use it: /run/docker/netns/');
    await docker('h1', 'network', 'disconnect', 'other-net', 'always1');
    // Docker releases the network's gateway while apply holds the host's lock: the plugin must not wait for it.
    ok(contiv(['apply', without, '--fabric', fabric, '--auto-approve'], { timeoutMs: 120_000 }));
    for (const h of ['h1', 'h2']) expect((await docker(h, 'network', 'ls', '--format', '{{.Name}}')).split('\n')).not.toContain('other-net');
    expect(ok(contiv(['plan', without, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
  });
});
