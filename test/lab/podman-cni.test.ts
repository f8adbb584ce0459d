/**
 * Containers from real podman join contiv networks (issue 12), on a podman lab of its own
 * (`cpcn`): `podman run --network contiv-net` on two hosts, `contiv-net.blue` with the same
 * address, a container in db-group that only web-group reaches on tcp/5432 — with packets;
 * `contiv plan` then says No changes; `podman stop` leaves nothing, nor does `rm` after it; a
 * container started while an apply changes the same host. Probes run node in a container's namespace (nsenter on its
 * host), so blocked (silence) is told from refused and from a probe that could not run.
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
import { contiv, spawnContiv } from '../support/cli.js';
import { okRun, probeFromNetns, shownEndpoints, type ShownEndpoint } from '../harness/container-probe.js';

const CPCN: LabOptions = { name: 'cpcn', hosts: 2, mgmtSubnet: '198.18.103.0/24', underlaySubnet: '198.19.103.0/24', runtimes: ['podman'] };
const lab = { lab: CPCN.name, timeoutMs: 60_000 };
const fabric = labPaths(CPCN.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-podman-'));
const dir = join(tmp, 'quickstart');
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const log = (line: string): void => {
  process.stderr.write(`[lab ${CPCN.name}] ${line}\n`);
};

const ok = okRun;

async function podman(host: string, ...args: string[]): Promise<string> {
  const r = await execIn(host, ['podman', ...args], lab);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} on ${host} (exit ${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** A container that answers every TCP connection on `port` with its name. */
async function server(host: string, name: string, network: string, port: number, extra: string[] = []): Promise<void> {
  await podman(host, 'run', '-d', '--name', name, '--network', network, ...extra, LAB_IMAGE, 'sh', '-c', `while true; do echo ${name} | nc -l -p ${port}; done`);
}

interface Seen {
  ip: string;
  netns: string;
}

async function inspect(host: string, name: string): Promise<Seen> {
  const out = JSON.parse(await podman(host, 'inspect', name)) as Array<{ NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string }> } }>;
  const nets = Object.values(out[0]!.NetworkSettings.Networks);
  return { ip: nets[0]!.IPAddress, netns: out[0]!.NetworkSettings.SandboxKey };
}

/** connect() from a podman container's namespace: 'ok NAME', 'timeout' (dropped), 'error …'; throws if the probe could not run. */
async function probe(host: string, from: string, ip: string, port: number): Promise<string> {
  return probeFromNetns(lab, host, (await inspect(host, from)).netns, from, ip, port);
}

const endpoints = (): ShownEndpoint[] => shownEndpoints(dir, fabric);

beforeAll(async () => {
  await labUp(CPCN, log);
  cpSync('examples/quickstart', dir, { recursive: true });
  ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
}, 300_000);

afterAll(async () => {
  try {
    await labDown(CPCN.name, log);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 300_000);

describe('podman containers on contiv networks', () => {
  it('the lab marks its hosts as cni hosts, and apply gave every host the plugin and the networks', async () => {
    expect(readFileSync(fabric, 'utf8')).toContain('runtimes: [cni]');
    for (const h of ['h1', 'h2']) {
      const nets = await podman(h, 'network', 'ls', '--format', '{{.Name}}');
      for (const n of ['contiv-net', 'contiv-net.blue', 'web-group', 'db-group']) expect(nets.split('\n')).toContain(n);
    }
  });

  it('podman run on two hosts, the same address in blue, and db-group reached only from web-group on tcp/5432', async () => {
    await server('h1', 'web1', 'web-group', 8080);
    await server('h2', 'db1', 'db-group', 5432);
    await server('h2', 'plain2', 'contiv-net', 8080);
    const db = await inspect('h2', 'db1');
    const web = await inspect('h1', 'web1');
    expect(db.ip).toMatch(/^10\.1\.2\.\d+$/);
    // blue's contiv-net: a container with db1's very address (a runtime takes addresses of its own
    // host's blocks: h2's blue reserve holds it), and one on h1. Each tenant reaches its own.
    await server('h2', 'blue1', 'contiv-net.blue', 5432, ['--ip', db.ip]);
    expect((await inspect('h2', 'blue1')).ip).toBe(db.ip);
    await server('h1', 'blue2', 'contiv-net.blue', 8080);
    expect(await probe('h1', 'web1', db.ip, 5432)).toBe('ok db1');
    expect(await probe('h1', 'blue2', db.ip, 5432)).toBe('ok blue1');
    // The quickstart's policy: db-group denies tcp but 5432 from web-group.
    expect(await probe('h2', 'plain2', db.ip, 5432)).toBe('timeout');
    expect(await probe('h2', 'plain2', web.ip, 8080)).toBe('ok web1');
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
    // Endpoints a runtime made carry its container id; the same marks as contiv attach's.
    const id = await podman('h2', 'inspect', '--format', '{{.Id}}', 'db1');
    expect(endpoints()).toContainEqual({ host: 'h2', ip: db.ip, tenant: 'default', container: id });
  });

  it('podman stop leaves nothing (veth, port, flows, address), and rm after it removes nothing more', async () => {
    const { ip } = await inspect('h2', 'plain2');
    const onH2 = async () => {
      const flows = (await execIn('h2', ['ovs-ofctl', '-O', 'OpenFlow14', 'dump-flows', 'contiv0'], lab)).stdout.split('\n').filter((l) => l.includes('cookie=0xc104'));
      const veths = (await execIn('h2', ['ip', '-o', 'link'], lab)).stdout.split('\n').filter((l) => /^\d+: cv[0-9a-f]{12}[@:]/.test(l));
      return { endpoints: endpoints().filter((e) => e.host === 'h2').length, flows: flows.length, veths: veths.length };
    };
    const before = await onH2();
    expect(before.flows).toBe(3 * before.endpoints);
    await podman('h2', 'stop', '-t', '0', 'plain2');
    const after = { endpoints: before.endpoints - 1, flows: before.flows - 3, veths: before.veths - 1 };
    expect(await onH2()).toEqual(after);
    // podman runs DEL again on rm: nothing left to remove is success, and nothing else goes.
    await podman('h2', 'rm', '-f', '-t', '0', 'plain2');
    expect(await onH2()).toEqual(after);
    expect(endpoints().some((e) => e.ip === ip && e.tenant === 'default')).toBe(false);
    expect(ok(contiv(['plan', dir, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
    // Its address is free again: the next container on h2 may take it.
    await server('h2', 'again2', 'contiv-net', 8080, ['--ip', ip]);
    expect((await inspect('h2', 'again2')).ip).toBe(ip);
  });

  it('a container started while an apply changes the same host gets its endpoint, and the plan then says No changes', async () => {
    const variant = join(tmp, 'with-rule');
    cpSync(dir, variant, { recursive: true });
    const policies = join(variant, 'policies.yaml');
    writeFileSync(policies, readFileSync(policies, 'utf8').replace('      action: allow\n', '      action: allow\n    - id: "3"\n      direction: in\n      priority: 20\n      protocol: udp\n      port: 53\n      action: allow\n'));
    const [applied] = await Promise.all([spawnContiv(['apply', variant, '--fabric', fabric, '--auto-approve']), server('h1', 'during1', 'contiv-net', 8080)]);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    const { ip } = await inspect('h1', 'during1');
    expect(endpoints().some((e) => e.ip === ip && e.host === 'h1')).toBe(true);
    expect(ok(contiv(['plan', variant, '--fabric', fabric])).trim()).toBe(NO_CHANGES);
    expect(await probe('h2', 'again2', ip, 8080)).toBe('ok during1');
  });
});
