// @ts-nocheck
import { UserError } from '../cli/errors.js';
import { hostAnchorPid } from './health.js';
import { checkContainerName, checkLabName, hostIndex } from './names.js';
import { fileInode, runOk } from './proc.js';
import { type LabObject, type LabRecord, lockLab, readRecord, recordObject, updateObject, writeRecord } from './record.js';

/** The record of a lab that exists, or a UserError saying how to make one. */
export function requireRecord(name: string): LabRecord {
  const rec = readRecord(checkLabName(name));
  if (!rec) throw new UserError(`there is no lab named ${name}; start it with \`contiv lab up${name === 'contiv' ? '' : ` --name ${name}`}\``);
  return rec;
}

/** The pid whose namespaces are the host's (its sshd), or a UserError when the host is down. */
export function requireHostAnchor(rec: LabRecord, host: string): number {
  const idx = hostIndex(host);
  if (idx === undefined || idx > rec.options.hosts) {
    throw new UserError(`lab ${rec.name} has no host ${JSON.stringify(host)} (its hosts are h1 to h${rec.options.hosts})`);
  }
  const pid = hostAnchorPid(rec, host);
  if (pid === undefined) {
    throw new UserError(`host ${host} of lab ${rec.name} is not running; \`contiv lab up --name ${rec.name}\` rebuilds a stale lab`);
  }
  return pid;
}

/**
 * `contiv lab run HOST NAME`: a bare container — a network namespace with only loopback, made
 * from inside the host's mount namespace, so that `ip netns exec NAME …` works in an SSH
 * session on that host (and nowhere else: each host has its own /run/netns).
 */
export async function labRun(labName: string, host: string, name: string): Promise<void> {
  checkContainerName(name);
  const lock = lockLab(labName);
  try {
    const rec = requireRecord(labName);
    const anchor = requireHostAnchor(rec, host);
    const taken = rec.objects.find((o) => o.kind === 'container' && o.name === name);
    if (taken && taken.kind === 'container') {
      // A container whose namespace was deleted by hand is only a stale record: made again.
      if (containerAlive(rec, taken)) throw new UserError(`lab ${labName} already has a container named ${name} (on ${taken.host})`);
      forget(rec, taken);
    }
    const obj = recordObject(rec, { kind: 'container', name, host });
    const inHost = ['nsenter', '--target', String(anchor), '--mount', '--uts', '--net', '--wd=/', '--'];
    await runOk([...inHost, 'ip', 'netns', 'add', name]);
    await runOk([...inHost, 'ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    updateObject(rec, obj, { inode: fileInode(`/proc/${anchor}/root/run/netns/${name}`) });
  } finally {
    lock.release();
  }
}

type ContainerObj = Extract<LabObject, { kind: 'container' }>;

/** The recorded container still exists: its host runs and holds a namespace of that name with the recorded inode. */
function containerAlive(rec: LabRecord, c: ContainerObj): boolean {
  const anchor = hostAnchorPid(rec, c.host);
  if (anchor === undefined) return false;
  const ino = fileInode(`/proc/${anchor}/root/run/netns/${c.name}`);
  return ino !== undefined && ino === c.inode;
}

function forget(rec: LabRecord, c: ContainerObj): void {
  rec.objects = rec.objects.filter((o) => o !== c);
  writeRecord(rec);
}

/**
 * Removes a container made by `labRun`: its namespace (processes still in it die with their
 * last reference; its veth ends go with it) and its record entry. A namespace that is not the
 * recorded one (another inode) is left alone. Resolves to false when there was no such container.
 */
export async function labRemoveContainer(labName: string, name: string): Promise<boolean> {
  const lock = lockLab(labName);
  try {
    const rec = requireRecord(labName);
    const c = rec.objects.find((o): o is ContainerObj => o.kind === 'container' && o.name === name);
    if (!c) return false;
    if (containerAlive(rec, c)) {
      const anchor = hostAnchorPid(rec, c.host)!;
      await runOk(['nsenter', '--target', String(anchor), '--mount', '--uts', '--net', '--wd=/', '--', 'ip', 'netns', 'del', name]);
    }
    forget(rec, c);
    return true;
  } finally {
    lock.release();
  }
}
