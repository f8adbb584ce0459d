// @ts-nocheck
import ipaddr from 'ipaddr.js';
import type { Cidr, Ipv4Range } from '../model/types.js';

/**
 * IPv4 arithmetic on unsigned 32-bit integers. Parsing and validation are ipaddr.js's; the
 * schemas already guarantee dotted-quad syntax, so these helpers only see well-formed input.
 */
export function ipToInt(ip: string): number {
  const bytes = ipaddr.IPv4.parse(ip).toByteArray();
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** A dotted-quad IPv4 address as the schemas accept it (no leading zeros, each octet 0-255). */
export function isIpv4(text: string): boolean {
  return DOTTED_QUAD.test(text);
}

/** Parses `a.b.c.d/p`, keeping the address as written (host bits may be set). */
export function parseCidr(text: string): { address: string; prefix: number } {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  return { address: address.toString(), prefix };
}

export interface IntRange {
  first: number;
  last: number;
}

/** All addresses of a subnet, network and broadcast address included. */
export function cidrRange(cidr: Cidr): IntRange {
  const size = 2 ** (32 - cidr.prefix);
  const first = Math.floor(ipToInt(cidr.address) / size) * size;
  return { first, last: first + size - 1 };
}

/** The network address of the subnet an address belongs to. */
export function networkAddress(address: string, prefix: number): string {
  return intToIp(cidrRange({ address, prefix }).first);
}

export function poolRange(pool: Ipv4Range): IntRange {
  return { first: ipToInt(pool.first), last: ipToInt(pool.last) };
}

export function overlaps(a: IntRange, b: IntRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: IntRange, inner: IntRange): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function formatCidr(cidr: Cidr): string {
  return `${cidr.address}/${cidr.prefix}`;
}
