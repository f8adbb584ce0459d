/**
 * HostState: one host's network state, the same type for what the manifests want (desired,
 * from compile) and what the host has (live, from gather). Both sides are normalized the same
 * way, so diffing compares like with like and a default is never drift.
 *
 * Only managed objects (carrying contiv's ownership marks) appear in `bridges`; everything
 * else a host has is listed in `unmanaged`, reported and never touched.
 */
export interface HostState {
  host: string;
  /** Managed bridges by name. */
  bridges: Record<string, BridgeState>;
  /**
   * Managed files by path: the CNI plugin and network configurations on hosts with
   * `runtimes: [cni]`. Absent: none (gather always says; desired states of hosts without
   * runtimes may leave it out).
   */
  files?: Record<string, FileState>;
  /**
   * Docker's side of a host with `runtimes: [docker]`: contiv's networks in Docker and the
   * plugin that serves them. Absent: the host does not run Docker for contiv.
   */
  docker?: DockerState;
}

export interface DockerState {
  /** Docker networks whose driver is contiv's, by Docker name. */
  networks: Record<string, DockerNetworkState>;
  /** The plugin process, with the build it runs (the SHA-256 of its file); absent: not running. */
  plugin?: { build: string };
}

/** A contiv network (or endpoint group) as Docker has it: what `docker network inspect` shows. */
export interface DockerNetworkState {
  name: string;
  tenant: string;
  network: string;
  group?: string;
  /** `10.1.2.0/24` */
  subnet: string;
  gateway?: string;
}

/** The runtime plugins contiv builds into single files (dist/NAME.cjs) and installs on hosts. */
export type BundleName = 'contiv-cni' | 'contiv-docker';

/** A file contiv writes on a host; only files carrying contiv's mark in their content are listed. */
export interface FileState {
  path: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  /** Permission bits in octal, as `stat -c %a` prints them: `755`, `644`. */
  mode: string;
  /** The content, on the desired side (the live side knows only its hash). */
  content?: string;
  /** The content is a bundle of the contiv that applies (too large to carry in a plan). */
  bundle?: BundleName;
}

export interface BridgeState {
  name: string;
  datapathType: 'system' | 'netdev';
  failMode: 'secure' | 'standalone';
  /** Ownership marks and descriptive ids (contiv.*), exactly as on the row. */
  externalIds: Record<string, string>;
  /** Managed ports (tunnels, endpoints, patch ports) by port name; the bridge's own internal port is not listed. */
  ports: Record<string, PortState>;
  /** Managed flows (cookie marked as contiv's) by FlowKey. */
  flows: Record<string, Flow>;
}

export type PortType = 'internal' | 'vxlan' | 'system' | 'patch';

export interface PortState {
  name: string;
  type: PortType;
  /** The OpenFlow port number, pinned with ofport_request so flows can name it. */
  ofport: number;
  /** Interface options (remote_ip, key, dst_port, local_ip, peer …). */
  options: Record<string, string>;
  externalIds: Record<string, string>;
  /** Split horizon: no flooding between protected ports (tunnels). */
  protected: boolean;
  mtu?: number;
}

/**
 * One OpenFlow flow in canonical form (see flow-canonical.ts): a contiv flow as written and the
 * same flow as OVS prints it back are equal field for field.
 */
export interface Flow {
  /** 64-bit cookie as 16 lowercase hex digits. */
  cookie: string;
  table: number;
  priority: number;
  /** Canonical match, fields sorted, `key=value` joined by ','; '' matches everything. */
  match: string;
  /** Canonical actions; 'drop' for none. */
  actions: string;
}

/** What identifies a flow in a table (OpenFlow's strict match): table, priority and match. */
export function flowKey(flow: Pick<Flow, 'table' | 'priority' | 'match'>): string {
  return `table=${flow.table},priority=${flow.priority}${flow.match ? `,${flow.match}` : ''}`;
}

/** Facts about a live host that are not state to converge: versions, capabilities, interfaces. */
export interface HostFacts {
  hostname: string;
  /**
   * Open vSwitch's version as OVSDB records it (the Open_vSwitch table's ovs_version, which
   * ovs-ctl sets at start); '' when nothing set it. Shown, never decided on.
   */
  ovsVersion: string;
  /** Whether ovs-vswitchd runs (its pidfile names a live ovs-vswitchd with its control socket). */
  vswitchdRunning: boolean;
  /** The host's interfaces with their MTU and IPv4 addresses (`ip -j addr`). */
  links: LinkInfo[];
  /** Binaries contiv needs that the host lacks. */
  missing: string[];
  /**
   * Named network namespaces on the host (/run/netns), and the namespace paths of endpoints
   * that still exist: an endpoint whose namespace is not here is gone.
   */
  netns: string[];
  /** The host's Docker: absent (no docker command), down (with why), or up. */
  docker?: { state: 'absent' } | { state: 'down'; problem: string } | { state: 'up' };
  /** Containers on each of contiv's Docker networks, by network name (`name (id12)`). */
  dockerContainers?: Record<string, string[]>;
}

export interface LinkInfo {
  name: string;
  mtu: number;
  up: boolean;
  mac?: string;
  addresses: string[];
}

/** Objects on a host that carry no contiv mark: shown to the user, never changed. */
export interface UnmanagedObjects {
  bridges: string[];
  /** Unmarked ports on managed bridges, as `bridge/port`. */
  ports: string[];
  /** The OpenFlow port numbers those ports hold, by `bridge/port` (absent when OVS gave none). */
  ofports?: Record<string, number>;
  /** Flows without contiv's cookie marker on managed bridges, per bridge. */
  flowCounts: Record<string, number>;
  /**
   * Per managed bridge, the keys (table, priority, match) of its foreign flows: a flow of
   * contiv's with one of these keys would replace someone else's flow, so plan refuses it.
   */
  flowKeys: Record<string, string[]>;
}

/** Everything gather learns about one host. */
export interface LiveHost {
  state: HostState;
  facts: HostFacts;
  unmanaged: UnmanagedObjects;
}

/*
 * One Flow object per distinct flow, for the parser and the compiler alike: the plan's diff
 * then finds a flow that stays by identity (the desired and the live side hold the same
 * object), without comparing its fields, for 1,600 flows on each of 1,000 hosts. Flows are
 * never changed in place. Long flows (a flood list, one per host) are not kept. Bounded for
 * long-lived processes.
 */
const flows = new Map<string, Flow>();
const KEEP_FLOWS = 200_000;
const LONGEST_KEPT = 2_000;

/** The one Flow equal to `flow` (field for field), or `flow` itself when it is the first or too long to keep. */
export function sharedFlow(flow: Flow): Flow {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: which flows are kept; the result is equal
  if (flow.actions.length + flow.match.length > LONGEST_KEPT) return flow;
  const id = `${flow.cookie} ${flow.table} ${flow.priority} ${flow.match} ${flow.actions}`;
  const known = flows.get(id);
  // Stryker disable next-line ConditionalExpression: a cache; the flow is equal either way
  if (known) return known;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
  if (flows.size >= KEEP_FLOWS) flows.clear();
  flows.set(id, flow);
  return flow;
}
