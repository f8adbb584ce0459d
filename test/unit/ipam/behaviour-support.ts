import { planIpam, type HostAddresses, type IpamPlan } from '../../../src/ipam/fleet.js';
import { blockKey, blockValue, lentKey, parseBlocks, type Block } from '../../../src/ipam/records.js';
import { intToIp, ipToInt } from '../../../src/manifest/ipv4.js';
import type { EndpointGroup, Model, Network, Runtime } from '../../../src/model/types.js';
import type { Endpoint } from '../../../src/state/endpoint.js';

/*
 * Small builders for the behaviour tests of src/ipam: a model with only what the address plan
 * reads, hosts' records written as the hosts write them, and readers of a plan's result.
 * Addresses are written as offsets in 10.1.2.0/24 (`ip(20)` is 10.1.2.20).
 */

const at = { source: { file: 'x.yaml', line: 1, col: 1 }, at: {} };
export const BASE = ipToInt('10.1.2.0');
export const ip = (n: number): number => BASE + n;
export const dotted = (n: number): string => intToIp(ip(n));
export const r = (a: number, b: number) => ({ first: ip(a), last: ip(b) });

export function network(extra: Partial<Network> = {}): Network {
  return { tenant: 'default', name: 'net', subnet: { address: '10.1.2.0', prefix: 24 }, blockSize: 28, ...at, ...extra };
}

export function pool(name: string, first: number, last: number, extra: Partial<EndpointGroup> = {}): EndpointGroup {
  return { tenant: 'default', name, network: 'net', policies: [], ipPool: { first: dotted(first), last: dotted(last) }, ...at, ...extra };
}

export interface HostSpec {
  name: string;
  runtimes?: Runtime[];
}

/** A model with the hosts (in the order given), networks and groups the address plan reads. */
export function model(hosts: Array<string | HostSpec>, networks: Network[] = [network()], groups: EndpointGroup[] = []): Model {
  const hs = hosts.map((h) => (typeof h === 'string' ? { name: h } : h)).map((h) => ({ name: h.name, runtimes: h.runtimes ?? [], address: '198.18.0.1', vtep: '198.19.0.1', datapath: 'netdev', labels: {}, ...at }));
  return { fabric: { name: 'f', file: '/f.yaml', hosts: hs, ...at }, tenants: [], networks, groups, policies: [] } as unknown as Model;
}

/** The record of a block, as a host writes it. */
export function block(a: number, b: number, state: 'claimed' | 'pending' = 'claimed', space = 'default/net'): Record<string, string> {
  return { [blockKey(space, ip(a))]: blockValue({ first: ip(a), last: ip(b), state }) };
}

export function lent(address: number, to: string, tenant = 'default', net = 'net'): Record<string, string> {
  return { [lentKey(tenant, net, ip(address))]: to };
}

export function endpoint(host: string, offset: number, tenant = 'default', net = 'net'): Endpoint {
  return { host, port: `cv${offset}`, ofport: 4096 + offset, tenant, network: net, ip: dotted(offset), mac: '02:00:00:00:00:00', netns: `ns${offset}` };
}

/** Live addresses of a host: its records and endpoints at the given offsets (of default/net). */
export function live(records: Record<string, string>[] = [], endpoints: Array<number | Endpoint> = [], host = ''): HostAddresses {
  return { externalIds: Object.assign({}, ...records) as Record<string, string>, endpoints: endpoints.map((e) => (typeof e === 'number' ? endpoint(host, e) : e)) };
}

export function plan(m: Model, l: Record<string, HostAddresses>): IpamPlan {
  return planIpam(m, l);
}

/** The blocks a plan wants on a host, as `first-last state` offsets (of 10.1.2.0), in address order. */
export function blocksOf(p: IpamPlan, host: string, space?: string): string[] {
  return parseBlocks(p.records[host] ?? {})
    .filter((b: Block) => space === undefined || b.space === space)
    .map((b) => `${b.first - BASE}-${b.last - BASE} ${b.state}`);
}

/** The lent records a plan wants on a host, as `offset>host`. */
export function lentOf(p: IpamPlan, host: string): string[] {
  return Object.entries(p.records[host] ?? {})
    .filter(([k]) => k.startsWith('contiv.lent.'))
    .map(([k, v]) => `${ipToInt(k.split('.').pop()!.replaceAll('-', '.')) - BASE}>${v}`)
    .sort();
}
