import type { BridgeState, FileState, Flow, HostFacts, HostState, LinkInfo, LiveHost, PortState, PortType, UnmanagedObjects } from '../host-state.js';
import { flowKey } from '../host-state.js';
import { decodeCookie, isOwned } from '../marks.js';
import { parseFlowLine } from '../flow-canonical.js';
import { mapOf, optional, parseOvsdbTable, setOf, str, type Row } from './ovsdb-json.js';
import { parseDockerSections } from './docker.js';
import { splitSections, type Section } from './sections.js';

/** A gather output that cannot be read: names the section, so the host error says what failed. */
export class GatherParseError extends Error {
  constructor(readonly section: string, message: string) {
    super(`${section}: ${message}`);
  }
}

/**
 * The gather script's output of one host → LiveHost. Pure; the whole text of one host is
 * parsed and dropped before the next, and only the compact state is kept.
 */
export function parseGatherOutput(host: string, output: string): LiveHost {
  const sections = splitSections(output);
  const one = (name: string) => sections.find((s) => s.name === name);
  const missing = (one('missing')?.body ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
  const facts: HostFacts = {
    hostname: one('hostname')?.body.trim() ?? '',
    ovsVersion: parseOvsVersion(one('ovs-version')),
    datapathTypes: [],
    interfaceTypes: [],
    links: parseLinks(one('links')),
    missing,
    netns: [...lines(one('netns')), ...lines(one('netns-paths'))].sort(),
  };
  // Outputs of gathers before Docker support have neither section: their facts say nothing of it.
  const docker = one('docker') ? parseDockerSections(one('docker'), one('docker-plugin')) : undefined;
  if (docker) {
    facts.docker = docker.daemon;
    facts.dockerContainers = docker.containers;
  }
  const unmanaged: UnmanagedObjects = { bridges: [], ports: [], flowCounts: {}, flowKeys: {} };
  const state: HostState = { host, bridges: {} as Record<string, BridgeState>, files: parseFiles(one('files')), ...(docker?.docker ? { docker: docker.docker } : {}) };
  if (missing.includes('ovs-vsctl')) return { state, facts, unmanaged };

  const ovs = rowsOf(one('open-vswitch'), 'open-vswitch')[0];
  if (ovs) {
    facts.datapathTypes = setOf(ovs['datapath_types']).map(String).sort();
    facts.interfaceTypes = setOf(ovs['iface_types']).map(String).sort();
  }
  const interfaces = new Map(rowsOf(one('interfaces'), 'interfaces').map((r) => [str(r['_uuid']), r]));
  const ports = new Map(rowsOf(one('ports'), 'ports').map((r) => [str(r['_uuid']), r]));
  const flowSections = new Map(sections.filter((s) => s.name === 'flows').map((s) => [s.arg, s]));

  for (const bridge of rowsOf(one('bridges'), 'bridges')) {
    const name = str(bridge['name']);
    const externalIds = mapOf(bridge['external_ids']);
    if (!isOwned(externalIds)) {
      unmanaged.bridges.push(name);
      continue;
    }
    const state_: BridgeState = {
      name,
      datapathType: str(bridge['datapath_type']) === 'netdev' ? 'netdev' : 'system',
      failMode: optional(bridge['fail_mode']) === 'secure' ? 'secure' : 'standalone',
      externalIds,
      ports: {},
      flows: {},
    };
    for (const portId of setOf(bridge['ports'])) {
      const port = ports.get(String(portId));
      if (!port) continue;
      const portName = str(port['name']);
      if (portName === name) continue; // the bridge's own internal port comes with the bridge
      const portIds = mapOf(port['external_ids']);
      if (!isOwned(portIds)) {
        unmanaged.ports.push(`${name}/${portName}`);
        continue;
      }
      const iface = interfaces.get(String(setOf(port['interfaces'])[0]));
      state_.ports[portName] = toPortState(portName, port, iface, portIds);
    }
    const flows = parseFlows(flowSections.get(name), name);
    state_.flows = flows.managed;
    if (flows.foreign.length > 0) {
      unmanaged.flowCounts[name] = flows.foreign.length;
      unmanaged.flowKeys[name] = flows.foreign;
    }
    state.bridges[name] = state_;
  }
  unmanaged.bridges.sort();
  unmanaged.ports.sort();
  return { state, facts, unmanaged };
}

/** `SHA256 MODE PATH` lines → files by path; a line that does not read is skipped. */
function parseFiles(section: Section | undefined): Record<string, FileState> {
  const out: Record<string, FileState> = {};
  for (const line of lines(section)) {
    const m = /^([0-9a-f]{64}) ([0-7]{3,4}) (\/\S+)$/.exec(line);
    if (m) out[m[3]!] = { path: m[3]!, sha256: m[1]!, mode: m[2]! };
  }
  return out;
}

function lines(section: Section | undefined): string[] {
  return (section?.body ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
}

function rowsOf(section: Section | undefined, name: string): Row[] {
  if (!section) return [];
  if (section.status !== undefined && section.status !== 0) throw new GatherParseError(name, `command failed (exit ${section.status}): ${section.body.split('\n')[0] ?? ''}`);
  try {
    return parseOvsdbTable(section.body);
  } catch (e) {
    throw new GatherParseError(name, `unreadable ovs-vsctl output (${e instanceof Error ? e.message : String(e)})`);
  }
}

function toPortState(name: string, port: Row, iface: Row | undefined, externalIds: Record<string, string>): PortState {
  const type = iface ? str(iface['type']) : '';
  const ofport = iface ? Number(optional(iface['ofport_request']) ?? optional(iface['ofport']) ?? -1) : -1;
  const mtu = iface ? optional(iface['mtu_request']) : undefined;
  const state: PortState = {
    name,
    type: (type === '' ? 'system' : type) as PortType,
    ofport,
    options: iface ? mapOf(iface['options']) : {},
    externalIds,
    protected: port['protected'] === true,
  };
  if (typeof mtu === 'number') state.mtu = mtu;
  return state;
}

function parseFlows(section: Section | undefined, bridge: string): { managed: Record<string, Flow>; foreign: string[] } {
  const managed: Record<string, Flow> = {};
  const foreign: string[] = [];
  if (!section) return { managed, foreign };
  if (section.status !== undefined && section.status !== 0) throw new GatherParseError(`flows ${bridge}`, `dump-flows failed (exit ${section.status}): ${section.body.split('\n')[0] ?? ''}`);
  for (const line of section.body.split('\n')) {
    if (!line.includes('actions=')) continue;
    const flow = parseFlowLine(line);
    if (!flow) continue;
    const owner = decodeCookie(flow.cookie);
    if (!owner.ours) foreign.push(flowKey(flow));
    else if (owner.kind !== 'learned') managed[flowKey(flow)] = flow;
  }
  return { managed, foreign };
}

function parseOvsVersion(section: Section | undefined): string {
  if (!section || section.status !== 0) return '';
  return /(\d+\.\d+\.\d+)/.exec(section.body)?.[1] ?? '';
}

interface IpAddrJson {
  ifname: string;
  mtu?: number;
  flags?: string[];
  address?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

function parseLinks(section: Section | undefined): LinkInfo[] {
  if (!section || section.status !== 0 || section.body === '') return [];
  const links = JSON.parse(section.body) as IpAddrJson[];
  return links.map((l) => {
    const link: LinkInfo = {
      name: l.ifname,
      kind: l.linkinfo?.info_kind ?? '',
      mtu: l.mtu ?? 0,
      up: (l.flags ?? []).includes('UP'),
      addresses: (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    };
    if (l.address) link.mac = l.address;
    return link;
  });
}
