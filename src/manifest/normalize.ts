import { dirname, isAbsolute, join, resolve } from 'node:path';
import type {
  EndpointGroup,
  Fabric,
  Host,
  Network,
  Peer,
  Policy,
  Principal,
  Protocol,
  Rule,
  SshSettings,
  Tenant,
} from '../model/types.js';
import { DEFAULT_TENANT } from '../model/types.js';
import { collectPositions, locate } from './locate.js';
import type { ParsedDocument } from './parse-yaml.js';
import { parseCidr } from './ipv4.js';

/*
 * Raw documents (already valid against their schema) → model objects with every default
 * filled in. Value checks that need more than one field or more than one document are the
 * semantic rules' job (rules/); here a value is only reshaped.
 */

interface RawMeta {
  metadata: { name: string; tenant?: string };
}

function located(parsed: ParsedDocument) {
  return { source: locate(parsed, ['metadata', 'name']), at: collectPositions(parsed) };
}

export function normalizeTenant(parsed: ParsedDocument): Tenant {
  const raw = parsed.value as RawMeta & { spec?: { description?: string; owners?: RawPrincipal[] } };
  const tenant: Tenant = { name: raw.metadata.name, description: raw.spec?.description ?? '', implicit: false, ...located(parsed) };
  if (raw.spec?.owners !== undefined) tenant.owners = normalizePrincipals(parsed, raw.spec.owners, ['spec', 'owners']);
  return tenant;
}

interface RawPrincipal {
  name: string;
  key: string;
}

/** Owners or admins: the key without its comment (`keytype base64`), each entry where its name was written. */
function normalizePrincipals(parsed: ParsedDocument, raw: RawPrincipal[], path: string[]): Principal[] {
  return raw.map((p, i) => ({ name: p.name, key: p.key.split(' ').slice(0, 2).join(' '), source: locate(parsed, [...path, i, 'name']) }));
}

/** Prefix length of a network's address blocks when the manifest says nothing: 16 addresses. */
export const DEFAULT_BLOCK_SIZE = 28;

export function normalizeNetwork(parsed: ParsedDocument): Network {
  const raw = parsed.value as RawMeta & { spec: { subnet: string; gateway?: string; vni?: number; ipam?: { blockSize?: number } } };
  const subnet = parseCidr(raw.spec.subnet);
  const network: Network = {
    tenant: raw.metadata.tenant ?? DEFAULT_TENANT,
    name: raw.metadata.name,
    subnet,
    // A subnet smaller than the default block is one block (a block larger than the subnet is refused by a rule).
    blockSize: raw.spec.ipam?.blockSize ?? Math.max(DEFAULT_BLOCK_SIZE, subnet.prefix),
    ...located(parsed),
  };
  if (raw.spec.gateway !== undefined) network.gateway = raw.spec.gateway;
  if (raw.spec.vni !== undefined) network.vni = raw.spec.vni;
  return network;
}

export function normalizeGroup(parsed: ParsedDocument): EndpointGroup {
  const raw = parsed.value as RawMeta & { spec: { network: string; policies?: string[]; ipPool?: string } };
  const group: EndpointGroup = {
    tenant: raw.metadata.tenant ?? DEFAULT_TENANT,
    name: raw.metadata.name,
    network: raw.spec.network,
    policies: raw.spec.policies ?? [],
    ...located(parsed),
  };
  if (raw.spec.ipPool !== undefined) {
    const [first, last] = raw.spec.ipPool.split('-') as [string, string];
    group.ipPool = { first, last };
  }
  return group;
}

interface RawPeer {
  group?: string;
  network?: string;
  cidr?: string;
}

interface RawRule {
  id: string | number;
  direction: 'in' | 'out';
  priority?: number;
  protocol?: string | number;
  port?: number | string;
  from?: RawPeer;
  to?: RawPeer;
  action: 'allow' | 'deny';
}

export function normalizePolicy(parsed: ParsedDocument): Policy {
  const raw = parsed.value as RawMeta & { spec: { rules: RawRule[] } };
  return {
    tenant: raw.metadata.tenant ?? DEFAULT_TENANT,
    name: raw.metadata.name,
    rules: raw.spec.rules.map((r, i) => normalizeRule(r, locate(parsed, ['spec', 'rules', i]))),
    ...located(parsed),
  };
}

function normalizeRule(raw: RawRule, source: Rule['source']): Rule {
  const rule: Rule = {
    id: String(raw.id),
    direction: raw.direction,
    priority: raw.priority ?? 1,
    protocol: normalizeProtocol(raw.protocol),
    action: raw.action,
    source,
  };
  if (raw.port !== undefined && raw.port !== 0) {
    if (typeof raw.port === 'number') rule.ports = { first: raw.port, last: raw.port };
    else {
      const [first, last] = raw.port.split('-').map(Number) as [number, number];
      rule.ports = { first, last };
    }
  }
  // The rule checks report a peer on the wrong side; the model keeps whichever was written.
  const peer = toPeer(raw.direction === 'in' ? (raw.from ?? raw.to) : (raw.to ?? raw.from));
  if (peer) rule.peer = peer;
  return rule;
}

function toPeer(raw: RawPeer | undefined): Peer | undefined {
  if (!raw) return undefined;
  if (raw.group !== undefined) return { kind: 'group', value: raw.group };
  if (raw.network !== undefined) return { kind: 'network', value: raw.network };
  if (raw.cidr !== undefined) {
    const { address, prefix } = parseCidr(raw.cidr);
    return { kind: 'cidr', value: `${address}/${prefix}` };
  }
  return undefined;
}

/** 6 and 17 are tcp and udp: one spelling each, so rules compare and compile alike. */
export function normalizeProtocol(protocol: string | number | undefined): Protocol {
  if (protocol === undefined) return 'any';
  if (protocol === 6) return 'tcp';
  if (protocol === 17) return 'udp';
  if (protocol === 1) return 'icmp';
  return protocol as Protocol;
}

interface RawSsh {
  user?: string;
  port?: number;
  identityFile?: string;
  knownHostsFile?: string;
  proxyJump?: string;
}

interface RawHost {
  name: string;
  address: string;
  vtep?: string;
  datapath?: 'system' | 'netdev';
  runtimes?: Array<'docker' | 'cni'>;
  labels?: Record<string, string>;
  ssh?: RawSsh;
}

interface RawFabric {
  metadata: { name: string };
  spec: { vxlanPort?: number; vniRange?: string; mtu?: number; ssh?: RawSsh; hosts: RawHost[]; admins?: RawPrincipal[] };
}

export const FABRIC_DEFAULTS = {
  vxlanPort: 4789,
  vniRange: '1-10000',
  mtu: 1450,
  sshUser: 'root',
  sshPort: 22,
  knownHostsFile: '~/.ssh/known_hosts',
} as const;

/** `home` is passed in so that normalization stays a pure function. */
export function normalizeFabric(parsed: ParsedDocument, home: string): Fabric {
  const raw = parsed.value as RawFabric;
  const base = dirname(parsed.file.absPath);
  const [first, last] = (raw.spec.vniRange ?? FABRIC_DEFAULTS.vniRange).split('-').map(Number) as [number, number];
  const all = collectPositions(parsed);
  const positions = hostPositions(all);
  const fabric: Fabric = {
    name: raw.metadata.name,
    file: parsed.file.absPath,
    vxlanPort: raw.spec.vxlanPort ?? FABRIC_DEFAULTS.vxlanPort,
    vniRange: { first, last },
    mtu: raw.spec.mtu ?? FABRIC_DEFAULTS.mtu,
    hosts: raw.spec.hosts.map((h, i) => normalizeHost(h, raw.spec.ssh ?? {}, base, home, positions[i] ?? {}, locate(parsed, ['spec', 'hosts', i, 'name']))),
    source: locate(parsed, ['metadata', 'name']),
    at: all,
  };
  if (raw.spec.admins !== undefined) fabric.admins = normalizePrincipals(parsed, raw.spec.admins, ['spec', 'admins']);
  return fabric;
}

/** Each host's positions, keyed relative to its entry (`address`, `ssh.user`): one pass over the Fabric's, whatever its size. */
function hostPositions(all: Record<string, Host['source']>): Array<Record<string, Host['source']>> {
  const out: Array<Record<string, Host['source']>> = [];
  for (const [path, pos] of Object.entries(all)) {
    const m = /^spec\.hosts\.(\d+)\.(.+)$/.exec(path);
    if (m) (out[Number(m[1])] ??= {})[m[2]!] = pos;
  }
  return out;
}

function normalizeHost(raw: RawHost, fabricSsh: RawSsh, base: string, home: string, at: Host['at'], source: Host['source']): Host {
  const ssh = { ...fabricSsh, ...raw.ssh };
  const settings: SshSettings = {
    user: ssh.user ?? FABRIC_DEFAULTS.sshUser,
    port: ssh.port ?? FABRIC_DEFAULTS.sshPort,
    knownHostsFile: resolvePath(ssh.knownHostsFile ?? FABRIC_DEFAULTS.knownHostsFile, base, home),
  };
  if (ssh.identityFile !== undefined) settings.identityFile = resolvePath(ssh.identityFile, base, home);
  if (ssh.proxyJump !== undefined) {
    const jump = parseJump(ssh.proxyJump, settings.user);
    // A Fabric-wide jump host that is one of the hosts: that host is reached directly.
    if (jump.address.toLowerCase() !== raw.address.toLowerCase() || jump.port !== settings.port) settings.proxyJump = jump;
  }
  return {
    name: raw.name,
    address: raw.address,
    // A hostname address without vtep is reported by the host rules; keep the field a string.
    vtep: raw.vtep ?? raw.address,
    datapath: raw.datapath ?? 'system',
    runtimes: raw.runtimes ?? [],
    labels: raw.labels ?? {},
    ssh: settings,
    source,
    at,
  };
}

/** `[user@]host[:port]` (the schema's pattern) → its parts; the user defaults to the host's own, the port to 22. */
export function parseJump(text: string, user: string): { user: string; address: string; port: number } {
  const at = text.indexOf('@');
  const rest = at === -1 ? text : text.slice(at + 1);
  const colon = rest.lastIndexOf(':');
  return { user: at === -1 ? user : text.slice(0, at), address: colon === -1 ? rest : rest.slice(0, colon), port: colon === -1 ? 22 : Number(rest.slice(colon + 1)) };
}

/** `~` is the user's home; a relative path is relative to the Fabric file's folder. */
export function resolvePath(path: string, base: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}
