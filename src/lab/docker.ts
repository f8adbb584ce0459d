import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { hostAnchorPid, hostNetns, recordedPidAlive } from './health.js';
import { labPaths } from './paths.js';
import type { HostPlan, LabPlan } from './plan.js';
import { inHost, killPids, readPidFile, run, runOk, waitForPidFile } from './proc.js';
import { type LabObject, type LabRecord, recordObject, type RuntimeRole, updateObject } from './record.js';
import { DOCKER_ROLES, LAB_IMAGE } from './runtimes.js';
import { containerdConfig, dockerDaemonJson } from './texts.js';

/**
 * `contiv lab up --runtime docker`: a containerd and a dockerd (Debian's docker.io: dockerd
 * 20.10, containerd 1.6, runc) in every host, in the host's network and mount namespaces and its
 * own cgroups (src/lab/cgroups.ts, shared with podman), each host with its own data root,
 * containerd root, settings, pid files and sockets, and the image localhost/contiv-lab:latest
 * imported (src/lab/image.ts): nothing is pulled, and the machine's own docker (if any) is
 * neither needed nor touched. `docker` in a host (lab exec, SSH, sudo) reaches that host's
 * dockerd at /run/docker.sock without DOCKER_HOST, since /run is the host's own; so is
 * /run/docker/plugins, where a network plugin of the host puts its socket.
 */

/**
 * Runs inside a host's mount and network namespaces once its daemons run and its cgroups are
 * mounted. Constant text: $1 the host's docker directory (in the lab directory).
 */
const DOCKER_MOUNT_SCRIPT = String.raw`
set -eu
d=$1
mount --bind "$d/data-root" /var/lib/docker
mount --bind "$d/containerd-root" /var/lib/containerd
mount --bind "$d/containerd-opt" /opt/containerd
mount --bind "$d/etc" /etc/docker
`;

/**
 * Starts containerd, then dockerd, in the host's own cgroups (so every shim containerd starts,
 * and each container under /docker, is there too), each in its own session (a signal to the
 * terminal of the command that ran up never reaches them), and waits until dockerd answers.
 * Constant text: $1 the host's docker directory; $2, $3 containerd's config and pid file.
 */
const DOCKER_START_SCRIPT = String.raw`
set -eu
d=$1 conf=$2 pidfile=$3
for f in /sys/fs/cgroup/*/cgroup.procs; do echo $$ >"$f"; done
setsid containerd --config "$conf" </dev/null >>"$d/containerd.log" 2>&1 &
echo $! >"$pidfile"
n=0
until [ -S /run/containerd/containerd.sock ]; do
  n=$((n + 1))
  if [ $n -gt 400 ]; then echo "containerd did not start in 20 s (see $d/containerd.log)" >&2; exit 1; fi
  sleep 0.05
done
setsid dockerd --config-file /etc/docker/daemon.json </dev/null >>"$d/dockerd.log" 2>&1 &
n=0
until docker -H unix:///run/docker.sock version >/dev/null 2>&1; do
  n=$((n + 1))
  if [ $n -gt 600 ]; then echo "dockerd does not answer after 30 s (see $d/dockerd.log)" >&2; exit 1; fi
  sleep 0.05
done
`;

/** The docker client's argv prefix for a host's own dockerd (whatever DOCKER_HOST or context the caller has). */
const DOCKER = ['docker', '-H', 'unix:///run/docker.sock'];

type ProcessObj = Extract<LabObject, { kind: 'process' }>;

/** docker in one host whose daemons run and whose cgroups are set up: files, mounts, daemons (recorded), the image. */
export async function setupDocker(plan: LabPlan, rec: LabRecord, host: HostPlan): Promise<void> {
  const paths = labPaths(plan.name);
  const dp = paths.host(host.name).docker;
  for (const d of [dp.dataRoot, dp.containerdRoot]) mkdirSync(d, { recursive: true, mode: 0o711 });
  for (const d of [dp.containerdOpt, dp.etc]) mkdirSync(d, { recursive: true, mode: 0o755 });
  writeFileSync(dp.containerdConfig, containerdConfig(), { mode: 0o644 });
  writeFileSync(`${dp.etc}/daemon.json`, dockerDaemonJson({ pidFile: dp.dockerdPid }), { mode: 0o644 });

  const pid = hostAnchorPid(rec, host.name);
  if (pid === undefined) throw new Error(`host ${host.name}: sshd is not running, docker cannot be set up`);
  const fail = (err: unknown): Error => new Error(`host ${host.name}: docker: ${(err as Error).message}`);
  try {
    await runOk([...inHost(pid), 'sh', '-c', DOCKER_MOUNT_SCRIPT, 'contiv-lab-docker', dp.dir], { timeoutMs: 30_000 });
  } catch (err) {
    throw fail(err);
  }

  const procs: Record<RuntimeRole, ProcessObj> = {
    containerd: recordObject(rec, { kind: 'process', host: host.name, role: 'containerd', pidFile: dp.containerdPid }) as ProcessObj,
    dockerd: recordObject(rec, { kind: 'process', host: host.name, role: 'dockerd', pidFile: dp.dockerdPid }) as ProcessObj,
  };
  let startError: unknown;
  try {
    await runOk([...inHost(pid), 'sh', '-c', DOCKER_START_SCRIPT, 'contiv-lab-docker', dp.dir, dp.containerdConfig, dp.containerdPid], { timeoutMs: 60_000 });
  } catch (err) {
    startError = err;
  }
  // Record whatever started, also when the start failed, so that down stops it by pid.
  for (const role of DOCKER_ROLES) {
    const p = procs[role];
    const found = startError ? readPidFile(p.pidFile) : await waitForPidFile(p.pidFile, 10_000);
    if (found !== undefined) updateObject(rec, p, { pid: found });
  }
  if (startError) throw fail(startError);
  for (const role of DOCKER_ROLES) {
    if (procs[role].pid === undefined) throw fail(new Error(`${role} did not start (no pid in ${procs[role].pidFile})`));
  }
  try {
    await runOk([...inHost(pid), ...DOCKER, 'import', '--change', 'CMD ["/bin/sh"]', paths.image, LAB_IMAGE], { timeoutMs: 60_000 });
  } catch (err) {
    throw fail(err);
  }
}

/** Whether docker's mounts are in place in a host (else docker there would reach the machine's state). */
function dockerMounted(pid: number): boolean {
  try {
    const points = new Set(readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' ')[4]));
    return points.has('/var/lib/docker') && points.has('/etc/docker');
  } catch {
    return false;
  }
}

/** The recorded pid of a host's runtime daemon, when it still runs that program in that host. */
function daemonPid(rec: LabRecord, host: string, role: RuntimeRole): number | undefined {
  const o = rec.objects.find((x): x is ProcessObj => x.kind === 'process' && x.host === host && x.role === role);
  return o?.pid !== undefined && recordedPidAlive(o.pid, hostNetns(rec, host), role) ? o.pid : undefined;
}

function dockerHosts(rec: LabRecord): string[] {
  return [...new Set(rec.objects.flatMap((o) => (o.kind === 'process' && o.role === 'dockerd' ? [o.host] : [])))];
}

/**
 * Down's first steps for docker, in every host that has it: `docker rm -f` of every container
 * while the host's dockerd still runs (dockerd then removes what it made for each; also in a
 * host whose sshd died), then
 * dockerd stopped by its recorded pid (SIGTERM; it may take seconds with a container that
 * ignores it), then containerd. Each pid is signalled only while it runs that program in that
 * host. What is left (shims, containers of a dockerd that died) runs in the host's cgroups and
 * goes with them. Returns lines for the log and how many daemons it stopped.
 */
export async function stopDocker(rec: LabRecord): Promise<{ lines: string[]; processes: number }> {
  const lines: string[] = [];
  let processes = 0;
  const limit = pLimit(8);
  await Promise.all(
    dockerHosts(rec).map((host) =>
      limit(async () => {
        // The host's namespaces are entered through its sshd, or through its dockerd when sshd
        // died (both run in them): dockerd stops fast once its containers are gone, but gives
        // each running container 10 s when it stops (a PID 1 that ignores SIGTERM, like sleep).
        const dockerd = daemonPid(rec, host, 'dockerd');
        const anchor = hostAnchorPid(rec, host) ?? dockerd;
        if (anchor !== undefined && dockerMounted(anchor) && dockerd !== undefined) {
          const ps = await run([...inHost(anchor), ...DOCKER, 'ps', '--all', '--quiet', '--no-trunc'], { timeoutMs: 30_000 });
          const ids = ps.stdout.split('\n').filter(Boolean);
          if (ps.code !== 0) lines.push(`${host}: docker ps -a failed (exit ${ps.code}): ${ps.stderr.trim().split('\n').slice(-3).join(' ')}`);
          else if (ids.length) {
            const rm = await run([...inHost(anchor), ...DOCKER, 'rm', '--force', ...ids], { timeoutMs: 120_000 });
            if (rm.code !== 0) lines.push(`${host}: docker rm -f failed (exit ${rm.code}): ${rm.stderr.trim().split('\n').slice(-3).join(' ')}`);
            else lines.push(`${host}: removed ${ids.length} docker container${ids.length === 1 ? '' : 's'}`);
          }
        }
        // dockerd first (it asks containerd to stop what it runs), then containerd.
        for (const [role, graceMs] of [['dockerd', 20_000], ['containerd', 5_000]] as const) {
          const pid = daemonPid(rec, host, role);
          if (pid !== undefined) processes += await killPids([pid], graceMs);
        }
      }),
    ),
  );
  return { lines, processes };
}
