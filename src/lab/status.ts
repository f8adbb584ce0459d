import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { labHealth } from './health.js';
import { labPaths, labsDir } from './paths.js';
import { planLab } from './plan.js';
import { sshBanner } from './proc.js';
import { readRecord } from './record.js';

export interface LabStatus {
  name: string;
  state: 'up' | 'stale' | 'creating' | 'failed';
  dir: string;
  fabric: string;
  options: { hosts: number; mgmtSubnet: string; underlaySubnet: string; runtimes: string[] };
  healthy: boolean;
  problem?: string;
  hosts: Array<{ name: string; address: string; vtep: string; pids: Record<string, number>; sshd: boolean; healthy: boolean; problem?: string }>;
  containers: Array<{ name: string; host: string; healthy: boolean }>;
}

/** `contiv lab status`: what the record lists, whether each process runs and each sshd answers. */
export async function labStatus(name: string): Promise<LabStatus | undefined> {
  const rec = readRecord(name);
  if (!rec) return undefined;
  const plan = planLab(rec.options);
  const health = labHealth(rec);
  const hosts = await Promise.all(
    plan.hosts.map(async (h) => {
      const hh = health.hosts.find((x) => x.name === h.name);
      const sshd = hh?.healthy ? await sshBanner(h.mgmtIp, 22, 2000) : false;
      const problem = !hh ? 'never created' : hh.dead.length ? `${hh.dead.join(', ')} not running` : !sshd ? 'sshd does not answer' : undefined;
      return { name: h.name, address: h.mgmtIp, vtep: h.vtep, pids: { ...(hh?.pids ?? {}) }, sshd, healthy: problem === undefined, ...(problem ? { problem } : {}) };
    }),
  );
  const unhealthyHost = hosts.find((h) => !h.healthy);
  const problem = health.problem ?? (unhealthyHost ? `${unhealthyHost.name}: ${unhealthyHost.problem ?? ''}` : undefined);
  const state: LabStatus['state'] = rec.state === 'up' ? (hosts.every((h) => h.healthy) ? 'up' : 'stale') : rec.state;
  return {
    name: rec.name,
    state,
    dir: labPaths(rec.name).dir,
    fabric: labPaths(rec.name).fabric,
    options: { hosts: rec.options.hosts, mgmtSubnet: rec.options.mgmtSubnet, underlaySubnet: rec.options.underlaySubnet, runtimes: plan.runtimes },
    healthy: problem === undefined,
    ...(problem ? { problem } : {}),
    hosts,
    containers: health.containers,
  };
}

/** The names of every lab with a record on this machine. */
export function listLabs(): string[] {
  const dir = labsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && existsSync(join(dir, n, 'record.json')))
    .sort();
}

export function formatStatus(s: LabStatus): string {
  const lines = [
    `Lab ${s.name}: ${s.state}${s.problem ? ` (${s.problem})` : ''} — ${s.options.hosts} hosts, management ${s.options.mgmtSubnet}, underlay ${s.options.underlaySubnet}${s.options.runtimes.length ? `, ${s.options.runtimes.join(', ')} in every host` : ''}`,
    `State: ${s.dir}  Fabric: ${s.fabric}`,
    '',
  ];
  // With docker, its daemons' pids too (podman has no daemon: its containers show in `podman ps`).
  const docker = s.options.runtimes.includes('docker');
  const rows = [['HOST', 'ADDRESS', 'VTEP', 'SSHD', 'OVSDB', 'VSWITCHD', ...(docker ? ['CONTAINERD', 'DOCKERD'] : []), 'STATUS']];
  for (const h of s.hosts) {
    rows.push([
      h.name,
      h.address,
      h.vtep,
      pidText(h.pids.sshd),
      pidText(h.pids['ovsdb-server']),
      pidText(h.pids['ovs-vswitchd']),
      ...(docker ? [pidText(h.pids.containerd), pidText(h.pids.dockerd)] : []),
      h.healthy ? 'healthy' : `unhealthy: ${h.problem ?? ''}`,
    ]);
  }
  lines.push(...table(rows));
  if (s.containers.length) {
    lines.push('');
    lines.push(...table([['CONTAINER', 'HOST', 'STATUS'], ...s.containers.map((c) => [c.name, c.host, c.healthy ? 'healthy' : 'gone'])]));
  }
  return lines.join('\n') + '\n';
}

function pidText(pid: number | undefined): string {
  return pid === undefined ? '-' : String(pid);
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
