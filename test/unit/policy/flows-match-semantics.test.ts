import { describe, expect, it } from 'vitest';
import { allocate, type Allocations } from '../../../src/compile/allocate.js';
import { compileFabric, type CompiledHost } from '../../../src/compile/compile.js';
import type { EndpointGroup, Host, Model, Network, Policy, Rule } from '../../../src/model/types.js';
import { decide, type Party, type Probe } from '../../../src/policy/decide.js';
import { endpointExternalIds } from '../../../src/state/endpoint.js';
import type { Flow, HostState, PortState } from '../../../src/state/host-state.js';
import { rng } from '../../support/rng.js';

/*
 * The whole compiled datapath decides every first packet exactly as CONTEXT §4 says
 * (src/policy/decide.ts is the reference).
 *
 * Random models — two tenants that both own a network `net` with the same subnet and groups
 * g1..g3 on it (and policies of the same names), a second network in `default`, rule
 * priorities over all of 1..100 with ties, random port ranges, protocol numbers, group /
 * network / CIDR peers — are compiled with compileFabric for two hosts with endpoints on both.
 * A small OpenFlow interpreter, written here and sharing nothing with the compiler (its own
 * flow-text, MAC and IPv4 parsing), then sends a first packet from every endpoint to every
 * other one, for every probe, through the real tables of the sending host, over the VXLAN
 * tunnel when the destination is on the other host, and through the receiving host's tables,
 * until it is output to the destination's port (allowed) or dropped / unmatched (blocked).
 *
 * Remote MACs: table 11 holds only flows that the tunnel flows' `learn(...)` writes at run time.
 * Models alternate between two starting points. Even seeds: table 11 is empty, so a packet to a
 * remote endpoint takes the flood path (table 70, output to every peer's VTEP) and the receiving host
 * finds the destination. Odd seeds: every endpoint first sends an ARP broadcast (which must reach
 * exactly the endpoints of its own tenant's network, untagged); its arrival over the tunnel runs
 * the `learn(...)` action as the flow text writes it, so the sending host knows every remote MAC
 * and takes the unicast tunnel path (checked: it does). Probes themselves learn nothing.
 *
 * Also checked on every probe: conntrack only ever runs in the source tenant's zone; nothing is
 * delivered to any port but the destination's, nor more than once, nor with our inner VLAN tag.
 * Not modelled: later packets and replies (established state), ARP replies, MTU, hairpin to
 * the input port, more than two hosts, flow timeouts.
 */

/* ---------------------------------------------------------------- seeded randomness */


/* ---------------------------------------------------------------- IPv4 and MAC, written out here */

function ipv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** `a.b.c.d` or `a.b.c.d/len`: the first and last address it covers. */
function ipv4Span(text: string): { first: number; last: number } {
  const [address, len = '32'] = text.split('/');
  const bits = Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`bad prefix length in ${text}`);
  const size = 2 ** (32 - bits);
  const first = Math.floor(ipv4(address!) / size) * size;
  return { first, last: first + size - 1 };
}

function macBytes(text: string): number[] {
  const bytes = text.split(':').map((b) => parseInt(b, 16));
  if (bytes.length !== 6 || bytes.some((b) => !(b >= 0 && b <= 255))) throw new Error(`not a MAC address: ${text}`);
  return bytes;
}

/* ---------------------------------------------------------------- the packet */

interface Packet {
  inPort: number;
  kind: 'ip' | 'arp';
  dlSrc: string;
  dlDst: string;
  /** IPv4 source and destination (for ARP: sender and target protocol address). */
  nwSrc: number;
  nwDst: number;
  nwProto: number;
  tpDst?: number;
  /** 0 when untagged; with a tag, the 0x1000 "present" bit as OVS writes vlan_tci. */
  vlanTci: number;
  tunId: number;
  /** Tunnel metadata, IPv4 as a number: where a packet came from, and where the tunnel sends it (0: unset). */
  tunSrc: number;
  tunDst: number;
  metadata: number;
  regs: number[];
  /** Conntrack state flags (trk, new, est, rel, inv …); empty: untracked. */
  ct: Set<string>;
}

function clonePacket(p: Packet): Packet {
  return { ...p, regs: [...p.regs], ct: new Set(p.ct) };
}

/** Numeric fields by their NXM/OXM name (move, load, learn) or their short name (set_field, match). */
type NumericField = { get: (p: Packet) => number; set: (p: Packet, v: number) => void; bits: number };
const fieldCache = new Map<string, NumericField>();
function numericField(name: string): NumericField {
  let f = fieldCache.get(name);
  if (!f) fieldCache.set(name, (f = makeNumericField(name)));
  return f;
}

function makeNumericField(name: string): NumericField {
  const reg = /^(?:NXM_NX_REG|reg)(\d)$/.exec(name);
  if (reg) {
    const i = Number(reg[1]);
    return { get: (p) => p.regs[i]!, set: (p, v) => (p.regs[i] = v), bits: 32 };
  }
  switch (name) {
    case 'OXM_OF_METADATA':
    case 'metadata':
      return { get: (p) => p.metadata, set: (p, v) => (p.metadata = v), bits: 32 /* the ids used here fit in 32 of its 64 bits */ };
    case 'NXM_NX_TUN_ID':
    case 'tun_id':
      return { get: (p) => p.tunId, set: (p, v) => (p.tunId = v), bits: 32 };
    case 'NXM_OF_VLAN_TCI':
    case 'vlan_tci':
      return {
        get: (p) => p.vlanTci,
        set: (p, v) => {
          if (p.vlanTci === 0) throw new Error('writes the VLAN TCI of an untagged packet');
          p.vlanTci = v;
        },
        bits: 16,
      };
    case 'NXM_NX_TUN_IPV4_SRC':
    case 'tun_src':
      return { get: (p) => p.tunSrc, set: (p, v) => (p.tunSrc = v), bits: 32 };
    case 'NXM_NX_TUN_IPV4_DST':
    case 'tun_dst':
      return { get: (p) => p.tunDst, set: (p, v) => (p.tunDst = v), bits: 32 };
    case 'NXM_OF_IN_PORT':
    case 'in_port':
      return { get: (p) => p.inPort, set: (p, v) => (p.inPort = v), bits: 16 };
    default:
      throw new Error(`the evaluator does not know the field ${name}`);
  }
}

/** `NXM_NX_REG3[0..15]`, `OXM_OF_METADATA[]` → field and bit slice. */
const sliceCache = new Map<string, { name: string; start: number; width: number }>();
function fieldSlice(text: string): { name: string; start: number; width: number } {
  let s = sliceCache.get(text);
  if (!s) sliceCache.set(text, (s = parseSlice(text)));
  return s;
}

function parseSlice(text: string): { name: string; start: number; width: number } {
  const m = /^([A-Za-z_0-9]+)\[(?:(\d+)\.\.(\d+))?\]$/.exec(text);
  if (!m) throw new Error(`not a field slice: ${text}`);
  const name = m[1]!;
  if (m[2] === undefined) return { name, start: 0, width: numericField(name).bits };
  const start = Number(m[2]);
  const end = Number(m[3]);
  return { name, start, width: end - start + 1 };
}

function readSlice(p: Packet, s: { name: string; start: number; width: number }): number {
  return Math.floor(numericField(s.name).get(p) / 2 ** s.start) % 2 ** s.width;
}

function writeSlice(p: Packet, s: { name: string; start: number; width: number }, value: number): void {
  if (value >= 2 ** s.width) throw new Error(`value ${value} does not fit ${s.width} bits of ${s.name}`);
  const f = numericField(s.name);
  const old = f.get(p);
  const oldBits = Math.floor(old / 2 ** s.start) % 2 ** s.width;
  f.set(p, old - oldBits * 2 ** s.start + value * 2 ** s.start);
}

/* ---------------------------------------------------------------- flow text → predicates and actions */

/** `5`, `0x1f40/0xffc0` → value and mask (mask all ones when absent). */
function valueMask(text: string): { value: number; mask: number } {
  const [v, m] = text.split('/');
  const value = Number(v);
  const mask = m === undefined ? 0xffffffff : Number(m);
  if (!Number.isInteger(value) || !Number.isInteger(mask)) throw new Error(`not a number or value/mask: ${text}`);
  return { value, mask };
}

function maskedEqual(actual: number, vm: { value: number; mask: number }): boolean {
  return ((actual & vm.mask) >>> 0) === ((vm.value & vm.mask) >>> 0);
}

/** `02:00:0A:…` → `02:00:0a:…`: packets carry MACs in this form. */
function canonicalMac(text: string): string {
  return macBytes(text).map((x) => x.toString(16).padStart(2, '0')).join(':');
}

const macCache = new Map<string, number[]>();

function macMatcher(text: string): (mac: string) => boolean {
  const [v, m] = text.split('/');
  if (m === undefined) {
    const want = canonicalMac(v!);
    return (mac) => mac === want;
  }
  const value = macBytes(v!);
  const mask = macBytes(m);
  return (mac) => {
    let b = macCache.get(mac);
    if (!b) macCache.set(mac, (b = macBytes(mac)));
    return b.every((x, i) => (x & mask[i]!) === (value[i]! & mask[i]!));
  };
}

const IP_PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, sctp: 132 };

type Predicate = (p: Packet) => boolean;

function matchPredicate(token: string): Predicate {
  if (token === 'ip') return (p) => p.kind === 'ip';
  if (token === 'arp') return (p) => p.kind === 'arp';
  if (token in IP_PROTOCOLS) {
    const proto = IP_PROTOCOLS[token]!;
    return (p) => p.kind === 'ip' && p.nwProto === proto;
  }
  const eq = token.indexOf('=');
  if (eq < 0) throw new Error(`the evaluator does not know the match ${token}`);
  const field = token.slice(0, eq);
  const value = token.slice(eq + 1);
  switch (field) {
    case 'in_port': {
      const port = Number(value);
      return (p) => p.inPort === port;
    }
    case 'dl_type': {
      const type = Number(value);
      return (p) => (type === 0x0800 ? p.kind === 'ip' : type === 0x0806 ? p.kind === 'arp' : false);
    }
    case 'dl_src':
    case 'dl_dst': {
      const m = macMatcher(value);
      return field === 'dl_src' ? (p) => m(p.dlSrc) : (p) => m(p.dlDst);
    }
    case 'arp_sha': {
      const m = macMatcher(value);
      return (p) => p.kind === 'arp' && m(p.dlSrc);
    }
    case 'nw_src':
    case 'nw_dst':
    case 'arp_spa':
    case 'arp_tpa': {
      const span = ipv4Span(value);
      const kind = field.startsWith('arp') ? 'arp' : 'ip';
      const src = field === 'nw_src' || field === 'arp_spa';
      return (p) => {
        const a = src ? p.nwSrc : p.nwDst;
        return p.kind === kind && a >= span.first && a <= span.last;
      };
    }
    case 'tun_src': {
      const span = ipv4Span(value);
      return (p) => p.tunSrc >= span.first && p.tunSrc <= span.last;
    }
    case 'nw_proto': {
      const proto = Number(value);
      return (p) => p.kind === 'ip' && p.nwProto === proto;
    }
    case 'tp_dst': {
      const vm = valueMask(value);
      return (p) => p.kind === 'ip' && (p.nwProto === 6 || p.nwProto === 17) && p.tpDst !== undefined && maskedEqual(p.tpDst, vm);
    }
    case 'ct_state': {
      const flags = [...value.matchAll(/([+-])([a-z]+)/g)].map((m) => ({ on: m[1] === '+', flag: m[2]! }));
      if (flags.map((f) => `${f.on ? '+' : '-'}${f.flag}`).join('') !== value) throw new Error(`bad ct_state ${value}`);
      return (p) => flags.every((f) => p.ct.has(f.flag) === f.on);
    }
    default: {
      const f = numericField(field);
      const vm = valueMask(value);
      return (p) => maskedEqual(f.get(p), vm);
    }
  }
}

/** Splits at commas outside parentheses and brackets. */
function topLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}

interface SimFlow {
  table: number;
  priority: number;
  text: string;
  predicates: Predicate[];
  actions: string[];
  actionsText: string;
  /** Written by learn(...) at run time, not compiled. */
  learned?: boolean;
}

function parseFlow(f: Pick<Flow, 'table' | 'priority' | 'match' | 'actions'>): SimFlow {
  return {
    table: f.table,
    priority: f.priority,
    text: `table=${f.table},priority=${f.priority}${f.match ? `,${f.match}` : ''} actions=${f.actions}`,
    predicates: f.match === '' ? [] : topLevel(f.match).map(matchPredicate),
    actions: f.actions === 'drop' ? [] : topLevel(f.actions),
    actionsText: f.actions,
  };
}

/* ---------------------------------------------------------------- hosts, tunnels, execution */

interface SimHost {
  name: string;
  vtep: string;
  tables: Map<number, SimFlow[]>;
  ports: Record<string, PortState>;
  byOfport: Map<number, PortState>;
}

interface Delivery {
  host: string;
  port: number;
  packet: Packet;
}

interface Run {
  hosts: Map<string, SimHost>;
  learn: boolean;
  deliveries: Delivery[];
  zones: number[];
  steps: number;
  /** Lookups that hit a flow written by learn(...). */
  learnedHits: number;
  /** The flows the packet took, when asked for (to explain a failure). */
  trace?: string[];
}

function simHost(name: string, vtep: string, compiled: CompiledHost): SimHost {
  const bridges = Object.values(compiled.state.bridges);
  if (bridges.length !== 1) throw new Error(`${name}: expected one bridge, found ${bridges.length}`);
  const tables = new Map<number, SimFlow[]>();
  for (const f of Object.values(bridges[0]!.flows)) {
    const list = tables.get(f.table) ?? [];
    list.push(parseFlow(f));
    tables.set(f.table, list);
  }
  for (const list of tables.values()) list.sort((a, b) => b.priority - a.priority);
  const ports = bridges[0]!.ports;
  return { name, vtep, tables, ports, byOfport: new Map(Object.values(ports).map((x) => [x.ofport, x])) };
}

function lookup(host: SimHost, table: number, p: Packet): SimFlow | undefined {
  const flows = host.tables.get(table) ?? [];
  const at = flows.findIndex((f) => f.predicates.every((m) => m(p)));
  if (at < 0) return undefined;
  const hit = flows[at]!;
  // Overlapping flows of equal priority with different actions: the switch's choice would be arbitrary.
  for (let i = at + 1; i < flows.length && flows[i]!.priority === hit.priority; i++) {
    const rival = flows[i]!;
    if (rival.actionsText !== hit.actionsText && rival.predicates.every((m) => m(p))) throw new Error(`${host.name}: ambiguous flows\n  ${hit.text}\n  ${rival.text}`);
  }
  return hit;
}

/** One table lookup and its actions. A miss does nothing (a drop, or a no-op inside resubmit). */
function runTable(run: Run, host: SimHost, table: number, p: Packet): void {
  if (++run.steps > 200) throw new Error('more than 200 table lookups: a loop');
  const flow = lookup(host, table, p);
  run.trace?.push(`${host.name} ${flow ? flow.text : `table=${table} miss`}`);
  if (!flow) return;
  if (flow.learned) run.learnedHits++;
  runActions(run, host, flow, p);
}

function runActions(run: Run, host: SimHost, flow: SimFlow, p: Packet): void {
  for (const [i, action] of flow.actions.entries()) {
    const [verb, arg = ''] = splitVerb(action);
    switch (verb) {
      case 'goto_table': {
        const next = Number(arg);
        if (i !== flow.actions.length - 1) throw new Error(`goto_table not last in ${flow.text}`);
        if (!(next > flow.table)) throw new Error(`goto_table must go forward: ${flow.text}`);
        runTable(run, host, next, p);
        break;
      }
      case 'resubmit': {
        const m = /^\(,(\d+)\)$/.exec(arg);
        if (!m) throw new Error(`resubmit form not known: ${action}`);
        runTable(run, host, Number(m[1]), p);
        break;
      }
      case 'set_field': {
        const m = /^(.+)->([a-z_0-9]+)$/.exec(arg);
        if (!m) throw new Error(`bad set_field ${action}`);
        numericField(m[2]!).set(p, /^\d+\.\d+\.\d+\.\d+$/.test(m[1]!) ? ipv4(m[1]!) : Number(m[1]));
        break;
      }
      case 'load': {
        const m = /^(.+)->(.+)$/.exec(arg);
        if (!m) throw new Error(`bad load ${action}`);
        writeSlice(p, fieldSlice(m[2]!), Number(m[1]));
        break;
      }
      case 'move': {
        const m = /^(.+)->(.+)$/.exec(arg);
        if (!m) throw new Error(`bad move ${action}`);
        const src = fieldSlice(m[1]!);
        const dst = fieldSlice(m[2]!);
        if (src.width !== dst.width) throw new Error(`move widths differ: ${action}`);
        writeSlice(p, dst, readSlice(p, src));
        break;
      }
      case 'push_vlan': {
        if (arg !== '0x8100') throw new Error(`push_vlan of ${arg}`);
        if (p.vlanTci !== 0) throw new Error('push_vlan on a tagged packet (double tagging is not modelled)');
        p.vlanTci = 0x1000;
        break;
      }
      case 'pop_vlan':
        if (p.vlanTci === 0) throw new Error('pop_vlan on an untagged packet');
        p.vlanTci = 0;
        break;
      case 'ct':
        conntrack(run, host, arg, p);
        break;
      case 'output': {
        const port = /^\d+$/.test(arg) ? Number(arg) : readSlice(p, fieldSlice(arg));
        output(run, host, port, p);
        break;
      }
      case 'learn':
        if (run.learn) learn(host, arg, p);
        break;
      default:
        throw new Error(`the evaluator does not know the action ${action}`);
    }
  }
}

const verbCache = new Map<string, [string, string]>();
function splitVerb(action: string): [string, string] {
  let v = verbCache.get(action);
  if (!v) verbCache.set(action, (v = parseVerb(action)));
  return v;
}

function parseVerb(action: string): [string, string] {
  const m = /^([a-z_]+)(?::(.*)|(\(.*\)))?$/s.exec(action);
  if (!m) throw new Error(`cannot read action ${action}`);
  return [m[1]!, m[2] ?? m[3] ?? ''];
}

/** ct(...): a first packet is +trk+new in its zone; `table=` continues a copy there, `commit` only records. */
function conntrack(run: Run, host: SimHost, arg: string, p: Packet): void {
  const inner = /^\((.*)\)$/.exec(arg)?.[1];
  if (inner === undefined) throw new Error(`bad ct ${arg}`);
  let table: number | undefined;
  let zone: number | undefined;
  for (const part of topLevel(inner)) {
    if (part === 'commit') continue;
    const [k, v] = part.split('=') as [string, string];
    if (k === 'table') table = Number(v);
    else if (k === 'zone') zone = /^\d+$/.test(v) ? Number(v) : readSlice(p, fieldSlice(v));
    else throw new Error(`ct argument not known: ${part}`);
  }
  if (zone === undefined) throw new Error('ct without a zone');
  if (p.kind !== 'ip') throw new Error('ct on a non-IP packet');
  run.zones.push(zone);
  if (table !== undefined) {
    const copy = clonePacket(p);
    copy.ct = new Set(['trk', 'new']);
    runTable(run, host, table, copy);
  }
}

function output(run: Run, host: SimHost, port: number, p: Packet): void {
  if (port === p.inPort) return; // OpenFlow never outputs a packet to its own input port this way
  const target = host.byOfport.get(port);
  if (!target) throw new Error(`${host.name}: output to port ${port}, which the bridge does not have`);
  if (target.type !== 'vxlan') {
    run.deliveries.push({ host: host.name, port, packet: clonePacket(p) });
    return;
  }
  // Over the underlay: the peer whose vtep the flows set as tun_dst, into its one flow-based
  // tunnel port, which accepts every source (the peer's flows check tun_src).
  if (target.options['remote_ip'] !== 'flow') throw new Error(`${target.name}: the peer is not taken from the flow`);
  if (target.options['key'] !== 'flow') throw new Error(`${target.name}: the VNI is not taken from the flow`);
  if (target.options['local_ip'] !== host.vtep) throw new Error(`${target.name}: local_ip is not ${host.name}'s vtep`);
  const peer = [...run.hosts.values()].find((h) => ipv4(h.vtep) === p.tunDst);
  if (!peer) throw new Error(`${host.name}: output to the tunnel with tun_dst ${p.tunDst}, which is no host's vtep`);
  if (peer === host) throw new Error(`${host.name}: tunnels a packet to itself`);
  const back = Object.values(peer.ports).find((x) => x.type === 'vxlan');
  if (!back) throw new Error(`${peer.name} has no tunnel port`);
  if (back.options['key'] !== 'flow' || back.options['remote_ip'] !== 'flow') throw new Error(`${back.name}: the VNI or the peer is not given to the flow`);
  // What crosses: the inner frame (addresses, tag), the VNI and the outer addresses; registers, metadata and conntrack state do not.
  const arriving: Packet = { ...clonePacket(p), inPort: back.ofport, tunId: p.tunId % 2 ** 24, tunSrc: ipv4(host.vtep), tunDst: ipv4(peer.vtep), metadata: 0, regs: [0, 0, 0, 0, 0, 0, 0, 0], ct: new Set() };
  runTable(run, peer, 0, arriving);
}

/** learn(table=…,priority=…,F[],F[]=G[],load:G[]->F[a..b],…): installs the flow it describes, from the current packet. */
function learn(host: SimHost, arg: string, p: Packet): void {
  const inner = /^\((.*)\)$/.exec(arg)?.[1];
  if (inner === undefined) throw new Error(`bad learn ${arg}`);
  let table: number | undefined;
  let priority = 0x8000;
  const match: string[] = [];
  const actions: string[] = [];
  const current = (field: string): string => {
    if (field === 'NXM_OF_ETH_SRC[]') return p.dlSrc;
    if (field === 'NXM_OF_ETH_DST[]') return p.dlDst;
    return String(readSlice(p, fieldSlice(field)));
  };
  const shortName: Record<string, string> = { 'OXM_OF_METADATA[]': 'metadata', 'NXM_OF_ETH_DST[]': 'dl_dst', 'NXM_OF_ETH_SRC[]': 'dl_src', 'NXM_OF_IN_PORT[]': 'in_port', 'NXM_NX_TUN_ID[]': 'tun_id' };
  for (const part of topLevel(inner)) {
    const kv = /^(table|priority|idle_timeout|hard_timeout|cookie)=(.+)$/.exec(part);
    if (kv) {
      if (kv[1] === 'table') table = Number(kv[2]);
      if (kv[1] === 'priority') priority = Number(kv[2]);
      continue;
    }
    const load = /^load:(.+)->(.+)$/.exec(part);
    if (load) {
      const value = /^(0x[0-9a-f]+|\d+)$/i.test(load[1]!) ? Number(load[1]) : Number(current(load[1]!));
      actions.push(`load:${value}->${load[2]}`);
      continue;
    }
    const m = /^([A-Za-z_0-9]+\[\])(?:=(.+))?$/.exec(part);
    if (!m) throw new Error(`learn spec not known: ${part}`);
    const field = shortName[m[1]!];
    if (!field) throw new Error(`learn match field not known: ${m[1]}`);
    match.push(`${field}=${current(m[2] ?? m[1]!)}`);
  }
  if (table === undefined) throw new Error('learn without a table');
  const flow: SimFlow = { ...parseFlow({ table, priority, match: match.join(','), actions: actions.join(',') }), learned: true };
  // A learned flow with the same table, priority and match replaces the one before it.
  const head = (f: SimFlow) => f.text.slice(0, f.text.indexOf(' actions='));
  const kept = (host.tables.get(table) ?? []).filter((f) => !(f.learned && head(f) === head(flow)));
  host.tables.set(table, [...kept, flow].sort((a, b) => b.priority - a.priority));
}

/* ---------------------------------------------------------------- random models */

const pos = { file: 'x.yaml', line: 1, col: 1 };
const located = { source: pos, at: {} };
const TENANTS = ['default', 'blue'] as const;
/** Groups and their network, per tenant. `blue/a0` sorts first, so blue's g1..g3 get other ids than default's. */
const GROUPS: Record<string, Array<[string, string]>> = {
  default: [['g1', 'net'], ['g2', 'net'], ['g3', 'net'], ['g4', 'other']],
  blue: [['a0', 'net'], ['g1', 'net'], ['g2', 'net'], ['g3', 'net']],
};
const NETWORKS: Network[] = [
  { tenant: 'default', name: 'net', subnet: { address: '10.1.2.0', prefix: 24 }, blockSize: 28, ...located },
  { tenant: 'default', name: 'other', subnet: { address: '10.1.3.0', prefix: 24 }, blockSize: 28, ...located },
  { tenant: 'blue', name: 'net', subnet: { address: '10.1.2.0', prefix: 24 }, blockSize: 28, ...located },
];
const HOSTS: Host[] = ['h1', 'h2'].map((name, i) => ({
  name,
  address: `198.18.0.${11 + i}`,
  vtep: `198.19.0.${11 + i}`,
  datapath: 'netdev',
  runtimes: [],
  labels: {},
  ssh: { user: 'root', port: 22, knownHostsFile: '/k' },
  ...located,
}));

function randomPorts(r: () => number): { first: number; last: number } {
  const x = r();
  if (x < 0.3) {
    const single = [1, 22, 80, 443, 5432, 65535, 1 + Math.floor(r() * 65535)][Math.floor(r() * 7)]!;
    return { first: single, last: single };
  }
  if (x < 0.6) return [{ first: 1, last: 1024 }, { first: 8000, last: 8080 }, { first: 443, last: 5432 }, { first: 1, last: 65535 }, { first: 65000, last: 65535 }][Math.floor(r() * 5)]!;
  const first = 1 + Math.floor(r() * 65535);
  const last = Math.min(65535, first + Math.floor(r() ** 3 * 20000));
  return { first, last };
}

function randomCidr(r: () => number): string {
  const x = r();
  if (x < 0.1) return '0.0.0.0/0';
  if (x < 0.2) return '10.1.3.0/24';
  const prefix = [24, 25, 26, 28, 30, 31, 32][Math.floor(r() * 7)]!;
  const size = 2 ** (32 - prefix);
  const host = Math.floor((Math.floor(r() * 256) / size)) * size;
  return `10.1.2.${host}/${prefix}`;
}

function randomPriority(r: () => number): number {
  const x = r();
  if (x < 0.2) return 1;
  if (x < 0.4) return 100;
  if (x < 0.6) return [7, 8][Math.floor(r() * 2)]!; // frequent ties
  return 1 + Math.floor(r() * 100);
}

function randomModel(r: () => number): Model {
  const pick = <X,>(xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!;
  const policies: Policy[] = [];
  const groups: EndpointGroup[] = [];
  for (const tenant of TENANTS) {
    const names = GROUPS[tenant]!.map(([g]) => g);
    const networks = NETWORKS.filter((n) => n.tenant === tenant).map((n) => n.name);
    for (let p = 0; p < 3; p++) {
      const rules = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i): Rule => {
        const protocol = pick(['tcp', 'tcp', 'tcp', 'udp', 'udp', 'icmp', 'any', 'any', 47, 132] as const);
        const rule: Rule = { id: String(i), direction: pick(['in', 'out'] as const), priority: randomPriority(r), protocol, action: pick(['allow', 'deny'] as const), source: pos };
        if ((protocol === 'tcp' || protocol === 'udp') && r() < 0.7) rule.ports = randomPorts(r);
        const peer = r();
        if (peer < 0.35) rule.peer = { kind: 'group', value: pick(names) };
        else if (peer < 0.45) rule.peer = { kind: 'network', value: pick(networks) };
        else if (peer < 0.65) rule.peer = { kind: 'cidr', value: randomCidr(r) };
        return rule;
      });
      policies.push({ tenant, name: `p${p}`, ...located, rules });
    }
    for (const [name, network] of GROUPS[tenant]!) {
      groups.push({ tenant, name, network, policies: ['p0', 'p1', 'p2'].filter(() => r() < 0.45), ...located });
    }
  }
  // Which tenant's groups come first varies: a lookup that ignores the tenant finds the wrong one either way.
  if (r() < 0.5) groups.reverse();
  return {
    fabric: { name: 'f', file: '/f.yaml', vxlanPort: 4789, vniRange: { first: 1, last: 100 }, mtu: 1450, hosts: HOSTS, ...located },
    tenants: [
      { name: 'default', description: '', implicit: true, ...located },
      { name: 'blue', description: '', implicit: false, ...located },
    ],
    networks: NETWORKS,
    groups,
    policies,
  };
}

interface Ep {
  label: string;
  party: Party;
  /** party.ip as a number. */
  ip: number;
  host: string;
  ofport: number;
  mac: string;
}

/** Endpoints: one per group and one without a group per network, on random hosts; addresses may repeat across tenants. */
function randomEndpoints(r: () => number): Ep[] {
  const out: Ep[] = [];
  const next: Record<string, number> = { h1: 4096, h2: 4096 };
  const members: Array<{ tenant: string; network: string; group?: string }> = [];
  for (const tenant of TENANTS) {
    for (const [group, network] of GROUPS[tenant]!) members.push({ tenant, network, group });
    for (const n of NETWORKS.filter((x) => x.tenant === tenant)) members.push({ tenant, network: n.name });
  }
  const pools: Record<string, number[]> = {};
  for (const [i, m] of members.entries()) {
    const space = `${m.tenant}/${m.network}`;
    const pool = (pools[space] ??= [2, 9, 10, 11, 100, 126, 127, 128, 129, 200, 254]);
    const last = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
    const host = i < 2 ? HOSTS[i]!.name : r() < 0.5 ? 'h1' : 'h2';
    const ofport = next[host]!++;
    const party: Party = { tenant: m.tenant, network: m.network, ip: `${m.network === 'other' ? '10.1.3' : '10.1.2'}.${last}`, ...(m.group ? { group: m.group } : {}) };
    out.push({ label: `${m.tenant}/${m.network}/${m.group ?? '-'}@${host}`, party, ip: ipv4(party.ip), host, ofport, mac: `02:00:00:00:${(i + 1).toString(16).padStart(2, '0')}:${last.toString(16).padStart(2, '0')}` });
  }
  return out;
}

function liveStates(eps: readonly Ep[]): Record<string, HostState> {
  const live: Record<string, HostState> = {};
  for (const h of HOSTS) {
    const ports: Record<string, PortState> = {};
    for (const e of eps.filter((x) => x.host === h.name)) {
      const name = `ep${e.ofport}`;
      const ids = endpointExternalIds({ host: h.name, port: name, ofport: e.ofport, tenant: e.party.tenant, network: e.party.network, ip: e.party.ip, mac: e.mac, netns: `ns${e.ofport}`, ...(e.party.group ? { group: e.party.group } : {}) });
      ports[name] = { name, type: 'system', ofport: e.ofport, options: {}, externalIds: ids, protected: false };
    }
    live[h.name] = {
      host: h.name,
      bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'bridge', 'contiv.addr': `${h.name}/bridge/contiv0` }, ports, flows: {} } },
    };
  }
  return live;
}

/** Probes: tcp and udp at FIRST−1, FIRST, LAST, LAST+1 of every port range a rule names (and one port none names), icmp, protocol numbers. */
function probesFor(model: Model): Probe[] {
  const ports = new Set<number>([80]);
  for (const p of model.policies) for (const rule of p.rules) if (rule.ports) for (const x of [rule.ports.first - 1, rule.ports.first, rule.ports.last, rule.ports.last + 1]) if (x >= 0 && x <= 65535) ports.add(x);
  const sorted = [...ports].sort((a, b) => a - b);
  return [...sorted.flatMap((port) => [{ protocol: 'tcp' as const, port }, { protocol: 'udp' as const, port }]), { protocol: 'icmp' }, { protocol: 47 }, { protocol: 132 }, { protocol: 50 }];
}

const PROTOCOL_NUMBER: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

/* ---------------------------------------------------------------- one model, every pair */

interface Tally {
  checked: number;
  allowedSameHost: number;
  allowedCrossHost: number;
  deniedSameHost: number;
  deniedCrossHost: number;
  isolated: number;
  learnedRuns: number;
  /** Probes whose sending host found the remote MAC in table 11 (the unicast tunnel path). */
  learnedPath: number;
}

function fabricOf(compiled: Record<string, CompiledHost>): Map<string, SimHost> {
  return new Map(HOSTS.map((h) => [h.name, simHost(h.name, h.vtep, compiled[h.name]!)]));
}

/** Every endpoint sends an ARP broadcast: it must reach exactly its own network's endpoints; the tunnel flows learn its MAC. */
function broadcastAll(hosts: Map<string, SimHost>, eps: readonly Ep[], context: string): void {
  for (const e of eps) {
    const run: Run = { hosts, learn: true, deliveries: [], zones: [], steps: 0, learnedHits: 0, trace: [] };
    const p: Packet = { inPort: e.ofport, kind: 'arp', dlSrc: e.mac, dlDst: 'ff:ff:ff:ff:ff:ff', nwSrc: e.ip, nwDst: e.ip, nwProto: 0, vlanTci: 0, tunId: 0, tunSrc: 0, tunDst: 0, metadata: 0, regs: [0, 0, 0, 0, 0, 0, 0, 0], ct: new Set() };
    runTable(run, hosts.get(e.host)!, 0, p);
    const got = run.deliveries.map((d) => `${d.host}:${d.port}`).sort();
    const want = eps.filter((x) => x !== e && x.party.tenant === e.party.tenant && x.party.network === e.party.network).map((x) => `${x.host}:${x.ofport}`).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${context}: broadcast from ${e.label} reached ${got.join(' ')}, expected ${want.join(' ')}\n${run.trace?.join('\n')}`);
    if (run.deliveries.some((d) => d.packet.vlanTci !== 0)) throw new Error(`${context}: broadcast from ${e.label} delivered with our inner tag`);
  }
}

function checkModel(seed: number, learnMode: boolean, tally: Tally): void {
  const r = rng(seed);
  const model = randomModel(r);
  const eps = randomEndpoints(r);
  const live = liveStates(eps);
  const { allocations, diagnostics } = allocate(model, Object.values(live));
  if (diagnostics.length) throw new Error(`allocate: ${diagnostics.map((d) => d.code).join(', ')}`);
  const compiled = compileFabric({ model, allocations, live });
  const hosts = fabricOf(compiled);
  const context = `seed ${seed} (${learnMode ? 'learned MACs' : 'flood path'})`;
  if (learnMode) {
    broadcastAll(hosts, eps, context);
    tally.learnedRuns++;
  }
  const probes = probesFor(model);
  for (const src of eps) {
    for (const dst of eps) {
      if (src === dst) continue;
      for (const probe of probes) {
        const expected = decide(model, src.party, dst.party, probe);
        // Probes learn nothing more: table 11 stays as it is (empty on the flood path), so
        // every probe sees the same tables and a failing one can be replayed with a trace.
        const attempt = (trace?: string[]) => sendFirstPacket(hosts, allocations, src, dst, probe, trace);
        let delivered: boolean | undefined;
        let problem: string | undefined;
        try {
          const sent = attempt();
          delivered = sent.delivered;
          // After the broadcasts, the sending host knows every remote MAC of its network: no flooding.
          const remotePeer = src.host !== dst.host && src.party.tenant === dst.party.tenant && src.party.network === dst.party.network;
          if (sent.learnedHits > 0) tally.learnedPath++;
          if (learnMode && remotePeer && sent.learnedHits === 0) problem = 'the sending host did not use the learned flow for the remote MAC';
          if (!learnMode && sent.learnedHits > 0) problem = 'a learned flow on the flood path';
          if (problem) delivered = undefined;
        } catch (e) {
          problem = (e as Error).message;
        }
        if (delivered !== expected.allowed) {
          const trace: string[] = [];
          try {
            attempt(trace);
          } catch {
            // the same problem, now traced
          }
          throw new Error(
            `${context}: ${src.label} → ${dst.label} ${JSON.stringify(probe)}: ${problem ?? `flows say ${delivered ? 'allowed' : 'blocked'}`}, semantics say ${JSON.stringify(expected)}\n` +
              `trace:\n${trace.join('\n')}\npolicies:\n${model.policies.map((p) => `${p.tenant}/${p.name}: ${JSON.stringify(p.rules.map(({ source: _s, ...x }) => x))}`).join('\n')}\n` +
              `groups: ${JSON.stringify(model.groups.map((g) => [`${g.tenant}/${g.name}`, allocations.group[`${g.tenant}/${g.name}`], g.policies]))}`,
          );
        }
        tally.checked++;
        if (expected.reason === 'isolated') tally.isolated++;
        else if (expected.allowed && src.host === dst.host) tally.allowedSameHost++;
        else if (expected.allowed) tally.allowedCrossHost++;
        else if (src.host === dst.host) tally.deniedSameHost++;
        else tally.deniedCrossHost++;
      }
    }
  }
}

/** A first packet from src to dst: delivered to dst's port, or not; throws when the datapath does something no outcome allows. */
function sendFirstPacket(hosts: Map<string, SimHost>, allocations: Allocations, src: Ep, dst: Ep, probe: Probe, trace?: string[]): { delivered: boolean; learnedHits: number } {
  const run: Run = { hosts, learn: false, deliveries: [], zones: [], steps: 0, learnedHits: 0, ...(trace ? { trace } : {}) };
  const p: Packet = {
    inPort: src.ofport,
    kind: 'ip',
    dlSrc: src.mac,
    dlDst: dst.mac,
    nwSrc: src.ip,
    nwDst: dst.ip,
    nwProto: typeof probe.protocol === 'number' ? probe.protocol : PROTOCOL_NUMBER[probe.protocol]!,
    ...(probe.port !== undefined ? { tpDst: probe.port } : {}),
    vlanTci: 0,
    tunId: 0,
    tunSrc: 0,
    tunDst: 0,
    metadata: 0,
    regs: [0, 0, 0, 0, 0, 0, 0, 0],
    ct: new Set(),
  };
  runTable(run, hosts.get(src.host)!, 0, p);
  for (const d of run.deliveries) {
    if (d.host !== dst.host || d.port !== dst.ofport) throw new Error(`delivered to ${d.host}:${d.port}, which is not the destination`);
    if (d.packet.vlanTci !== 0) throw new Error('delivered with our inner VLAN tag');
  }
  if (run.deliveries.length > 1) throw new Error(`delivered ${run.deliveries.length} times`);
  // Conntrack: every lookup and commit of this connection is in its tenant's zone.
  const zone = allocations.zone[src.party.tenant]!;
  if (run.zones.some((z) => z !== zone)) throw new Error(`conntrack zones ${run.zones.join(',')}, the tenant's is ${zone}`);
  return { delivered: run.deliveries.length === 1, learnedHits: run.learnedHits };
}

/* ---------------------------------------------------------------- the tests */

const MODELS = 24;

describe('the compiled pipeline decides first packets as CONTEXT §4 says', () => {
  it(`on ${MODELS} random two-tenant models, for every pair of endpoints (same host and across the tunnel) and every probe`, () => {
    const tally: Tally = { checked: 0, allowedSameHost: 0, allowedCrossHost: 0, deniedSameHost: 0, deniedCrossHost: 0, isolated: 0, learnedRuns: 0, learnedPath: 0 };
    for (let i = 0; i < MODELS; i++) checkModel(20261128 + i, i % 2 === 1, tally);
    // Both outcomes occur often, on both paths, so the comparison means something.
    expect(tally.learnedRuns).toBe(MODELS / 2);
    expect(tally.learnedPath).toBeGreaterThan(0.1 * (tally.allowedCrossHost + tally.deniedCrossHost));
    const decided = tally.checked - tally.isolated;
    for (const n of [tally.allowedSameHost, tally.allowedCrossHost]) expect(n / decided).toBeGreaterThan(0.2);
    for (const n of [tally.deniedSameHost, tally.deniedCrossHost]) expect(n / decided).toBeGreaterThan(0.05);
    expect(tally.isolated / tally.checked).toBeGreaterThan(0.3);
  }, 30_000);

  it('the evaluator itself: a packet with no flows for it is blocked, and a foreign table jump is refused', () => {
    // An empty bridge: table 0 misses, nothing is delivered.
    const empty: SimHost = { name: 'x', vtep: '1.1.1.1', tables: new Map(), ports: {}, byOfport: new Map() };
    const run: Run = { hosts: new Map([['x', empty]]), learn: false, deliveries: [], zones: [], steps: 0, learnedHits: 0, trace: [] };
    const p: Packet = { inPort: 1, kind: 'ip', dlSrc: '02:00:00:00:00:01', dlDst: '02:00:00:00:00:02', nwSrc: ipv4('10.0.0.1'), nwDst: ipv4('10.0.0.2'), nwProto: 6, tpDst: 80, vlanTci: 0, tunId: 0, tunSrc: 0, tunDst: 0, metadata: 0, regs: [0, 0, 0, 0, 0, 0, 0, 0], ct: new Set() };
    runTable(run, empty, 0, p);
    expect(run.deliveries).toEqual([]);
    // Masked port matches as OVS reads them: 0x1f40/0xffc0 is 8000-8063.
    const m = matchPredicate('tp_dst=0x1f40/0xffc0');
    expect([7999, 8000, 8063, 8064].map((tpDst) => m({ ...p, tpDst }))).toEqual([false, true, true, false]);
    const cidr = matchPredicate('nw_src=10.0.0.0/31');
    expect(['10.0.0.0', '10.0.0.1', '10.0.0.2'].map((a) => cidr({ ...p, nwSrc: ipv4(a) }))).toEqual([true, true, false]);
    expect(() => runActions(run, empty, parseFlow({ table: 40, priority: 1, match: '', actions: 'goto_table:30' }), p)).toThrow(/forward/);
  });
});
