import { describe, expect, it } from 'vitest';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan } from '../../../src/plan/types.js';

/*
 * A saved plan is a CI artifact that runs as root on every host: apply reads it back only when
 * it is a plan of this format and holds nothing a plan made by contiv could not contain. Each
 * test builds its own plan (one change of each kind) and tampers with one value.
 */

const SHA = 'ab'.repeat(32);
const FLOW = { cookie: 'c106000000000001', table: 40, priority: 30, match: 'tcp,reg2=3', actions: 'goto_table:50' };

function plan(): Plan {
  const changes: Change[] = [
    { type: 'bridge', action: 'create', host: 'web-01', address: 'web-01/bridge/contiv0', bridge: 'contiv0', after: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {} }, reason: 'not on the host yet' },
    { type: 'port', action: 'create', host: 'web-01', address: 'web-01/tunnel/h2', bridge: 'contiv0', port: 'vx-h2', after: { name: 'vx-h2', type: 'vxlan', ofport: 9, options: { remote_ip: 'flow' }, externalIds: { 'contiv.owner': 'contiv' }, protected: true }, reason: 'not on the host yet' },
    { type: 'address', action: 'update', host: 'web-01', address: 'web-01/block/default/net/10.1.2.16', bridge: 'contiv0', key: 'contiv.block.default.net.10-1-2-16', before: '10.1.2.16-10.1.2.31 pending', after: '10.1.2.16-10.1.2.31 claimed', reason: '' },
    { type: 'flows', action: 'update', host: 'web-01', address: 'web-01/flows/rule/x', bridge: 'contiv0', owner: 'rule/x', add: [{ ...FLOW }], modify: [{ ...FLOW, priority: 31 }], modifyBefore: [{ ...FLOW, priority: 31, actions: 'drop' }], remove: [{ ...FLOW, priority: 32 }], reason: '' },
    { type: 'file', action: 'create', host: 'web-01', address: 'web-01/file/etc/cni/net.d/50-contiv-net.blue.conflist', path: '/etc/cni/net.d/50-contiv-net.blue.conflist', after: { path: '/etc/cni/net.d/50-contiv-net.blue.conflist', sha256: SHA, mode: '644', content: '{}' }, reason: '' },
    { type: 'file', action: 'create', host: 'web-01', address: 'web-01/file/opt/cni/bin/contiv', path: '/opt/cni/bin/contiv', after: { path: '/opt/cni/bin/contiv', sha256: SHA, mode: '755', bundle: 'contiv-cni' }, reason: '' },
    { type: 'file', action: 'delete', host: 'web-01', address: 'web-01/file/etc/cni/net.d/50-contiv-old.conflist', path: '/etc/cni/net.d/50-contiv-old.conflist', before: { sha256: SHA, mode: '644' }, reason: '' },
  ];
  return {
    format_version: PLAN_FORMAT_VERSION,
    source: { dir: 'manifests' },
    connections: [{ name: 'web-01', address: 'web-01.example.org', vtep: '198.19.0.11', datapath: 'netdev', runtimes: [], labels: {}, ssh: { user: 'root', port: 22, knownHostsFile: '/k/known_hosts' } } as unknown as Plan['connections'][number]],
    hosts: [{ host: 'web-01', fingerprint: 'f', changes }],
    meaning: [],
    addresses: [],
    diagnostics: [],
  };
}

/** The problem parsePlan finds once `edit` has changed a fresh plan. */
function tamper(edit: (p: Plan & { hosts: Array<{ changes: any[] }> }) => void): string | undefined {
  const p = plan();
  edit(p as Plan & { hosts: Array<{ changes: any[] }> });
  return parsePlan(serializePlan(p)).problem;
}
const change = (p: { hosts: Array<{ changes: any[] }> }, type: string, nth = 0) => p.hosts[0]!.changes.filter((c) => c.type === type)[nth];

describe('a saved plan reads back', () => {
  it('a plan with one change of each kind, a host name with dashes and a DNS address, reads back equal', () => {
    const text = serializePlan(plan());
    expect(parsePlan(text)).toEqual({ plan: plan() });
    expect(tamper(() => {})).toBeUndefined();
  });

  it('a one-letter host name and a host entry without changes are fine', () => {
    expect(tamper((p) => {
      p.connections[0]!.name = 'a';
      p.hosts[0]!.host = 'a';
      p.hosts[0]!.changes = [];
    })).toBeUndefined();
  });

  it('a file change without content to write (a deletion) needs no hash or mode', () => {
    expect(tamper((p) => (p.hosts[0]!.changes = p.hosts[0]!.changes.filter((c) => c.type !== 'file' || c.action === 'delete')))).toBeUndefined();
  });
});

describe('what is not a plan of this contiv is refused', () => {
  it('says so, and which format it is', () => {
    expect(parsePlan('not json')).toEqual({ problem: 'not a contiv plan (not JSON)' });
    expect(parsePlan('null')).toEqual({ problem: 'not a contiv plan' });
    expect(parsePlan(JSON.stringify({ ...plan(), hosts: {} }))).toEqual({ problem: 'not a contiv plan' });
    expect(parsePlan(JSON.stringify({ ...plan(), connections: 'h1' }))).toEqual({ problem: 'not a contiv plan' });
    expect(parsePlan(JSON.stringify({ ...plan(), format_version: 1 }))).toEqual({ problem: `made by an older contiv (plan format 1; this contiv reads ${PLAN_FORMAT_VERSION}); run contiv plan again` });
  });
});

describe('a tampered plan is refused before anything runs', () => {
  it('every change carries what it makes and what it expects to find (found: a delete without before crashed the plan\'s text)', () => {
    expect(tamper((p) => delete change(p, 'port').after)).toBe('refused: a port create without what it makes (after) ("web-01/tunnel/h2") (a saved plan runs as root on every host; make a new plan)');
    expect(tamper((p) => p.hosts[0]!.changes.push({ type: 'port', action: 'delete', host: 'web-01', address: 'web-01/port/ul0', bridge: 'br-phy', port: 'ul0', reason: 'x' }))).toBe(
      'refused: a port delete without what it expects to find (before) ("web-01/port/ul0") (a saved plan runs as root on every host; make a new plan)',
    );
    expect(tamper((p) => (change(p, 'port').after = { name: 'vx-h2' }))).toMatch(/^refused: a port without its external_ids and options/);
    expect(tamper((p) => delete change(p, 'address').before)).toMatch(/^refused: an address record update without before/);
    expect(tamper((p) => change(p, 'flows').modifyBefore.pop())).toMatch(/^refused: a flow change without its lists of flows/);
    expect(tamper((p) => (change(p, 'bridge').action = 'rewrite'))).toMatch(/^refused: a bridge without its action, address or reason/);
    expect(tamper((p) => delete change(p, 'file', 2).before)).toMatch(/^refused: a file delete without what it expects to find \(before\)/);
  });

  it('connections are checked as a Fabric\'s: the SSH user, port and files apply connects with', () => {
    const conn = (p: Plan) => p.connections[0] as unknown as { ssh: Record<string, unknown> };
    expect(tamper((p) => (conn(p).ssh['user'] = 'root;reboot'))).toMatch(/^refused: ssh settings of web-01/);
    expect(tamper((p) => (conn(p).ssh['port'] = 0))).toMatch(/^refused: ssh settings of web-01/);
    expect(tamper((p) => (conn(p).ssh['knownHostsFile'] = 'relative/known_hosts'))).toMatch(/^refused: ssh files of web-01/);
    expect(tamper((p) => (conn(p).ssh['identityFile'] = '/k/id\nx'))).toMatch(/^refused: ssh files of web-01/);
    expect(tamper((p) => delete (conn(p) as { ssh?: unknown }).ssh)).toMatch(/^refused: ssh settings of web-01/);
    expect(tamper((p) => (conn(p).ssh['identityFile'] = '/home/ci/.ssh/id_ed25519'))).toBeUndefined();
    for (const port of [1, 65535]) expect(tamper((p) => (conn(p).ssh['port'] = port)), String(port)).toBeUndefined();
    for (const port of [65536, 22.5, '22']) expect(tamper((p) => (conn(p).ssh['port'] = port)), String(port)).toMatch(/^refused: ssh settings of web-01/);
    expect(tamper((p) => (conn(p).ssh['user'] = 7))).toMatch(/^refused: ssh settings of web-01/);
    expect(tamper((p) => ((p.connections as unknown[])[0] = null))).toMatch(/^refused: host name undefined/);
    expect(tamper((p) => ((p.connections as unknown[])[0] = 'web-01'))).toMatch(/^refused: host name undefined/);
  });

  it('names what it refuses and why', () => {
    expect(tamper((p) => (p.connections[0]!.name = 'h1;reboot'))).toBe('refused: host name "h1;reboot" (a saved plan runs as root on every host; make a new plan)');
  });

  it('host names: DNS labels only, whole', () => {
    for (const name of ['-h1', 'h1-', 'H1', 'h1 x', `${'a'.repeat(64)}`, 'h1\nreboot', 'reboot\nh1']) {
      expect(tamper((p) => (p.connections[0]!.name = name)), name).toMatch(/^refused: host name/);
      expect(tamper((p) => (p.hosts[0]!.host = name)), name).toMatch(/^refused: host entry/);
    }
    expect(tamper((p) => (p.connections[0]!.name = 'a'.repeat(63)))).toBeUndefined();
  });

  it('addresses: a name or an IPv4 address, nothing before or after it', () => {
    for (const address of ['$(reboot)10.0.0.1', '10.0.0.1;reboot', '10.0.0.1 x', '', 'a'.repeat(254)]) {
      expect(tamper((p) => (p.connections[0]!.address = address)), address).toBe(`refused: address ${JSON.stringify(address)} of web-01 (a saved plan runs as root on every host; make a new plan)`);
    }
  });

  it('a host entry without a list of changes', () => {
    const doc = JSON.parse(serializePlan(plan()));
    doc.hosts[0].changes = 'rm -rf /';
    expect(parsePlan(JSON.stringify(doc)).problem).toMatch(/^refused: host entry "web-01"/);
  });

  it('bridge and port names: device names only', () => {
    for (const type of ['bridge', 'port', 'address', 'flows']) {
      expect(tamper((p) => (change(p, type).bridge = 'br;reboot')), type).toMatch(/^refused: bridge name "br;reboot"/);
    }
    expect(tamper((p) => (change(p, 'port').port = 'vx-h2 x'))).toMatch(/^refused: port name/);
    expect(tamper((p) => (change(p, 'port').port = 'a-very-long-port-name'))).toMatch(/^refused: port name/);
  });

  it('bridges: a create carries every field, an update what differs, in values OVS knows', () => {
    expect(tamper((p) => delete change(p, 'bridge').after.failMode)).toMatch(/^refused: bridge "contiv0"/);
    expect(tamper((p) => (change(p, 'bridge').after.datapathType = 'dpdk'))).toMatch(/^refused: bridge "contiv0"/);
    expect(tamper((p) => (change(p, 'bridge').after.externalIds = { 'contiv.x': 1 }))).toMatch(/^refused: bridge "contiv0"/);
    expect(tamper((p) => Object.assign(change(p, 'bridge'), { action: 'update', before: { externalIds: { a: '1' } }, after: { failMode: 'standalone', externalIds: {} } }))).toBeUndefined();
    expect(tamper((p) => Object.assign(change(p, 'bridge'), { action: 'update', after: { externalIds: {} } }))).toMatch(/^refused: a bridge update without what it expects to find \(before\)/);
    expect(tamper((p) => Object.assign(change(p, 'bridge'), { action: 'update', before: { externalIds: null }, after: { externalIds: {} } }))).toMatch(/^refused: bridge "contiv0"/);
  });

  it('address records: contiv\'s keys, plain values, before and after', () => {
    expect(tamper((p) => (change(p, 'address').key = 'x.contiv.block.default.net.10-1-2-16'))).toMatch(/^refused: address record/);
    expect(tamper((p) => (change(p, 'address').key = 'contiv.block.default.net.10-1-2-16;reboot'))).toMatch(/^refused: address record/);
    expect(tamper((p) => (change(p, 'address').key = 'contiv.block.default'))).toMatch(/^refused: address record/);
    expect(tamper((p) => (change(p, 'address').before = '$(reboot)'))).toMatch(/^refused: address record/);
    expect(tamper((p) => (change(p, 'address').after = '$(reboot)'))).toMatch(/^refused: address record/);
    expect(tamper((p) => delete change(p, 'address').before)).toMatch(/^refused: an address record update without before/);
  });

  it('flows: a contiv cookie, whole-number table and priority, flow text only, in every list', () => {
    for (const list of ['add', 'modify', 'remove']) {
      const bad = (edit: Record<string, unknown>) => tamper((p) => Object.assign(change(p, 'flows')[list][0], edit));
      for (const cookie of ['c10600000000000', 'xc106000000000001', 'c106000000000001x', 'C106000000000001']) expect(bad({ cookie }), `${list} ${cookie}`).toMatch(/^refused: flow \{/);
      expect(bad({ table: '40' }), list).toMatch(/^refused: flow/);
      expect(bad({ table: 40.5 }), list).toMatch(/^refused: flow/);
      expect(bad({ priority: '30' }), list).toMatch(/^refused: flow/);
      expect(bad({ match: 'tcp reg2=3' }), list).toMatch(/^refused: flow/);
      expect(bad({ actions: 'drop;reboot' }), list).toMatch(/^refused: flow/);
    }
  });

  it('files: only contiv\'s own paths, a SHA-256, an octal mode, and either the plugin bundle or a configuration\'s text', () => {
    const conf = (edit: (c: any) => void) => tamper((p) => edit(change(p, 'file', 0)));
    const plugin = (edit: (c: any) => void) => tamper((p) => edit(change(p, 'file', 1)));
    for (const path of ['/etc/passwd', '/etc/cni/net.d/50-contiv-x.conflist.bak', 'x/opt/cni/bin/contiv', '/opt/cni/bin/contiv2', '/etc/cni/net.d/50-contiv-../../x.conflist']) {
      expect(conf((c) => (c.path = path)), path).toBe(`refused: file ${JSON.stringify(path)} (a saved plan runs as root on every host; make a new plan)`);
      expect(tamper((p) => (change(p, 'file', 2).path = path)), path).toMatch(/^refused: file/);
    }
    expect(conf((c) => (c.after.sha256 = 'x' + SHA.slice(1)))).toMatch(/^refused: file/);
    expect(conf((c) => (c.after.sha256 = SHA + '0'))).toMatch(/^refused: file/);
    expect(conf((c) => (c.after.mode = '0644'))).toMatch(/^refused: file/);
    expect(conf((c) => (c.after.mode = '648'))).toMatch(/^refused: file/);
    expect(conf((c) => (c.after.content = 42))).toMatch(/^refused: file/);
    expect(conf((c) => (c.after.content = 'x'.repeat(65537)))).toMatch(/^refused: file/);
    expect(conf((c) => (c.after.content = 'x'.repeat(65536)))).toBeUndefined();
    expect(plugin((c) => (c.after.bundle = 'other'))).toMatch(/^refused: file/);
    // A bundle needs no content; a named bundle that is not contiv's is refused even with content.
    expect(plugin((c) => (c.after.content = '{}'))).toBeUndefined();
    expect(plugin((c) => Object.assign(c.after, { bundle: 'evil', content: '{}' }))).toMatch(/^refused: file/);
  });
});
