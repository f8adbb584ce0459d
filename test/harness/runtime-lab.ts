import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../../src/lab/proc.js';

/*
 * What the runtime lab tests (`--runtime podman`, `--runtime docker`) look at on the machine to
 * prove a lab left nothing: cgroup directories, processes in a lab's cgroups, mounts.
 */

/** Top-level cgroup directories of every v1 hierarchy, to tell what the lab made from what was there. */
export function topCgroups(): Set<string> {
  const out = new Set<string>();
  for (const h of readdirSync('/sys/fs/cgroup')) {
    try {
      for (const e of readdirSync(join('/sys/fs/cgroup', h), { withFileTypes: true })) if (e.isDirectory()) out.add(`${h}/${e.name}`);
    } catch {
      /* not a directory */
    }
  }
  return out;
}

/** A process's command line, words joined by spaces; '' once it is gone. */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Processes of the machine in a cgroup of the lab's hosts (by the name the lab gives them). */
export function processesInLabCgroups(lab: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(`/contiv-${lab}-h`)) found.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return found.filter(pidAlive);
}

/** Lines of the machine's own mount table of the lab: its directory, its hosts' cgroups, or a mount point `runtimeMount` names. */
export function machineMountsOfLab(lab: string, labDir: string, runtimeMount: (point: string) => boolean): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => {
      const [, , , root = '', point = ''] = l.split(' ');
      return l.includes(labDir) || root.includes(`/contiv-${lab}-h`) || runtimeMount(point);
    });
}
