import ipaddr from 'ipaddr.js';
import { UserError } from '../cli/errors.js';
import { checkLabName, hostName } from './names.js';
import { type LabRuntime, normalizeRuntimes } from './runtimes.js';

/**
 * The plan of a lab: every name and address it will use, computed from its options alone.
 * Pure: no I/O, so it is unit-tested and shared by up, down, status and the Fabric writer.
 */
export interface LabOptions {
  name: string;
  hosts: number;
  /** CIDR of the management network; the machine is .1, host hN is .(10+N). */
  mgmtSubnet: string;
  /** CIDR of the underlay (VTEP) network; host hN's VTEP is .(10+N). */
  underlaySubnet: string;
  /** Container runtimes set up in every host (`--runtime`); absent or [] for none. */
  runtimes?: LabRuntime[];
}

export const DEFAULT_HOSTS = 3;
export const DEFAULT_MGMT_SUBNET = '198.18.0.0/24';
export const DEFAULT_UNDERLAY_SUBNET = '198.19.0.0/24';
/** Host hN gets address network + HOST_OFFSET + N; .1 is the machine, .2–.10 stay free. */
export const HOST_OFFSET = 10;

/**
 * MTU of the lab's underlay (veths, the fabric bridge, br-phy): room for an endpoint's 1450-byte
 * packets plus VXLAN and contiv's group tag (54 bytes), as a real VXLAN fabric has.
 */
export const UNDERLAY_MTU = 1600;

export interface Subnet {
  /** Network address, dotted quad. */
  network: string;
  prefix: number;
  cidr: string;
}

export interface HostPlan {
  name: string;
  index: number;
  /** Named network namespace of the host (in the machine's /run/netns). */
  netns: string;
  mgmtIp: string;
  vtep: string;
  /** Interface names inside the host namespace. */
  mgmtIf: string;
  underlayIf: string;
  /** The peers of those interfaces, ports of the bridges in the lab's fabric namespace. */
  fabricMgmtPort: string;
  fabricUnderlayPort: string;
  /** MAC of br-phy's internal port (stable across rebuilds; locally administered). */
  vtepMac: string;
}

export interface LabPlan {
  name: string;
  mgmt: Subnet;
  underlay: Subnet;
  /** The machine's address on the management network. */
  rootIp: string;
  /** The lab's one interface in the root namespace (a veth into the fabric namespace). */
  rootIf: string;
  /** Namespace holding the management and underlay bridges that join the hosts. */
  fabricNs: string;
  fabricMgmtBridge: string;
  fabricUnderlayBridge: string;
  fabricRootPort: string;
  hosts: HostPlan[];
  /** The container runtimes of every host, checked and in a stable order. */
  runtimes: LabRuntime[];
}

export function parseSubnet(text: string, what: string): Subnet {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    throw new UserError(`${what} ${JSON.stringify(text)} is not a CIDR like 198.18.0.0/24`);
  }
  const [addr, prefix] = parsed;
  if (addr.kind() !== 'ipv4') throw new UserError(`${what} ${text}: only IPv4 subnets are supported`);
  if (prefix < 8 || prefix > 28) throw new UserError(`${what} ${text}: the prefix must be between /8 and /28`);
  const network = (toInt(addr.toString()) & mask(prefix)) >>> 0;
  if (network !== toInt(addr.toString())) {
    throw new UserError(`${what} ${text} has host bits set; did you mean ${fromInt(network)}/${prefix}?`);
  }
  return { network: fromInt(network), prefix, cidr: `${fromInt(network)}/${prefix}` };
}

/** How many hosts fit: addresses .11 up to the one before broadcast. */
export function maxHosts(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefix) - HOST_OFFSET - 2;
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((toInt(a.network) & mask(p)) >>> 0) === ((toInt(b.network) & mask(p)) >>> 0);
}

export function planLab(opts: LabOptions): LabPlan {
  const name = checkLabName(opts.name);
  const runtimes = normalizeRuntimes(opts.runtimes);
  const mgmt = parseSubnet(opts.mgmtSubnet, 'management subnet');
  const underlay = parseSubnet(opts.underlaySubnet, 'underlay subnet');
  if (subnetsOverlap(mgmt, underlay)) {
    throw new UserError(`the management subnet ${mgmt.cidr} and the underlay subnet ${underlay.cidr} overlap`);
  }
  const limit = Math.min(maxHosts(mgmt), maxHosts(underlay));
  if (!Number.isInteger(opts.hosts) || opts.hosts < 1 || opts.hosts > limit) {
    throw new UserError(`--hosts must be a whole number from 1 to ${limit} for these subnets (got ${opts.hosts})`);
  }
  const hosts: HostPlan[] = [];
  for (let i = 1; i <= opts.hosts; i++) {
    const h = hostName(i);
    hosts.push({
      name: h,
      index: i,
      netns: `contiv-${name}-${h}`,
      mgmtIp: fromInt(toInt(mgmt.network) + HOST_OFFSET + i),
      vtep: fromInt(toInt(underlay.network) + HOST_OFFSET + i),
      mgmtIf: 'mgmt0',
      underlayIf: 'ul0',
      fabricMgmtPort: `m-${h}`,
      fabricUnderlayPort: `u-${h}`,
      vtepMac: macFor(toInt(underlay.network) + HOST_OFFSET + i),
    });
  }
  return {
    name,
    mgmt,
    underlay,
    rootIp: fromInt(toInt(mgmt.network) + 1),
    rootIf: `cv-${name}`,
    fabricNs: `contiv-${name}-fabric`,
    fabricMgmtBridge: 'mgmt',
    fabricUnderlayBridge: 'underlay',
    fabricRootPort: 'root',
    hosts,
    runtimes,
  };
}

/** 02:c0:XX:XX:XX:XX — locally administered, unicast, derived from the VTEP address. */
function macFor(ip: number): string {
  const bytes = [0x02, 0xc0, (ip >>> 24) & 255, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) >>> 0) + Number(part), 0) >>> 0;
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
