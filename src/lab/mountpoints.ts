import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contivHome, labsDir } from './paths.js';
import { type LabRecord, recordObject } from './record.js';

/**
 * Paths of the machine that hosts mount their own copy on. Each host's mount namespace is a
 * slave of the machine's, and a bind mount needs an existing target there: a lab makes the
 * ones that are missing (empty), records each — in its own record and in a machine-wide list,
 * ~/.contiv/lab-mountpoints/ — and the last lab's down removes them, only while empty. The
 * machine-wide list matters when labs overlap: the lab that made a path may go down while
 * another still uses it, and the lab that goes last must still remove it.
 */
export interface MountPoint {
  path: string;
  /** A file mount point (an empty file), not a directory. */
  file?: boolean;
}

/**
 * Every host's own CNI network configurations and plugins, and its own contiv-docker files
 * (what `contiv apply` writes on a cni or docker host). /etc/systemd/system is there on
 * machines with systemd: it is mounted over, never made or removed.
 */
export const MOUNT_POINTS: readonly MountPoint[] = [{ path: '/etc/cni/net.d' }, { path: '/opt/cni/bin' }, { path: '/usr/local/lib/contiv' }, { path: '/var/lib/contiv' }, { path: '/etc/systemd/system' }];

/** With `--runtime podman`: its storage, libcni's result cache, its settings. */
export const PODMAN_MOUNT_POINTS: readonly MountPoint[] = [
  { path: '/var/lib/containers' },
  { path: '/var/lib/cni' },
  { path: '/etc/containers/containers.conf', file: true },
];

/**
 * With `--runtime docker`: dockerd's data root and settings, containerd's root and plugin
 * directory (/run, where both keep their sockets and state, is the host's own already).
 */
export const DOCKER_MOUNT_POINTS: readonly MountPoint[] = [
  { path: '/var/lib/docker' },
  { path: '/var/lib/containerd' },
  { path: '/opt/containerd' },
  { path: '/etc/docker' },
];

function marksDir(): string {
  return join(contivHome(), 'lab-mountpoints');
}

function markPath(path: string): string {
  return join(marksDir(), encodeURIComponent(path));
}

function readMarks(): MountPoint[] {
  const dir = marksDir();
  if (!existsSync(dir)) return [];
  const out: MountPoint[] = [];
  for (const f of readdirSync(dir)) {
    try {
      const m = JSON.parse(readFileSync(join(dir, f), 'utf8')) as MountPoint;
      if (typeof m.path === 'string' && m.path === decodeURIComponent(f)) out.push(m);
    } catch {
      /* a torn or foreign file: not a mark */
    }
  }
  return out;
}

/** Makes the missing paths (and missing parent directories), each recorded before it is made. */
export function ensureMountPoints(rec: LabRecord, points: readonly MountPoint[]): void {
  for (const mp of points) {
    const parts = mp.path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const path = `/${parts.slice(0, i).join('/')}`;
      if (existsSync(path)) continue;
      const file = mp.file === true && i === parts.length;
      const mark: MountPoint = file ? { path, file: true } : { path };
      mkdirSync(marksDir(), { recursive: true, mode: 0o700 });
      writeFileSync(markPath(path), JSON.stringify(mark) + '\n');
      recordObject(rec, { kind: 'mountpoint', ...mark });
      try {
        if (file) writeFileSync(path, '', { flag: 'wx', mode: 0o644 });
        else mkdirSync(path, { mode: 0o755 });
      } catch (err) {
        // Another lab coming up at the same moment made it: it is marked either way.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
}

/**
 * The other labs on this machine (their directories, and the lock of one being made or
 * removed right now); this lab's own lock and a test run's marker files do not count.
 */
export function otherLabs(name: string): string[] {
  if (!existsSync(labsDir())) return [];
  const others = new Set<string>();
  for (const entry of readdirSync(labsDir())) {
    const lock = /^\.(.+)\.lock$/.exec(entry);
    if (lock) {
      if (lock[1] !== name) others.add(lock[1]!);
    } else if (!entry.startsWith('.') && entry !== name) {
      others.add(entry);
    }
  }
  return [...others].sort();
}

/**
 * Down's last step for mount points: while another lab exists nothing is removed (its hosts
 * may have mounts on them; removing a directory another mount namespace mounts on would detach
 * those mounts). The last lab removes every path any lab made — its own record's and the
 * machine-wide list's — deepest first, each only while empty. A path that is no longer empty
 * is somebody's now: it is left, said in a warning, and forgotten.
 */
export function releaseMountPoints(rec: LabRecord): { extra: string[]; warnings: string[] } {
  const extra: string[] = [];
  const warnings: string[] = [];
  const own = rec.objects.flatMap((o) => (o.kind === 'mountpoint' ? [o] : []));
  const others = otherLabs(rec.name);
  if (others.length) {
    if (own.length) extra.push(`left ${own.map((o) => o.path).join(', ')} (lab ${others.join(', ')} may use ${own.length === 1 ? 'it' : 'them'})`);
    return { extra, warnings };
  }
  const all = new Map<string, boolean>();
  for (const m of readMarks()) all.set(m.path, m.file === true);
  for (const o of own) all.set(o.path, o.file === true);
  for (const [path, file] of [...all].sort((a, b) => b[0].length - a[0].length)) {
    try {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (st) {
        if (file) {
          if (st.isFile() && st.size === 0) rmSync(path);
          else warnings.push(`${path} not removed: it is no longer the empty file the lab made`);
        } else if (st.isDirectory()) {
          rmdirSync(path);
        } else {
          warnings.push(`${path} not removed: it is no longer the directory the lab made`);
        }
      }
    } catch (e) {
      warnings.push(`${path} not removed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    rmSync(markPath(path), { force: true });
  }
  try {
    rmdirSync(marksDir());
  } catch {
    /* not there, or a mark of a path not handled here */
  }
  return { extra, warnings };
}
