import { contiv, type CliRun } from '../support/cli.js';
import { execIn } from './lab.js';

/*
 * What the runtime tests (podman, Docker) share: a TCP probe run in a container's namespace on
 * its host, which tells a connection dropped on the way (timeout) from one refused or never
 * routed, and both from a probe that could not run; and the endpoints `contiv show` lists.
 */

/** The CLI's standard output; throws with everything it printed when it failed. */
export function okRun(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const PROBE = String.raw`
const net = require('node:net');
const [ip, port] = process.argv.slice(1);
let data = '';
const s = net.connect({ host: ip, port: Number(port) });
const t = setTimeout(() => { process.stdout.write('timeout\n'); process.exit(1); }, 1500);
s.setEncoding('utf8');
s.on('data', (d) => { data += d; });
s.on('end', () => { clearTimeout(t); process.stdout.write('ok ' + data.trim() + '\n'); process.exit(0); });
s.on('error', (e) => { clearTimeout(t); process.stdout.write('error ' + (e.code || e.message) + '\n'); process.exit(1); });
`;

/** connect() from the namespace `netns` on `host`: 'ok NAME', 'timeout' (dropped), 'error …'; throws if the probe could not run. */
export async function probeFromNetns(lab: { lab: string; timeoutMs: number }, host: string, netns: string, from: string, ip: string, port: number): Promise<string> {
  let last = '';
  // Userspace VXLAN drops the first packets to a new peer: one retry before calling it blocked.
  for (let i = 0; i < 2; i++) {
    const r = await execIn(host, ['nsenter', `--net=${netns}`, 'node', '-e', PROBE, ip, String(port)], lab);
    last = r.stdout.trim();
    if ((r.code !== 0 && r.code !== 1) || last === '') throw new Error(`probe from ${from} could not run (exit ${r.code}): ${r.stderr}`);
    if (last.startsWith('ok ')) return last;
  }
  return last;
}

export interface ShownEndpoint {
  host: string;
  ip: string;
  tenant: string;
  container?: string;
}

/** Every endpoint `contiv show` finds on the hosts. */
export function shownEndpoints(dir: string, fabric: string): ShownEndpoint[] {
  const show = JSON.parse(okRun(contiv(['show', dir, '--fabric', fabric, '--json']))) as { hosts: Array<{ host: string; state: { bridges: Record<string, { ports: Record<string, { externalIds: Record<string, string> }> }> } }> };
  return show.hosts.flatMap((h) =>
    Object.values(h.state.bridges['contiv0']?.ports ?? {})
      .map((p) => p.externalIds)
      .filter((x) => x['contiv.kind'] === 'endpoint')
      .map((x) => ({ host: h.host, ip: x['contiv.ip']!, tenant: x['contiv.tenant']!, ...(x['contiv.container'] ? { container: x['contiv.container'] } : {}) })),
  );
}
