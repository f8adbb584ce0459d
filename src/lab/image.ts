import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../cli/errors.js';
import { labPaths } from './paths.js';
import { runOk } from './proc.js';
import { appletLinks, type CgroupHierarchy, elfIsStatic, type LabRuntime, runtimeHierarchies } from './runtimes.js';

/**
 * What every runtime of a lab host shares: the machine's checks and the image
 * localhost/contiv-lab:latest, built once per `lab up` from Debian's busybox-static (nothing is
 * ever pulled) and imported by each host's podman (`podman import`) and dockerd (`docker import`).
 */

const BUSYBOX = '/bin/busybox';

/**
 * What the machine must offer for runtimes in lab hosts, checked before anything is made: the
 * cgroup v1 hierarchies (returned) and a statically linked busybox for the image.
 */
export function checkRuntimeMachine(runtimes: readonly LabRuntime[]): CgroupHierarchy[] {
  const hierarchies = runtimeHierarchies(readFileSync('/proc/self/mountinfo', 'utf8'), runtimes);
  const head = Buffer.alloc(4096);
  const fd = openSync(BUSYBOX, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const asked = runtimes.map((r) => `--runtime ${r}`).join(' and ');
  let isStatic: boolean;
  try {
    isStatic = elfIsStatic(head.subarray(0, n));
  } catch (err) {
    throw new UserError(`${BUSYBOX} is not a program (${(err as Error).message}); ${asked} builds its image from Debian's busybox-static`);
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
