import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { UserError } from '../cli/errors.js';
import { removeByRecord } from './down.js';
import { labHealth } from './health.js';
import { unixctl } from './unixctl.js';
import { hostPublicKey, setupHost } from './host.js';
import { setupHostCgroups } from './cgroups.js';
import { setupDocker } from './docker.js';
import { buildImage, checkRuntimeMachine } from './image.js';
import { DOCKER_MOUNT_POINTS, ensureMountPoints, MOUNT_POINTS, PODMAN_MOUNT_POINTS } from './mountpoints.js';
import { setupPodman } from './podman.js';
import { labPaths, labsDir, tildePath } from './paths.js';
import { type LabOptions, type LabPlan, parseSubnet, planLab, subnetsOverlap, UNDERLAY_MTU } from './plan.js';
import { preflight } from './preflight.js';
import { fileInode, readPidFile, run, runOk } from './proc.js';
import { type LabRecord, lockLab, readRecord, recordObject, updateObject, writeRecord } from './record.js';
import { type CgroupHierarchy, describeRuntimes, sameRuntimes } from './runtimes.js';
import { fabricYaml, knownHosts } from './texts.js';
import { ensureLabUser } from './user.js';

export interface UpOptions extends LabOptions {
  /** Hosts set up at once (default 8). */
  parallelism?: number;
  /** Test-only failure injection, e.g. `host:h2` (the CLI reads CONTIV_LAB_FAIL_AT). */
  failAt?: string;
}

export interface UpResult {
  /** 'created', or 'already-up' when a healthy lab of the same shape was running. */
  outcome: 'created' | 'already-up';
  /** Set when a stale lab was removed first. */
  staleReason?: string;
  plan: LabPlan;
  ms: number;
}

/** `contiv lab up`. */
export async function labUp(opts: UpOptions, log: (line: string) => void = () => {}): Promise<UpResult> {
  const started = Date.now();
  const plan = planLab(opts);
  preflight(plan.runtimes);
  const hierarchies = plan.runtimes.length ? checkRuntimeMachine(plan.runtimes) : [];
  const lock = lockLab(plan.name);
  try {
    let staleReason: string | undefined;
    const existing = readRecord(plan.name);
    if (existing) {
      const health = labHealth(existing);
      const hostsOk = existing.state === 'up' && health.hosts.length === existing.options.hosts && health.hosts.every((h) => h.healthy);
      if (hostsOk) {
        const same =
          existing.options.hosts === opts.hosts &&
          existing.options.mgmtSubnet === plan.mgmt.cidr &&
          existing.options.underlaySubnet === plan.underlay.cidr &&
          sameRuntimes(existing.options.runtimes, plan.runtimes);
        if (same) return { outcome: 'already-up', plan, ms: Date.now() - started };
        throw new UserError(
          `lab ${plan.name} is already up with ${existing.options.hosts} hosts (management ${existing.options.mgmtSubnet}, ` +
            `underlay ${existing.options.underlaySubnet}, ${describeRuntimes(existing.options.runtimes)}); it is not resized ` +
            `or changed in place (asked: ${opts.hosts} hosts, ${describeRuntimes(plan.runtimes)}). ` +
            `Run \`contiv lab down --name ${plan.name}\` first, or choose another --name.`,
        );
      }
      staleReason = health.problem ?? 'its hosts are not running';
      log(`Lab ${plan.name} is stale (${staleReason}): removing it by its record and rebuilding.`);
      await removeByRecord(existing, log);
    }
    checkNoClash(plan);
    await checkMachineRoutes(plan);

    const paths = labPaths(plan.name);
    // A lab directory without a record: a crash between its mkdir and the first record write.
    if (!existsSync(paths.record) && existsSync(paths.dir)) rmSync(paths.dir, { recursive: true, force: true });
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    const rec: LabRecord = {
      version: 1,
      name: plan.name,
      state: 'creating',
      options: {
        name: plan.name,
        hosts: opts.hosts,
        mgmtSubnet: plan.mgmt.cidr,
        underlaySubnet: plan.underlay.cidr,
        ...(plan.runtimes.length ? { runtimes: plan.runtimes } : {}),
      },
      createdAt: new Date().toISOString(),
      objects: [{ kind: 'dir', path: paths.dir }],
    };
    writeRecord(rec);
    try {
      await build(plan, rec, opts, hierarchies, log);
      rec.state = 'up';
      writeRecord(rec);
    } catch (err) {
      rec.state = 'failed';
      rec.error = err instanceof Error ? err.message : String(err);
      writeRecord(rec);
      throw new UserError(
        `lab up failed: ${rec.error}\nWhat it made is recorded in ${paths.record}; ` +
          `\`contiv lab down --name ${plan.name}\` removes it (the next \`lab up\` also does).`,
      );
    }
    return { outcome: 'created', plan, ms: Date.now() - started, ...(staleReason ? { staleReason } : {}) };
  } finally {
    lock.release();
  }
}

async function build(plan: LabPlan, rec: LabRecord, opts: UpOptions, hierarchies: CgroupHierarchy[], log: (line: string) => void): Promise<void> {
  const podman = plan.runtimes.includes('podman');
  const docker = plan.runtimes.includes('docker');
  const paths = labPaths(plan.name);

  // The client's key pair; root's authorized_keys on the hosts.
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `contiv-lab-${plan.name}`, '-f', paths.key]);
  writeFileSync(paths.authorizedKeys, readFileSync(paths.pubKey, 'utf8'), { mode: 0o600 });
  const userHome = await ensureLabUser();
  // Where each host mounts its own CNI directories (and its runtimes' state); made (and recorded) only when missing.
  ensureMountPoints(rec, [...MOUNT_POINTS, ...(podman ? PODMAN_MOUNT_POINTS : []), ...(docker ? DOCKER_MOUNT_POINTS : [])]);

  // The fabric namespace: the management bridge (with one veth to the machine) and the underlay bridge.
  const fab = recordObject(rec, { kind: 'netns', name: plan.fabricNs, role: 'fabric' });
  await runOk(['ip', 'netns', 'add', plan.fabricNs]);
  updateObject(rec, fab, { inode: fileInode(`/run/netns/${plan.fabricNs}`) });
  const inFab = (...args: string[]): Promise<string> => runOk(['ip', '-n', plan.fabricNs, ...args]);
  await inFab('link', 'set', 'lo', 'up');
  await inFab('link', 'add', plan.fabricMgmtBridge, 'type', 'bridge');
  await inFab('link', 'add', plan.fabricUnderlayBridge, 'mtu', String(UNDERLAY_MTU), 'type', 'bridge');
  await inFab('link', 'set', plan.fabricMgmtBridge, 'up');
  await inFab('link', 'set', plan.fabricUnderlayBridge, 'up');
  recordObject(rec, { kind: 'link', name: plan.rootIf });
  await runOk(['ip', 'link', 'add', plan.rootIf, 'type', 'veth', 'peer', 'name', plan.fabricRootPort, 'netns', plan.fabricNs]);
  await inFab('link', 'set', plan.fabricRootPort, 'master', plan.fabricMgmtBridge, 'up');
  await runOk(['ip', 'addr', 'add', `${plan.rootIp}/${plan.mgmt.prefix}`, 'dev', plan.rootIf]);
  await runOk(['ip', 'link', 'set', plan.rootIf, 'up']);

  // The hosts, several at once; the runtimes' image is built meanwhile (each host imports it once
  // its runtimes are set up). allSettled below never throws, so the image is always awaited.
  const hostsStarted = Date.now();
  const image = plan.runtimes.length ? buildImage(plan.name) : Promise.resolve();
  image.catch(() => {}); // awaited below, after the hosts; this only keeps it from counting as unhandled meanwhile
  const limit = pLimit(Math.max(1, opts.parallelism ?? 8));
  let done = 0;
  const results = await Promise.allSettled(
    plan.hosts.map((h) =>
      limit(async () => {
        await setupHost({ plan, rec, userHome, ...(opts.failAt ? { failAt: opts.failAt } : {}) }, h);
        if (plan.runtimes.length) {
          await image;
          await setupHostCgroups(plan, rec, h, hierarchies);
          for (const runtime of plan.runtimes) {
            if (runtime === 'podman') await setupPodman(plan, rec, h);
            else await setupDocker(plan, rec, h);
            if (opts.failAt === `${runtime}:${h.name}`) {
              throw new Error(`host ${h.name}: failure injected by CONTIV_LAB_FAIL_AT=${opts.failAt} (test only)`);
            }
          }
        }
        done++;
        if (plan.hosts.length <= 5 || done % 10 === 0 || done === plan.hosts.length) log(`host ${h.name} up (${done}/${plan.hosts.length})`);
      }),
    ),
  );
  await image;
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failures.length) throw new Error(failures.join('\n'));
  log(`${plan.hosts.length} hosts started in ${((Date.now() - hostsStarted) / 1000).toFixed(1)} s`);

  // What a client needs: known_hosts with each host's real key, and a Fabric for this size.
  writeFileSync(paths.knownHosts, knownHosts(plan.hosts.map((h) => ({ address: h.mgmtIp, publicKey: hostPublicKey(plan.name, h.name) }))));
  writeFileSync(paths.fabric, fabricYaml(plan, { identityFile: tildePath(paths.key), knownHostsFile: tildePath(paths.knownHosts) }));

  const primeStarted = Date.now();
  await primeUnderlay(plan);
  log(`underlay primed and checked in ${((Date.now() - primeStarted) / 1000).toFixed(1)} s`);
}

/**
 * Userspace VXLAN drops the first packets to a peer while OVS resolves its MAC, and OVS learns
 * MACs by snooping ARP only while the host has a tunnel port — so pings at this point would
 * fill the kernel's ARP cache but not OVS's. The lab knows every VTEP's MAC (br-phy's hwaddr is
 * set from its address), so it fills each host's tunnel neighbour cache directly, then checks
 * the underlay with one ping from each host to the next (a ring), retried once.
 */
async function primeUnderlay(plan: LabPlan): Promise<void> {
  const n = plan.hosts.length;
  if (n < 2) return;
  const limit = pLimit(8);
  const failures: string[] = [];
  await Promise.all(
    plan.hosts.map((h, i) =>
      limit(async () => {
        const pid = readPidFile(labPaths(plan.name).host(h.name).vswitchdPid);
        if (pid === undefined) throw new Error(`host ${h.name}: ovs-vswitchd is not running`);
        const ctl = join(labPaths(plan.name).host(h.name).ovsRun, `ovs-vswitchd.${pid}.ctl`);
        const peers = plan.hosts.filter((p) => p !== h);
        await unixctl(ctl, peers.map((p) => ({ method: 'tnl/neigh/set', params: ['br-phy', p.vtep, p.vtepMac] })));
        const next = plan.hosts[(i + 1) % n]!;
        for (let attempt = 0; attempt < 2; attempt++) {
          const res = await run(['ip', 'netns', 'exec', h.netns, 'ping', '-c', '1', '-W', '2', '-q', next.vtep], { timeoutMs: 5000 });
          if (res.code === 0) return;
        }
        failures.push(`${h.name} cannot ping ${next.name}'s VTEP ${next.vtep} over the underlay`);
      }),
    ),
  );
  if (failures.length) throw new Error(failures.join('\n'));
}

/** Refuses a management subnet another lab or the machine already uses (before anything is made). */
function checkNoClash(plan: LabPlan): void {
  const dir = labsDir();
  if (existsSync(dir)) {
    for (const other of readdirSync(dir)) {
      if (other === plan.name || other.startsWith('.')) continue;
      const recPath = join(dir, other, 'record.json');
      if (!existsSync(recPath)) continue;
      const rec = JSON.parse(readFileSync(recPath, 'utf8')) as LabRecord;
      if (subnetsOverlap(parseSubnet(rec.options.mgmtSubnet, 'subnet'), plan.mgmt)) {
        throw new UserError(
          `lab ${other} already uses management subnet ${rec.options.mgmtSubnet}, which overlaps ${plan.mgmt.cidr}; ` +
            `choose another with --mgmt-subnet`,
        );
      }
    }
  }
  for (const ns of [plan.fabricNs, ...plan.hosts.map((h) => h.netns)]) {
    if (existsSync(`/run/netns/${ns}`)) {
      throw new UserError(
        `network namespace ${ns} exists but no record of lab ${plan.name} lists it; contiv removes only what it recorded. ` +
          `If it is a leftover, remove it with \`ip netns del ${ns}\`.`,
      );
    }
  }
  if (existsSync(`/sys/class/net/${plan.rootIf}`)) {
    throw new UserError(
      `interface ${plan.rootIf} exists but no record of lab ${plan.name} lists it; if it is a leftover, remove it with \`ip link del ${plan.rootIf}\`.`,
    );
  }
}

/** Refuses a management subnet that overlaps a route or address the machine already has. */
async function checkMachineRoutes(plan: LabPlan): Promise<void> {
  const routes = JSON.parse(await runOk(['ip', '-j', '-4', 'route', 'show', 'table', 'all'])) as Array<{ dst?: string; dev?: string; type?: string }>;
  for (const r of routes) {
    if (!r.dst || r.dst === 'default' || (r.type && r.type !== 'unicast')) continue;
    const dst = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    let sub;
    try {
      sub = parseSubnetLoose(dst);
    } catch {
      continue;
    }
    if (sub && subnetsOverlap(sub, plan.mgmt)) {
      throw new UserError(
        `the management subnet ${plan.mgmt.cidr} overlaps the route to ${r.dst}${r.dev ? ` on ${r.dev}` : ''} on this machine; ` +
          `choose another with --mgmt-subnet`,
      );
    }
  }
}

function parseSubnetLoose(cidr: string): { network: string; prefix: number; cidr: string } | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  return { network: m[1]!, prefix: Number(m[2]), cidr };
}
