import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { cgroupHosts } from './cgroups.js';
import { hostAnchorPid } from './health.js';
import { labPaths } from './paths.js';
import type { HostPlan, LabPlan } from './plan.js';
import { inHost, run, runOk } from './proc.js';
import type { LabRecord } from './record.js';
import { LAB_IMAGE } from './runtimes.js';
import { containersConf } from './texts.js';

/**
 * `contiv lab up --runtime podman`: podman 4.3 (runc, CNI backend) in every host, each with its
 * own storage, CNI result cache and settings (the recipe measured in
 * scripts/research/podman-cni/FINDINGS.md), its own cgroups (src/lab/cgroups.ts, shared with
 * docker) and the image localhost/contiv-lab:latest (src/lab/image.ts).
 */

/**
 * Runs inside a host's mount and network namespaces once its daemons run and its cgroups are
 * mounted. Constant text: $1 the host's podman directory. /etc/cni/net.d and /opt/cni/bin are
 * already the host's own, and /run, where podman keeps its run state and netns files, too.
 */
const PODMAN_SCRIPT = String.raw`
set -eu
p=$1
mount --bind "$p/storage" /var/lib/containers
mount --bind "$p/cni-lib" /var/lib/cni
mount --bind "$p/containers.conf" /etc/containers/containers.conf
`;

/** podman in one host whose daemons run and whose cgroups are set up: its files, its mounts, the image. */
export async function setupPodman(plan: LabPlan, rec: LabRecord, host: HostPlan): Promise<void> {
  const paths = labPaths(plan.name);
  const pp = paths.host(host.name).podman;
  for (const d of [pp.storage, pp.cniLib]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(pp.containersConf, containersConf(), { mode: 0o644 });

  const pid = hostAnchorPid(rec, host.name);
  if (pid === undefined) throw new Error(`host ${host.name}: sshd is not running, podman cannot be set up`);
  try {
    await runOk([...inHost(pid), 'sh', '-c', PODMAN_SCRIPT, 'contiv-lab-podman', pp.dir], { timeoutMs: 30_000 });
    await runOk([...inHost(pid), 'podman', 'import', '--quiet', '--change', 'CMD ["/bin/sh"]', paths.image, LAB_IMAGE], { timeoutMs: 60_000 });
  } catch (err) {
    throw new Error(`host ${host.name}: podman: ${(err as Error).message}`);
  }
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
  const lines: string[] = [];
  const limit = pLimit(8);
  await Promise.all(
    cgroupHosts(rec).map((host) =>
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
