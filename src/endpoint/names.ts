import { createHash } from 'node:crypto';
import { DEFAULT_IFNAME } from '../state/endpoint.js';

/*
 * Names an endpoint's request may carry and the names contiv gives its devices. Every value
 * here reaches a root shell on a host, so each is checked against a strict pattern first.
 */

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** An absolute path without `..`, blanks or shell syntax (a runtime's /proc/PID/ns/net, /run/docker/netns/ID …). */
const NETNS_PATH = /^(\/[A-Za-z0-9_.-]+){1,16}$/;
const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/**
 * A network namespace as the user or a runtime names it: a name under /run/netns, or a path.
 * Paths under /run/netns (and /var/run/netns) become the name, so one namespace has one
 * spelling. Undefined when it is neither.
 */
export function normalizeNetns(text: string): string | undefined {
  const named = /^(?:\/var)?\/run\/netns\/([^/]+)$/.exec(text);
  const candidate = named ? named[1]! : text;
  if (NETNS_NAME.test(candidate) && candidate !== '.' && candidate !== '..') return candidate;
  if (NETNS_PATH.test(text) && !text.split('/').some((p) => p === '..' || p === '.')) return text;
  return undefined;
}

/** Where a namespace is on the host. */
export function netnsPath(netns: string): string {
  return netns.startsWith('/') ? netns : `/run/netns/${netns}`;
}

/** A runtime's container id, as CNI defines it (an alphanumeric, then alphanumerics, `_`, `.`, `-`). */
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function isValidContainerId(id: string): boolean {
  return CONTAINER_ID.test(id);
}

export function isValidIfname(name: string): boolean {
  return IFNAME.test(name) && name !== '.' && name !== '..';
}

/** A stable, locally administered MAC for an address of a network (unique per tenant and network). */
export function endpointMac(tenant: string, network: string, ip: string): string {
  const h = createHash('sha256').update(`${tenant}/${network}/${ip}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * The OVS port (host side of the veth) of an endpoint: `cv` and 12 hex digits, so it fits
 * Linux's 15 characters. eth0 keeps the name endpoints had before --ifname existed.
 */
export function endpointPortName(host: string, netns: string, ifname: string = DEFAULT_IFNAME): string {
  const id = ifname === DEFAULT_IFNAME ? `${host}/${netns}` : `${host}/${netns}#${ifname}`;
  return `cv${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}
