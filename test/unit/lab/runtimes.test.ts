import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { DOCKER_MOUNT_POINTS, PODMAN_MOUNT_POINTS } from '../../../src/lab/mountpoints.js';
import { planLab } from '../../../src/lab/plan.js';
import { DOCKER_PACKAGES, DOCKER_REQUIREMENTS, missingPackages, PODMAN_PACKAGES, PODMAN_REQUIREMENTS } from '../../../src/lab/preflight.js';
import {
  appletLinks,
  cgroupHierarchies,
  describeRuntimes,
  elfIsStatic,
  fabricRuntimes,
  hierarchyArgs,
  isRuntimeDaemon,
  normalizeRuntimes,
  parseRuntime,
  runtimeHierarchies,
  sameRuntimes,
} from '../../../src/lab/runtimes.js';
import { formatStatus, type LabStatus } from '../../../src/lab/status.js';
import { containerdConfig, containersConf, dockerDaemonJson, fabricYaml } from '../../../src/lab/texts.js';

const CPOD = { name: 'cpod', hosts: 2, mgmtSubnet: '198.18.102.0/24', underlaySubnet: '198.19.102.0/24' };
const files = { identityFile: '~/k', knownHostsFile: '~/kh' };

describe('lab --runtime', () => {
  it('takes podman and docker; refuses anything else as unknown, naming the valid values', () => {
    expect(parseRuntime('podman')).toBe('podman');
    expect(parseRuntime('docker')).toBe('docker');
    expect(parseRuntime(' docker ')).toBe('docker');
    expect(() => parseRuntime('rkt')).toThrow(UserError);
    expect(() => parseRuntime('rkt')).toThrow('unknown runtime "rkt"; the valid values are: podman, docker');
    expect(() => parseRuntime('Podman')).toThrow(/unknown runtime "Podman"/);
    expect(() => parseRuntime('Docker')).toThrow(/unknown runtime "Docker"/);
    expect(() => parseRuntime('')).toThrow(/unknown runtime ""/);
  });

  it('keeps each runtime once, and tells lab options with other runtimes apart', () => {
    expect(normalizeRuntimes(undefined)).toEqual([]);
    expect(normalizeRuntimes(['podman', 'podman'])).toEqual(['podman']);
    // One order, whatever the order of the options.
    expect(normalizeRuntimes(['docker', 'podman', 'docker'])).toEqual(['podman', 'docker']);
    expect(sameRuntimes(['docker', 'podman'], ['podman', 'docker'])).toBe(true);
    expect(sameRuntimes(['docker'], ['podman'])).toBe(false);
    expect(sameRuntimes(['docker'], ['podman', 'docker'])).toBe(false);
    expect(describeRuntimes(['docker', 'podman'])).toBe('runtimes podman, docker');
    expect(sameRuntimes(undefined, [])).toBe(true);
    expect(sameRuntimes(['podman'], ['podman', 'podman'])).toBe(true);
    expect(sameRuntimes(['podman'], [])).toBe(false);
    expect(sameRuntimes(undefined, ['podman'])).toBe(false);
    expect(describeRuntimes([])).toBe('no runtime');
    expect(describeRuntimes(['podman'])).toBe('runtimes podman');
    // planLab checks them too: the library refuses what the CLI refuses.
    expect(planLab({ ...CPOD, runtimes: ['podman'] }).runtimes).toEqual(['podman']);
    expect(planLab({ ...CPOD, runtimes: ['docker'] }).runtimes).toEqual(['docker']);
    expect(() => planLab({ ...CPOD, runtimes: ['lxc' as 'podman'] })).toThrow(UserError);
  });

  it('marks every host of a podman lab `runtimes: [cni]` in its Fabric, and no host of a lab without', () => {
    const withPodman = parse(fabricYaml(planLab({ ...CPOD, runtimes: ['podman'] }), files));
    expect(withPodman.spec.hosts).toEqual([
      { name: 'h1', address: '198.18.102.11', vtep: '198.19.102.11', datapath: 'netdev', runtimes: ['cni'] },
      { name: 'h2', address: '198.18.102.12', vtep: '198.19.102.12', datapath: 'netdev', runtimes: ['cni'] },
    ]);
    const without = parse(fabricYaml(planLab(CPOD), files));
    for (const h of without.spec.hosts) expect(h).not.toHaveProperty('runtimes');
  });

  it('marks hosts `runtimes: [docker]` with docker and `[cni, docker]` with both, and such a Fabric validates', () => {
    expect(fabricRuntimes(['docker'])).toEqual(['docker']);
    expect(fabricRuntimes(['docker', 'podman'])).toEqual(['cni', 'docker']);
    expect(fabricRuntimes([])).toEqual([]);
    for (const [runtimes, want] of [
      [['docker'], ['docker']],
      [['podman', 'docker'], ['cni', 'docker']],
    ] as const) {
      const text = fabricYaml(planLab({ ...CPOD, runtimes: [...runtimes] }), files);
      expect(parse(text).spec.hosts.map((h: { runtimes: string[] }) => h.runtimes)).toEqual([want, want]);
      expect(text).toContain(`2 hosts with ${runtimes.join(', ')}`);
      // The Fabric schema (schemas/fabric.schema.json) and the manifest rules accept it: contiv plans for such hosts.
      const loaded = loadManifests({ files: [], fabricFile: { path: 'fabric.yaml', absPath: '/lab/fabric.yaml', text }, home: '/root' });
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.model!.fabric.hosts.map((h) => h.runtimes)).toEqual([want, want]);
    }
  });

  it('configures dockerd to change nothing in the host’s network namespace, with the host’s own paths', () => {
    const conf = JSON.parse(dockerDaemonJson({ pidFile: '/lab/hosts/h1/docker/dockerd.pid' })) as Record<string, unknown>;
    expect(conf).toEqual({
      'data-root': '/var/lib/docker',
      'exec-root': '/run/docker',
      pidfile: '/lab/hosts/h1/docker/dockerd.pid',
      hosts: ['unix:///run/docker.sock'],
      containerd: '/run/containerd/containerd.sock',
      'exec-opts': ['native.cgroupdriver=cgroupfs'],
      'cgroup-parent': '/docker',
      bridge: 'none',
      iptables: false,
      'ip-forward': false,
      'ip-masq': false,
      'userland-proxy': false,
      'storage-driver': 'overlay2',
      'log-driver': 'json-file',
    });
  });

  it('configures containerd with the standard paths (the host’s own) and without its CRI plugin', () => {
    const lines = containerdConfig().split('\n');
    for (const l of ['version = 2', 'root = "/var/lib/containerd"', 'state = "/run/containerd"', '[grpc]', '  address = "/run/containerd/containerd.sock"', '  path = "/opt/containerd"']) {
      expect(lines).toContain(l);
    }
    const disabled = lines.find((l) => l.startsWith('disabled_plugins = '));
    expect(JSON.parse(disabled!.slice('disabled_plugins = '.length))).toContain('io.containerd.grpc.v1.cri');
    // The opt plugin's path sits under its own table.
    expect(lines.indexOf('  path = "/opt/containerd"') - lines.indexOf('[plugins."io.containerd.internal.v1.opt"]')).toBe(1);
  });

  it('mounts docker state on /var/lib/docker, /var/lib/containerd, /opt/containerd and /etc/docker', () => {
    expect(DOCKER_MOUNT_POINTS).toEqual([{ path: '/var/lib/docker' }, { path: '/var/lib/containerd' }, { path: '/opt/containerd' }, { path: '/etc/docker' }]);
  });

  it('signals a recorded docker daemon only while its pid runs that program', () => {
    expect(isRuntimeDaemon('dockerd', ['dockerd', '--config-file', '/etc/docker/daemon.json'])).toBe(true);
    expect(isRuntimeDaemon('dockerd', ['/usr/sbin/dockerd'])).toBe(true);
    expect(isRuntimeDaemon('containerd', ['containerd', '--config', '/x/containerd.toml'])).toBe(true);
    // A reused pid: another program, a shim, a name that merely ends the same way, a process gone.
    expect(isRuntimeDaemon('containerd', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby'])).toBe(false);
    expect(isRuntimeDaemon('dockerd', ['sleep', 'dockerd'])).toBe(false);
    expect(isRuntimeDaemon('dockerd', ['/usr/sbin/notdockerd'])).toBe(false);
    expect(isRuntimeDaemon('dockerd', ['containerd'])).toBe(false);
    expect(isRuntimeDaemon('dockerd', [])).toBe(false);
  });

  it('shows the docker daemons of each host in lab status', () => {
    const status: LabStatus = {
      name: 'cdock',
      state: 'up',
      dir: '/l',
      fabric: '/l/fabric.yaml',
      options: { hosts: 1, mgmtSubnet: '198.18.104.0/24', underlaySubnet: '198.19.104.0/24', runtimes: ['docker'] },
      healthy: false,
      problem: 'h1: dockerd not running',
      hosts: [{ name: 'h1', address: '198.18.104.11', vtep: '198.19.104.11', pids: { sshd: 10, 'ovsdb-server': 11, 'ovs-vswitchd': 12, containerd: 13 }, sshd: true, healthy: false, problem: 'dockerd not running' }],
      containers: [],
    };
    const text = formatStatus(status).split('\n');
    expect(text[0]).toBe('Lab cdock: up (h1: dockerd not running) — 1 hosts, management 198.18.104.0/24, underlay 198.19.104.0/24, docker in every host');
    expect(text[3]!.split(/\s+/)).toEqual(['HOST', 'ADDRESS', 'VTEP', 'SSHD', 'OVSDB', 'VSWITCHD', 'CONTAINERD', 'DOCKERD', 'STATUS']);
    expect(text[4]!.split(/\s+/).slice(0, 8)).toEqual(['h1', '198.18.104.11', '198.19.104.11', '10', '11', '12', '13', '-']);
    const noDocker = formatStatus({ ...status, options: { ...status.options, runtimes: ['podman'] } });
    expect(noDocker).not.toContain('DOCKERD');
  });

  it('writes podman settings that work in a lab host', () => {
    const conf = containersConf();
    const lines = conf.split('\n');
    // The one that is required: podman's default nofile exceeds the machine's hard limit.
    expect(lines).toContain('default_ulimits = []');
    expect(conf).toMatch(/^default_capabilities = \[.*"NET_RAW".*\]$/m);
    for (const l of ['runtime = "runc"', 'cgroup_manager = "cgroupfs"', 'events_logger = "file"', 'network_backend = "cni"']) expect(lines).toContain(l);
    // Each key under its own table, as containers.conf wants.
    const table = (key: string): string | undefined => {
      let current: string | undefined;
      for (const l of lines) {
        const t = /^\[(\w+)\]$/.exec(l);
        if (t) current = t[1];
        else if (l.startsWith(`${key} =`)) return current;
      }
      return undefined;
    };
    expect([table('default_ulimits'), table('default_capabilities'), table('network_backend'), table('runtime'), table('cgroup_manager')]).toEqual([
      'containers',
      'containers',
      'network',
      'engine',
      'engine',
    ]);
  });

  it('mounts podman state on /var/lib/containers, /var/lib/cni and the containers.conf file', () => {
    expect(PODMAN_MOUNT_POINTS).toEqual([
      { path: '/var/lib/containers' },
      { path: '/var/lib/cni' },
      { path: '/etc/containers/containers.conf', file: true },
    ]);
  });

  it('asks for podman, runc and busybox-static only when a lab wants podman', () => {
    const all = (): boolean => true;
    expect(missingPackages(all, ['podman'])).toEqual({ files: [], pkgs: [] });
    const noPodman = (f: string): boolean => !['podman', 'runc', '/bin/busybox'].includes(f);
    expect(missingPackages(noPodman)).toEqual({ files: [], pkgs: [] });
    expect(missingPackages(noPodman, ['podman'])).toEqual({ files: ['podman', 'runc', '/bin/busybox'], pkgs: ['podman', 'runc', 'busybox-static'] });
    // install-deps.sh installs each package whose file the check looks for (conmon comes with podman, tar is essential).
    for (const r of PODMAN_REQUIREMENTS) if (!['conmon', 'tar'].includes(r.pkg)) expect(PODMAN_PACKAGES).toContain(r.pkg);
    const script = readFileSync(new URL('../../../scripts/install-deps.sh', import.meta.url), 'utf8');
    for (const p of PODMAN_PACKAGES) expect(script).toMatch(new RegExp(`\\[${p}\\]=`));
  });

  it('asks for docker.io (dockerd, containerd, runc) and busybox-static only when a lab wants docker', () => {
    const noDocker = (f: string): boolean => !['dockerd', 'docker', 'containerd', 'containerd-shim-runc-v2', 'runc', '/bin/busybox'].includes(f);
    expect(missingPackages(noDocker)).toEqual({ files: [], pkgs: [] });
    expect(missingPackages(noDocker, ['podman'])).toEqual({ files: ['runc', '/bin/busybox'], pkgs: ['runc', 'busybox-static'] });
    expect(missingPackages(noDocker, ['docker'])).toEqual({
      files: ['dockerd', 'docker', 'containerd', 'containerd-shim-runc-v2', 'runc', '/bin/busybox'],
      pkgs: ['docker.io', 'containerd', 'runc', 'busybox-static'],
    });
    // Both runtimes: each file and package named once.
    const both = missingPackages((f) => !['runc', '/bin/busybox', 'tar', 'dockerd'].includes(f), ['podman', 'docker']);
    expect(both).toEqual({ files: ['runc', '/bin/busybox', 'tar', 'dockerd'], pkgs: ['runc', 'busybox-static', 'tar', 'docker.io'] });
    // install-deps.sh installs what the check looks for: docker.io pulls containerd and runc, setsid and tar are essential.
    for (const r of DOCKER_REQUIREMENTS) if (!['containerd', 'runc', 'util-linux', 'tar'].includes(r.pkg)) expect(DOCKER_PACKAGES).toContain(r.pkg);
    const script = readFileSync(new URL('../../../scripts/install-deps.sh', import.meta.url), 'utf8');
    for (const p of DOCKER_PACKAGES) expect(script).toMatch(new RegExp(`\\[${p.replace('.', '\\.')}\\]=`));
    // Probed by the daemon, not by a client that another docker installation may provide.
    expect(script).toContain('[docker.io]=/usr/sbin/dockerd');
  });
});

// This machine's kind of mountinfo (cgroup v1 hybrid), and a systemd one that co-mounts controllers.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const SYSTEMD = `25 18 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755
26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw,nsdelegate
27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:6 - cgroup cgroup rw,xattr,name=systemd
30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
31 25 0:29 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,net_cls,net_prio
32 25 0:30 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,devices
33 25 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
34 25 0:32 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpuset,clone_children
120 200 0:28 /contiv-x-h1 /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
`;
const V2_ONLY = `25 18 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

describe('cgroup hierarchies for runtimes in lab hosts', () => {
  it('finds each v1 hierarchy with a controller runc uses, as the machine mounts it', () => {
    expect(cgroupHierarchies(HYBRID).map(hierarchyArgs)).toEqual([
      ['cpu', 'cpu'],
      ['cpuacct', 'cpuacct'],
      ['cpuset', 'cpuset'],
      ['memory', 'memory'],
      ['devices', 'devices'],
      ['freezer', 'freezer'],
      ['blkio', 'blkio'],
      ['pids', 'pids'],
    ]);
    // Co-mounted controllers are mounted together (alone, cpu would be refused: EBUSY); no
    // name=systemd, no cgroup2, no hierarchy without a podman controller, no bind of a sub-tree.
    expect(cgroupHierarchies(SYSTEMD).map(hierarchyArgs)).toEqual([
      ['cpu,cpuacct', 'cpu,cpuacct'],
      ['devices', 'devices'],
      ['memory', 'memory'],
      ['cpuset', 'cpuset'],
    ]);
  });

  it('refuses a machine without the v1 devices controller, saying why', () => {
    expect(runtimeHierarchies(HYBRID)).toHaveLength(8);
    expect(runtimeHierarchies(HYBRID, ['docker'])).toEqual(runtimeHierarchies(HYBRID, ['podman']));
    expect(() => runtimeHierarchies(V2_ONLY)).toThrow(UserError);
    expect(() => runtimeHierarchies(V2_ONLY)).toThrow(/^--runtime podman needs the cgroup v1 "devices" controller.*no cgroup v1 controller mounted/);
    expect(() => runtimeHierarchies(V2_ONLY, ['docker'])).toThrow(/^--runtime docker needs the cgroup v1 "devices" controller/);
    expect(() => runtimeHierarchies(V2_ONLY, ['podman', 'docker'])).toThrow(/^--runtime podman and --runtime docker need the cgroup v1 "devices" controller/);
    const noDevices = HYBRID.split('\n').filter((l) => !l.includes('devices')).join('\n');
    expect(() => runtimeHierarchies(noDevices)).toThrow(/has only cpu, cpuacct, cpuset, memory, freezer, blkio, pids/);
  });
});

describe('the image of runtime hosts', () => {
  it('links every applet busybox lists, and nothing outside the image', () => {
    const list = 'bin/busybox\nbin/sh\nsbin/ip\nbin/ping\nusr/bin/nc\nusr/bin/[\nusr/bin/[[\nlinuxrc\n/etc/passwd\nbin/../../x\n\n';
    expect(appletLinks(list)).toEqual(['bin/sh', 'sbin/ip', 'bin/ping', 'usr/bin/nc', 'usr/bin/[', 'usr/bin/[[']);
  });

  it('tells a static ELF program from a dynamically linked one', () => {
    // A 64-bit little-endian ELF header with two program headers at offset 64 (56 bytes each).
    const elf = (types: number[]): Buffer => {
      const b = Buffer.alloc(64 + 56 * types.length);
      b.writeUInt32BE(0x7f454c46, 0);
      b[4] = 2;
      b[5] = 1;
      b.writeBigUInt64LE(64n, 0x20);
      b.writeUInt16LE(56, 0x36);
      b.writeUInt16LE(types.length, 0x38);
      types.forEach((t, i) => b.writeUInt32LE(t, 64 + 56 * i));
      return b;
    };
    expect(elfIsStatic(elf([1, 1, 4]))).toBe(true);
    expect(elfIsStatic(elf([6, 3, 1]))).toBe(false);
    expect(() => elfIsStatic(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80)))).toThrow(/not an ELF/);
    // The real programs of this machine: ls is dynamically linked; busybox-static, when installed, is not.
    expect(elfIsStatic(readFileSync('/bin/ls'))).toBe(false);
  });
});
