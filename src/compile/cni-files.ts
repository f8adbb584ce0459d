import { createHash } from 'node:crypto';
import type { Host, Model } from '../model/types.js';
import type { FileState } from '../state/host-state.js';

/*
 * What a host with `runtimes: [cni]` runs CNI with: contiv's plugin, and one network
 * configuration list per network and per endpoint group. A runtime names a network as the
 * manifests do, with the tenant after a dot outside `default` (CNI names allow no `/`):
 * `contiv-net`, `contiv-net.blue`, `db-group`, `db-group.blue`. Joining a group's name puts the
 * container in that group, on the group's network.
 */

export const CNI_PLUGIN_PATH = '/opt/cni/bin/contiv';
export const CNI_CONF_DIR = '/etc/cni/net.d';
/** The second line of the plugin file: how gather knows the file is contiv's. */
export const CNI_PLUGIN_MARK = 'contiv-cni: installed by contiv apply';

export function cniNetworkName(tenant: string, name: string): string {
  return tenant === 'default' ? name : `${name}.${tenant}`;
}

export function cniConfPath(name: string): string {
  return `${CNI_CONF_DIR}/50-contiv-${name}.conflist`;
}

function file(path: string, content: string): FileState {
  return { path, sha256: createHash('sha256').update(content).digest('hex'), mode: '644', content };
}

/** A configuration list, compact JSON; `"owner":"contiv"` is the mark gather looks for. */
function conflist(name: string, contiv: Record<string, string>): string {
  return `${JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'contiv', contiv: { owner: 'contiv', ...contiv } }] })}\n`;
}

/**
 * The CNI files of one host: none without the cni runtime; else the plugin (its content is the
 * contiv-cni bundle whose hash is `pluginSha256`) and every network's and group's configuration.
 */
export function cniFiles(model: Model, host: Host, pluginSha256: string): Record<string, FileState> {
  if (!host.runtimes.includes('cni')) return {};
  const out: Record<string, FileState> = { [CNI_PLUGIN_PATH]: { path: CNI_PLUGIN_PATH, sha256: pluginSha256, mode: '755', bundle: 'contiv-cni' } };
  for (const n of model.networks) {
    const name = cniNetworkName(n.tenant, n.name);
    out[cniConfPath(name)] = file(cniConfPath(name), conflist(name, { host: host.name, tenant: n.tenant, network: n.name }));
  }
  for (const g of model.groups) {
    const name = cniNetworkName(g.tenant, g.name);
    out[cniConfPath(name)] = file(cniConfPath(name), conflist(name, { host: host.name, tenant: g.tenant, network: g.network, group: g.name }));
  }
  return out;
}
