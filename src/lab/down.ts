import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { hostNetns, recordedPidAlive } from './health.js';
import { releaseMountPoints } from './mountpoints.js';
import { labPaths, labsDir } from './paths.js';
import { cgroupProcesses, removeCgroups } from './cgroups.js';
import { stopDocker } from './docker.js';
import { removePodmanContainers } from './podman.js';
import { fileInode, killPids, nsInode, processesInNamespaces, run, sleep } from './proc.js';
import { type LabRecord, lockLab, readRecord } from './record.js';
import { releaseLabUser } from './user.js';

export interface DownResult {
  found: boolean;
  processes: number;
  namespaces: number;
  links: number;
  extra: string[];
  warnings: string[];
}

/** `contiv lab down`: removes what the lab's record lists, and nothing else. */
export async function labDown(name: string, log: (line: string) => void = () => {}): Promise<DownResult> {
  const lock = lockLab(name);
  try {
    const rec = readRecord(name);
    if (!rec) {
      const result: DownResult = { found: false, processes: 0, namespaces: 0, links: 0, extra: [], warnings: [] };
      // A directory without a record: the crash window between mkdir and the first record write.
      const dir = labPaths(name).dir;
      if (existsSync(dir)) {
        rmSync(dir, { recursive: true, force: true });
        result.extra.push(dir);
      }
      return result;
    }
    return await removeByRecord(rec, log);
  } finally {
    lock.release();
    removeLabsDirIfEmpty();
  }
}

/**
 * The processes of a lab: its recorded daemons (checked to still run in their host's namespace,
 * so a reused pid is never hit) and every process in one of its namespaces. Namespace inodes are
 * reused by the kernel once a namespace is freed, so only inodes proven current are used: a
 * named namespace whose file still exists (it pins the namespace); the mount namespaces of the
 * processes found there; a container namespace seen through its live host's mount namespace.
 * With a runtime, also every process in the hosts' cgroup directories (conmon, containerd's
 * shims, and containers, whose namespaces are their own).
 */
export function findLabProcesses(rec: LabRecord): number[] {
  const netInodes = new Set<number>();
  for (const o of rec.objects) {
    if (o.kind !== 'netns') continue;
    const current = fileInode(`/run/netns/${o.name}`);
    if (current !== undefined && (o.inode === undefined || o.inode === current)) netInodes.add(current);
  }
  const pids = new Set<number>(processesInNamespaces(netInodes, new Set()));
  // Mount namespaces of the lab's hosts (and those cloned from them, as `ip netns exec` does):
  // each shows the host's own etc-hosts file, bind-mounted from the lab directory, at /etc/hosts.
  const marks = new Set<string>();
  for (const o of rec.objects) {
    if (o.kind !== 'netns' || o.role !== 'host' || !o.host) continue;
    const id = fileId(labPaths(rec.name).host(o.host).etcHosts);
    if (id) marks.add(id);
  }
  if (marks.size) for (const pid of processesInLabMounts(marks)) pids.add(pid);
  for (const o of rec.objects) {
    if (o.kind === 'process' && o.pid !== undefined && recordedPidAlive(o.pid, hostNetns(rec, o.host), o.role)) pids.add(o.pid);
  }
  for (const pid of cgroupProcesses(rec)) pids.add(pid);
  return [...pids];
}

function fileId(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** Processes whose mount namespace shows one of `marks` (dev:ino) at /etc/hosts. */
function processesInLabMounts(marks: Set<string>): number[] {
  const selfMnt = nsInode(process.pid, 'mnt');
  const byMnt = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid <= 1 || pid === process.pid) continue;
    const mnt = nsInode(pid, 'mnt');
    if (mnt === undefined || mnt === selfMnt) continue;
    const group = byMnt.get(mnt);
    if (group) group.push(pid);
    else byMnt.set(mnt, [pid]);
  }
  const found: number[] = [];
  for (const group of byMnt.values()) {
    const id = group.map((pid) => fileId(`/proc/${pid}/root/etc/hosts`)).find((x) => x !== undefined);
    if (id && marks.has(id)) found.push(...group);
  }
  return found;
}

/** The teardown itself (the caller holds the lab's lock). Used by down and by up on a stale lab. */
export async function removeByRecord(rec: LabRecord, log: (line: string) => void): Promise<DownResult> {
  const result: DownResult = { found: true, processes: 0, namespaces: 0, links: 0, extra: [], warnings: [] };
  const netnsObjs = rec.objects.filter((o) => o.kind === 'netns');

  // 0. podman's containers, removed by podman while their hosts run (so CNI DEL runs for each);
  //    docker's by dockerd, which is then stopped by its recorded pid, and containerd after it.
  for (const line of await removePodmanContainers(rec)) log(line);
  const docker = await stopDocker(rec);
  for (const line of docker.lines) log(line);

  // 1. Processes: the recorded daemons and anything else left in the lab's namespaces (ssh
  //    sessions, listeners in containers) or in its cgroups; then the cgroup directories.
  result.processes = docker.processes + (await killPids(findLabProcesses(rec)));
  const cgroups = await removeCgroups(rec);
  result.processes += cgroups.processes;
  result.warnings.push(...cgroups.warnings);
  if (result.processes) log(`stopped ${result.processes} processes`);

  // 2. Links in the root namespace, newest first.
  for (const o of [...rec.objects].reverse()) {
    if (o.kind !== 'link') continue;
    const res = await run(['ip', 'link', 'del', 'dev', o.name]);
    if (res.code === 0) result.links++;
    else if (!/Cannot find device|does not exist/.test(res.stderr)) result.warnings.push(`ip link del ${o.name}: ${res.stderr.trim()}`);
  }

  // 3. Network namespaces (their veths and bridges go with them), checked by inode.
  for (const o of [...netnsObjs].reverse()) {
    if (o.kind !== 'netns') continue;
    const current = fileInode(`/run/netns/${o.name}`);
    if (current === undefined) continue;
    if (o.inode !== undefined && current !== o.inode) {
      result.warnings.push(`network namespace ${o.name} is not the one this lab made (inode ${current}, recorded ${o.inode}); left alone`);
      continue;
    }
    const res = await run(['ip', 'netns', 'del', o.name]);
    if (res.code === 0) result.namespaces++;
    else result.warnings.push(`ip netns del ${o.name}: ${res.stderr.trim()}`);
  }
  // The kernel frees a namespace asynchronously; wait for the recorded links to be gone.
  const deadline = Date.now() + 5000;
  for (const o of rec.objects) {
    if (o.kind !== 'link') continue;
    while (existsSync(`/sys/class/net/${o.name}`) && Date.now() < deadline) await sleep(50);
  }

  // 4. Files: the lab directory (record included), only if it is where a lab directory must be.
  const dir = labPaths(rec.name).dir;
  for (const o of [...rec.objects].reverse()) {
    if (o.kind !== 'dir') continue;
    const path = resolve(o.path);
    if (path !== dir || !path.startsWith(resolve(labsDir()) + sep)) {
      result.warnings.push(`recorded directory ${o.path} is not the lab directory ${dir}; left alone`);
      continue;
    }
    rmSync(path, { recursive: true, force: true });
  }
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });

  // 5. Mount points the lab made on the machine: when no other lab uses them, and only while empty.
  const mounts = releaseMountPoints(rec);
  result.extra.push(...mounts.extra);
  result.warnings.push(...mounts.warnings);

  // 6. The shared lab user, when this was the last lab.
  result.extra.push(...(await releaseLabUser()));
  for (const w of result.warnings) log(`warning: ${w}`);
  return result;
}

function removeLabsDirIfEmpty(): void {
  try {
    if (readdirSync(labsDir()).length === 0) rmdirSync(labsDir());
  } catch {
    /* not there, or not empty */
  }
}
