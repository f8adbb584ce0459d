import { createHash } from 'node:crypto';
import type { Host, Model } from '../model/types.js';
import type { DockerNetworkState, FileState } from '../state/host-state.js';

/*
 * What a host with `runtimes: [docker]` runs Docker's contiv networks with: contiv's plugin
 * (network driver and IPAM driver in one process, serving /run/docker/plugins/contiv.sock), a
 * systemd unit for hosts that have systemd, and one Docker network per contiv network and per
 * endpoint group, as Contiv named them: the network's name in tenant default (`contiv-net`),
 * `NAME/TENANT` in other tenants (`contiv-net/blue`), a group's name for the group
 * (`db-group`, `db-group/blue`). Joining a group's network puts the container in the group.
 */

export const DOCKER_PLUGIN_PATH = '/usr/local/lib/contiv/contiv-docker';
export const DOCKER_UNIT_PATH = '/etc/systemd/system/contiv-docker.service';
export const DOCKER_PLUGIN_SOCKET = '/run/docker/plugins/contiv.sock';
/** `PID BUILD`: the running plugin and the SHA-256 of the file it runs. */
export const DOCKER_PLUGIN_PID_FILE = '/run/contiv-docker.pid';
/** The driver's (and IPAM driver's) name in Docker: the socket's name. */
export const DOCKER_DRIVER = 'contiv';
/** The second line of the plugin file, and a line of the unit: how gather knows the files are contiv's. */
export const DOCKER_PLUGIN_MARK = 'contiv-docker: installed by contiv apply';

export function isDockerFile(path: string): boolean {
  return path === DOCKER_PLUGIN_PATH || path === DOCKER_UNIT_PATH;
}

export function dockerNetworkName(tenant: string, name: string): string {
  return tenant === 'default' ? name : `${name}/${tenant}`;
}

/**
 * The unit of a host with systemd: the plugin restarts whenever it stops, and starts before
 * dockerd, which then finds the socket on its first contiv call. The host's Fabric name is its
 * argument: the plugin reads only that host's records.
 */
export function dockerUnit(host: string): string {
  return [
    '# ' + DOCKER_PLUGIN_MARK + '; apply replaces this file, do not edit it',
    '[Unit]',
    'Description=contiv network and IPAM driver for Docker',
    'Before=docker.service',
    'After=openvswitch-switch.service',
    '',
    '[Service]',
    `ExecStart=${DOCKER_PLUGIN_PATH} --host ${host}`,
    'Restart=always',
    'RestartSec=1',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

function file(path: string, content: string, mode: string): FileState {
  return { path, sha256: createHash('sha256').update(content).digest('hex'), mode, content };
}

/** The plugin's files on one host: none without the docker runtime. */
export function dockerFiles(host: Host, pluginSha256: string): Record<string, FileState> {
  if (!host.runtimes.includes('docker')) return {};
  return {
    [DOCKER_PLUGIN_PATH]: { path: DOCKER_PLUGIN_PATH, sha256: pluginSha256, mode: '755', bundle: 'contiv-docker' },
    [DOCKER_UNIT_PATH]: file(DOCKER_UNIT_PATH, dockerUnit(host.name), '644'),
  };
}

/** The Docker networks one host should have, by Docker name: none without the docker runtime. */
export function dockerNetworks(model: Model, host: Host): Record<string, DockerNetworkState> {
  if (!host.runtimes.includes('docker')) return {};
  const out: Record<string, DockerNetworkState> = {};
  const subnetOf = new Map(model.networks.map((n) => [`${n.tenant}/${n.name}`, n]));
  const add = (name: string, tenant: string, network: string, group?: string): void => {
    const n = subnetOf.get(`${tenant}/${network}`);
    if (!n) return;
    out[name] = {
      name,
      tenant,
      network,
      ...(group !== undefined ? { group } : {}),
      subnet: `${n.subnet.address}/${n.subnet.prefix}`,
      ...(n.gateway ? { gateway: n.gateway } : {}),
    };
  };
  for (const n of model.networks) add(dockerNetworkName(n.tenant, n.name), n.tenant, n.name);
  for (const g of model.groups) add(dockerNetworkName(g.tenant, g.name), g.tenant, g.network, g.name);
  return out;
}
