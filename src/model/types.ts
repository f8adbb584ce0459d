import type { SourcePos } from '../diagnostics/diagnostic.js';

/**
 * The Model: the manifests after loading, schema checks and normalization. Every default is
 * filled in here, so later stages never see an absent field that means "the default".
 * Plain data only (no classes): it is compiled, diffed and serialised as is.
 */
export interface Model {
  fabric: Fabric;
  /** Always contains `default`, implicit or declared. */
  tenants: Tenant[];
  networks: Network[];
  groups: EndpointGroup[];
  policies: Policy[];
}

/**
 * Where an object and its fields were declared. `at` maps a dotted field path of the
 * document (`spec.subnet`, `spec.rules.1.port`) to the position of its value.
 */
export interface Located {
  source: SourcePos;
  at: Record<string, SourcePos>;
}

export interface Ipv4Range {
  /** Both ends inclusive, dotted quads. */
  first: string;
  last: string;
}

export interface Cidr {
  /** The network address (host bits zero), dotted quad. */
  address: string;
  prefix: number;
}

export interface NumberRange {
  first: number;
  last: number;
}

export interface SshSettings {
  user: string;
  port: number;
  /** Absolute path; absent means: use ssh-agent. */
  identityFile?: string;
  /** Absolute path. */
  knownHostsFile: string;
  /** A jump host the host is reached through (OpenSSH's ProxyJump), checked and logged into like the host. */
  proxyJump?: { user: string; address: string; port: number };
}

export type Datapath = 'system' | 'netdev';
export type Runtime = 'docker' | 'cni';

export interface Host extends Located {
  name: string;
  address: string;
  vtep: string;
  datapath: Datapath;
  runtimes: Runtime[];
  labels: Record<string, string>;
  /** Fabric-wide ssh settings with this host's overrides applied. */
  ssh: SshSettings;
}

/**
 * Someone who signs commits with an SSH key: a tenant's owner or an admin of the Fabric
 * (who may change what, read from the pull request's base: src/rbac/).
 */
export interface Principal {
  name: string;
  /** `keytype base64`, the comment left out. */
  key: string;
  /** Where the entry was written (its `name`). */
  source: SourcePos;
}

export interface Fabric extends Located {
  name: string;
  /** The file the Fabric came from, absolute; relative paths in it resolve against its folder. */
  file: string;
  vxlanPort: number;
  vniRange: NumberRange;
  mtu: number;
  hosts: Host[];
  /** `spec.admins`; absent when not written (admin-level changes are then open to anyone). */
  admins?: Principal[];
}

export interface Tenant extends Located {
  name: string;
  description: string;
  /** True for `default` when no manifest declares it. */
  implicit: boolean;
  /** `spec.owners`; absent when not written (the tenant is open to anyone). */
  owners?: Principal[];
}

export interface Network extends Located {
  tenant: string;
  name: string;
  subnet: Cidr;
  gateway?: string;
  /** Explicit VNI from the manifest; absent means allocate from the fabric's vniRange. */
  vni?: number;
  /**
   * Prefix length of the address blocks hosts claim from this network (and from its groups'
   * ipPools) when they need addresses: `spec.ipam.blockSize`, default 28, never shorter than
   * the subnet's own prefix.
   */
  blockSize: number;
}

export interface EndpointGroup extends Located {
  tenant: string;
  name: string;
  network: string;
  policies: string[];
  ipPool?: Ipv4Range;
}

export type Direction = 'in' | 'out';
export type Action = 'allow' | 'deny';
/** Protocol numbers 6 and 17 are normalized to `tcp` and `udp`. */
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'any' | number;
export type PeerKind = 'group' | 'network' | 'cidr';

export interface Peer {
  kind: PeerKind;
  /** A group or network name of the same tenant, or a CIDR in canonical form. */
  value: string;
}

export interface Rule {
  /** Rule ids may be written as numbers; they are compared as strings. */
  id: string;
  direction: Direction;
  priority: number;
  protocol: Protocol;
  /** Absent means any port. */
  ports?: NumberRange;
  /** Absent means any peer. */
  peer?: Peer;
  action: Action;
  /** Position of the rule's mapping in its policy document. */
  source: SourcePos;
}

export interface Policy extends Located {
  tenant: string;
  name: string;
  rules: Rule[];
}

export const DEFAULT_TENANT = 'default';
