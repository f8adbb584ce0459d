// @ts-nocheck
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { removeContivBridges, removeEndpoints } from '../harness/contiv.js';
import { CTEST, execIn } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * `contiv verify` on the lab: probes with real packets agree with the manifests after an apply
 * (the quickstart; several tenants with out rules and ties), and report the right mismatch
 * after a flow is deleted by hand and after a wrong rule is applied.
 */
const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-verify-'));
const attached: Array<{ dir: string; host: string; netns: string }> = [];

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

function copy(example: string, name = example): string {
  const dir = join(tmp, name);
  cpSync(`examples/${example}`, dir, { recursive: true });
  return dir;
}

function attach(dir: string, host: string, netns: string, network: string, tenant: string, group?: string, extra: string[] = []): void {
  ok(contiv(['lab', 'run', '--name', CTEST.name, host, netns]));
  ok(contiv(['attach', dir, '--fabric', fabric, '--host', host, '--netns', netns, '--tenant', tenant, '--network', network, ...(group ? ['--group', group] : []), ...extra]));
  attached.push({ dir, host, netns });
}

interface VerifyJson {
  ok: boolean;
  probes: Array<{ from: { netns: string }; to: { netns: string }; probe: { protocol: string; port?: number }; expected: string; observed: string; agree: boolean; why?: string }>;
}

function verify(dir: string): { status: number | null; json: VerifyJson } {
  const run = contiv(['verify', dir, '--fabric', fabric, '--json'], { timeoutMs: 180_000 });
  return { status: run.status, json: JSON.parse(run.stdout) as VerifyJson };
}

async function teardown(): Promise<void> {
  for (const a of attached.splice(0)) await removeEndpoints(a.dir, [[a.host, a.netns]]);
  await removeContivBridges();
}

// Each test starts from hosts without contiv0 and leaves them so, even when it fails.
afterEach(teardown);

afterAll(async () => {
  await teardown();
  rmSync(tmp, { recursive: true, force: true });
});

describe('contiv verify on the lab', () => {
  it('the quickstart: every probe agrees, then a flow deleted by hand on one host is the one mismatch, naming its rule', async () => {
    const dir = copy('quickstart');
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    attach(dir, 'h1', 'vweb1', 'contiv-net', 'default', 'web-group');
    attach(dir, 'h1', 'vdb1', 'contiv-net', 'default', 'db-group');
    attach(dir, 'h2', 'vdb2', 'contiv-net', 'default', 'db-group');
    attach(dir, 'h3', 'vplain', 'contiv-net', 'default');
    attach(dir, 'h2', 'vblue1', 'contiv-net', 'blue');
    attach(dir, 'h3', 'vblue2', 'contiv-net', 'blue');

    const good = verify(dir);
    expect(good.json.probes.filter((p) => !p.agree)).toEqual([]);
    expect(good.status).toBe(0);
    const seen = (from: string, to: string, port: number) => good.json.probes.find((p) => p.from.netns === from && p.to.netns === to && p.probe.port === port);
    expect(seen('vweb1', 'vdb1', 5432)).toMatchObject({ expected: 'allowed', observed: 'allowed' }); // same host
    expect(seen('vweb1', 'vdb2', 5432)).toMatchObject({ expected: 'allowed', observed: 'allowed' }); // across hosts
    expect(seen('vweb1', 'vdb2', 1000)).toMatchObject({ expected: 'blocked', observed: 'blocked' });

    // Rule 2's flow gone from h2 only: web → db2 on 5432 is now blocked; same-host db1 is not.
    const flows = (await execIn('h2', ['ovs-ofctl', '-O', 'OpenFlow14', 'dump-flows', 'contiv0', 'table=40'])).stdout;
    const rule2 = flows.split('\n').find((l) => l.includes('tp_dst=5432'))!;
    const match = rule2.replace(/.*priority=/, 'priority=').replace(/ actions=.*/, '');
    await execIn('h2', ['ovs-ofctl', '-O', 'OpenFlow14', 'del-flows', '--strict', 'contiv0', `table=40,${match}`]);
    const bad = verify(dir);
    expect(bad.json.probes.filter((p) => !p.agree), `flow deleted: ${match}\n${JSON.stringify(bad.json.probes)}`).toHaveLength(1);
    expect(bad.status).toBe(1);
    const wrong = bad.json.probes.filter((p) => !p.agree);
    expect(wrong).toEqual([
      expect.objectContaining({ from: expect.objectContaining({ netns: 'vweb1' }), to: expect.objectContaining({ netns: 'vdb2' }), probe: { protocol: 'tcp', port: 5432 }, expected: 'allowed', observed: 'blocked', why: 'db-policy rule 2 (in, allow, priority 10) should have allowed it' }),
    ]);
    const text = contiv(['verify', dir, '--fabric', fabric]);
    expect(text.stdout).toContain('MISMATCH: db-policy rule 2 (in, allow, priority 10) should have allowed it');
    expect(text.stdout).toMatch(/1 of \d+ probes disagree with the manifests\./);

    // A wrong rule applied (5433 instead of 5432), verified against the right manifests.
    const wrongDir = copy('quickstart', 'quickstart-wrong');
    writeFileSync(join(wrongDir, 'policies.yaml'), readFileSync(join(wrongDir, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));
    ok(contiv(['apply', wrongDir, '--fabric', fabric, '--auto-approve']));
    const afterWrong = verify(dir);
    expect(afterWrong.status).toBe(1);
    const mismatched = afterWrong.json.probes.filter((p) => !p.agree);
    expect(mismatched.length).toBeGreaterThanOrEqual(2); // same host and across hosts
    for (const p of mismatched) expect(p).toMatchObject({ probe: { protocol: 'tcp', port: 5432 }, expected: 'allowed', observed: 'blocked', why: 'db-policy rule 2 (in, allow, priority 10) should have allowed it' });
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(verify(dir).status).toBe(0);
  });

  it('several tenants, out rules and a tie: every probe agrees', async () => {
    const dir = copy('multi-tenant');
    // A tie: a deny with the allow's priority for web → api 8080-8089 (deny wins).
    writeFileSync(join(dir, 'tie.yaml'), 'apiVersion: contiv.io/v1\nkind: Policy\nmetadata: { name: tie }\nspec:\n  rules:\n    - { id: t, direction: in, priority: 20, protocol: tcp, port: 8085, from: { group: web }, action: deny }\n');
    writeFileSync(join(dir, 'groups.yaml'), readFileSync(join(dir, 'groups.yaml'), 'utf8').replace('policies: [api-policy, baseline]', 'policies: [api-policy, baseline, tie]'));
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    attach(dir, 'h1', 'mweb', 'app-net', 'default', 'web');
    attach(dir, 'h2', 'mapi', 'app-net', 'default', 'api');
    attach(dir, 'h1', 'mapi2', 'app-net', 'default', 'api');
    attach(dir, 'h3', 'mdb', 'data-net', 'default', 'db');
    attach(dir, 'h1', 'mbackup', 'data-net', 'default', 'backup');
    attach(dir, 'h2', 'mfront', 'web-net', 'blue', 'frontend');
    // Not mfront's address (each network's first block starts alike): a probe to its own address proves nothing.
    attach(dir, 'h3', 'mapp', 'web-net', 'red', 'app', ['--ip', '10.1.1.77']);
    const result = verify(dir);
    expect(result.json.probes.filter((p) => !p.agree)).toEqual([]);
    expect(result.status).toBe(0);
    const find = (from: string, to: string, port?: number) => result.json.probes.filter((p) => p.from.netns === from && p.to.netns === to && (port === undefined || p.probe.port === port));
    // The tie: 8085 is denied, the rest of 8080-8089 allowed.
    expect(find('mweb', 'mapi', 8080)[0]).toMatchObject({ expected: 'allowed', observed: 'allowed' });
    expect(find('mweb', 'mapi', 8089)[0]).toMatchObject({ expected: 'allowed', observed: 'allowed' });
    // db's out rules: no-internet denies (priority 5) what replicas (10) does not allow.
    expect(find('mdb', 'mbackup').some((p) => p.expected === 'blocked')).toBe(true);
    // Tenants and networks are isolated.
    const appNet = ['mweb', 'mapi', 'mapi2'];
    const dataNet = ['mdb', 'mbackup'];
    const isolation = result.json.probes.filter((p) => appNet.includes(p.from.netns) && dataNet.includes(p.to.netns));
    expect(isolation.length).toBeGreaterThan(0);
    for (const p of isolation) expect(p).toMatchObject({ expected: 'blocked', observed: 'blocked' });
    const tenants = result.json.probes.filter((p) => p.from.netns === 'mfront' && p.to.netns === 'mapp');
    expect(tenants.length).toBeGreaterThan(0);
    for (const p of tenants) expect(p).toMatchObject({ expected: 'blocked', observed: 'blocked' });
  });
});
