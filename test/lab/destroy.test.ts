import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ctestFabric, removeContivBridges } from '../harness/contiv.js';
import { execIn } from '../harness/lab.js';
import { contiv, type CliRun } from '../support/cli.js';

/*
 * Prune safety on the lab: a plan that removes a whole tenant, or everything contiv made on the
 * hosts (a manifest folder emptied by a bad merge), says so first and is applied only with
 * --allow-destroy; refused, it changes nothing.
 */
const tmp = mkdtempSync(join(tmpdir(), 'contiv-destroy-'));
const dir = join(tmp, 'quickstart');
cpSync('examples/quickstart', dir, { recursive: true });

function ok(run: CliRun): string {
  if (run.status !== 0) throw new Error(`contiv failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const flows = async (host: string): Promise<string> => (await execIn(host, ['ovs-ofctl', '-O', 'OpenFlow14', 'dump-flows', 'contiv0', '--no-stats'])).stdout;

afterAll(async () => {
  await removeContivBridges();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a plan that destroys a whole tenant', () => {
  it('says so first, is refused without --allow-destroy (nothing changed), and applied with it', async () => {
    ok(contiv(['apply', dir, '--fabric', ctestFabric, '--auto-approve']));
    const before = await flows('h1');
    // The blue tenant's network goes, and with it everything blue has.
    const noBlue = join(tmp, 'no-blue');
    cpSync(dir, noBlue, { recursive: true });
    writeFileSync(join(noBlue, 'networks.yaml'), 'apiVersion: contiv.io/v1\nkind: Network\nmetadata:\n  name: contiv-net\n  tenant: default\nspec:\n  subnet: 10.1.2.0/24\n  gateway: 10.1.2.1\n');
    const plan = ok(contiv(['plan', noBlue, '--fabric', ctestFabric]));
    expect(plan.split('\n')[0]).toBe('This plan DESTROYS every network of tenant blue. Applying it needs --allow-destroy.');
    const refused = contiv(['apply', noBlue, '--fabric', ctestFabric, '--auto-approve']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('this plan destroys every network of tenant blue; nothing applied. If that is meant, apply again with --allow-destroy');
    expect(await flows('h1')).toBe(before);
    // A saved plan carries it: refused the same way.
    const saved = join(tmp, 'no-blue.plan');
    ok(contiv(['plan', noBlue, '--fabric', ctestFabric, '--out', saved]));
    expect(contiv(['apply', saved]).stderr).toContain('this plan destroys every network of tenant blue; nothing applied');
    expect(ok(contiv(['apply', saved, '--allow-destroy']))).toContain('Apply complete: 3 hosts changed.');
    expect(await flows('h1')).not.toBe(before);
    expect(ok(contiv(['plan', noBlue, '--fabric', ctestFabric]))).toContain('No changes. The hosts match the manifests.');
  }, 180_000);
});
