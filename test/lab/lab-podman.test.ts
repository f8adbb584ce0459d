/**
 * `contiv lab up --runtime podman`: a lab of its own (`cpod`, beside the suite's `ctest`), podman
 * in each host with its own storage, CNI cache, settings and cgroups, and a `down` that leaves
 * nothing of it. Packets stay inside the lab's namespaces (containers here have --network none).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLabProcesses, labDown } from '../../src/lab/down.js';
import { otherLabs } from '../../src/lab/mountpoints.js';
import { labPaths } from '../../src/lab/paths.js';
import type { LabOptions } from '../../src/lab/plan.js';
import { planLab } from '../../src/lab/plan.js';
import { pidAlive, readPidFile } from '../../src/lab/proc.js';
import type { LabRecord } from '../../src/lab/record.js';
import { LAB_IMAGE } from '../../src/lab/runtimes.js';
import { labUp } from '../../src/lab/up.js';
import { contiv } from '../support/cli.js';
import { cmdline, machineMountsOfLab, processesInLabCgroups, topCgroups } from '../harness/runtime-lab.js';
import { execIn, leftovers, readRecordFile } from '../harness/lab.js';

const CPOD: LabOptions = { name: 'cpod', hosts: 2, mgmtSubnet: '198.18.102.0/24', underlaySubnet: '198.19.102.0/24', runtimes: ['podman'] };
const plan = planLab(CPOD);
const dir = labPaths(CPOD.name).dir;
const lab = { lab: CPOD.name, timeoutMs: 60_000 };
const PODMAN_MOUNTS = ['/var/lib/containers', '/var/lib/cni', '/etc/containers/containers.conf'];

const log = (line: string): void => {
  process.stderr.write(`[lab ${CPOD.name}] ${line}\n`);
};

const machineMounts = (): string[] => machineMountsOfLab(CPOD.name, dir, (point) => PODMAN_MOUNTS.includes(point) || point.startsWith('/var/lib/containers/'));
const inLabCgroups = (): number[] => processesInLabCgroups(CPOD.name);

let cgroupsBefore = new Set<string>();
let upMs = 0;

beforeAll(async () => {
  cgroupsBefore = topCgroups();
  // A lab left by an earlier, killed run: removed by its record first.
  await labDown(CPOD.name, log);
  try {
    const res = await labUp(CPOD, log);
    expect(res.outcome).toBe('created');
    upMs = res.ms;
    log(`up with podman: ${CPOD.hosts} hosts in ${upMs} ms`);
  } catch (err) {
    await labDown(CPOD.name, log);
    throw err;
  }
});

afterAll(async () => {
  // Whatever a test did or failed to do, nothing of the lab stays.
  await labDown(CPOD.name, log);
});

describe('lab up --runtime podman', () => {
  it('runs a container with --network none on every host, in the host’s own cgroup tree', async () => {
    for (const h of plan.hosts) {
      const started = Date.now();
      const r = await execIn(
        h.name,
        ['podman', 'run', '--rm', '--network', 'none', LAB_IMAGE, 'sh', '-c', 'ip addr; ping -c1 -W2 127.0.0.1; readlink /usr/bin/nc; cat /proc/self/cgroup'],
        lab,
      );
      log(`${h.name}: podman run --rm --network none in ${Date.now() - started} ms`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('inet 127.0.0.1/8');
      expect(r.stdout).toContain('1 packets transmitted, 1 packets received');
      // Only loopback: --network none gives the container nothing of the host's interfaces.
      expect(r.stdout).not.toMatch(/mgmt0|ul0|br-phy/);
      expect(r.stdout).toMatch(/^\/bin\/busybox$/m); // nc, an applet link like sh, ip and ping
      // The cgroup parent is the host's own: contiv-cpod-hN on the machine.
      expect(r.stdout).toMatch(new RegExp(`^\\d+:devices:/contiv-${CPOD.name}-${h.name}/libpod_parent/libpod-[0-9a-f]{64}$`, 'm'));
      // --rm left nothing.
      expect((await execIn(h.name, ['podman', 'ps', '-a', '-q'], lab)).stdout.trim()).toBe('');
    }
  });

  it('gives each host its own containers, images and storage, none on the machine', async () => {
    const ids: Record<string, string> = {};
    for (const h of plan.hosts) {
      const r = await execIn(h.name, ['podman', 'run', '-d', '--name', `web-${h.name}`, '--network', 'none', LAB_IMAGE, 'sleep', '600'], lab);
      expect(r.code, r.stderr).toBe(0);
      ids[h.name] = r.stdout.trim();
    }
    const t = await execIn('h1', ['podman', 'tag', LAB_IMAGE, 'localhost/only-h1:1'], lab);
    expect(t.code, t.stderr).toBe(0);

    for (const h of plan.hosts) {
      const ps = await execIn(h.name, ['podman', 'ps', '-a', '--format', '{{.Names}} {{.Status}}'], lab);
      expect(ps.stdout.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^web-${h.name} Up`))]);
      const images = await execIn(h.name, ['podman', 'images', '--format', '{{.Repository}}:{{.Tag}}'], lab);
      expect(images.stdout.trim().split('\n').sort()).toEqual(h.name === 'h1' ? ['localhost/contiv-lab:latest', 'localhost/only-h1:1'] : ['localhost/contiv-lab:latest']);
      // Its storage is in the lab directory, the other host's and the machine's have none of it.
      const own = labPaths(CPOD.name).host(h.name).podman.storage;
      const other = labPaths(CPOD.name).host(h.name === 'h1' ? 'h2' : 'h1').podman.storage;
      expect(existsSync(join(own, 'storage', 'overlay-containers', ids[h.name]!))).toBe(true);
      expect(existsSync(join(other, 'storage', 'overlay-containers', ids[h.name]!))).toBe(false);
      expect(existsSync(join('/var/lib/containers', 'storage', 'overlay-containers', ids[h.name]!))).toBe(false);
      // Its settings are the lab's file, its CNI directories its own.
      const conf = await execIn(h.name, ['cat', '/etc/containers/containers.conf'], lab);
      expect(conf.stdout).toContain('default_ulimits = []');
      const info = await execIn(h.name, ['podman', 'info', '--format', '{{.Store.GraphRoot}} {{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Host.NetworkBackend}}'], lab);
      expect(info.stdout.trim()).toBe('/var/lib/containers/storage runc cgroupfs cni');
    }
    // While containers run, the machine's own mount table has no mount of the lab's podman.
    expect(machineMounts()).toEqual([]);
  });

  it('marks every host `runtimes: [cni]` in the lab’s Fabric', () => {
    const fabric = parse(readFileSync(labPaths(CPOD.name).fabric, 'utf8'));
    expect(fabric.spec.hosts.map((h: { name: string; runtimes?: string[] }) => [h.name, h.runtimes])).toEqual([
      ['h1', ['cni']],
      ['h2', ['cni']],
    ]);
  });

  it('says the same lab is up, refuses another runtime set, and refuses unknown runtimes as the user’s mistake', async () => {
    expect((await labUp(CPOD)).outcome).toBe('already-up');
    await expect(labUp({ ...CPOD, runtimes: [] })).rejects.toThrow(/already up with 2 hosts \(.*runtimes podman\).*no runtime.*lab down --name cpod/s);
    const docker = contiv(['lab', 'up', '--name', CPOD.name, '--hosts', '2', '--mgmt-subnet', CPOD.mgmtSubnet, '--underlay-subnet', CPOD.underlaySubnet, '--runtime', 'docker']);
    expect(docker.status).toBe(1);
    expect(docker.stderr).toMatch(/already up with 2 hosts \(.*runtimes podman\).*\(asked: 2 hosts, runtimes docker\)/s);
    expect(docker.stderr).not.toMatch(/Internal error/);
    const other = contiv(['lab', 'up', '--name', CPOD.name, '--runtime', 'podman', '--runtime', 'lxc']);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('unknown runtime "lxc"; the valid values are: podman, docker');
    // The lab was not touched: both containers still run.
    for (const h of plan.hosts) expect((await execIn(h.name, ['podman', 'ps', '-q'], lab)).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('down removes every container (podman rm while the host runs, else by cgroup), process, mount, cgroup and mount point', async () => {
    const rec = readRecordFile(CPOD.name) as LabRecord;
    const procs = findLabProcesses(rec);
    // conmon and each container's PID 1 are found (through the hosts' cgroups), not only the daemons.
    const conmons = procs.filter((p) => cmdline(p).startsWith('/usr/bin/conmon '));
    const sleeps = procs.filter((p) => cmdline(p) === 'sleep 600');
    expect(conmons).toHaveLength(2);
    expect(sleeps).toHaveLength(2);
    const cgroups = rec.objects.flatMap((o) => (o.kind === 'cgroup' ? [o.path] : []));
    expect(cgroups.length).toBeGreaterThanOrEqual(plan.hosts.length);
    expect(cgroups.every(existsSync)).toBe(true);
    const mountpoints = rec.objects.flatMap((o) => (o.kind === 'mountpoint' ? [o.path] : []));

    // h2 as after a crash of its sshd: down cannot run podman there; its container must go all the same.
    const h2sshd = readPidFile(labPaths(CPOD.name).host('h2').sshdPid)!;
    process.kill(h2sshd, 'SIGKILL');
    for (let i = 0; i < 100 && pidAlive(h2sshd); i++) await new Promise((r) => setTimeout(r, 20));
    expect(pidAlive(h2sshd)).toBe(false);
    const others = otherLabs(CPOD.name);
    const lines: string[] = [];
    const res = await labDown(CPOD.name, (l) => lines.push(l));
    log(`down: ${lines.join('; ')}`);
    expect(res.warnings).toEqual([]);
    expect(lines).toContain('h1: removed 1 podman container');
    expect(lines.some((l) => l.startsWith('h2:'))).toBe(false);

    expect(await leftovers(CPOD, rec, procs)).toEqual([]);
    expect(inLabCgroups()).toEqual([]);
    expect(machineMounts()).toEqual([]);
    for (const c of cgroups) expect(existsSync(c), c).toBe(false);
    expect([...topCgroups()].filter((c) => !cgroupsBefore.has(c))).toEqual([]);
    // The mount points it made: gone, unless another lab is up (then said, and still empty).
    for (const m of mountpoints) {
      if (others.length === 0) expect(existsSync(m), m).toBe(false);
      else {
        expect(res.extra.join(' ')).toContain(m);
        expect(existsSync(m), m).toBe(true);
      }
    }
  });

  it('cleans a podman setup that failed half-way with down', async () => {
    try {
      await expect(labUp({ ...CPOD, failAt: 'podman:h2' })).rejects.toThrow(/failure injected/);
      const rec = readRecordFile(CPOD.name) as LabRecord;
      expect(rec.state).toBe('failed');
      const cgroups = rec.objects.flatMap((o) => (o.kind === 'cgroup' ? [o.path] : []));
      expect(cgroups.filter((c) => c.endsWith('-h2')).every(existsSync)).toBe(true);
      // A container on h2 started before the failure would otherwise outlive the lab.
      const r = await execIn('h2', ['podman', 'run', '-d', '--network', 'none', LAB_IMAGE, 'sleep', '600'], lab);
      expect(r.code, r.stderr).toBe(0);
      const procs = findLabProcesses(rec);
      expect(procs.filter((p) => cmdline(p) === 'sleep 600')).toHaveLength(1);
      const res = await labDown(CPOD.name, log);
      expect(res.warnings).toEqual([]);
      expect(await leftovers(CPOD, rec, procs)).toEqual([]);
      expect(inLabCgroups()).toEqual([]);
      expect(machineMounts()).toEqual([]);
      for (const c of cgroups) expect(existsSync(c), c).toBe(false);
    } finally {
      await labDown(CPOD.name, log);
    }
  });
});
