/*
 * The CNI protocol (containernetworking/cni SPEC.md, 1.0.0), pure: a runtime's request (its
 * environment and the network configuration on standard input) in, results and errors out.
 * The plugin itself (plugin.ts) only reads, calls the host-local endpoint path and prints.
 */

/** Every version a runtime may ask for: podman skips a configuration whose version a plugin does not list. */
export const SUPPORTED_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;

/** Well-known error codes (SPEC.md, Error), and contiv's own from 100. */
export const CNI_ERRORS = {
  incompatibleVersion: 1,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  /** contiv refused the request (no free address, unknown network as applied …): msg and details say why. */
  refused: 100,
  /** The host could not do it (a command failed, a lock was held too long). */
  hostFailed: 101,
} as const;

export interface CniError {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

/** What a contiv network configuration carries in its plugin object, written by `contiv apply`. */
export interface ContivNetConf {
  /** The Fabric's name of the host the configuration was written for. */
  host: string;
  tenant: string;
  network: string;
  group?: string;
}

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniRequest {
  command: CniCommand;
  cniVersion: string;
  containerId: string;
  /** CNI_NETNS: a path; optional for DEL. */
  netns?: string;
  ifname: string;
  /** CNI_ARGS as key → value (`IP=10.1.2.7;IgnoreUnknown=1`). */
  args: Record<string, string>;
  conf: ContivNetConf;
  /** The configuration list's name (the runtime's network name). */
  name: string;
  /** The ADD result the runtime kept, on DEL and CHECK. */
  prevResult?: unknown;
}

function fail(cniVersion: string, code: number, msg: string, details?: string): { error: CniError } {
  return { error: { cniVersion, code, msg, ...(details ? { details } : {}) } };
}

/** `A=1;B=2` → {A: '1', B: '2'}; a pair without `=` is kept with an empty value. */
export function parseCniArgs(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    out[eq === -1 ? pair : pair.slice(0, eq)] = eq === -1 ? '' : pair.slice(eq + 1);
  }
  return out;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The runtime's request, checked: every value reaches a root shell on the host. */
export function parseRequest(env: Readonly<Record<string, string | undefined>>, stdin: string): { request: CniRequest } | { error: CniError } {
  const command = env['CNI_COMMAND'];
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(stdin) as Record<string, unknown>;
  } catch {
    return fail('1.0.0', CNI_ERRORS.decodeFailure, 'the network configuration on standard input is not JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('1.0.0', CNI_ERRORS.decodeFailure, 'the network configuration on standard input is not a JSON object');
  const cniVersion = typeof raw['cniVersion'] === 'string' ? raw['cniVersion'] : '0.1.0';
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(cniVersion)) return fail(cniVersion, CNI_ERRORS.incompatibleVersion, `CNI version ${cniVersion} is not supported`, `contiv supports ${SUPPORTED_VERSIONS.join(', ')}`);
  if (command !== 'ADD' && command !== 'DEL' && command !== 'CHECK' && command !== 'VERSION') return fail(cniVersion, CNI_ERRORS.invalidEnvironment, `CNI_COMMAND ${JSON.stringify(command ?? '')} is not ADD, DEL, CHECK or VERSION`);
  const containerId = env['CNI_CONTAINERID'] ?? '';
  const ifname = env['CNI_IFNAME'] ?? '';
  const netns = env['CNI_NETNS'];
  const missing = [containerId === '' && 'CNI_CONTAINERID', ifname === '' && 'CNI_IFNAME', command === 'ADD' && !netns && 'CNI_NETNS'].filter(Boolean);
  if (missing.length) return fail(cniVersion, CNI_ERRORS.invalidEnvironment, `missing ${missing.join(', ')}`);
  const c = raw['contiv'] as Record<string, unknown> | undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const conf = { host: text(c?.['host']), tenant: text(c?.['tenant']), network: text(c?.['network']), group: text(c?.['group']) };
  if (!conf.host || !conf.tenant || !conf.network || ![conf.host, conf.tenant, conf.network, ...(conf.group !== undefined ? [conf.group] : [])].every((n) => NAME.test(n!))) {
    return fail(cniVersion, CNI_ERRORS.invalidConfig, 'the network configuration has no valid "contiv" object (host, tenant, network, group)', 'contiv apply writes these configurations; do not edit them by hand');
  }
  const request: CniRequest = {
    command,
    cniVersion,
    containerId,
    ifname,
    args: parseCniArgs(env['CNI_ARGS']),
    conf: { host: conf.host, tenant: conf.tenant, network: conf.network, ...(conf.group !== undefined ? { group: conf.group } : {}) },
    name: text(raw['name']) ?? '',
    ...(netns ? { netns } : {}),
    ...(raw['prevResult'] !== undefined ? { prevResult: raw['prevResult'] } : {}),
  };
  return { request };
}

/** VERSION's answer. */
export function versionResult(cniVersion: string): object {
  return { cniVersion, supportedVersions: [...SUPPORTED_VERSIONS] };
}

export interface Attached {
  ifname: string;
  mac: string;
  /** `10.1.2.5/24` */
  address: string;
  gateway?: string;
  mtu: number;
  /** CNI_NETNS as given. */
  sandbox: string;
}

/**
 * ADD's result in the version asked for: 1.0.0 and 0.3.x/0.4.0 list the interface, its address
 * (with the gateway) and the default route; 0.1.0/0.2.0 have only `ip4`.
 */
export function addResult(cniVersion: string, a: Attached): object {
  const routes = a.gateway ? [{ dst: '0.0.0.0/0', gw: a.gateway }] : [];
  if (cniVersion === '0.1.0' || cniVersion === '0.2.0') return { cniVersion, ip4: { ip: a.address, ...(a.gateway ? { gateway: a.gateway } : {}), routes } };
  const legacy = cniVersion !== '1.0.0';
  return {
    cniVersion,
    interfaces: [{ name: a.ifname, mac: a.mac, mtu: a.mtu, sandbox: a.sandbox }],
    ips: [{ ...(legacy ? { version: '4' } : {}), address: a.address, ...(a.gateway ? { gateway: a.gateway } : {}), interface: 0 }],
    routes,
    dns: {},
  };
}

/** The address ADD returned, from a prevResult of any version; undefined when it has none. */
export function prevAddress(prevResult: unknown): string | undefined {
  const p = prevResult as { ips?: Array<{ address?: unknown }>; ip4?: { ip?: unknown } } | undefined;
  const address = p?.ips?.[0]?.address ?? p?.ip4?.ip;
  return typeof address === 'string' ? address : undefined;
}

/** A contiv diagnostic as a CNI error: the runtime shows `msg: details`. */
export function refusal(cniVersion: string, code: string, message: string, hint?: string): CniError {
  return { cniVersion, code: CNI_ERRORS.refused, msg: `contiv: ${message}`, details: hint ? `${code}; ${hint}` : code };
}
