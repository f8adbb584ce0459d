import { UserError } from '../cli/errors.js';

/**
 * Container runtimes a lab can set up in every host (`contiv lab up --runtime NAME`), and the
 * pure parts of their setup: parsing the option, the machine's cgroup hierarchies, the image's
 * file list. Pure: unit-tested.
 */
export const LAB_RUNTIMES = ['podman', 'docker'] as const;
export type LabRuntime = (typeof LAB_RUNTIMES)[number];

export function parseRuntime(value: string): LabRuntime {
  const v = value.trim();
  if ((LAB_RUNTIMES as readonly string[]).includes(v)) return v as LabRuntime;
  throw new UserError(`unknown runtime ${JSON.stringify(value)}; the valid values are: ${LAB_RUNTIMES.join(', ')}`);
}

/** The runtimes of a lab's options, checked, without repeats, in a stable order ([] when none). */
export function normalizeRuntimes(values: readonly string[] | undefined): LabRuntime[] {
  const set = new Set((values ?? []).map(parseRuntime));
  return LAB_RUNTIMES.filter((r) => set.has(r));
}

export function sameRuntimes(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = normalizeRuntimes(a);
  const y = normalizeRuntimes(b);
  return x.length === y.length && x.every((r, i) => r === y[i]);
}

export function describeRuntimes(values: readonly string[] | undefined): string {
  const r = normalizeRuntimes(values);
  return r.length ? `runtimes ${r.join(', ')}` : 'no runtime';
}

/**
 * What a lab's Fabric says each host runs (`runtimes:` of a Fabric host): podman talks CNI,
 * dockerd is `docker` (its remote network driver, /run/docker/plugins of each host).
 */
export function fabricRuntimes(values: readonly string[] | undefined): Array<'cni' | 'docker'> {
  const r = normalizeRuntimes(values);
  return [...(r.includes('podman') ? (['cni'] as const) : []), ...(r.includes('docker') ? (['docker'] as const) : [])];
}

/** The image every runtime of every host gets (`podman import`, `docker import`: nothing pulled). */
export const LAB_IMAGE = 'localhost/contiv-lab:latest';

/**
 * The cgroup v1 controllers a runtime's containers get in a host (runc, under podman and under
 * containerd alike: devices is the one it cannot do without; the others make --memory,
 * --pids-limit, --cpus… work).
 */
export const RUNTIME_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'] as const;

/** Every cgroup v1 controller the kernel may co-mount with one of those. */
const V1_CONTROLLERS = new Set([...RUNTIME_CONTROLLERS, 'net_cls', 'net_prio', 'perf_event', 'hugetlb', 'rdma', 'misc']);

/** One cgroup v1 hierarchy of the machine, as mounted there. */
export interface CgroupHierarchy {
  /** Where the machine mounts it, e.g. /sys/fs/cgroup/cpu or /sys/fs/cgroup/cpu,cpuacct. */
  mountpoint: string;
  /** Its controllers, in the machine's mount options' order (mounting it again needs them all). */
  controllers: string[];
}

/**
 * The machine's cgroup v1 hierarchies that hold a controller runc uses, from its
 * /proc/self/mountinfo (each once, at its whole-hierarchy mount under /sys/fs/cgroup).
 */
export function cgroupHierarchies(mountinfo: string): CgroupHierarchy[] {
  const out: CgroupHierarchy[] = [];
  const seen = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const f = left.split(' ');
    const [fstype, , superOpts] = right.split(' ');
    const root = f[3];
    const mountpoint = f[4];
    if (fstype !== 'cgroup' || root !== '/' || !mountpoint || !superOpts) continue;
    if (!/^\/sys\/fs\/cgroup\/[A-Za-z0-9_,.=-]+$/.test(mountpoint)) continue;
    const controllers = superOpts.split(',').filter((o) => V1_CONTROLLERS.has(o));
    if (!controllers.some((c) => (RUNTIME_CONTROLLERS as readonly string[]).includes(c))) continue;
    const key = [...controllers].sort().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ mountpoint, controllers });
  }
  return out;
}

/** The hierarchies runtimes get in a host; a UserError when the machine cannot give them cgroups. */
export function runtimeHierarchies(mountinfo: string, runtimes: readonly LabRuntime[] = ['podman']): CgroupHierarchy[] {
  const found = cgroupHierarchies(mountinfo);
  if (!found.some((h) => h.controllers.includes('devices'))) {
    throw new UserError(
      `${runtimes.map((r) => `--runtime ${r}`).join(' and ')} ${runtimes.length > 1 ? 'need' : 'needs'} the cgroup v1 "devices" controller` +
        ' mounted under /sys/fs/cgroup on this machine ' +
        '(a cgroup v1 or hybrid machine): runc inside a lab host cannot create containers without it. ' +
        `This machine has ${found.length ? `only ${found.flatMap((h) => h.controllers).join(', ')}` : 'no cgroup v1 controller mounted'}.`,
    );
  }
  return found;
}

/**
 * The name of a host's cgroup directory in each hierarchy: the host's cgroup root, so podman's
 * cgroups (libpod_parent/…), docker's (docker/…) and the docker daemons themselves nest under it.
 */
export function hostCgroupName(lab: string, host: string): string {
  return `contiv-${lab}-${host}`;
}

/**
 * The arguments the host script gets for one hierarchy: NAME (the directory under the host's
 * /sys/fs/cgroup: the machine's own name for it) and its controllers, comma-separated.
 */
export function hierarchyArgs(h: CgroupHierarchy): [string, string] {
  return [h.mountpoint.slice('/sys/fs/cgroup/'.length), h.controllers.join(',')];
}

/**
 * Whether an ELF file is statically linked (no PT_INTERP program header): the image holds
 * /bin/busybox alone, so Debian's dynamically linked `busybox` package would not run in it.
 */
export function elfIsStatic(buf: Buffer): boolean {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const phoff = is64 ? Number(le ? buf.readBigUInt64LE(0x20) : buf.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > buf.length) throw new Error('truncated ELF program headers');
    if (u32(at) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

/**
 * The applet links of the image (path inside the image → /bin/busybox), from
 * `busybox --list-full`: only relative paths of plain names, never /bin/busybox itself.
 */
export function appletLinks(listFull: string): string[] {
  const links = new Set<string>();
  for (const raw of listFull.split('\n')) {
    const p = raw.trim();
    if (!/^(usr\/)?s?bin\/[A-Za-z0-9_.[\]-]+$/.test(p) || p === 'bin/busybox') continue;
    links.add(p);
  }
  return [...links];
}

/** The daemons `--runtime docker` runs in each host, recorded by pid, in the order they start. */
export const DOCKER_ROLES = ['containerd', 'dockerd'] as const;

/**
 * Whether a process's argv (from /proc/PID/cmdline) is the program a recorded runtime daemon
 * runs: down signals a recorded pid only then, since pids wrap (pid_max 32768 here).
 */
export function isRuntimeDaemon(role: (typeof DOCKER_ROLES)[number], argv: readonly string[]): boolean {
  const prog = argv[0];
  return prog !== undefined && (prog === role || prog.endsWith(`/${role}`));
}
