import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { HostTarget } from '../host/transport.js';
import { addressSpaces, containsAddress, spaceOfAddress, type AddressSpace } from '../ipam/spaces.js';
import { ipToInt, isIpv4 } from '../manifest/ipv4.js';
import type { Model } from '../model/types.js';
import { isValidIfname, normalizeNetns } from './names.js';
import type { LocalAttachRequest } from './plan.js';

/** What `contiv attach` asks, as given on its command line. */
export interface AttachAsk {
  host: string;
  netns: string;
  ifname: string;
  tenant: string;
  network: string;
  group?: string;
  ip?: string;
}

function fail(code: string, message: string, hint?: string): Diagnostic[] {
  return [error(code, message, undefined, hint)];
}

export interface Checked {
  host: HostTarget;
  request: LocalAttachRequest;
  /** The space the endpoint takes its address from (its group's pool, or the network's). */
  space: AddressSpace;
  spaces: AddressSpace[];
}

/** What `contiv detach` asks, as given on its command line. */
export type DetachAsk = Pick<AttachAsk, 'host' | 'netns'> & { ifname?: string };

/** The host, namespace and interface of a request, each named when it is wrong. */
export function checkWhere(model: Model, o: DetachAsk): { host?: HostTarget; netns?: string; diagnostics: Diagnostic[] } {
  const host = model.fabric.hosts.find((h) => h.name === o.host);
  if (!host) return { diagnostics: fail('host-unknown', `unknown host ${o.host}; the Fabric has ${model.fabric.hosts.map((h) => h.name).join(', ')}`) };
  const netns = normalizeNetns(o.netns);
  if (netns === undefined) return { diagnostics: fail('netns-invalid', `--netns ${JSON.stringify(o.netns)} is neither a namespace name (letters, digits, '.', '_', '-'; at most 63) nor an absolute path`) };
  if (o.ifname !== undefined && !isValidIfname(o.ifname)) return { diagnostics: fail('ifname-invalid', `--ifname ${JSON.stringify(o.ifname)} is not an interface name (letters, digits, '.', '_', '-'; at most 15)`) };
  return { host, netns, diagnostics: [] };
}

/** The request against the manifests: every mistake named before any host is touched. */
export function checkRequest(model: Model, o: AttachAsk): { checked?: Checked; diagnostics: Diagnostic[] } {
  const { host, netns, diagnostics } = checkWhere(model, o);
  if (!host || netns === undefined) return { diagnostics };
  const network = model.networks.find((n) => n.tenant === o.tenant && n.name === o.network);
  if (!network) {
    const elsewhere = model.networks.filter((n) => n.name === o.network).map((n) => n.tenant);
    return { diagnostics: fail('network-unknown', `tenant ${o.tenant} has no network ${o.network}`, elsewhere.length ? `tenant ${elsewhere.join(', ')} has one: pass --tenant` : undefined) };
  }
  const group = o.group === undefined ? undefined : model.groups.find((g) => g.tenant === o.tenant && g.name === o.group);
  if (o.group !== undefined && !group) return { diagnostics: fail('group-unknown', `tenant ${o.tenant} has no endpoint group ${o.group}`) };
  if (group && group.network !== network.name) return { diagnostics: fail('group-network-mismatch', `group ${group.name} is on network ${group.network}, not ${network.name}`) };
  const spaces = addressSpaces(model.groups, network);
  const space = (group?.ipPool && spaces.find((s) => s.group === group.name)) || spaces[0]!;
  if (o.ip !== undefined) {
    if (!isIpv4(o.ip)) return { diagnostics: fail('ip-invalid', `--ip ${o.ip} is not an IPv4 address (four numbers from 0 to 255, without leading zeros)`) };
    const n = ipToInt(o.ip);
    if (o.ip === network.gateway) return { diagnostics: fail('ip-is-gateway', `--ip ${o.ip} is the gateway of ${network.name}`) };
    if (!containsAddress(space.segments, n)) {
      const pool = spaceOfAddress(spaces, n);
      const where = space.group ? `group ${space.group}'s ipPool ${group!.ipPool!.first}-${group!.ipPool!.last}` : `the usable addresses of ${network.subnet.address}/${network.subnet.prefix}`;
      if (pool?.group) return { diagnostics: fail('ip-in-pool', `--ip ${o.ip} is in group ${pool.group}'s ipPool: only its endpoints take addresses there`, `pass --group ${pool.group}, or an address outside the pool`) };
      return { diagnostics: fail('ip-outside', `--ip ${o.ip} is outside ${where}`) };
    }
  }
  const request: LocalAttachRequest = { tenant: network.tenant, network: network.name, netns, ifname: o.ifname, ...(group ? { group: group.name } : {}), ...(o.ip !== undefined ? { ip: o.ip } : {}) };
  return { checked: { host, request, space, spaces }, diagnostics: [] };
}

