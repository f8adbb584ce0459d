import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statfsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostAnchorPid } from './health.js';
import type { HostPlan, LabPlan } from './plan.js';
import { inHost, killPids, pidAlive, runOk, sleep } from './proc.js';
import { type LabObject, type LabRecord, recordObject } from './record.js';
import { type CgroupHierarchy, hierarchyArgs, hostCgroupName } from './runtimes.js';

/**
 * The cgroups of a lab host with a container runtime (`--runtime podman`, `--runtime docker`),
 * shared by both: runc needs them, and each host gets its own.
 *
 * `ip netns exec` gave the host a fresh /sys with nothing on /sys/fs/cgroup, and runc needs the
 * v1 controllers ("no cgroup mount found in mountinfo"). So in the host's mount namespace a
 * tmpfs goes on /sys/fs/cgroup, each v1 hierarchy of the machine is mounted aside and only the
 * host's own directory in it, contiv-<lab>-<host>, is bind-mounted as the host's
 * /sys/fs/cgroup/NAME. Whatever a runtime makes there is named after the lab and the host on the
 * machine: podman's /libpod_parent (podman 4.3 cannot be given a cgroup parent in
 * containers.conf) is /sys/fs/cgroup/NAME/contiv-<lab>-<host>/libpod_parent, dockerd's
 * --cgroup-parent /docker is …/contiv-<lab>-<host>/docker, and dockerd and containerd are
 * started in the host's directory itself, so every containerd shim is there too. Down finds
 * every process a runtime left (conmon, a shim, a container's PID 1 in its own namespaces) and
 * every cgroup it made by these recorded names, never by a pattern.
 *
 * Runs inside the host's mount and network namespaces. Constant text: $1 the name of the host's
 * cgroup directory, then NAME CONTROLLERS for each cgroup v1 hierarchy of the machine.
 */
const CGROUP_SCRIPT = String.raw`
set -eu
cg=$1
shift
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
`;

/**
 * Gives one host whose daemons run its own cgroup directory in every hierarchy (each recorded
 * before it is made) and mounts them as the host's /sys/fs/cgroup (CGROUP_SCRIPT). Once per
 * host, whatever the runtimes.
 */
export async function setupHostCgroups(plan: LabPlan, rec: LabRecord, host: HostPlan, hierarchies: CgroupHierarchy[]): Promise<void> {
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
  if (pid === undefined) throw new Error(`host ${host.name}: sshd is not running, its cgroups cannot be set up`);
  try {
    await runOk([...inHost(pid), 'sh', '-c', CGROUP_SCRIPT, 'contiv-lab-cgroups', cg, ...hierarchies.flatMap(hierarchyArgs)], { timeoutMs: 30_000 });
  } catch (err) {
    throw new Error(`host ${host.name}: cgroups: ${(err as Error).message}`);
  }
}

type CgroupObj = Extract<LabObject, { kind: 'cgroup' }>;

function cgroupObjects(rec: LabRecord): CgroupObj[] {
  return rec.objects.filter((o): o is CgroupObj => o.kind === 'cgroup');
}

/** The hosts of a record that got cgroups (a runtime was set up there, or begun). */
export function cgroupHosts(rec: LabRecord): string[] {
  return [...new Set(cgroupObjects(rec).map((o) => o.host))];
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

/** The processes in the lab's cgroup directories: what its hosts' runtimes started, wherever it runs. */
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
