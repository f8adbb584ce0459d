import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { UserError } from '../cli/errors.js';
import { hostAnchorPid } from './health.js';
import { labPaths } from './paths.js';
import type { HostPlan, LabPlan } from './plan.js';
import { killPids, pidAlive, run, runOk, sleep } from './proc.js';
import { type LabObject, type LabRecord, recordObject } from './record.js';
import { appletLinks, type CgroupHierarchy, elfIsStatic, hierarchyArgs, hostCgroupName, LAB_IMAGE, podmanHierarchies } from './runtimes.js';
import { containersConf } from './texts.js';

/**
 * `contiv lab up --runtime podman`: podman 4.3 (runc, CNI backend) in every host, each with its
 * own storage, CNI result cache, settings and cgroups (the recipe measured in
 * scripts/research/podman-cni/FINDINGS.md), and the image localhost/contiv-lab:latest.
 */

const BUSYBOX = '/bin/busybox';

/**
 * Runs inside a host's mount and network namespaces once its daemons run. Constant text: the
 * values come in as positional arguments. $1 the host's podman directory, $2 the name of its
 * cgroup directory, then NAME CONTROLLERS for each cgroup v1 hierarchy of the machine.
 *
 * cgroups: `ip netns exec` gave the host a fresh /sys with nothing on /sys/fs/cgroup, and runc
 * needs the v1 controllers ("no cgroup mount found in mountinfo"). podman 4.3 cannot be given a
 * cgroup parent in containers.conf (it has no such key; only `podman run --cgroup-parent`), and
 * with cgroupfs it puts everything under /libpod_parent. So each hierarchy is mounted aside and
 * only the host's own directory in it, contiv-<lab>-<host>, is bind-mounted as the host's
 * /sys/fs/cgroup/NAME: the host's /libpod_parent is the machine's
 * /sys/fs/cgroup/NAME/contiv-<lab>-<host>/libpod_parent, and down finds every process podman
 * left (conmon, a container's PID 1 in its own namespaces) and every cgroup it made by that name.
 */
const PODMAN_SCRIPT = String.raw`
set -eu
p=$1 cg=$2
shift 2
mount -t tmpfs -o mode=0755,size=64k contiv-cgroup /sys/fs/cgroup
aside=/run/contiv-cgroup-aside
mkdir -p "$aside"
while [ $# -ge 2 ]; do
  name=$1 controllers=$2
  shift 2
  mkdir -p "/sys/fs/cgroup/$name"
  mount -t cgroup -o "$controllers" cgroup "$aside"
  mount --bind "$aside/$cg" "/sys/fs/cgroup/$name"
  umount "$aside"
  # Co-mounted controllers (cpu,cpuacct) are also reached by their own names, as on the machine.
  for c in $(echo "$controllers" | tr , ' '); do
    [ "$c" = "$name" ] || [ -e "/sys/fs/cgroup/$c" ] || ln -s "$name" "/sys/fs/cgroup/$c"
  done
done
rmdir "$aside"
# podman's state of this host, kept in the lab directory (/etc/cni/net.d and /opt/cni/bin are
# already the host's own, and /run, where podman keeps its run state and netns files, too).
mount --bind "$p/storage" /var/lib/containers
mount --bind "$p/cni-lib" /var/lib/cni
mount --bind "$p/containers.conf" /etc/containers/containers.conf
`;

/** The argv prefix that runs a command in a host's network, mount and UTS namespaces. */
function inHost(pid: number): string[] {
  return ['nsenter', '--target', String(pid), '--net', '--mount', '--uts', '--wd=/', '--'];
}

/**
 * What the machine must offer for podman in lab hosts, checked before anything is made: the
 * cgroup v1 hierarchies (returned) and a statically linked busybox for the image.
 */
export function checkPodmanMachine(): CgroupHierarchy[] {
  const hierarchies = podmanHierarchies(readFileSync('/proc/self/mountinfo', 'utf8'));
  const head = Buffer.alloc(4096);
  const fd = openSync(BUSYBOX, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let isStatic: boolean;
  try {
    isStatic = elfIsStatic(head.subarray(0, n));
  } catch (err) {
    throw new UserError(`${BUSYBOX} is not a program (${(err as Error).message}); --runtime podman builds its image from Debian's busybox-static`);
  }
  if (!isStatic) {
    throw new UserError(
      `${BUSYBOX} is dynamically linked (Debian's busybox package?); the lab's image holds busybox alone, so it needs ` +
        'the statically linked one: apt-get install busybox-static',
    );
  }
  return hierarchies;
}

/**
 * The image's tar file (once per `lab up`, in the lab directory): /bin/busybox, a link for each
 * of its applets (sh, ip, ping, nc…), and the usual empty directories. Nothing is pulled.
 */
export async function buildImage(labName: string): Promise<void> {
  const paths = labPaths(labName);
  const rootfs = join(paths.dir, 'image-rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'run', 'var']) {
    mkdirSync(join(rootfs, d), { recursive: true, mode: 0o755 });
  }
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  for (const link of appletLinks(await runOk([BUSYBOX, '--list-full']))) {
    const at = join(rootfs, link);
    if (existsSync(at)) continue;
    mkdirSync(dirname(at), { recursive: true, mode: 0o755 });
    symlinkSync('/bin/busybox', at);
  }
  for (const need of ['bin/sh', 'sbin/ip', 'bin/ping', 'usr/bin/nc']) {
    if (!existsSync(join(rootfs, need))) throw new Error(`${BUSYBOX} has no ${basename(need)} applet; the lab's image needs it`);
  }
  await runOk(['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', paths.image, '.']);
  rmSync(rootfs, { recursive: true, force: true });
}

/**
 * podman in one host whose daemons run: its files, its cgroup directories (recorded before each
 * is made), the mounts of PODMAN_SCRIPT, and the image.
 */
export async function setupPodman(plan: LabPlan, rec: LabRecord, host: HostPlan, hierarchies: CgroupHierarchy[]): Promise<void> {
  const paths = labPaths(plan.name);
  const pp = paths.host(host.name).podman;
  for (const d of [pp.storage, pp.cniLib]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(pp.containersConf, containersConf(), { mode: 0o644 });

  const cg = hostCgroupName(plan.name, host.name);
  for (const h of hierarchies) {
    const dir = join(h.mountpoint, cg);
    recordObject(rec, { kind: 'cgroup', host: host.name, path: dir });
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // A new cpuset cgroup starts with no CPU and no memory node, and runc copies its parent's.
    if (h.controllers.includes('cpuset')) {
      for (const f of ['cpus', 'mems']) {
        const name = existsSync(join(h.mountpoint, `cpuset.${f}`)) ? `cpuset.${f}` : f;
        writeFileSync(join(dir, name), readFileSync(join(h.mountpoint, name), 'utf8'));
      }
    }
  }

  const pid = hostAnchorPid(rec, host.name);
  if (pid === undefined) throw new Error(`host ${host.name}: sshd is not running, podman cannot be set up`);
  try {
    await runOk([...inHost(pid), 'sh', '-c', PODMAN_SCRIPT, 'contiv-lab-podman', pp.dir, cg, ...hierarchies.flatMap(hierarchyArgs)], { timeoutMs: 30_000 });
    await runOk([...inHost(pid), 'podman', 'import', '--quiet', '--change', 'CMD ["/bin/sh"]', paths.image, LAB_IMAGE], { timeoutMs: 60_000 });
  } catch (err) {
    throw new Error(`host ${host.name}: podman: ${(err as Error).message}`);
  }
}

type CgroupObj = Extract<LabObject, { kind: 'cgroup' }>;

function cgroupObjects(rec: LabRecord): CgroupObj[] {
  return rec.objects.filter((o): o is CgroupObj => o.kind === 'cgroup');
}

/** Whether podman's mounts are in place in a host (else running podman there would use the machine's state). */
function podmanMounted(pid: number): boolean {
  try {
    const points = new Set(readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' ')[4]));
    return points.has('/var/lib/containers') && points.has('/var/lib/cni') && points.has('/etc/containers/containers.conf');
  } catch {
    return false;
  }
}

/**
 * Down's first step: `podman rm -a -f -t 0` in every running host with podman, so each
 * container's CNI DEL runs while its host still runs (a container left to die with its host
 * keeps its PID 1: its namespaces are not the host's). Returns lines for the log.
 */
export async function removePodmanContainers(rec: LabRecord): Promise<string[]> {
  const hosts = [...new Set(cgroupObjects(rec).map((o) => o.host))];
  const lines: string[] = [];
  const limit = pLimit(8);
  await Promise.all(
    hosts.map((host) =>
      limit(async () => {
        const pid = hostAnchorPid(rec, host);
        if (pid === undefined || !podmanMounted(pid)) return;
        const res = await run([...inHost(pid), 'podman', 'rm', '--all', '--force', '--time', '0'], { timeoutMs: 120_000 });
        const n = res.stdout.split('\n').filter(Boolean).length;
        if (res.code !== 0) lines.push(`${host}: podman rm -a -f failed (exit ${res.code}): ${res.stderr.trim().split('\n').slice(-3).join(' ')}`);
        else if (n) lines.push(`${host}: removed ${n} podman container${n === 1 ? '' : 's'}`);
      }),
    ),
  );
  return lines;
}

const CGROUP_SUPER_MAGIC = 0x27e0eb;

/** A recorded cgroup directory is removed only if it is where this lab's host's must be. */
function cgroupPathOk(rec: LabRecord, o: CgroupObj): boolean {
  if (basename(o.path) !== hostCgroupName(rec.name, o.host) || !/^\/sys\/fs\/cgroup\/[A-Za-z0-9_,.=-]+$/.test(dirname(o.path))) return false;
  try {
    return Number(statfsSync(dirname(o.path)).type) === CGROUP_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/** Every directory under (and including) dir, deepest first. */
function cgroupDirs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  walk(dir);
  return out;
}

/** The processes in the lab's cgroup directories: what its hosts' podman started, wherever it runs. */
export function cgroupProcesses(rec: LabRecord): number[] {
  const pids = new Set<number>();
  for (const o of cgroupObjects(rec)) {
    if (!cgroupPathOk(rec, o)) continue;
    for (const d of cgroupDirs(o.path)) {
      try {
        for (const l of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) {
          const pid = Number(l);
          if (Number.isInteger(pid) && pid > 1 && pid !== process.pid && pidAlive(pid)) pids.add(pid);
        }
      } catch {
        /* gone */
      }
    }
  }
  return [...pids];
}

/**
 * After the lab's processes were stopped: stops whatever still runs in its cgroups (a process
 * may fork while its siblings die), then removes each recorded cgroup directory, deepest first.
 * Returns how many processes it stopped and what it could not remove.
 */
export async function removeCgroups(rec: LabRecord): Promise<{ processes: number; warnings: string[] }> {
  let processes = 0;
  for (let round = 0; round < 5; round++) {
    const pids = cgroupProcesses(rec);
    if (!pids.length) break;
    processes += await killPids(pids, 500);
  }
  const warnings: string[] = [];
  for (const o of [...cgroupObjects(rec)].reverse()) {
    if (!existsSync(o.path)) continue;
    if (!cgroupPathOk(rec, o)) {
      warnings.push(`recorded cgroup ${o.path} is not a cgroup directory of host ${o.host}; left alone`);
      continue;
    }
    for (const d of cgroupDirs(o.path)) {
      // A process that has just exited may hold its cgroup for a moment (EBUSY).
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(d);
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code === 'EBUSY' && attempt < 40) {
            await sleep(50);
            continue;
          }
          warnings.push(`cgroup ${d} not removed: ${code ?? (err as Error).message}`);
          break;
        }
      }
    }
  }
  return { processes, warnings };
}
