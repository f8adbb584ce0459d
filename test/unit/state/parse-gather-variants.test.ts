import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatherParseError, OVSDB_TABLES, parseGatherOutput } from '../../../src/state/parse/live-host.js';

/*
 * The gather parser on hand-made variants of the lab captures in fixtures/probes/gather/. Each
 * variant starts from a real capture and changes one thing, named in the test, to a state a
 * real host can be in but the capture lab does not produce: a command that failed, an older
 * or differently configured OVS, a row a bridge or port names that is not there, a host without OVS.
 * Helpers below refuse to make a variant when the text to change is not in the capture, so a
 * variant can never silently be the unchanged capture.
 */
const probe = (name: string) => readFileSync(`fixtures/probes/gather/${name}.txt`, 'utf8');

/** `from` must occur exactly once in `text`; it becomes `to`. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`variant: ${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

interface Table {
  headings: string[];
  data: unknown[][];
}

/** Changes one table of the ovsdb section, a line each in OVSDB_TABLES' order (written back compact, as ovs-vsctl prints it). */
function editTable(text: string, name: (typeof OVSDB_TABLES)[number], change: (t: Table) => void): string {
  const marker = '\n@@contiv ovsdb\n';
  const start = text.indexOf(marker);
  if (start === -1) throw new Error('variant: no ovsdb section');
  let lineStart = start + marker.length;
  for (let i = 0; i < OVSDB_TABLES.indexOf(name); i++) lineStart = text.indexOf('\n', lineStart) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const table = JSON.parse(text.slice(lineStart, lineEnd)) as Table;
  if (!table.headings) throw new Error(`variant: no table ${name}`);
  if (name === 'interfaces') {
    const ports = JSON.parse(text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)) as Table;
    const col = (c: string) => ports.headings.indexOf(c);
    interfaceOf.set(table, new Map(ports.data.map((d) => [d[col('name')] as string, (d[col('interfaces')] as string[])[1]!])));
  }
  change(table);
  return text.slice(0, lineStart) + JSON.stringify(table) + text.slice(lineEnd);
}

/** Interface rows have no name column: the uuid of each port's interface, by port name, per table being edited. */
const interfaceOf = new WeakMap<Table, Map<string, string>>();

/** The row of `table` whose name column is `name` (of the Interface table: the interface of port `name`). */
function row(table: Table, name: string): unknown[] {
  const uuid = interfaceOf.get(table)?.get(name);
  const r = uuid === undefined ? table.data.find((d) => d[table.headings.indexOf('name')] === name) : table.data.find((d) => (d[table.headings.indexOf('_uuid')] as string[])[1] === uuid);
  if (!r) throw new Error(`variant: no row ${name}`);
  return r;
}

function setCell(table: Table, name: string, column: string, value: unknown): void {
  const i = table.headings.indexOf(column);
  if (i === -1) throw new Error(`variant: no column ${column}`);
  row(table, name)[i] = value;
}

/** Replaces a section's body and exit status as `run` in the gather script would print them. */
function failSection(text: string, section: string, status: number, body: string): string {
  const re = new RegExp(`\\n@@contiv ${section}\\n[\\s\\S]*?\\n@@contiv status \\d+\\n`);
  if (!re.test(text)) throw new Error(`variant: no section ${section}`);
  return text.replace(re, `\n@@contiv ${section}\n${body}\n@@contiv status ${status}\n`);
}

function parseError(output: string): GatherParseError {
  try {
    parseGatherOutput('h1', output);
  } catch (e) {
    if (e instanceof GatherParseError) return e;
    throw e;
  }
  throw new Error('expected a GatherParseError');
}

const OWNER = { 'contiv.owner': 'contiv' };

describe('gather parser: facts of a host', () => {
  it('reads every fact of the empty lab host', () => {
    const live = parseGatherOutput('h1', probe('empty-host'));
    expect(live.facts).toStrictEqual({
      hostname: 'h1',
      ovsVersion: '3.1.0',
      vswitchdRunning: true,
      links: [
        { name: 'lo', mtu: 65536, up: true, mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'] },
        { name: 'mgmt0', mtu: 1500, up: true, mac: '1e:97:c8:66:ea:bd', addresses: ['198.18.110.11/24'] },
        { name: 'ul0', mtu: 1600, up: true, mac: '5e:80:52:a8:5b:39', addresses: [] },
        { name: 'ovs-netdev', mtu: 1500, up: false, mac: '52:db:d4:a7:5a:09', addresses: [] },
        { name: 'br-phy', mtu: 1600, up: true, mac: '02:c0:c6:13:6e:0b', addresses: ['198.19.110.11/24'] },
      ],
      missing: [],
      netns: [],
      // The machine has a docker command but no dockerd: down, in the client's words.
      docker: { state: 'down', problem: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' },
      dockerContainers: {},
    });
    expect(live.state).toStrictEqual({ host: 'h1', bridges: {}, files: {} });
    expect(live.unmanaged).toStrictEqual({ bridges: ['br-phy'], ports: [], flowCounts: {}, flowKeys: {} });
  });

  it('takes the host name it is given for the state, and the one the host reports for the facts', () => {
    const live = parseGatherOutput('lab-h2', probe('contiv-bridge-10k-flows'));
    expect(live.state.host).toBe('lab-h2');
    expect(live.facts.hostname).toBe('h2');
    expect(live.facts.links.find((l) => l.name === 'ep1')).toStrictEqual({ name: 'ep1', mtu: 1450, up: false, mac: '96:e2:e5:f3:9c:5d', addresses: [] });
  });

  it('lists the named network namespaces, sorted', () => {
    // Variant: names in the netns section as the script's glob over /run/netns prints them.
    const withNames = (names: string) => edit(probe('empty-host'), '\n@@contiv netns\n', `\n@@contiv netns\n${names}`);
    const live = parseGatherOutput('h1', withNames('db-2\nweb-1\nweb-10\n'));
    expect(live.facts.netns).toStrictEqual(['db-2', 'web-1', 'web-10']);
    // Variant: same, in an order the glob would not print, to show facts do not depend on it.
    expect(parseGatherOutput('h1', withNames('web-1\ndb-2\n')).facts.netns).toStrictEqual(['db-2', 'web-1']);
    // Variant: endpoints attached by a namespace path; the script lists those paths that still exist.
    const paths = edit(withNames('web-1\n'), '\n@@contiv netns-paths\n', '\n@@contiv netns-paths\n/proc/4242/ns/net\n/run/docker/netns/0f3a\n');
    expect(parseGatherOutput('h1', paths).facts.netns).toStrictEqual(['/proc/4242/ns/net', '/run/docker/netns/0f3a', 'web-1']);
  });

  it('a link without a link-layer address has no mac', () => {
    // Variant: ovs-netdev's "address" removed, as `ip -j` prints a link/none device (wireguard, ipip).
    const out = edit(probe('empty-host'), '"link_type":"ether","address":"52:db:d4:a7:5a:09",', '"link_type":"none",');
    const link = parseGatherOutput('h1', out).facts.links.find((l) => l.name === 'ovs-netdev');
    expect(link).toStrictEqual({ name: 'ovs-netdev', mtu: 1500, up: false, addresses: [] });
  });

  it('no links when `ip` failed', () => {
    // Variant: `ip -j addr show` exited 127 (not installed): nothing on stdout.
    const out = failSection(probe('empty-host'), 'links', 127, '');
    const live = parseGatherOutput('h1', out);
    expect(live.facts.links).toStrictEqual([]);
    expect(live.unmanaged.bridges).toStrictEqual(['br-phy']);
    // …even if the failed command printed something.
    expect(parseGatherOutput('h1', failSection(probe('empty-host'), 'links', 255, 'Error: ???')).facts.links).toStrictEqual([]);
  });

  it('ovs-vswitchd running or not, as the script found it', () => {
    expect(parseGatherOutput('h3', probe('vswitchd-stopped')).facts.vswitchdRunning).toBe(false);
    // Variant: the section missing (an output without it, as RECORDS_SCRIPT's) or saying anything else.
    const capture = probe('empty-host');
    expect(parseGatherOutput('h1', edit(capture, '\n@@contiv ovs-vswitchd\nrunning\n', '\n')).facts.vswitchdRunning).toBe(false);
    expect(parseGatherOutput('h1', edit(capture, '\n@@contiv ovs-vswitchd\nrunning\n', '\n@@contiv ovs-vswitchd\nrunning?\n')).facts.vswitchdRunning).toBe(false);
  });

  it('no OVS version when OVSDB records none (OVS started without ovs-ctl)', () => {
    // Variant: ovs_version the empty set, as on a host whose daemons were started by hand.
    const out = editTable(probe('empty-host'), 'open-vswitch', (t) => {
      t.data[0] = [['set', []]];
    });
    const live = parseGatherOutput('h1', out);
    expect(live.facts.ovsVersion).toBe('');
    expect(live.facts.vswitchdRunning).toBe(true);
    // Variant: the version of a distribution build, as ovs-ctl records it.
    expect(parseGatherOutput('h1', editTable(probe('empty-host'), 'open-vswitch', (t) => (t.data[0] = ['2.17.10']))).facts.ovsVersion).toBe('2.17.10');
  });

  it('lists missing binaries and still reads the rest', () => {
    // Variant: the missing section lists what `command -v` did not find on a host without ethtool and flock.
    const out = edit(probe('empty-host'), '\n@@contiv missing\n', '\n@@contiv missing\nethtool\nflock\n');
    const live = parseGatherOutput('h1', out);
    expect(live.facts.missing).toStrictEqual(['ethtool', 'flock']);
    expect(live.facts.ovsVersion).toBe('3.1.0');
    expect(live.unmanaged.bridges).toStrictEqual(['br-phy']);
  });

  it('a host without Open vSwitch: missing binaries, no OVS facts, no state', () => {
    // Variant: the capture cut after the missing section, as the script exits there without ovs-vsctl.
    const capture = probe('empty-host');
    const out = `${capture.slice(0, capture.indexOf('\n@@contiv missing\n'))}\n@@contiv missing\novs-vsctl\novs-ofctl\n`;
    const live = parseGatherOutput('h1', out);
    expect(live).toStrictEqual({
      state: { host: 'h1', bridges: {}, files: {} },
      facts: { hostname: 'h1', ovsVersion: '', vswitchdRunning: false, links: [], missing: ['ovs-vsctl', 'ovs-ofctl'], netns: [] },
      unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
    });
  });

  it('an empty output: no facts, no state', () => {
    expect(parseGatherOutput('h1', '')).toStrictEqual({
      state: { host: 'h1', bridges: {}, files: {} },
      facts: { hostname: '', ovsVersion: '', vswitchdRunning: false, links: [], missing: [], netns: [] },
      unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
    });
  });
});

describe('gather parser: a failing section is an error naming it', () => {
  it('ovsdb: ovs-vsctl failed, with its exit status and the first line of what it said', () => {
    // Variant: ovsdb-server not running: ovs-vsctl's error (its standard error, which the script
    // sends ahead of the tables) and exit 1; no table.
    const said = 'ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)';
    const error = parseError(failSection(probe('flow-variety'), 'ovsdb', 1, `${said}\nsecond line`));
    expect(error).toBeInstanceOf(GatherParseError);
    expect(error.section).toBe('ovsdb');
    expect(error.message).toBe(`ovsdb: ovs-vsctl failed (exit 1): ${said}`);
    // Variant: killed by its --timeout alarm (142) before it said anything.
    expect(parseError(failSection(probe('flow-variety'), 'ovsdb', 142, '')).message).toBe('ovsdb: ovs-vsctl failed (exit 142): ');
  });

  it('names the section whose output is not JSON', () => {
    // Variant: the interfaces table cut short, as by a dropped connection.
    const capture = probe('flow-variety');
    const bodyStart = capture.indexOf('\n@@contiv ovsdb\n') + '\n@@contiv ovsdb\n'.length;
    const lines = capture.slice(bodyStart, capture.indexOf('\n\n@@contiv status', bodyStart)).split('\n');
    const truncated = lines[4]!.slice(0, 40);
    let reason = '';
    try {
      JSON.parse(truncated);
    } catch (e) {
      reason = (e as Error).message;
    }
    const error = parseError(failSection(capture, 'ovsdb', 0, [...lines.slice(0, 4), truncated].join('\n')));
    expect(error.section).toBe('ovsdb');
    expect(error.message).toBe(`ovsdb: unreadable ovs-vsctl output (${reason})`);
  });

  it('a table missing from the ovsdb output is an error, not a host without ports', () => {
    // Variant: the last line (Interface) gone, the status still 0.
    const capture = probe('flow-variety');
    const bodyStart = capture.indexOf('\n@@contiv ovsdb\n') + '\n@@contiv ovsdb\n'.length;
    const lines = capture.slice(bodyStart, capture.indexOf('\n\n@@contiv status', bodyStart)).split('\n');
    expect(lines).toHaveLength(OVSDB_TABLES.length);
    expect(parseError(failSection(capture, 'ovsdb', 0, lines.slice(0, 4).join('\n'))).message).toBe('ovsdb: expected 5 tables from ovs-vsctl, got 4');
  });

  it('a warning ovs-vsctl printed ahead of the tables is not a table', () => {
    // Variant: a reconnect warning on ovs-vsctl's standard error, which comes first in the body.
    const out = edit(probe('flow-variety'), '\n@@contiv ovsdb\n', '\n@@contiv ovsdb\n2026-11-29T13:00:00Z|00001|reconnect|WARN|unix:/var/run/openvswitch/db.sock: connection dropped\n');
    const live = parseGatherOutput('h1', out);
    expect(Object.keys(live.state.bridges)).toStrictEqual(['contiv0']);
    expect(live.unmanaged.bridges).toStrictEqual(['br-phy']);
  });

  it('names the bridge whose flow dump failed', () => {
    // Variant: `ovs-ofctl dump-flows contiv0` exited 1 (bridge deleted between the OVSDB read and the dump).
    const error = parseError(failSection(probe('flow-variety'), 'flows contiv0', 1, 'ovs-ofctl: contiv0 is not a bridge or a socket'));
    expect(error.section).toBe('flows contiv0');
    expect(error.message).toBe('flows contiv0: dump-flows failed (exit 1): ovs-ofctl: contiv0 is not a bridge or a socket');
  });

  it('reads a section that has no status line by its body alone', () => {
    // Variant: the status lines after ovsdb and after the flows removed. The script always prints one
    // after a command; this pins what Section.status documents: no status line is not a failure.
    let out = edit(probe('flow-variety'), '"headings":["_uuid","type","options","ofport","ofport_request","mtu_request"]}\n\n@@contiv status 0\n', '"headings":["_uuid","type","options","ofport","ofport_request","mtu_request"]}\n');
    out = edit(out, 'actions=drop\n\n@@contiv status 0\n\n@@contiv links', 'actions=drop\n\n@@contiv links');
    const live = parseGatherOutput('h1', out);
    expect(Object.keys(live.state.bridges['contiv0']!.flows)).toHaveLength(10);
    expect(live.unmanaged.bridges).toStrictEqual(['br-phy']);
  });
});

describe('gather parser: bridges', () => {
  it('a managed bridge with its marks, and only its marked flows', () => {
    const live = parseGatherOutput('h1', probe('flow-variety'));
    const c102 = 'c102aabbccddeeff';
    const flows = [
      { cookie: 'c101aabbccddeeff', table: 0, priority: 100, match: 'in_port=100,tun_id=16', actions: 'set_field:5->reg0,set_field:7->reg1,goto_table:10' },
      { cookie: c102, table: 10, priority: 210, match: 'tcp,metadata=1,reg0=5,tp_dst=5432', actions: 'ct(commit,zone=5),output:100' },
      { cookie: c102, table: 10, priority: 200, match: 'ip,dl_vlan=5,nw_dst=10.1.2.0/24', actions: 'pop_vlan,resubmit(,20)' },
      { cookie: c102, table: 20, priority: 16, match: 'udp,tp_dst=53', actions: 'set_field:16->tun_id,IN_PORT' },
      { cookie: c102, table: 20, priority: 15, match: 'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00', actions: 'move:NXM_NX_REG0[0..15]->NXM_NX_TUN_ID[0..15],output:100' },
      { cookie: c102, table: 20, priority: 14, match: 'arp,arp_tpa=10.1.2.5', actions: 'push_vlan:0x8100,set_field:4102->vlan_vid,output:100' },
      { cookie: c102, table: 20, priority: 13, match: 'ip,ct_state=+new+trk', actions: 'ct(table=30,zone=NXM_NX_REG6[0..15])' },
      { cookie: c102, table: 20, priority: 12, match: 'ip,conj_id=7', actions: 'set_field:1000->tun_id,output:100' },
      { cookie: c102, table: 20, priority: 11, match: 'tcp,tp_dst=0x1000/0xf000', actions: 'conjunction(7,1/2)' },
      { cookie: c102, table: 20, priority: 10, match: 'tcp6', actions: 'drop' },
    ];
    expect(live.state.bridges).toStrictEqual({
      contiv0: {
        name: 'contiv0',
        datapathType: 'netdev',
        failMode: 'secure',
        externalIds: OWNER,
        ports: {},
        flows: Object.fromEntries(flows.map((f) => [`table=${f.table},priority=${f.priority},${f.match}`, f])),
      },
    });
    expect(live.unmanaged).toStrictEqual({ bridges: ['br-phy'], ports: [], flowCounts: { contiv0: 1 }, flowKeys: { contiv0: ['table=0,priority=1'] } });
  });

  it('a bridge as add-br leaves it: system datapath, standalone', () => {
    // Variant: contiv0's datapath_type "" and fail_mode unset, the OVSDB defaults.
    const out = editTable(probe('flow-variety'), 'bridges', (t) => {
      setCell(t, 'contiv0', 'datapath_type', '');
      setCell(t, 'contiv0', 'fail_mode', ['set', []]);
    });
    const bridge = parseGatherOutput('h1', out).state.bridges['contiv0']!;
    expect(bridge.datapathType).toBe('system');
    expect(bridge.failMode).toBe('standalone');
    // Variant: both set explicitly to what contiv would not choose.
    const explicit = editTable(probe('flow-variety'), 'bridges', (t) => {
      setCell(t, 'contiv0', 'datapath_type', 'system');
      setCell(t, 'contiv0', 'fail_mode', 'standalone');
    });
    expect(parseGatherOutput('h1', explicit).state.bridges['contiv0']).toMatchObject({ datapathType: 'system', failMode: 'standalone' });
  });

  it('a bridge whose owner mark is not contiv\'s is unmanaged, its flows unread', () => {
    // Variant: contiv0's contiv.owner changed to another tool's value.
    const out = editTable(probe('flow-variety'), 'bridges', (t) => setCell(t, 'contiv0', 'external_ids', ['map', [['contiv.owner', 'ovn']]]));
    const live = parseGatherOutput('h1', out);
    expect(live.state.bridges).toStrictEqual({});
    expect(live.unmanaged).toStrictEqual({ bridges: ['br-phy', 'contiv0'], ports: [], flowCounts: {}, flowKeys: {} });
  });

  it('lists unmanaged bridges sorted by name', () => {
    // Variant: an unmarked bridge br-ext added after br-phy (OVSDB lists rows in no particular order).
    const out = editTable(probe('empty-host'), 'bridges', (t) => {
      t.data.push(['br-ext', '', ['set', []], ['map', []], ['set', []]]);
    });
    expect(parseGatherOutput('h1', out).unmanaged.bridges).toStrictEqual(['br-ext', 'br-phy']);
  });
});

describe('gather parser: flows', () => {
  it('no foreign flows: nothing counted for the bridge', () => {
    // Variant: the one foreign flow (cookie 0x1) removed from the dump.
    const out = edit(probe('flow-variety'), ' cookie=0x1, priority=1 actions=drop\n', '');
    const live = parseGatherOutput('h1', out);
    expect(live.unmanaged.flowCounts).toStrictEqual({});
    expect(live.unmanaged.flowKeys).toStrictEqual({});
    expect(Object.keys(live.state.bridges['contiv0']!.flows)).toHaveLength(10);
  });

  it('learned flows are neither managed nor foreign', () => {
    // Variant: a flow the datapath learned (cookie kind 7) added to the dump, as learn() installs it.
    const learned = ' cookie=0xc107d98e90c3ec75, table=30, idle_timeout=300, priority=100,metadata=0x1,dl_dst=02:00:00:00:00:09 actions=load:0x2->NXM_NX_REG3[0..15],load:0x1->NXM_NX_REG4[0..2]\n';
    const out = edit(probe('flow-variety'), ' cookie=0x1, priority=1 actions=drop\n', ` cookie=0x1, priority=1 actions=drop\n${learned}`);
    const live = parseGatherOutput('h1', out);
    expect(Object.keys(live.state.bridges['contiv0']!.flows)).toHaveLength(10);
    expect(Object.values(live.state.bridges['contiv0']!.flows).some((f) => f.table === 30)).toBe(false);
    expect(live.unmanaged.flowKeys).toStrictEqual({ contiv0: ['table=0,priority=1'] });
  });

  it('skips lines of the dump that are not flows', () => {
    // Variant: the reply header ovs-ofctl prints without --no-stats, ahead of the flows.
    const out = edit(probe('flow-variety'), '@@contiv flows contiv0\n', '@@contiv flows contiv0\nOFPST_FLOW reply (OF1.4) (xid=0x2):\n');
    const live = parseGatherOutput('h1', out);
    expect(Object.keys(live.state.bridges['contiv0']!.flows)).toHaveLength(10);
    expect(live.unmanaged.flowCounts).toStrictEqual({ contiv0: 1 });
  });

  it('a managed bridge without a flow dump has no flows', () => {
    // Variant: the flows section removed (the bridge lost its mark between `list Bridge` and `find Bridge`).
    const capture = probe('flow-variety');
    const start = capture.indexOf('\n@@contiv flows contiv0\n');
    const end = capture.indexOf('\n@@contiv links\n');
    const live = parseGatherOutput('h1', capture.slice(0, start) + capture.slice(end));
    expect(live.state.bridges['contiv0']!.flows).toStrictEqual({});
    expect(live.unmanaged.flowCounts).toStrictEqual({});
  });

  it('keeps the keys of foreign flows in dump order, whatever their cookie', () => {
    const live = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
    expect(live.unmanaged.flowKeys).toStrictEqual({ contiv0: ['table=0,priority=2,arp', 'table=0,priority=3,ip', 'table=0,priority=1'] });
    const last = live.state.bridges['contiv0']!.flows['table=10,priority=100,dl_dst=02:00:00:00:27:0f,metadata=3'];
    expect(last).toStrictEqual({ cookie: 'c10400000000270f', table: 10, priority: 100, match: 'dl_dst=02:00:00:00:27:0f,metadata=3', actions: 'set_field:4195->reg3,goto_table:20' });
  });
});

describe('gather parser: ports of someone else', () => {
  it('lists an unmarked port on contiv\'s bridge with the OpenFlow number it holds (a real capture)', () => {
    const live = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
    expect(live.unmanaged.ports).toStrictEqual(['contiv0/mine']);
    expect(live.unmanaged.ofports).toStrictEqual({ 'contiv0/mine': 1 });
  });
});

describe('gather parser: ports', () => {
  const EP1_IDS = {
    'contiv.group': 'web-group',
    'contiv.ip': '10.1.2.10',
    'contiv.kind': 'endpoint',
    'contiv.netns': 'web-1',
    'contiv.network': 'contiv-net',
    'contiv.owner': 'contiv',
    'contiv.tenant': 'default',
  };
  const VX_IDS = { 'contiv.addr': 'h2/tunnel/h1', 'contiv.kind': 'tunnel', 'contiv.owner': 'contiv' };

  it('managed ports with type, ofport, options, marks, protection and MTU; not the bridge\'s own', () => {
    const live = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
    const bridge = live.state.bridges['contiv0']!;
    expect(bridge.ports).toStrictEqual({
      ep1: { name: 'ep1', type: 'internal', ofport: 4096, options: {}, externalIds: EP1_IDS, protected: false, mtu: 1450 },
      'vx-h1': { name: 'vx-h1', type: 'vxlan', ofport: 100, options: { dst_port: '4789', key: 'flow', remote_ip: '198.19.110.11' }, externalIds: VX_IDS, protected: true },
    });
    expect(bridge.externalIds).toStrictEqual({ 'contiv.addr': 'h2/bridge/contiv0', 'contiv.kind': 'bridge', 'contiv.owner': 'contiv' });
    expect(live.unmanaged.ports).toStrictEqual(['contiv0/mine']);
  });

  it('the requested OpenFlow port number wins over the one OVS assigned', () => {
    // Variant: ep1 got ofport 7 although it requests 4096 (the number was taken when it was added).
    const out = editTable(probe('contiv-bridge-10k-flows'), 'interfaces', (t) => setCell(t, 'ep1', 'ofport', 7));
    expect(parseGatherOutput('h2', out).state.bridges['contiv0']!.ports['ep1']!.ofport).toBe(4096);
  });

  it('without a request, the assigned OpenFlow port number; without either, -1', () => {
    // Variant: ep1's ofport_request unset and ofport 4097; then also ofport unset (not yet assigned).
    const assigned = editTable(probe('contiv-bridge-10k-flows'), 'interfaces', (t) => {
      setCell(t, 'ep1', 'ofport_request', ['set', []]);
      setCell(t, 'ep1', 'ofport', 4097);
    });
    expect(parseGatherOutput('h2', assigned).state.bridges['contiv0']!.ports['ep1']!.ofport).toBe(4097);
    const none = editTable(assigned, 'interfaces', (t) => setCell(t, 'ep1', 'ofport', ['set', []]));
    expect(parseGatherOutput('h2', none).state.bridges['contiv0']!.ports['ep1']!.ofport).toBe(-1);
  });

  it('a marked port of type "" is a system port, and an unmarked one is listed as unmanaged', () => {
    // Variant: port "mine" marked as contiv's and its interface type "" (a physical NIC added to the bridge);
    // ep1's mark removed instead, so two unmarked ports come in an unsorted order.
    let out = editTable(probe('contiv-bridge-10k-flows'), 'ports', (t) => {
      setCell(t, 'mine', 'external_ids', ['map', [['contiv.owner', 'contiv']]]);
      setCell(t, 'ep1', 'external_ids', ['map', [['contiv.netns', 'web-1']]]);
    });
    out = editTable(out, 'interfaces', (t) => setCell(t, 'mine', 'type', ''));
    const live = parseGatherOutput('h2', out);
    expect(live.state.bridges['contiv0']!.ports['mine']).toStrictEqual({ name: 'mine', type: 'system', ofport: 1, options: {}, externalIds: OWNER, protected: false });
    expect(Object.keys(live.state.bridges['contiv0']!.ports).sort()).toStrictEqual(['mine', 'vx-h1']);
    expect(live.unmanaged.ports).toStrictEqual(['contiv0/ep1']);
    // Variant on top: "mine" unmarked again, so ep1 and mine are both listed, sorted.
    const both = editTable(out, 'ports', (t) => setCell(t, 'mine', 'external_ids', ['map', []]));
    expect(parseGatherOutput('h2', both).unmanaged.ports).toStrictEqual(['contiv0/ep1', 'contiv0/mine']);
  });

  it('a patch port with its peer option', () => {
    // Variant: vx-h1 turned into a patch port (type and options changed).
    const out = editTable(probe('contiv-bridge-10k-flows'), 'interfaces', (t) => {
      setCell(t, 'vx-h1', 'type', 'patch');
      setCell(t, 'vx-h1', 'options', ['map', [['peer', 'patch-ext']]]);
    });
    expect(parseGatherOutput('h2', out).state.bridges['contiv0']!.ports['vx-h1']).toMatchObject({ type: 'patch', ofport: 100, options: { peer: 'patch-ext' } });
  });

  it('a port the bridge names that is not in the Port table is left out', () => {
    // Variant: ep1's Port row removed while the bridge still names it. One ovs-vsctl call reads one
    // consistent snapshot, so this no longer happens between reads; the parser still does not rely on it.
    const out = editTable(probe('contiv-bridge-10k-flows'), 'ports', (t) => {
      t.data = t.data.filter((d) => d[t.headings.indexOf('name')] !== 'ep1');
    });
    const live = parseGatherOutput('h2', out);
    expect(Object.keys(live.state.bridges['contiv0']!.ports)).toStrictEqual(['vx-h1']);
    expect(live.unmanaged.ports).toStrictEqual(['contiv0/mine']);
  });

  it('a port whose interface went away reads as a bare port: no type, no ofport, no options', () => {
    // Variant: vx-h1's Interface row removed while its port still names it (see above: not expected
    // from one snapshot, still not relied on).
    const out = editTable(probe('contiv-bridge-10k-flows'), 'interfaces', (t) => {
      t.data = t.data.filter((d) => d !== row(t, 'vx-h1'));
    });
    expect(parseGatherOutput('h2', out).state.bridges['contiv0']!.ports['vx-h1']).toStrictEqual({ name: 'vx-h1', type: 'system', ofport: -1, options: {}, externalIds: VX_IDS, protected: true });
  });
});
