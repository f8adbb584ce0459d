import { UserError } from '../cli/errors.js';
import { hostAnchorPid } from './health.js';
import { checkContainerName, checkLabName, hostIndex } from './names.js';
import { fileInode, runOk } from './proc.js';
import { type LabRecord, lockLab, readRecord, recordObject, updateObject } from './record.js';

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
    if (taken && taken.kind === 'container') throw new UserError(`lab ${labName} already has a container named ${name} (on ${taken.host})`);
    const obj = recordObject(rec, { kind: 'container', name, host });
    const inHost = ['nsenter', '--target', String(anchor), '--mount', '--uts', '--net', '--wd=/', '--'];
    await runOk([...inHost, 'ip', 'netns', 'add', name]);
    await runOk([...inHost, 'ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    updateObject(rec, obj, { inode: fileInode(`/proc/${anchor}/root/run/netns/${name}`) });
  } finally {
    lock.release();
  }
}
