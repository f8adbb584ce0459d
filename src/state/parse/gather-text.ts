import { formatFlow } from '../flow-canonical.js';
import type { Flow, HostState, LiveHost } from '../host-state.js';

/*
 * The inverse of parseGatherOutput: the text gather would print for a host in a given state.
 * Not used by contiv itself: the tests' plan fixtures and the benchmarks' generated fleets go
 * through it so that they exercise the real parser, as a plan of real hosts does.
 */

/** Flows in the order ovs-ofctl prints them for review: table, priority (highest first), text. */
export function sortFlows(flows: readonly Flow[]): Flow[] {
  return [...flows].sort((a, b) => a.table - b.table || b.priority - a.priority || (formatFlow(a) < formatFlow(b) ? -1 : formatFlow(a) > formatFlow(b) ? 1 : 0));
}

export interface GatherExtras {
  /** Bridges without contiv's mark (the underlay bridge br-phy is always there). */
  unmanagedBridges?: string[];
  /** Ports without the mark on a managed bridge: `bridge/port`. */
  unmanagedPorts?: string[];
  /** Flow lines (dump-flows form) with a foreign cookie, per bridge. */
  foreignFlows?: Record<string, string[]>;
  /** Namespaces of endpoints that no longer exist on the host. */
  goneNetns?: string[];
}

function endpointNetns(state: HostState): string[] {
  return Object.values(state.bridges).flatMap((b) => Object.values(b.ports).map((p) => p.externalIds['contiv.netns']).filter((n): n is string => n !== undefined));
}

/**
 * The output gather would print for a host in `live` (and `extras`): the inverse of
 * parseGatherOutput, so plan fixtures exercise the real parser.
 */
export function gatherText(live: { state: HostState; facts: LiveHost['facts'] }, extras: GatherExtras = {}): string {
  let uuidCount = 0;
  const uuid = () => `00000000-0000-4000-8000-${(++uuidCount).toString(16).padStart(12, '0')}`;
  const map = (r: Record<string, string>) => ['map', Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))];
  const bridges: unknown[][] = [];
  const ports: unknown[][] = [];
  const ifaces: unknown[][] = [];
  const addPort = (name: string, type: string, ofport: number, options: Record<string, string>, externalIds: Record<string, string>, prot: boolean, mtu?: number): string => {
    const iface = uuid();
    const port = uuid();
    ifaces.push([['uuid', iface], type, map(options), ofport, ofport === 65534 ? ['set', []] : ofport, mtu === undefined ? ['set', []] : mtu]);
    ports.push([['uuid', port], name, ['uuid', iface], map(externalIds), prot]);
    return port;
  };
  const unmanagedBridges = ['br-phy', ...(extras.unmanagedBridges ?? [])];
  for (const name of unmanagedBridges) {
    const own = addPort(name, 'internal', 65534, {}, {}, false);
    bridges.push([name, 'netdev', ['set', []], ['map', []], ['set', [['uuid', own]]]]);
  }
  const flowSections: string[] = [];
  for (const b of Object.values(live.state.bridges)) {
    const portIds = [addPort(b.name, 'internal', 65534, {}, {}, false)];
    for (const p of Object.values(b.ports)) portIds.push(addPort(p.name, p.type === 'system' ? '' : p.type, p.ofport, p.options, p.externalIds, p.protected, p.mtu));
    for (const up of extras.unmanagedPorts ?? []) {
      const [br, name] = up.split('/') as [string, string];
      if (br === b.name) portIds.push(addPort(name, '', 3, {}, {}, false));
    }
    bridges.push([b.name, b.datapathType, b.failMode, map(b.externalIds), ['set', portIds.map((p) => ['uuid', p])]]);
    const lines = sortFlows(Object.values(b.flows)).map((f) => ` ${formatFlow(f).replace(/,table=/, ', table=').replace(/,priority=/, ', priority=')}`);
    lines.push(...(extras.foreignFlows?.[b.name] ?? []).map((l) => ` ${l}`));
    flowSections.push(`@@contiv flows ${b.name}`, ...lines, '@@contiv status 0');
  }
  const table = (headings: string[], data: unknown[][]) => JSON.stringify({ data, headings });
  const links = live.facts.links.map((l, i) => ({
    ifindex: i + 1,
    ifname: l.name,
    flags: l.up ? ['BROADCAST', 'UP', 'LOWER_UP'] : ['BROADCAST'],
    mtu: l.mtu,
    addr_info: l.addresses.map((a) => ({ family: 'inet', local: a.split('/')[0], prefixlen: Number(a.split('/')[1] ?? 32) })),
  }));
  return [
    '@@contiv hostname',
    live.facts.hostname,
    '@@contiv status 0',
    '@@contiv missing',
    '@@contiv ovs-vswitchd',
    live.facts.vswitchdRunning ? 'running' : 'stopped',
    // The tables in the order of OVSDB_COMMANDS (src/host/gather-script.ts), one per line.
    '@@contiv ovsdb',
    table(['name'], Object.keys(live.state.bridges).map((name) => [name])),
    table(['ovs_version'], [[live.facts.ovsVersion || ['set', []]]]),
    table(['name', 'datapath_type', 'fail_mode', 'external_ids', 'ports'], bridges),
    table(['_uuid', 'name', 'interfaces', 'external_ids', 'protected'], ports),
    table(['_uuid', 'type', 'options', 'ofport', 'ofport_request', 'mtu_request'], ifaces),
    '@@contiv status 0',
    '@@contiv links',
    JSON.stringify(links),
    '@@contiv status 0',
    // Every endpoint's namespace exists unless the case says it is gone.
    '@@contiv netns',
    ...[...new Set([...(live.facts.netns ?? []), ...endpointNetns(live.state)])].filter((n) => !(extras.goneNetns ?? []).includes(n)).sort(),
    '@@contiv files',
    ...Object.values(live.state.files ?? {}).map((f) => `${f.sha256} ${f.mode} ${f.path}`),
    ...flowSections,
    '',
  ].join('\n');
}
