import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatherParseError, parseGatherOutput } from '../../../src/state/parse/live-host.js';

/*
 * The gather parser on hand-made variants of the lab captures in fixtures/probes/gather/. Each
 * variant starts from a real capture and changes one thing, named in the test, to a state a
 * real host can be in but the capture lab does not produce: a command that failed, an older
 * or differently configured OVS, a port that went away between two reads, a host without OVS.
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

/** Changes the ovs-vsctl JSON table of one section (written back compact, as ovs-vsctl prints it). */
function editTable(text: string, section: string, change: (t: Table) => void): string {
  const marker = `\n@@contiv ${section}\n`;
  const start = text.indexOf(marker);
  if (start === -1) throw new Error(`variant: no section ${section}`);
  const bodyStart = start + marker.length;
  const bodyEnd = text.indexOf('\n', bodyStart);
  const table = JSON.parse(text.slice(bodyStart, bodyEnd)) as Table;
  change(table);
  return text.slice(0, bodyStart) + JSON.stringify(table) + text.slice(bodyEnd);
}

/** The row of `table` whose name column is `name`. */
function row(table: Table, name: string): unknown[] {
  const r = table.data.find((d) => d[table.headings.indexOf('name')] === name);
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
      datapathTypes: ['netdev', 'system'],
      interfaceTypes: ['afxdp', 'afxdp-nonpmd', 'bareudp', 'erspan', 'geneve', 'gre', 'gtpu', 'internal', 'ip6erspan', 'ip6gre', 'lisp', 'patch', 'stt', 'system', 'tap', 'vxlan'],
      links: [
        { name: 'lo', kind: '', mtu: 65536, up: true, mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'] },
        { name: 'mgmt0', kind: 'veth', mtu: 1500, up: true, mac: 'ce:4b:74:41:7d:e5', addresses: ['198.18.60.11/24'] },
        { name: 'ul0', kind: 'veth', mtu: 1500, up: true, mac: 'fa:b8:5d:f3:b1:a8', addresses: [] },
        { name: 'ovs-netdev', kind: 'tun', mtu: 1500, up: false, mac: '36:d9:12:a3:74:6d', addresses: [] },
        { name: 'br-phy', kind: 'tun', mtu: 1500, up: true, mac: '02:c0:c6:13:3c:0b', addresses: ['198.19.60.11/24'] },
      ],
      missing: [],
      netns: [],
    });
    expect(live.state).toStrictEqual({ host: 'h1', bridges: {}, files: {} });
    expect(live.unmanaged).toStrictEqual({ bridges: ['br-phy'], ports: [], flowCounts: {}, flowKeys: {} });
  });

  it('takes the host name it is given for the state, and the one the host reports for the facts', () => {
    const live = parseGatherOutput('lab-h2', probe('contiv-bridge-10k-flows'));
    expect(live.state.host).toBe('lab-h2');
    expect(live.facts.hostname).toBe('h2');
    expect(live.facts.links.find((l) => l.name === 'ep1')).toStrictEqual({ name: 'ep1', kind: 'tun', mtu: 1450, up: false, mac: '4a:06:cc:78:cb:dd', addresses: [] });
  });

  it('lists the named network namespaces, sorted', () => {
    // Variant: the captures predate the netns section; this appends one as `ls -1 /run/netns` prints it.
    const live = parseGatherOutput('h1', `${probe('empty-host')}\n@@contiv netns\ndb-2\nweb-1\nweb-10\n`);
    expect(live.facts.netns).toStrictEqual(['db-2', 'web-1', 'web-10']);
    // Variant: same, in an order ls would not print, to show facts do not depend on it.
    expect(parseGatherOutput('h1', `${probe('empty-host')}\n@@contiv netns\nweb-1\ndb-2\n`).facts.netns).toStrictEqual(['db-2', 'web-1']);
    // Variant: endpoints attached by a namespace path; the script lists those paths that still exist.
    const paths = parseGatherOutput('h1', `${probe('empty-host')}\n@@contiv netns\nweb-1\n@@contiv netns-paths\n/proc/4242/ns/net\n/run/docker/netns/0f3a\n`);
    expect(paths.facts.netns).toStrictEqual(['/proc/4242/ns/net', '/run/docker/netns/0f3a', 'web-1']);
  });

  it('sorts datapath and interface types whatever order OVSDB gives them in', () => {
    // Variant: the two sets reversed (OVSDB happens to print sets sorted).
    const out = editTable(probe('empty-host'), 'open-vswitch', (t) => {
      t.data[0] = [['set', ['system', 'netdev']], ['set', ['vxlan', 'internal', 'geneve']]];
    });
    const facts = parseGatherOutput('h1', out).facts;
    expect(facts.datapathTypes).toStrictEqual(['netdev', 'system']);
    expect(facts.interfaceTypes).toStrictEqual(['geneve', 'internal', 'vxlan']);
  });

  it('reads a one-element set of datapath types written as the bare atom', () => {
    // Variant: an OVS built without the userspace datapath reports only "system".
    const out = editTable(probe('empty-host'), 'open-vswitch', (t) => {
      t.data[0] = ['system', ['set', ['internal', 'vxlan']]];
    });
    expect(parseGatherOutput('h1', out).facts.datapathTypes).toStrictEqual(['system']);
  });

  it('a link without a link-layer address has no mac', () => {
    // Variant: ovs-netdev's "address" removed, as `ip -j` prints a link/none device (wireguard, ipip).
    const out = edit(probe('empty-host'), '"link_type":"ether","address":"36:d9:12:a3:74:6d",', '"link_type":"none",');
    const link = parseGatherOutput('h1', out).facts.links.find((l) => l.name === 'ovs-netdev');
    expect(link).toStrictEqual({ name: 'ovs-netdev', kind: 'tun', mtu: 1500, up: false, addresses: [] });
  });

  it('no links when `ip` failed', () => {
    // Variant: `ip -d -j addr show` exited 127 (not installed): nothing on stdout.
    const out = failSection(probe('empty-host'), 'links', 127, '');
    const live = parseGatherOutput('h1', out);
    expect(live.facts.links).toStrictEqual([]);
    expect(live.unmanaged.bridges).toStrictEqual(['br-phy']);
    // …even if the failed command printed something.
    expect(parseGatherOutput('h1', failSection(probe('empty-host'), 'links', 255, 'Error: ???')).facts.links).toStrictEqual([]);
  });

  it('no OVS version when ovs-vswitchd does not answer', () => {
    // Variant: `ovs-appctl -t ovs-vswitchd version` exited 1 (daemon not running); the database still answers.
    const live = parseGatherOutput('h1', failSection(probe('empty-host'), 'ovs-version', 1, ''));
    expect(live.facts.ovsVersion).toBe('');
    expect(live.facts.datapathTypes).toStrictEqual(['netdev', 'system']);
    // Variant: the command succeeded but printed no version number.
    expect(parseGatherOutput('h1', failSection(probe('empty-host'), 'ovs-version', 0, 'ovs-vswitchd (Open vSwitch)')).facts.ovsVersion).toBe('');
  });

  it('takes the first version number in the version output', () => {
    // Variant: the version lines of a distribution build linked with DPDK.
    const out = failSection(probe('empty-host'), 'ovs-version', 0, 'ovs-vswitchd (Open vSwitch) 2.17.10\nDPDK 21.11.6');
    expect(parseGatherOutput('h1', out).facts.ovsVersion).toBe('2.17.10');
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
    const out = `${capture.slice(0, capture.indexOf('\n@@contiv missing\n'))}\n@@contiv missing\novs-vsctl\novs-ofctl\novs-appctl\n`;
    const live = parseGatherOutput('h1', out);
    expect(live).toStrictEqual({
      state: { host: 'h1', bridges: {}, files: {} },
      facts: { hostname: 'h1', ovsVersion: '', datapathTypes: [], interfaceTypes: [], links: [], missing: ['ovs-vsctl', 'ovs-ofctl', 'ovs-appctl'], netns: [] },
      unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
    });
  });

  it('an empty output: no facts, no state', () => {
    expect(parseGatherOutput('h1', '')).toStrictEqual({
      state: { host: 'h1', bridges: {}, files: {} },
      facts: { hostname: '', ovsVersion: '', datapathTypes: [], interfaceTypes: [], links: [], missing: [], netns: [] },
      unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
    });
  });
});

describe('gather parser: a failing section is an error naming it', () => {
  it.each(['open-vswitch', 'bridges', 'ports', 'interfaces'])('%s: command failed, with its exit status', (section) => {
    // Variant: the section's ovs-vsctl exited 1 (database not reachable). Its error message went to
    // stderr, which the script does not put in the section, so the body is empty.
    const error = parseError(failSection(probe('flow-variety'), section, 1, ''));
    expect(error).toBeInstanceOf(GatherParseError);
    expect(error.section).toBe(section);
    expect(error.message).toBe(`${section}: command failed (exit 1): `);
  });

  it('quotes the first line the failed command printed', () => {
    // Variant: the command printed two lines on stdout and exited 142 (killed by its --timeout alarm).
    const error = parseError(failSection(probe('flow-variety'), 'bridges', 142, 'first line\nsecond line'));
    expect(error.message).toBe('bridges: command failed (exit 142): first line');
  });

  it('names the section whose output is not JSON', () => {
    // Variant: the interfaces table cut short, as by a dropped connection.
    const capture = probe('flow-variety');
    const start = capture.indexOf('\n@@contiv interfaces\n') + '\n@@contiv interfaces\n'.length;
    const truncated = capture.slice(start, start + 40);
    let reason = '';
    try {
      JSON.parse(truncated);
    } catch (e) {
      reason = (e as Error).message;
    }
    const error = parseError(failSection(capture, 'interfaces', 0, truncated));
    expect(error.section).toBe('interfaces');
    expect(error.message).toBe(`interfaces: unreadable ovs-vsctl output (${reason})`);
  });

  it('names the bridge whose flow dump failed', () => {
    // Variant: `ovs-ofctl dump-flows contiv0` exited 1 (bridge deleted between the two reads).
    const error = parseError(failSection(probe('flow-variety'), 'flows contiv0', 1, 'ovs-ofctl: contiv0 is not a bridge or a socket'));
    expect(error.section).toBe('flows contiv0');
    expect(error.message).toBe('flows contiv0: dump-flows failed (exit 1): ovs-ofctl: contiv0 is not a bridge or a socket');
  });

  it('reads a section that has no status line by its body alone', () => {
    // Variant: the status lines after ports and after the flows removed. The script always prints one
    // after a command; this pins what Section.status documents: no status line is not a failure.
    let out = edit(probe('flow-variety'), '"headings":["_uuid","name","interfaces","external_ids","protected"]}\n\n@@contiv status 0\n', '"headings":["_uuid","name","interfaces","external_ids","protected"]}\n');
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
      t.data.push([['uuid', '0d5e6c1a-0000-4000-8000-000000000001'], 'br-ext', '', ['set', []], ['map', []], ['set', []]]);
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
      'vx-h1': { name: 'vx-h1', type: 'vxlan', ofport: 100, options: { dst_port: '4789', key: 'flow', remote_ip: '198.19.60.11' }, externalIds: VX_IDS, protected: true },
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

  it('a port that went away between the two reads is left out', () => {
    // Variant: ep1's Port row removed (deleted after `list Bridge`, before `list Port`).
    const out = editTable(probe('contiv-bridge-10k-flows'), 'ports', (t) => {
      t.data = t.data.filter((d) => d[t.headings.indexOf('name')] !== 'ep1');
    });
    const live = parseGatherOutput('h2', out);
    expect(Object.keys(live.state.bridges['contiv0']!.ports)).toStrictEqual(['vx-h1']);
    expect(live.unmanaged.ports).toStrictEqual(['contiv0/mine']);
  });

  it('a port whose interface went away reads as a bare port: no type, no ofport, no options', () => {
    // Variant: vx-h1's Interface row removed (deleted after `list Port`, before `list Interface`).
    const out = editTable(probe('contiv-bridge-10k-flows'), 'interfaces', (t) => {
      t.data = t.data.filter((d) => d[t.headings.indexOf('name')] !== 'vx-h1');
    });
    expect(parseGatherOutput('h2', out).state.bridges['contiv0']!.ports['vx-h1']).toStrictEqual({ name: 'vx-h1', type: 'system', ofport: -1, options: {}, externalIds: VX_IDS, protected: true });
  });
});
