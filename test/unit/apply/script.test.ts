import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleLines, fileCleanupScript, hostScript } from '../../../src/apply/script.js';
import { createHash } from 'node:crypto';
import type { Change, FileChange, FlowsChange } from '../../../src/plan/types.js';
import { ownerIds } from '../../../src/state/marks.js';
import { expectGolden } from '../golden.js';
import { loadPlanCase } from '../plan/plan-case.js';

/* hostScript on plans of the plan fixtures: goldens of whole scripts, and properties of every line. */

async function changesOf(planCase: string, host: string): Promise<Change[]> {
  const c = await loadPlanCase(join('fixtures/plan', planCase));
  return c.result.plan!.hosts.find((h) => h.host === host)!.changes;
}

/** The argv that sh hands ovs-vsctl: the script's ovs-vsctl line run with printf in its place. */
function vsctlArgv(script: string): string[] {
  const line = script.split('\n').find((l) => l.startsWith("'ovs-vsctl'"));
  if (!line) return [];
  const out = execFileSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const GOLDEN = 'test/unit/apply/golden';
const CASES: Array<[string, string, string]> = [
  ['create', 'fresh-fabric', 'h1'],
  ['update-network-added', 'network-added', 'h1'],
  ['update-network-removed', 'network-removed', 'h2'],
  ['update-host-removed', 'host-removed', 'h1'],
  ['update-drift', 'drift-bridge-and-tunnel', 'h2'],
  ['update-flows-by-hand', 'flow-modified-by-hand', 'h1'],
];

describe('hostScript', () => {
  for (const [golden, planCase, host] of CASES) {
    it(`${golden} (${planCase}, ${host})`, async () => {
      const changes = await changesOf(planCase, host);
      const script = hostScript(changes);
      expectGolden(join(GOLDEN, `${golden}.sh`), script);
      // sh can parse it.
      execFileSync('sh', ['-n', '-c', script]);
      // Every word of the ovs-vsctl line is one single-quoted word.
      const line = script.split('\n').find((l) => l.startsWith("'ovs-vsctl'"));
      if (line) expect(line).toMatch(/^('([^']|'\\'')*'( |$))+$/);
      // Flow lines: add / modify_strict / delete_strict only, never replace-flows.
      expect(script).not.toMatch(/replace-flows|mod-flows|del-flows/);
      const flowLines = script.split('\n').filter((l) => l.startsWith('cookie=') || /^\w+ (cookie=|table=)/.test(l));
      for (const l of flowLines) expect(l).toMatch(/^(add cookie=|modify_strict cookie=|delete_strict table=)/);
    });
  }

  it('a value with quotes, spaces and $() reaches ovs-vsctl literally', () => {
    const nasty = "x' $(touch /tmp/contiv-pwned) `id` \"q\"";
    const changes: Change[] = [
      {
        type: 'bridge',
        action: 'update',
        host: 'h1',
        address: 'h1/bridge/contiv0',
        bridge: 'contiv0',
        before: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.zone.old': '1' } },
        after: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', 'h1/bridge/contiv0'), 'contiv.note': nasty } },
        reason: 'test',
      },
    ];
    const argv = vsctlArgv(hostScript(changes));
    expect(argv).toEqual(['ovs-vsctl', '--timeout=30', '--', 'set', 'bridge', 'contiv0', `external_ids:"contiv.note"=${JSON.stringify(nasty)}`, '--', 'remove', 'bridge', 'contiv0', 'external_ids', '"contiv.zone.old"']);
  });

  it('a bridge update of only what differs sets and removes exactly those keys and fields', () => {
    const changes: Change[] = [
      { type: 'bridge', action: 'update', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', before: { failMode: 'standalone', externalIds: { 'contiv.vni.default.old': '3', 'contiv.vni.default.web': '4' } }, after: { failMode: 'secure', externalIds: { 'contiv.vni.default.web': '5' } }, reason: '' },
    ];
    expect(vsctlArgv(hostScript(changes))).toEqual(['ovs-vsctl', '--timeout=30', '--', 'set', 'bridge', 'contiv0', 'fail_mode=secure', '--', 'set', 'bridge', 'contiv0', 'external_ids:"contiv.vni.default.web"="5"', '--', 'remove', 'bridge', 'contiv0', 'external_ids', '"contiv.vni.default.old"']);
    // A create without the bridge's fields (a damaged plan) is refused, not made half.
    expect(() => hostScript([{ type: 'bridge', action: 'create', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', after: { externalIds: {} }, reason: '' }])).toThrow(/without the bridge's fields/);
  });

  it('a deleted bridge gets no bundle, even with flow changes listed for it', () => {
    const flows: FlowsChange = { type: 'flows', action: 'delete', host: 'h1', address: 'h1/flows/pipeline', bridge: 'old0', owner: 'pipeline', add: [], modify: [], modifyBefore: [], remove: [{ cookie: 'c101000000000001', table: 0, priority: 0, match: '', actions: 'drop' }], reason: 'gone' };
    const changes: Change[] = [flows, { type: 'bridge', action: 'delete', host: 'h1', address: 'h1/bridge/old0', bridge: 'old0', before: { name: 'old0', datapathType: 'system', failMode: 'secure', externalIds: {} }, reason: 'gone' }];
    const script = hostScript(changes);
    expect(script).not.toContain('ovs-ofctl');
    expect(vsctlArgv(script)).toEqual(['ovs-vsctl', '--timeout=30', '--', '--if-exists', 'del-br', 'old0']);
  });

  it('no changes: only the lock, no ovs-vsctl and no bundle', () => {
    const script = hostScript([]);
    expect(script).not.toContain('ovs-vsctl');
    expect(script).not.toContain('ovs-ofctl');
  });

  it('bundle: deletions first, then adds and modifies, of that bridge only', () => {
    const f = (table: number, cookie = 'c101000000000001') => ({ cookie, table, priority: 1, match: '', actions: 'drop' });
    const a: FlowsChange = { type: 'flows', action: 'update', host: 'h1', address: 'a', bridge: 'contiv0', owner: 'a', add: [f(1)], modify: [f(2)], modifyBefore: [f(2)], remove: [], reason: '' };
    const b: FlowsChange = { ...a, address: 'b', add: [], modify: [], modifyBefore: [], remove: [f(3)] };
    const other: FlowsChange = { ...a, bridge: 'br-x', add: [f(9)] };
    expect(bundleLines([a, b, other], 'contiv0')).toEqual([
      'delete_strict table=3,priority=1',
      'add cookie=0xc101000000000001,table=1,priority=1 actions=drop',
      'modify_strict cookie=0xc101000000000001,table=2,priority=1 actions=drop',
    ]);
  });
});

describe('moving a host from per-peer tunnel ports to the one flow-based port', () => {
  const LEARNED = 'delete table=11,cookie=0xc107000000000000/0xffff000000000000';

  it("drops the MACs it learned (they point at the ports that go), first in the bundle", async () => {
    const lines = bundleLines(await changesOf('tunnels-per-peer-upgraded', 'h1'), 'contiv0');
    expect(lines[0]).toBe(LEARNED);
    expect(lines.filter((l) => l === LEARNED)).toHaveLength(1);
  });

  it("keeps them in every other plan: a host added, a peer's VTEP changed, a peer gone", async () => {
    for (const [planCase, host] of [['host-added', 'h1'], ['tunnel-remote-ip-changed', 'h1'], ['host-removed', 'h1'], ['fresh-fabric', 'h1']] as const) {
      expect(bundleLines(await changesOf(planCase, host), 'contiv0'), planCase).not.toContain(LEARNED);
    }
  });
});

describe('hostScript on a tampered plan', () => {
  it('a flow with a line break (which could end the here-document) is refused', () => {
    const evil: FlowsChange = { type: 'flows', action: 'create', host: 'h1', address: 'x', bridge: 'contiv0', owner: 'x', add: [{ cookie: 'c101000000000001', table: 0, priority: 1, match: '', actions: 'drop\nCONTIV_FLOWS_EOF\ntouch /tmp/contiv-pwned' }], modify: [], modifyBefore: [], remove: [], reason: '' };
    expect(() => hostScript([evil])).toThrow(/line break/);
  });
});

describe('hostScript: files', () => {
  const conf = '{"cniVersion":"1.0.0","name":"contiv-net","plugins":[{"type":"contiv","contiv":{"owner":"contiv"}}]}\n';
  const sha = (t: string) => createHash('sha256').update(t).digest('hex');
  const file = (over: Partial<FileChange>): FileChange => ({ type: 'file', action: 'create', host: 'h1', address: 'h1/file/etc/cni/net.d/50-contiv-contiv-net.conflist', path: '/etc/cni/net.d/50-contiv-contiv-net.conflist', reason: '', ...over });

  it('writes a file whole and atomically, keeping what was there for rollback; the text survives sh byte for byte', () => {
    const script = hostScript([file({ after: { path: '/etc/cni/net.d/50-contiv-contiv-net.conflist', sha256: sha(conf), mode: '644', content: conf } })]);
    const lines = script.split('\n');
    const start = lines.indexOf("base64 -d > '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-new' <<'CONTIV_FILE_EOF'");
    expect(start).toBeGreaterThan(0);
    const body = lines.slice(start + 1, lines.indexOf('CONTIV_FILE_EOF'));
    expect(Buffer.from(body.join(''), 'base64').toString('utf8')).toBe(conf);
    expect(lines.slice(lines.indexOf('CONTIV_FILE_EOF') + 1, -1)).toEqual([
      "chmod 644 '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-new'",
      "if [ -f '/etc/cni/net.d/50-contiv-contiv-net.conflist' ]; then cp -p '/etc/cni/net.d/50-contiv-contiv-net.conflist' '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-prev'; fi",
      "mv -f '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-new' '/etc/cni/net.d/50-contiv-contiv-net.conflist'",
    ]);
    execFileSync('sh', ['-n', '-c', script]);
  });

  it('the plugin comes from this contiv’s bundle, only when its hash is the plan’s', () => {
    const change = file({ path: '/opt/cni/bin/contiv', after: { path: '/opt/cni/bin/contiv', sha256: sha('bundle'), mode: '755', bundle: 'contiv-cni' } });
    expect(hostScript([change], { 'contiv-cni': { content: 'bundle', sha256: sha('bundle') } })).toContain(Buffer.from('bundle').toString('base64'));
    expect(() => hostScript([change], { 'contiv-cni': { content: 'other', sha256: sha('other') } })).toThrow(/make a new plan with this contiv/);
    expect(() => hostScript([change])).toThrow(/this contiv has none/);
  });

  it('a removal keeps the file aside, a rollback puts it back, a verified apply clears what was kept', () => {
    expect(hostScript([file({ action: 'delete', before: { sha256: sha(conf), mode: '644' } })])).toContain("then mv -f '/etc/cni/net.d/50-contiv-contiv-net.conflist' '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-prev'; fi");
    expect(hostScript([file({ action: 'update', after: { path: '/etc/cni/net.d/50-contiv-contiv-net.conflist', sha256: sha(conf), mode: '644' } })])).toContain("mv -f '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-prev' '/etc/cni/net.d/50-contiv-contiv-net.conflist'");
    expect(fileCleanupScript([file({}), file({ path: '/opt/cni/bin/contiv' })])).toBe("rm -f '/etc/cni/net.d/50-contiv-contiv-net.conflist.contiv-prev' '/opt/cni/bin/contiv.contiv-prev'\n");
    expect(fileCleanupScript([])).toBeUndefined();
  });

  it('a restore (the dead-man timer’s checkpoint) puts the files back from before the change, after it, or between', () => {
    const root = mkdtempSync(join(tmpdir(), 'contiv-restore-'));
    try {
      const kept = join(root, 'kept.conflist');
      const made = join(root, 'made.conflist');
      const forward = hostScript([
        file({ action: 'update', path: kept, before: { sha256: sha('old\n'), mode: '644' }, after: { path: kept, sha256: sha(conf), mode: '644', content: conf } }),
        file({ action: 'create', path: made, after: { path: made, sha256: sha(conf), mode: '644', content: conf } }),
      ]);
      // The way back, as the executor computes it: the live side knows only hashes.
      const restore = hostScript([file({ action: 'update', path: kept, after: { path: kept, sha256: sha('old\n'), mode: '644' } }), file({ action: 'delete', path: made, before: { sha256: sha(conf), mode: '644' } })], {}, { restore: true });
      for (const reached of ['after', 'before'] as const) {
        writeFileSync(kept, 'old\n');
        if (reached === 'after') execFileSync('sh', ['-c', forward]);
        execFileSync('sh', ['-c', restore]);
        expect([reached, readFileSync(kept, 'utf8'), existsSync(made), readdirSync(root).sort()]).toEqual([reached, 'old\n', false, ['kept.conflist']]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('hostScript of a restore', () => {
  it('creates what may already be there (the change may never have run) without failing', async () => {
    const changes = await changesOf('fresh-fabric', 'h1');
    const argv = vsctlArgv(hostScript(changes, {}, { restore: true }));
    expect(argv.filter((a) => a === 'add-br' || a === 'add-port').length).toBeGreaterThan(1);
    argv.forEach((a, i) => {
      if (a === 'add-br' || a === 'add-port') expect([a, argv[i - 1]]).toEqual([a, '--may-exist']);
    });
    expect(vsctlArgv(hostScript(changes))).not.toContain('--may-exist');
  });
});
