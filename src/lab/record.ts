import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../cli/errors.js';
import type { LabOptions } from './plan.js';
import { labPaths } from './paths.js';
import { pidAlive } from './proc.js';

/**
 * The record of a lab: every object it made, written to disk *before* the object is created,
 * so that `down` removes exactly what the lab made — after a clean `up`, a half-failed one or a
 * killed one — and never anything found by a name pattern.
 */
export type LabObject =
  /** The lab's state directory (removed last, with the record inside it). */
  | { kind: 'dir'; path: string }
  /** A named network namespace; `inode` (nsfs) is filled in once it exists, to guard against reuse. */
  | { kind: 'netns'; name: string; role: 'fabric' | 'host'; host?: string; inode?: number; mntInode?: number }
  /** A link in the root namespace (links inside lab namespaces go with their namespace). */
  | { kind: 'link'; name: string }
  /** A daemon of a host; `pid` is filled in from its pid file once it runs. */
  | { kind: 'process'; host: string; role: ProcessRole; pidFile: string; pid?: number }
  /** A container (`lab run`): a named network namespace inside the host's mount namespace. */
  | { kind: 'container'; name: string; host: string; inode?: number }
  /**
   * An empty directory of the machine that the lab made to mount a host's own directory on
   * (/etc/cni/net.d, /opt/cni/bin; with podman /var/lib/containers, /var/lib/cni; with docker
   * /var/lib/docker, /var/lib/containerd, /opt/containerd, /etc/docker), or an empty
   * file (`file`: /etc/containers/containers.conf); removed by the last lab's down, only while
   * empty (src/lab/mountpoints.ts keeps a machine-wide list, so whichever lab goes last does it).
   */
  | { kind: 'mountpoint'; path: string; file?: boolean }
  /**
   * A cgroup directory of the machine that one host's runtimes nest every cgroup they make under
   * (/sys/fs/cgroup/<hierarchy>/contiv-<lab>-<host>, bind-mounted as the host's cgroup root;
   * dockerd, containerd and its shims run in it): down kills what still runs in it, then
   * removes it with everything under it.
   */
  | { kind: 'cgroup'; host: string; path: string };

/** A host's own daemons, and those of its runtimes (`--runtime docker`: containerd, dockerd). */
export type ProcessRole = 'ovsdb-server' | 'ovs-vswitchd' | 'sshd' | RuntimeRole;

export type RuntimeRole = 'containerd' | 'dockerd';

export type LabState = 'creating' | 'up' | 'failed';

export interface LabRecord {
  version: 1;
  name: string;
  state: LabState;
  options: LabOptions;
  createdAt: string;
  /** Why the last `up` failed, when state is 'failed'. */
  error?: string;
  objects: LabObject[];
}

export function readRecord(name: string): LabRecord | undefined {
  const path = labPaths(name).record;
  if (!existsSync(path)) return undefined;
  const rec = JSON.parse(readFileSync(path, 'utf8')) as LabRecord;
  if (rec.version !== 1) throw new UserError(`${path}: unknown lab record version ${String(rec.version)}`);
  return rec;
}

/** Atomic write (temp file + rename): a crash never leaves a torn record. */
export function writeRecord(rec: LabRecord): void {
  const path = labPaths(rec.name).record;
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

/** Adds an object to the record and saves it; call before creating the object. */
export function recordObject(rec: LabRecord, obj: LabObject): LabObject {
  rec.objects.push(obj);
  writeRecord(rec);
  return obj;
}

/** Updates a recorded object in place (e.g. its pid or inode) and saves the record. */
export function updateObject<T extends LabObject>(rec: LabRecord, obj: T, patch: Partial<T>): void {
  Object.assign(obj, patch);
  writeRecord(rec);
}

export interface LabLock {
  release(): void;
}

/**
 * One contiv lab command at a time per lab: an exclusive lock file holding the pid. A lock
 * whose pid is dead (a killed command) is taken over.
 */
export function lockLab(name: string): LabLock {
  const path = labPaths(name).lock;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        release: () => {
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
          } catch {
            /* already gone */
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new UserError(`another contiv lab command (pid ${holder}) is working on lab ${name}; wait for it to finish`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new UserError(`could not lock lab ${name} (${path})`);
}
