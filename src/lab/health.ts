import type { LabRecord, LabObject, ProcessRole } from './record.js';
import { fileInode, nsInode, pidAlive, procArgv } from './proc.js';
import { DOCKER_ROLES, isRuntimeDaemon } from './runtimes.js';

/** Liveness of a lab, read from its record and /proc only (no packets sent). */
export interface HostHealth {
  name: string;
  netns: string;
  pids: Partial<Record<ProcessRole, number>>;
  /** Roles whose recorded process is not running (in the host's namespace). */
  dead: ProcessRole[];
  healthy: boolean;
}

export interface ContainerHealth {
  name: string;
  host: string;
  healthy: boolean;
}

export interface LabHealth {
  hosts: HostHealth[];
  containers: ContainerHealth[];
  /** True when the record says up and every host and container is alive. */
  healthy: boolean;
  /** A one-line reason when not healthy. */
  problem?: string;
}

const ROLES: ProcessRole[] = ['ovsdb-server', 'ovs-vswitchd', 'sshd'];
/** Checked only on hosts whose record lists them (a lab with `--runtime docker`). */
const RUNTIME_ROLES: ProcessRole[] = [...DOCKER_ROLES];

type NetnsObj = Extract<LabObject, { kind: 'netns' }>;

/**
 * A recorded process is ours only if it runs in the host's recorded network namespace, and, for
 * a runtime's daemon, runs that daemon's program (/proc/PID/cmdline).
 */
export function recordedPidAlive(pid: number | undefined, ns: NetnsObj | undefined, role?: ProcessRole): boolean {
  if (pid === undefined || !pidAlive(pid)) return false;
  if (ns?.inode === undefined) return false;
  if (nsInode(pid, 'net') !== ns.inode) return false;
  return role !== 'dockerd' && role !== 'containerd' ? true : isRuntimeDaemon(role, procArgv(pid));
}

export function hostNetns(rec: LabRecord, host: string): NetnsObj | undefined {
  return rec.objects.find((o): o is NetnsObj => o.kind === 'netns' && o.role === 'host' && o.host === host);
}

/** The pid of a host's sshd, when it runs: the handle used to enter the host's namespaces. */
export function hostAnchorPid(rec: LabRecord, host: string): number | undefined {
  const ns = hostNetns(rec, host);
  const sshd = rec.objects.find((o) => o.kind === 'process' && o.host === host && o.role === 'sshd');
  const pid = sshd?.kind === 'process' ? sshd.pid : undefined;
  return recordedPidAlive(pid, ns) ? pid : undefined;
}

export function labHealth(rec: LabRecord): LabHealth {
  const hosts: HostHealth[] = [];
  for (const o of rec.objects) {
    if (o.kind !== 'netns' || o.role !== 'host' || !o.host) continue;
    const pids: HostHealth['pids'] = {};
    const dead: ProcessRole[] = [];
    const recorded = (role: ProcessRole): boolean => rec.objects.some((x) => x.kind === 'process' && x.host === o.host && x.role === role);
    for (const role of [...ROLES, ...RUNTIME_ROLES.filter(recorded)]) {
      const p = rec.objects.find((x) => x.kind === 'process' && x.host === o.host && x.role === role);
      const pid = p?.kind === 'process' ? p.pid : undefined;
      if (pid !== undefined) pids[role] = pid;
      if (!recordedPidAlive(pid, o, role)) dead.push(role);
    }
    hosts.push({ name: o.host, netns: o.name, pids, dead, healthy: dead.length === 0 });
  }
  const containers: ContainerHealth[] = [];
  for (const o of rec.objects) {
    if (o.kind !== 'container') continue;
    const anchor = hostAnchorPid(rec, o.host);
    const ino = anchor === undefined ? undefined : fileInode(`/proc/${anchor}/root/run/netns/${o.name}`);
    containers.push({ name: o.name, host: o.host, healthy: ino !== undefined && ino === o.inode });
  }
  let problem: string | undefined;
  if (rec.state !== 'up') problem = rec.state === 'failed' ? `its last up failed: ${rec.error ?? 'unknown error'}` : 'its up never finished';
  else if (hosts.length !== rec.options.hosts) problem = `it has ${hosts.length} of ${rec.options.hosts} hosts`;
  else {
    const bad = hosts.find((h) => !h.healthy);
    if (bad) problem = `${bad.dead.join(', ')} of ${bad.name} not running`;
    else {
      const badC = containers.find((c) => !c.healthy);
      if (badC) problem = `container ${badC.name} on ${badC.host} is gone`;
    }
  }
  return { hosts, containers, healthy: problem === undefined, ...(problem ? { problem } : {}) };
}
