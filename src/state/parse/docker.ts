import type { DockerNetworkState, DockerState } from '../host-state.js';
import type { Section } from './sections.js';

/*
 * Gather's `docker` and `docker-plugin` sections → Docker's side of a host. `docker` is empty
 * where the host has no docker command, a failed status where dockerd does not answer, else
 * the JSON of `docker network inspect` of every network whose driver is contiv's (`[]` for
 * none). `docker-plugin` is the build the running plugin says it runs, or empty.
 */

/** What a host's Docker is, for checks: absent (no docker command), down (with why), or up. */
export type DockerDaemon = { state: 'absent' } | { state: 'down'; problem: string } | { state: 'up' };

export interface ParsedDocker {
  daemon: DockerDaemon;
  /** Absent when Docker has no contiv network and the plugin does not run. */
  docker?: DockerState;
  /** Containers on each contiv network, by network name: `name (id12)`. */
  containers: Record<string, string[]>;
}

interface InspectedNetwork {
  Name?: unknown;
  Driver?: unknown;
  IPAM?: { Config?: Array<{ Subnet?: unknown; Gateway?: unknown }> | null } | null;
  Options?: Record<string, unknown> | null;
  Containers?: Record<string, { Name?: unknown }> | null;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function toState(n: InspectedNetwork): DockerNetworkState | undefined {
  const name = text(n.Name);
  const o = n.Options ?? {};
  const tenant = text(o['contiv.tenant']);
  const network = text(o['contiv.network']);
  const group = text(o['contiv.group']);
  const config = n.IPAM?.Config?.[0];
  const subnet = text(config?.Subnet);
  const gateway = text(config?.Gateway)?.split('/')[0];
  if (!name || !tenant || !network || !subnet) return undefined;
  return { name, tenant, network, ...(group ? { group } : {}), subnet, ...(gateway ? { gateway } : {}) };
}

export function parseDockerSections(docker: Section | undefined, plugin: Section | undefined): ParsedDocker {
  const build = plugin?.body.trim();
  const pluginState = build && /^[0-9a-f]{64}$/.test(build) ? { plugin: { build } } : {};
  const body = docker?.body.trim() ?? '';
  if (!docker || (body === '' && docker.status === undefined)) {
    return { daemon: { state: 'absent' }, containers: {}, ...(build ? { docker: { networks: {}, ...pluginState } } : {}) };
  }
  if (docker.status !== undefined && docker.status !== 0) {
    return { daemon: { state: 'down', problem: body.split('\n')[0] || `docker exited ${docker.status}` }, containers: {}, ...(build ? { docker: { networks: {}, ...pluginState } } : {}) };
  }
  let inspected: InspectedNetwork[];
  try {
    const parsed = JSON.parse(body) as unknown;
    inspected = Array.isArray(parsed) ? (parsed as InspectedNetwork[]) : [];
  } catch {
    return { daemon: { state: 'down', problem: 'docker network inspect printed no JSON' }, containers: {} };
  }
  const networks: Record<string, DockerNetworkState> = {};
  const containers: Record<string, string[]> = {};
  for (const n of inspected) {
    if (n.Driver !== 'contiv') continue;
    const state = toState(n);
    if (!state) continue;
    networks[state.name] = state;
    containers[state.name] = Object.entries(n.Containers ?? {})
      .map(([id, c]) => `${text(c.Name) ?? '?'} (${id.slice(0, 12)})`)
      .sort();
  }
  const any = Object.keys(networks).length > 0 || build;
  return { daemon: { state: 'up' }, containers, ...(any ? { docker: { networks, ...pluginState } } : {}) };
}
