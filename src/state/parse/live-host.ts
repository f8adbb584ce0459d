import type { BridgeState, FileState, Flow, HostFacts, HostState, LinkInfo, LiveHost, PortState, PortType, UnmanagedObjects } from '../host-state.js';
import { flowKey, sharedFlow } from '../host-state.js';
import { decodeCookie, isOwned } from '../marks.js';
import { parseFlowLine } from '../flow-canonical.js';
import { mapOf, optional, parseOvsdbTables, setOf, str, type Row } from './ovsdb-json.js';
import { parseDockerSections } from './docker.js';
import { splitSections, type Section } from './sections.js';
import { lazyFlows, type IndexedFlows } from '../flow-list.js';

/** A gather output that cannot be read: names the section, so the host error says what failed. */
export class GatherParseError extends Error {
  constructor(readonly section: string, message: string) {
    super(`${section}: ${message}`);
  }
}

/**
 * The tables of the `ovsdb` section, in the order of OVSDB_COMMANDS in
 * src/host/gather-script.ts (one ovs-vsctl call, one table per command). `contiv-bridges` is
 * the script's own (which bridges' flows it dumps): ownership is read from the bridges' rows.
 */
export const OVSDB_TABLES = ['contiv-bridges', 'open-vswitch', 'bridges', 'ports', 'interfaces'] as const;

type OvsdbTables = Record<(typeof OVSDB_TABLES)[number], Row[]>;

/**
 * The gather script's output of one host → LiveHost. Pure; the whole text of one host is
 * parsed and dropped before the next, and only the compact state is kept. RECORDS_SCRIPT's
 * output is parsed here too: it has fewer sections, and what it lacks reads as empty.
 */
export function parseGatherOutput(host: string, output: string): LiveHost {
  const sections = splitSections(output);
  const one = (name: string) => sections.find((s) => s.name === name);
  const missing = (one('missing')?.body ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
  const facts: HostFacts = {
    hostname: one('hostname')?.body.trim() ?? '',
    ovsVersion: '',
    vswitchdRunning: one('ovs-vswitchd')?.body === 'running',
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

  const tables = ovsdbTables(one('ovsdb'));
  const ovs = tables['open-vswitch'][0];
  if (ovs) facts.ovsVersion = String(optional(ovs['ovs_version']) ?? '');
  const interfaces = new Map(tables.interfaces.map((r) => [str(r['_uuid']), r]));
  const ports = new Map(tables.ports.map((r) => [str(r['_uuid']), r]));
  const flowSections = new Map(sections.filter((s) => s.name === 'flows').map((s) => [s.arg, s]));

  for (const bridge of tables.bridges) {
    const name = str(bridge['name']);
    const externalIds = sharedLongValues(mapOf(bridge['external_ids']));
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
      const iface = interfaces.get(String(setOf(port['interfaces'])[0]));
      if (!isOwned(portIds)) {
        unmanaged.ports.push(`${name}/${portName}`);
        const ofport = Number(optional(iface?.['ofport']) ?? -1);
        if (Number.isInteger(ofport) && ofport > 0) (unmanaged.ofports ??= {})[`${name}/${portName}`] = ofport;
        continue;
      }
      state_.ports[portName] = toPortState(portName, port, iface, portIds);
    }
    const flows = parseFlows(flowSections.get(name), name);
    lazyFlows(state_, flows.managed);
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

/** The `ovsdb` section's tables by name; all empty without the section (an output that has none). */
function ovsdbTables(section: Section | undefined): OvsdbTables {
  const named = (tables: Row[][]) => Object.fromEntries(OVSDB_TABLES.map((name, i) => [name, tables[i] ?? []])) as OvsdbTables;
  if (!section) return named([]);
  if (section.status !== undefined && section.status !== 0) throw new GatherParseError('ovsdb', `ovs-vsctl failed (exit ${section.status}): ${section.body.split('\n')[0] ?? ''}`);
  let tables: Row[][];
  try {
    tables = parseOvsdbTables(section.body);
  } catch (e) {
    throw new GatherParseError('ovsdb', `unreadable ovs-vsctl output (${e instanceof Error ? e.message : String(e)})`);
  }
  // A short read must not pass for a host without ports or interfaces.
  if (tables.length !== OVSDB_TABLES.length) throw new GatherParseError('ovsdb', `expected ${OVSDB_TABLES.length} tables from ovs-vsctl, got ${tables.length}`);
  return named(tables);
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

/*
 * Per external_ids key, the last long value read: hosts of a Fabric record the same model as
 * applied (17 KB a host with 2,000 rules), and a value equal to the last is kept once. Bounded.
 */
const lastLongValues = new Map<string, string>();
const LONG_VALUE = 1_024;

function sharedLongValues(ids: Record<string, string>): Record<string, string> {
  // Stryker disable next-line BlockStatement: values not shared are the host's own copies, equal text
  for (const key in ids) {
    const value = ids[key]!;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: which values are shared; an equal value either way
    if (value.length < LONG_VALUE) continue;
    const last = lastLongValues.get(key);
    // Stryker disable next-line ConditionalExpression: the host's own copy or the last one, equal text either way
    if (last === value) ids[key] = last;
    else {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
      if (lastLongValues.size >= 64) lastLongValues.clear();
      lastLongValues.set(key, value);
    }
  }
  return ids;
}

function parseFlows(section: Section | undefined, bridge: string): { managed: IndexedFlows; foreign: string[] } {
  const foreign: string[] = [];
  if (!section) return { managed: NO_FLOWS, foreign };
  // The managed flows' keys and flows in the order read (state/flow-list.ts): no record of them.
  const keys: string[] = [];
  const flows: Flow[] = [];
  if (section.status !== undefined && section.status !== 0) throw new GatherParseError(`flows ${bridge}`, `dump-flows failed (exit ${section.status}): ${section.body.split('\n')[0] ?? ''}`);
  const body = section.body;
  // The lines of the bridge's previous dump (another host's, most often the same lines in the
  // same order): a line found at its place there is compared there, not looked up by its text.
  const before = previousDump.get(bridge);
  // Keys one for one the last dump's so far (alike), or else the index of the keys read.
  let alike = before !== undefined;
  let index: Map<string, number> | undefined = alike ? undefined : new Map();
  // This dump's lines and reads, made only once it differs from the last (hosts of a Fabric
  // mostly print the same dump: a thousand of them, two arrays of 1,600 each for nothing). A
  // line not kept (null) in both is no difference: a null line is never compared.
  let lines: Array<string | null> | undefined = before ? undefined : [];
  let reads: Array<ReadFlow | null> | undefined = before ? undefined : [];
  const differ = (i: number) => {
    lines = before!.lines.slice(0, i);
    reads = before!.reads.slice(0, i);
  };
  let i = 0;
  let shift = 0;
  // Stryker disable next-line EqualityOperator,UpdateOperator: an empty body read as one empty line or none: no flow either way; a count going down only misplaces where the last dump is looked at
  for (let start = 0; start <= body.length; i++) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    let line: string | null | undefined;
    let read: ReadFlow | null = null;
    // A slice, not a copy (and startsWith at an offset is several times slower than slicing to compare).
    const text = body.slice(start, end);
    // Stryker disable next-line ConditionalExpression,BlockStatement: the last dump not looked at, every line is read by its text: the same flows
    if (before) {
      // At its place, or one line on (a line fewer than before), or one back (a line more).
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: where in the last dump to look; a line is taken only when equal to the one there
      for (let k = 0; k < 3; k++) {
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: where in the last dump to look; a line is taken only when equal to the one there
        const d = k === 0 ? shift : k === 1 ? shift + 1 : shift - 1;
        const was = before.lines[i + d];
        // Stryker disable next-line EqualityOperator,BlockStatement: the length compared first is a shortcut, and a line not taken from the last dump is read by its text
        if (was != null && was.length === text.length && was === text) {
          line = was;
          read = before.reads[i + d]!;
          shift = d;
          // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: arrays made or not only choose what the next dump is compared with; a line is taken only when equal to the one there
          if (lines === undefined && d !== 0) differ(i);
          break;
        }
      }
    }
    // Stryker disable next-line ConditionalExpression: a line read by its text reads as the equal line of the last dump did
    if (line === undefined) {
      // Stryker disable next-line ConditionalExpression,StringLiteral: a line without actions= parses as no flow either way
      if (text.includes('actions=')) {
        const known = readFlowLine(text);
        line = known.line;
        read = known.read;
      } else {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: which lines without a flow are kept to compare; they read as no flow either way
        line = text.length < 13 ? text : null;
      }
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: arrays made or not only choose what the next dump is compared with; a line is taken only when equal to the one there
      if (lines === undefined && !(line === null && before!.lines[i] === null)) differ(i);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: arrays kept short or left as they were only choose what the next dump is compared with
    if (lines !== undefined) {
      lines.push(line);
      reads!.push(read);
    }
    start = end + 1;
    if (!read) continue;
    if (read.kind === 'foreign') foreign.push(read.key);
    else if (read.kind === 'managed') {
      // Keys one for one the last dump's (distinct) are distinct: nothing to look up.
      if (alike && before!.keys[keys.length] === read.key) {
        keys.push(read.key);
        flows.push(read.flow);
        continue;
      }
      if (alike) {
        alike = false;
        index = new Map(keys.map((k, n) => [k, n]));
      }
      const at = index!.get(read.key);
      // A key met again (two lines, one canonical flow) keeps its first place with its last flow.
      if (at !== undefined) flows[at] = read.flow;
      else {
        index!.set(read.key, keys.length);
        keys.push(read.key);
        flows.push(read.flow);
      }
    }
  }
  // The same keys as the last dump's: one list and one index for both (a thousand hosts, one of each).
  const same = alike && keys.length === before!.keys.length;
  const managed: IndexedFlows = same ? { keys: before!.keys, flows, index: before!.index } : { keys, flows, index: index ?? new Map(keys.map((k, n) => [k, n])) };
  // As many lines as the last dump, every one alike: its arrays serve again.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: arrays made or not only choose what the next dump is compared with
  if (lines === undefined && i !== before!.lines.length) differ(i);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
  if (previousDump.size >= 16) previousDump.clear();
  previousDump.set(bridge, { lines: lines ?? before!.lines, reads: reads ?? before!.reads, keys: managed.keys, index: managed.index });
  return { managed, foreign };
}

/**
 * Per bridge name, the lines of the last dump read (copies: no host's output is kept; null for
 * a line not kept, never matched) and what each read as.
 */
const previousDump = new Map<string, { lines: Array<string | null>; reads: Array<ReadFlow | null>; keys: readonly string[]; index: ReadonlyMap<string, number> }>();

const NO_FLOWS: IndexedFlows = { keys: [], flows: [], index: new Map() };

interface ReadFlow {
  kind: 'managed' | 'learned' | 'foreign';
  key: string;
  flow: Flow;
}

/*
 * Hosts of one Fabric print mostly the same flow lines (a plan of 1,000 hosts parsed the same
 * policy flows 1,000 times, most of its time): each distinct line is parsed once, and its
 * Flow shared by every host that prints it. Flows are never changed in place. Bounded, so a
 * long-lived process (the Docker plugin) does not grow with it.
 */
const readLines = new Map<string, KnownLine>();
const KEEP_LINES = 200_000;
/** Longer lines are a host's own (its flood list names every peer but itself): not kept. */
const LONGEST_KEPT = 2_000;

/** A line as kept (null for a line not kept) and what it reads as. */
interface KnownLine {
  line: string | null;
  read: ReadFlow | null;
}

function readFlowLine(line: string): KnownLine {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: which lines a cache keeps; the result is the same
  if (line.length > LONGEST_KEPT) return { line: null, read: readFlowLineOnce(line) };
  const known = readLines.get(line);
  // Stryker disable next-line ConditionalExpression: a cache; parsing again gives the same result
  if (known !== undefined) return known;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
  if (readLines.size >= KEEP_LINES) readLines.clear();
  // A copy: the line is a slice of the host's whole output, which a key would keep alive.
  const kept = Buffer.from(line).toString();
  const entry: KnownLine = { line: kept, read: readFlowLineOnce(line) };
  readLines.set(kept, entry);
  return entry;
}

function readFlowLineOnce(line: string): ReadFlow | null {
  const parsed = parseFlowLine(line);
  const flow = parsed && sharedFlow(parsed);
  let read: ReadFlow | null = null;
  if (flow) {
    const owner = decodeCookie(flow.cookie);
    read = { kind: !owner.ours ? 'foreign' : owner.kind === 'learned' ? 'learned' : 'managed', key: flowKey(flow), flow };
  }
  return read;
}

interface IpAddrJson {
  ifname: string;
  mtu?: number;
  flags?: string[];
  address?: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

function parseLinks(section: Section | undefined): LinkInfo[] {
  if (!section || section.status !== 0 || section.body === '') return [];
  const links = JSON.parse(section.body) as IpAddrJson[];
  return links.map((l) => {
    const link: LinkInfo = {
      name: l.ifname,
      mtu: l.mtu ?? 0,
      up: (l.flags ?? []).includes('UP'),
      addresses: (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    };
    if (l.address) link.mac = l.address;
    return link;
  });
}
