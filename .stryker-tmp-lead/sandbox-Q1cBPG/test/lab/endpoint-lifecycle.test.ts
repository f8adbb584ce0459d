// @ts-nocheck
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { removeContivBridges, removeEndpoints } from '../harness/contiv.js';
import { CTEST, execIn } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * Endpoints under changing manifests: a plan that would strand attached endpoints is refused,
 * naming them, and changes nothing; an endpoint whose namespace was deleted is shown in the
 * plan and apply frees its port, flows and address.
 */
const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-endpoints-'));
const dir = join(tmp, 'quickstart');

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** A copy of the manifests with one edit, planned: must be refused with `code`, naming `endpoint`. */
function expectRefused(file: string, edit: (text: string) => string, code: string, endpoint: string): void {
  const variant = join(tmp, `variant-${code}`);
  rmSync(variant, { recursive: true, force: true });
  cpSync(dir, variant, { recursive: true });
  const path = join(variant, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error('the edit changed nothing');
  writeFileSync(path, after);
  const fingerprints = hostFingerprints();
  for (const command of ['plan', 'apply']) {
    const run = contiv([command, variant, '--fabric', fabric, ...(command === 'apply' ? ['--auto-approve'] : [])]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`error ${code}: `);
    expect(run.stdout).toContain(endpoint);
  }
  expect(hostFingerprints()).toEqual(fingerprints);
}

function hostFingerprints(): Record<string, string> {
  const shown = JSON.parse(ok(contiv(['show', dir, '--fabric', fabric, '--json']))) as { hosts: Array<{ host: string; fingerprint: string; state: unknown }> };
  return Object.fromEntries(shown.hosts.map((h) => [h.host, `${h.fingerprint} ${JSON.stringify(h.state)}`]));
}

beforeAll(() => {
  cpSync('examples/quickstart', dir, { recursive: true });
  ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
  for (const [host, name, group] of [['h1', 'eweb', 'web-group'], ['h2', 'edb', 'db-group']] as const) {
    ok(contiv(['lab', 'run', '--name', CTEST.name, host, name]));
    ok(contiv(['attach', dir, '--fabric', fabric, '--host', host, '--netns', name, '--network', 'contiv-net', '--group', group]));
  }
}, 120_000);

afterAll(async () => {
  await removeEndpoints(dir, [['h1', 'eweb'], ['h2', 'edb'], ['h2', 'enew']]);
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('endpoints under changing manifests', () => {
  it('refuses removing a group that still has endpoints', () => {
    expectRefused('groups.yaml', (t) => t.slice(0, t.indexOf('---')), 'group-in-use', 'edb on h2');
  });

  it("refuses changing a network's subnet or gateway while endpoints use it", () => {
    expectRefused('networks.yaml', (t) => t.replace('subnet: 10.1.2.0/24\n  gateway: 10.1.2.1', 'subnet: 10.1.0.0/16\n  gateway: 10.1.2.1'), 'network-changed-in-use', 'eweb on h1');
    expectRefused('networks.yaml', (t) => t.replace('gateway: 10.1.2.1', 'gateway: 10.1.2.254'), 'network-changed-in-use', 'edb on h2');
  });

  it("refuses an explicit VNI that differs from the one endpoints' network has", () => {
    expectRefused('networks.yaml', (t) => t.replace('gateway: 10.1.2.1\n', 'gateway: 10.1.2.1\n  vni: 20000\n'), 'network-changed-in-use', 'eweb on h1');
  });

  it("refuses moving a group to another network while its endpoints are on the old one", () => {
    expectRefused(
      'groups.yaml',
      (t) => `${t.replace(/name: db-group\n  tenant: default\nspec:\n  network: contiv-net/, 'name: db-group\n  tenant: default\nspec:\n  network: other-net')}---\napiVersion: contiv.io/v1\nkind: Network\nmetadata: { name: other-net }\nspec: { subnet: 10.9.0.0/24 }\n`,
      'group-network-changed',
      'edb on h2',
    );
  });

  it('frees the port, flows and address of an endpoint whose namespace was deleted', async () => {
    const shown = JSON.parse(ok(contiv(['show', dir, '--fabric', fabric, '--json', '--host', 'h2']))) as { hosts: Array<{ state: { bridges: Record<string, { ports: Record<string, { externalIds: Record<string, string> }> }> } }> };
    const port = Object.values(shown.hosts[0]!.state.bridges['contiv0']!.ports).find((p) => p.externalIds['contiv.netns'] === 'edb')!;
    const ip = port.externalIds['contiv.ip']!;
    await execIn('h2', ['ip', 'netns', 'del', 'edb']);
    const plan = ok(contiv(['plan', dir, '--fabric', fabric]));
    expect(plan).toContain(`-   endpoint edb on h2 (namespace gone; frees ${ip} of default/contiv-net`);
    expect(plan).toMatch(/flows of h2\/endpoint\/edb: 3 flows/);
    ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
    expect(ok(contiv(['plan', dir, '--fabric', fabric]))).toContain('No changes. The hosts match the manifests.');
    const ports = (await execIn('h2', ['ovs-vsctl', 'list-ports', 'contiv0'])).stdout;
    expect(ports).not.toContain(port.externalIds['contiv.addr'] ?? 'never');
    expect((await execIn('h2', ['ovs-vsctl', '--bare', '--columns=name', 'find', 'Port', 'external_ids:contiv.netns=edb'])).stdout.trim()).toBe('');
    // The freed address is handed out again.
    ok(contiv(['lab', 'run', '--name', CTEST.name, 'h2', 'enew']));
    expect(ok(contiv(['attach', dir, '--fabric', fabric, '--host', 'h2', '--netns', 'enew', '--network', 'contiv-net', '--ip', ip]))).toContain(`: ${ip}/24`);
  });
});
