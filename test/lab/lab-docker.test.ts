/**
 * `contiv lab up --runtime docker`: a lab of its own (`cdock`, beside the suite's `ctest`), a
 * containerd and a dockerd in each host with its own data root, settings, sockets and cgroups,
 * dockerd changing nothing in the host's network namespace, and a `down` (or the next `up` of a
 * killed lab) that leaves nothing of it. Containers here have --net none: no packet leaves them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLabProcesses, labDown } from '../../src/lab/down.js';
import { otherLabs } from '../../src/lab/mountpoints.js';
import { labPaths } from '../../src/lab/paths.js';
import type { LabOptions } from '../../src/lab/plan.js';
import { planLab } from '../../src/lab/plan.js';
import { checkPackages } from '../../src/lab/preflight.js';
import { pidAlive, readPidFile, run } from '../../src/lab/proc.js';
import type { LabRecord } from '../../src/lab/record.js';
import { LAB_IMAGE } from '../../src/lab/runtimes.js';
import { labStatus } from '../../src/lab/status.js';
import { labUp } from '../../src/lab/up.js';
import { contiv } from '../support/cli.js';
import { cmdline, machineMountsOfLab, processesInLabCgroups, topCgroups } from '../harness/runtime-lab.js';
import { execIn, leftovers, netnsNames, readRecordFile, rootLinkNames, ssh } from '../harness/lab.js';

const CDOCK: LabOptions = { name: 'cdock', hosts: 2, mgmtSubnet: '198.18.104.0/24', underlaySubnet: '198.19.104.0/24', runtimes: ['docker'] };
const plan = planLab(CDOCK);
const dir = labPaths(CDOCK.name).dir;
const lab = { lab: CDOCK.name, timeoutMs: 60_000 };
const DOCKER_MOUNTS = ['/var/lib/docker', '/var/lib/containerd', '/opt/containerd', '/etc/docker'];

const log = (line: string): void => {
  process.stderr.write(`[lab ${CDOCK.name}] ${line}\n`);
};

const machineMounts = (): string[] => machineMountsOfLab(CDOCK.name, dir, (point) => DOCKER_MOUNTS.some((m) => point === m || point.startsWith(`${m}/`)) || point.startsWith('/run/docker'));
const inLabCgroups = (): number[] => processesInLabCgroups(CDOCK.name);

/** The recorded pids of a role (dockerd, containerd, sshd …), by host. */
function recordedPids(rec: LabRecord, role: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of rec.objects) if (o.kind === 'process' && o.role === role && o.pid !== undefined) out[o.host] = o.pid;
  return out;
}

function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

async function sysctl(ns: string, key: string): Promise<string> {
  const r = await run(['ip', 'netns', 'exec', ns, 'cat', `/proc/sys/${key.replaceAll('.', '/')}`]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

let cgroupsBefore = new Set<string>();
let machineForwarding = '';
let machineLinks: string[] = [];

beforeAll(async () => {
  // A missing docker.io fails here, with the command that installs it: never a skip.
  checkPackages(undefined, ['docker']);
  cgroupsBefore = topCgroups();
  machineForwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  machineLinks = await rootLinkNames();
  // A lab left by an earlier, killed run: removed by its record first.
  await labDown(CDOCK.name, log);
  try {
    const res = await labUp(CDOCK, log);
    expect(res.outcome).toBe('created');
    log(`up with docker: ${CDOCK.hosts} hosts in ${res.ms} ms`);
  } catch (err) {
    await labDown(CDOCK.name, log);
    throw err;
  }
});

afterAll(async () => {
  // Whatever a test did or failed to do, nothing of the lab stays.
  await labDown(CDOCK.name, log);
});

describe('lab up --runtime docker', () => {
  it('runs a dockerd in every host that answers plain `docker` with the host’s own data root, settings and image', async () => {
    const rec = readRecordFile(CDOCK.name) as LabRecord;
    const ids = new Set<string>();
    for (const h of plan.hosts) {
      const dp = labPaths(CDOCK.name).host(h.name).docker;
      // No DOCKER_HOST, no -H: /run/docker.sock is the host's own.
      const info = await execIn(h.name, ['env', '-u', 'DOCKER_HOST', '-u', 'DOCKER_CONTEXT', 'docker', 'info', '--format', '{{.ID}}|{{.DockerRootDir}}|{{.Driver}}|{{.CgroupDriver}}|{{.ServerVersion}}'], lab);
      expect(info.code, info.stderr).toBe(0);
      const [id, root, driver, cgroupDriver, version] = info.stdout.trim().split('|');
      ids.add(id!);
      expect([root, driver, cgroupDriver]).toEqual(['/var/lib/docker', 'overlay2', 'cgroupfs']);
      expect(version).toMatch(/^20\.10\./);
      // The host's /var/lib/docker and /etc/docker are the lab's directories of that host.
      const st = await execIn(h.name, ['stat', '-c', '%d:%i', '/var/lib/docker', '/etc/docker'], lab);
      const want = [dp.dataRoot, dp.etc].map((p) => `${statSync(p).dev}:${statSync(p).ino}`);
      expect(st.stdout.trim().split('\n')).toEqual(want);
      expect(existsSync(join(dp.etc, 'key.json'))).toBe(true);
      const images = await execIn(h.name, ['docker', 'images', '--format', '{{.Repository}}:{{.Tag}}'], lab);
      expect(images.stdout.trim().split('\n')).toEqual([LAB_IMAGE]);
      // The recorded daemons run that host's programs, in its network namespace.
      expect(cmdline(recordedPids(rec, 'dockerd')[h.name]!)).toBe('dockerd --config-file /etc/docker/daemon.json');
      expect(cmdline(recordedPids(rec, 'containerd')[h.name]!)).toBe(`containerd --config ${dp.containerdConfig}`);
      const rss = rssKb(recordedPids(rec, 'dockerd')[h.name]!) + rssKb(recordedPids(rec, 'containerd')[h.name]!);
      log(`${h.name}: dockerd + containerd ${Math.round(rss / 1024)} MB RSS idle`);
    }
    // Two daemons, two identities (each host's own /etc/docker/key.json).
    expect(ids.size).toBe(plan.hosts.length);
    // docker over SSH too: sshd's sessions reach the host's dockerd without any setting.
    const viaSsh = await ssh(plan.hosts[1]!.mgmtIp, 'docker version --format {{.Server.Version}}', { lab: CDOCK.name });
    expect(viaSsh.code, viaSsh.stderr).toBe(0);
    expect(viaSsh.stdout.trim()).toMatch(/^20\.10\./);
    const viaSudo = await ssh(plan.hosts[0]!.mgmtIp, 'sudo -n docker version --format {{.Server.Version}}', { lab: CDOCK.name, user: 'contivlab' });
    expect(viaSudo.code, viaSudo.stderr).toBe(0);
    expect(viaSudo.stdout.trim()).toMatch(/^20\.10\./);
    // The machine's own paths stay empty: everything is in the hosts' mount namespaces.
    for (const m of ['/var/lib/docker', '/var/lib/containerd']) expect(readdirSync(m), m).toEqual([]);
  });

  it('runs busybox with --net none on two hosts, in each host’s own cgroup tree', async () => {
    for (const h of plan.hosts) {
      const started = Date.now();
      const r = await execIn(
        h.name,
        ['docker', 'run', '--rm', '--net', 'none', LAB_IMAGE, 'sh', '-c', 'echo hi; busybox | head -1; ip -o link; cat /proc/self/cgroup'],
        lab,
      );
      log(`${h.name}: docker run --rm --net none in ${Date.now() - started} ms`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('hi');
      expect(r.stdout).toMatch(/^BusyBox v1\.\d+/m);
      // Only loopback: --net none gives the container nothing of the host's interfaces.
      expect(r.stdout).toMatch(/^1: lo: /m);
      expect(r.stdout).not.toMatch(/mgmt0|ul0|br-phy|eth0/);
      // The cgroup parent /docker is the host's own: contiv-cdock-hN/docker on the machine.
      expect(r.stdout).toMatch(new RegExp(`^\\d+:devices:/contiv-${CDOCK.name}-${h.name}/docker/[0-9a-f]{64}$`, 'm'));
      // --rm left nothing.
      expect((await execIn(h.name, ['docker', 'ps', '-a', '-q'], lab)).stdout.trim()).toBe('');
    }
  });

  it('gives each host its own containers and images', async () => {
    for (const h of plan.hosts) {
      const r = await execIn(h.name, ['docker', 'run', '-d', '--name', `web-${h.name}`, '--net', 'none', LAB_IMAGE, 'sleep', '600'], lab);
      expect(r.code, r.stderr).toBe(0);
    }
    const t = await execIn('h1', ['docker', 'tag', LAB_IMAGE, 'localhost/only-h1:1'], lab);
    expect(t.code, t.stderr).toBe(0);
    for (const h of plan.hosts) {
      const ps = await execIn(h.name, ['docker', 'ps', '-a', '--format', '{{.Names}} {{.Status}}'], lab);
      expect(ps.stdout.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^web-${h.name} Up`))]);
      const images = await execIn(h.name, ['docker', 'images', '--format', '{{.Repository}}:{{.Tag}}'], lab);
      expect(images.stdout.trim().split('\n').sort()).toEqual(h.name === 'h1' ? [LAB_IMAGE, 'localhost/only-h1:1'] : [LAB_IMAGE]);
    }
    // While containers run, the machine's own mount table has no mount of the lab's docker.
    expect(machineMounts()).toEqual([]);
  });

  it('leaves the hosts’ network namespaces (and the machine’s) as they were: no docker0, no forwarding, no rules', async () => {
    // The fabric namespace never ran dockerd: the kernel's defaults for a namespace of this machine.
    const forwarding = await sysctl(plan.fabricNs, 'net.ipv4.ip_forward');
    for (const h of plan.hosts) {
      const links = await execIn(h.name, ['ip', '-o', 'link', 'show'], lab);
      const names = links.stdout.trim().split('\n').map((l) => l.split(': ')[1]!.split('@')[0]);
      expect(names.sort()).toEqual(['br-phy', 'lo', 'mgmt0', 'ovs-netdev', 'ul0']);
      expect(await sysctl(h.netns, 'net.ipv4.ip_forward')).toBe(forwarding);
      expect(await sysctl(h.netns, 'net.ipv4.conf.all.forwarding')).toBe(forwarding);
      const nft = await execIn(h.name, ['nft', 'list', 'ruleset'], lab);
      expect(nft.code, nft.stderr).toBe(0);
      expect(nft.stdout.trim()).toBe('');
      const ipt = await execIn(h.name, ['iptables-save'], lab);
      expect(ipt.stdout.split('\n').filter((l) => /^[-:]/.test(l))).toEqual([]);
      const routes = await execIn(h.name, ['ip', '-o', '-4', 'route', 'show'], lab);
      expect(routes.stdout.trim().split('\n').map((l) => l.split(' ')[0]).sort()).toEqual([CDOCK.mgmtSubnet, CDOCK.underlaySubnet].sort());
    }
    expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()).toBe(machineForwarding);
    // (No machine-wide docker runs here: a docker0 would be this lab's.)
    expect(machineLinks).not.toContain('docker0');
    expect(await rootLinkNames()).not.toContain('docker0');
    expect(await rootLinkNames()).toContain(plan.rootIf);
  });

  it('marks every host `runtimes: [docker]` in the lab’s Fabric, which contiv validates', () => {
    const fabric = parse(readFileSync(labPaths(CDOCK.name).fabric, 'utf8'));
    expect(fabric.spec.hosts.map((h: { name: string; runtimes?: string[] }) => [h.name, h.runtimes])).toEqual([
      ['h1', ['docker']],
      ['h2', ['docker']],
    ]);
    const v = contiv(['validate', 'examples/quickstart', '--fabric', labPaths(CDOCK.name).fabric]);
    expect(v.status, v.stderr + v.stdout).toBe(0);
  });

  it('shows the runtime and its daemons in lab status; says the same lab is up and refuses other runtimes', async () => {
    const s = (await labStatus(CDOCK.name))!;
    expect(s.state).toBe('up');
    expect(s.options.runtimes).toEqual(['docker']);
    const rec = readRecordFile(CDOCK.name) as LabRecord;
    for (const h of s.hosts) {
      expect(h.pids.dockerd).toBe(recordedPids(rec, 'dockerd')[h.name]);
      expect(h.pids.containerd).toBe(recordedPids(rec, 'containerd')[h.name]);
    }
    const text = contiv(['lab', 'status', '--name', CDOCK.name]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('docker in every host');
    expect(text.stdout).toMatch(/CONTAINERD\s+DOCKERD\s+STATUS/);

    expect((await labUp(CDOCK)).outcome).toBe('already-up');
    await expect(labUp({ ...CDOCK, runtimes: ['podman', 'docker'] })).rejects.toThrow(/already up with 2 hosts \(.*runtimes docker\).*runtimes podman, docker.*lab down --name cdock/s);
    // The lab was not touched: both containers still run.
    for (const h of plan.hosts) expect((await execIn(h.name, ['docker', 'ps', '-q'], lab)).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('down stops dockerd and containerd by pid, removes every container, shim, mount, cgroup and namespace', async () => {
    const rec = readRecordFile(CDOCK.name) as LabRecord;
    const procs = findLabProcesses(rec);
    const daemons = [...Object.values(recordedPids(rec, 'dockerd')), ...Object.values(recordedPids(rec, 'containerd'))];
    expect(daemons).toHaveLength(4);
    for (const p of daemons) expect(procs).toContain(p);
    // Each container's shim and PID 1 are found (in the host's cgroups), not only the daemons.
    expect(procs.filter((p) => cmdline(p).startsWith('/usr/bin/containerd-shim-runc-v2 '))).toHaveLength(2);
    expect(procs.filter((p) => cmdline(p) === 'sleep 600')).toHaveLength(2);
    const cgroups = rec.objects.flatMap((o) => (o.kind === 'cgroup' ? [o.path] : []));
    expect(cgroups.length).toBeGreaterThanOrEqual(plan.hosts.length);
    expect(cgroups.every(existsSync)).toBe(true);
    const mountpoints = rec.objects.flatMap((o) => (o.kind === 'mountpoint' ? [o.path] : []));

    // h2 as after a crash of its sshd: down enters h2 through its dockerd instead, to remove its
    // container (else dockerd would give it 10 s to stop: sleep ignores SIGTERM).
    const h2sshd = readPidFile(labPaths(CDOCK.name).host('h2').sshdPid)!;
    process.kill(h2sshd, 'SIGKILL');
    for (let i = 0; i < 100 && pidAlive(h2sshd); i++) await new Promise((r) => setTimeout(r, 20));
    expect(pidAlive(h2sshd)).toBe(false);
    const others = otherLabs(CDOCK.name);
    const lines: string[] = [];
    const started = Date.now();
    const res = await labDown(CDOCK.name, (l) => lines.push(l));
    log(`down in ${Date.now() - started} ms: ${lines.join('; ')}`);
    expect(res.warnings).toEqual([]);
    expect(lines).toContain('h1: removed 1 docker container');
    expect(lines).toContain('h2: removed 1 docker container');
    expect(Date.now() - started).toBeLessThan(8000);

    expect(await leftovers(CDOCK, rec, procs)).toEqual([]);
    expect(inLabCgroups()).toEqual([]);
    expect(machineMounts()).toEqual([]);
    for (const c of cgroups) expect(existsSync(c), c).toBe(false);
    expect([...topCgroups()].filter((c) => !cgroupsBefore.has(c))).toEqual([]);
    expect((await netnsNames()).filter((n) => n.startsWith(`contiv-${CDOCK.name}-`))).toEqual([]);
    // The mount points it made: gone, unless another lab is up (then said, and still empty).
    for (const m of mountpoints) {
      if (others.length === 0) expect(existsSync(m), m).toBe(false);
      else {
        expect(res.extra.join(' ')).toContain(m);
        expect(existsSync(m), m).toBe(true);
      }
    }
  });

  // Here no daemon is left to ask: the container and its shim go with the host's cgroups.
  it('a killed lab with docker is removed by the next up, and a docker setup that failed half-way by down', async () => {
    try {
      expect((await labUp(CDOCK, log)).outcome).toBe('created');
      const r = await execIn('h1', ['docker', 'run', '-d', '--net', 'none', LAB_IMAGE, 'sleep', '600'], lab);
      expect(r.code, r.stderr).toBe(0);
      const killed = readRecordFile(CDOCK.name) as LabRecord;
      const before = findLabProcesses(killed);
      const container = before.filter((p) => cmdline(p) === 'sleep 600');
      expect(container).toHaveLength(1);
      // Killed: every recorded daemon of every host (sshd, OVS, containerd, dockerd) at once, as a
      // crash or kill -9 leaves it; the container and its shim outlive them.
      for (const o of killed.objects) if (o.kind === 'process' && o.pid !== undefined) process.kill(o.pid, 'SIGKILL');
      await new Promise((res) => setTimeout(res, 200));
      expect(pidAlive(container[0]!)).toBe(true);
      expect((await labStatus(CDOCK.name))!.state).toBe('stale');

      // The next up recognises it, removes it by its record (container and shim included), and
      // builds again — here failing on h2's docker, to leave a half-made lab for down.
      const lines: string[] = [];
      await expect(labUp({ ...CDOCK, failAt: 'docker:h2' }, (l) => lines.push(l))).rejects.toThrow(/failure injected/);
      expect(lines[0]).toMatch(/^Lab cdock is stale \(.*not running\): removing it by its record and rebuilding\.$/);
      // Nothing of the killed lab runs any more: its container and shim neither.
      expect(before.filter(pidAlive).map((p) => `${p} ${cmdline(p)}`)).toEqual([]);
      const failed = readRecordFile(CDOCK.name) as LabRecord;
      expect(failed.state).toBe('failed');
      const procs = findLabProcesses(failed);
      expect(Object.keys(recordedPids(failed, 'dockerd')).sort()).toEqual(['h1', 'h2']);
      const res = await labDown(CDOCK.name, log);
      expect(res.warnings).toEqual([]);
      expect(await leftovers(CDOCK, failed, procs)).toEqual([]);
      expect(inLabCgroups()).toEqual([]);
      expect(machineMounts()).toEqual([]);
      expect([...topCgroups()].filter((c) => !cgroupsBefore.has(c))).toEqual([]);
    } finally {
      await labDown(CDOCK.name, log);
    }
  });
});
