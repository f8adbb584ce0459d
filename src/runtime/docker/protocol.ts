/*
 * Docker's remote plugin protocol (libnetwork docs/remote.md and docs/ipam.md), pure: a POST's
 * path and JSON body in, the driver's call checked and typed; the driver's answer or refusal
 * out, in the shape Docker shows its user. One plugin, `contiv`, is both the network driver and
 * the IPAM driver of contiv networks. The server (server.ts) only moves bytes; the driver
 * (driver.ts) does the work through the host-local endpoint path.
 */

/** How Docker's remote proxy tells the two APIs apart: network driver errors say `Err`, IPAM errors `Error`. */
export type Api = 'Plugin' | 'NetworkDriver' | 'IpamDriver';

/** What `contiv apply` passes with `docker network create` (`-o` and `--ipam-opt`), on every contiv network. */
export interface ContivNetOptions {
  tenant: string;
  network: string;
  group?: string;
}

/** Option keys of a contiv network in Docker (driver options and IPAM options alike). */
export const OPTION = { tenant: 'contiv.tenant', network: 'contiv.network', group: 'contiv.group' } as const;

/** Docker's IPAM option that marks the request for a network's gateway address. */
export const GATEWAY_REQUEST = 'com.docker.network.gateway';

export type Call =
  | { api: 'Plugin'; op: 'Activate' }
  | { api: 'NetworkDriver'; op: 'GetCapabilities' }
  | { api: 'NetworkDriver'; op: 'CreateNetwork'; networkId: string; options: ContivNetOptions; pool?: string; gateway?: string }
  | { api: 'NetworkDriver'; op: 'DeleteNetwork'; networkId: string }
  | { api: 'NetworkDriver'; op: 'CreateEndpoint'; networkId: string; endpointId: string; address?: string; mac?: string }
  | { api: 'NetworkDriver'; op: 'EndpointOperInfo'; networkId: string; endpointId: string }
  | { api: 'NetworkDriver'; op: 'DeleteEndpoint'; networkId: string; endpointId: string }
  | { api: 'NetworkDriver'; op: 'Join'; networkId: string; endpointId: string; sandboxKey: string }
  | { api: 'NetworkDriver'; op: 'Leave'; networkId: string; endpointId: string }
  | { api: 'NetworkDriver'; op: 'DiscoverNew' | 'DiscoverDelete' | 'ProgramExternalConnectivity' | 'RevokeExternalConnectivity' }
  | { api: 'IpamDriver'; op: 'GetCapabilities' | 'GetDefaultAddressSpaces' }
  | { api: 'IpamDriver'; op: 'RequestPool'; pool: string; subPool?: string; options: ContivNetOptions; v6: boolean }
  | { api: 'IpamDriver'; op: 'ReleasePool'; poolId: string }
  | { api: 'IpamDriver'; op: 'RequestAddress'; poolId: string; address?: string; gateway: boolean }
  | { api: 'IpamDriver'; op: 'ReleaseAddress'; poolId: string; address: string };

/** A request Docker's proxy sent that cannot be read: answered with HTTP 400 (or 404 for an unknown path). */
export interface BadRequest {
  status: 400 | 404;
  api: Api;
  message: string;
}

/** The content type of every answer (Docker's plugin client sends and accepts it). */
export const CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Docker's ids: 64 hex digits. */
const ID = /^[0-9a-f]{64}$/;

type Body = Record<string, unknown>;

function text(body: Body, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function contivOptions(raw: unknown): ContivNetOptions | string {
  const o = (raw ?? {}) as Record<string, unknown>;
  const get = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const tenant = get(OPTION.tenant);
  const network = get(OPTION.network);
  const group = get(OPTION.group);
  if (!tenant || !network) return `the network has no ${OPTION.tenant} and ${OPTION.network} options: contiv networks are made by contiv apply, not by docker network create`;
  for (const n of [tenant, network, ...(group !== undefined ? [group] : [])]) if (!NAME.test(n)) return `${JSON.stringify(n)} is not a contiv name`;
  return { tenant, network, ...(group !== undefined ? { group } : {}) };
}

const NO_BODY: Record<string, Call> = {
  'Plugin.Activate': { api: 'Plugin', op: 'Activate' },
  'NetworkDriver.GetCapabilities': { api: 'NetworkDriver', op: 'GetCapabilities' },
  'NetworkDriver.DiscoverNew': { api: 'NetworkDriver', op: 'DiscoverNew' },
  'NetworkDriver.DiscoverDelete': { api: 'NetworkDriver', op: 'DiscoverDelete' },
  'NetworkDriver.ProgramExternalConnectivity': { api: 'NetworkDriver', op: 'ProgramExternalConnectivity' },
  'NetworkDriver.RevokeExternalConnectivity': { api: 'NetworkDriver', op: 'RevokeExternalConnectivity' },
  'IpamDriver.GetCapabilities': { api: 'IpamDriver', op: 'GetCapabilities' },
  'IpamDriver.GetDefaultAddressSpaces': { api: 'IpamDriver', op: 'GetDefaultAddressSpaces' },
};

/** A POST from Docker → the call it asks for. Every value reaches a root shell on the host: checked here. */
export function parseCall(path: string, bodyText: string): { call: Call } | { bad: BadRequest } {
  const name = path.replace(/^\//, '');
  const api = (name.split('.')[0] ?? '') as Api;
  const known = api === 'Plugin' || api === 'NetworkDriver' || api === 'IpamDriver';
  const bad = (message: string, status: 400 | 404 = 400) => ({ bad: { status, api: known ? api : 'NetworkDriver', message } });
  const fixed = NO_BODY[name];
  if (fixed) return { call: fixed };
  let body: Body;
  try {
    body = bodyText.trim() === '' ? {} : (JSON.parse(bodyText) as Body);
  } catch {
    return bad(`${name}: the request body is not JSON`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return bad(`${name}: the request body is not a JSON object`);
  const id = (key: string): string | undefined => {
    const v = text(body, key);
    return v !== undefined && ID.test(v) ? v : undefined;
  };
  const ids = (): { networkId: string; endpointId: string } | undefined => {
    const networkId = id('NetworkID');
    const endpointId = id('EndpointID');
    return networkId && endpointId ? { networkId, endpointId } : undefined;
  };
  switch (name) {
    case 'NetworkDriver.CreateNetwork': {
      const networkId = id('NetworkID');
      if (!networkId) return bad('CreateNetwork: NetworkID is not a Docker id');
      const generic = (body['Options'] as Body | undefined)?.['com.docker.network.generic'];
      const options = contivOptions(generic);
      if (typeof options === 'string') return bad(`CreateNetwork: ${options}`);
      const v4 = Array.isArray(body['IPv4Data']) ? (body['IPv4Data'][0] as Body | undefined) : undefined;
      const pool = v4 ? text(v4, 'Pool') : undefined;
      const gateway = v4 ? text(v4, 'Gateway') : undefined;
      return { call: { api: 'NetworkDriver', op: 'CreateNetwork', networkId, options, ...(pool ? { pool } : {}), ...(gateway ? { gateway } : {}) } };
    }
    case 'NetworkDriver.DeleteNetwork': {
      const networkId = id('NetworkID');
      return networkId ? { call: { api: 'NetworkDriver', op: 'DeleteNetwork', networkId } } : bad('DeleteNetwork: NetworkID is not a Docker id');
    }
    case 'NetworkDriver.CreateEndpoint': {
      const both = ids();
      if (!both) return bad('CreateEndpoint: NetworkID or EndpointID is not a Docker id');
      const iface = (body['Interface'] ?? {}) as Body;
      const address = text(iface, 'Address');
      const mac = text(iface, 'MacAddress');
      return { call: { api: 'NetworkDriver', op: 'CreateEndpoint', ...both, ...(address ? { address } : {}), ...(mac ? { mac } : {}) } };
    }
    case 'NetworkDriver.EndpointOperInfo':
    case 'NetworkDriver.DeleteEndpoint':
    case 'NetworkDriver.Leave': {
      const both = ids();
      const op = name.slice('NetworkDriver.'.length) as 'EndpointOperInfo' | 'DeleteEndpoint' | 'Leave';
      return both ? { call: { api: 'NetworkDriver', op, ...both } } : bad(`${op}: NetworkID or EndpointID is not a Docker id`);
    }
    case 'NetworkDriver.Join': {
      const both = ids();
      const sandboxKey = text(body, 'SandboxKey');
      if (!both) return bad('Join: NetworkID or EndpointID is not a Docker id');
      if (!sandboxKey || !/^\/[-\w./]+$/.test(sandboxKey) || sandboxKey.split('/').includes('..')) return bad('Join: SandboxKey is not a namespace path');
      return { call: { api: 'NetworkDriver', op: 'Join', ...both, sandboxKey } };
    }
    case 'IpamDriver.RequestPool': {
      const pool = text(body, 'Pool');
      if (body['V6'] === true) return bad('RequestPool: contiv networks are IPv4');
      if (!pool) return bad('RequestPool: no Pool: contiv networks are made by contiv apply, with their subnet');
      const options = contivOptions(body['Options']);
      if (typeof options === 'string') return bad(`RequestPool: ${options}`);
      const subPool = text(body, 'SubPool');
      return { call: { api: 'IpamDriver', op: 'RequestPool', pool, options, v6: false, ...(subPool ? { subPool } : {}) } };
    }
    case 'IpamDriver.ReleasePool': {
      const poolId = text(body, 'PoolID');
      return poolId ? { call: { api: 'IpamDriver', op: 'ReleasePool', poolId } } : bad('ReleasePool: no PoolID');
    }
    case 'IpamDriver.RequestAddress': {
      const poolId = text(body, 'PoolID');
      if (!poolId) return bad('RequestAddress: no PoolID');
      const address = text(body, 'Address');
      const gateway = ((body['Options'] ?? {}) as Body)['RequestAddressType'] === GATEWAY_REQUEST;
      return { call: { api: 'IpamDriver', op: 'RequestAddress', poolId, gateway, ...(address ? { address } : {}) } };
    }
    case 'IpamDriver.ReleaseAddress': {
      const poolId = text(body, 'PoolID');
      const address = text(body, 'Address');
      return poolId && address ? { call: { api: 'IpamDriver', op: 'ReleaseAddress', poolId, address } } : bad('ReleaseAddress: no PoolID or Address');
    }
    default:
      // Unknown methods get 404: Docker then knows the driver does not implement them (remote.md, Errors).
      return bad(`${name} is not implemented by contiv`, 404);
  }
}

/** The pool id of a contiv network in Docker's IPAM: the same network (and group) always gets the same id. */
export function poolId(o: ContivNetOptions): string {
  return ['contiv', o.tenant, o.network, ...(o.group !== undefined ? [o.group] : [])].join('/');
}

/** A pool id back to its network; undefined for ids contiv did not hand out. */
export function parsePoolId(id: string): ContivNetOptions | undefined {
  const parts = id.split('/');
  if (parts[0] !== 'contiv' || parts.length < 3 || parts.length > 4 || !parts.slice(1).every((p) => NAME.test(p))) return undefined;
  return { tenant: parts[1]!, network: parts[2]!, ...(parts[3] !== undefined ? { group: parts[3] } : {}) };
}

/** A refusal in the shape Docker shows its user: `Err` for the network driver, `Error` for IPAM. */
export function refusalBody(api: Api, message: string): Record<string, string> {
  return api === 'IpamDriver' ? { Error: message } : { Err: message };
}

/** Activate's manifest: one plugin, both drivers. */
export const ACTIVATE = { Implements: ['NetworkDriver', 'IpamDriver'] };
/** Local scope: every host has its own copy of each network, made by contiv apply. */
export const NETWORK_CAPABILITIES = { Scope: 'local', ConnectivityScope: 'local' };
export const IPAM_CAPABILITIES = { RequiresMACAddress: false };
export const ADDRESS_SPACES = { LocalDefaultAddressSpace: 'contiv', GlobalDefaultAddressSpace: 'contiv-global' };
