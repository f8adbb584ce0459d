import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { CTEST, execIn } from '../harness/lab.js';
import { contiv, withAllowDirty, type CliRun } from '../support/cli.js';

/*
 * contiv plan / apply on the ctest lab, through the real CLI: exit codes, the approval rules
 * (a terminal asks, no terminal refuses, a saved plan is the approval) and saved plans refused
 * on hosts that changed since. Starts from and leaves hosts without contiv0.
 */

const fabric = labPaths(CTEST.name).fabric;
const QS = 'examples/quickstart';
const HOSTS = ['h1', 'h2', 'h3'] as const;
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const NO_TERMINAL = 'Error: no terminal to ask for approval: pass --auto-approve, or apply a saved plan (contiv plan --out FILE, then contiv apply FILE)\n';
const tmp = mkdtempSync(join(tmpdir(), 'contiv-plan-apply-'));

function ok(run: CliRun): CliRun {
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

async function removeContiv(): Promise<void> {
  for (const h of HOSTS) await execIn(h, ['ovs-vsctl', '--if-exists', 'del-br', 'contiv0']);
}

async function bridgesOf(host: string): Promise<string[]> {
  return (await execIn(host, ['ovs-vsctl', 'list-br'])).stdout.split('\n').filter(Boolean);
}

function fingerprints(): Record<string, string> {
  const json = JSON.parse(ok(contiv(['show', QS, '--fabric', fabric, '--json'])).stdout) as { hosts: Array<{ host: string; fingerprint: string }> };
  return Object.fromEntries(json.hosts.map((h) => [h.host, h.fingerprint]));
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `answer` at the prompt. */
function onTerminal(args: string[], answer: string): CliRun {
  const command = ['node', 'bin/contiv.js', ...withAllowDirty(args)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', input: `${answer}\n`, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(removeContiv);
afterAll(async () => {
  await removeContiv();
  rmSync(tmp, { recursive: true, force: true });
});

describe('contiv plan and apply on the lab', () => {
  it('plan --detailed-exitcode: 2 when there are changes, and shows them per host (--full), or once for all hosts', () => {
    const run = contiv(['plan', QS, '--fabric', fabric, '--detailed-exitcode', '--full']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('');
    for (const h of ['h1', 'h2', 'h3']) {
      expect(run.stdout).toContain(`${h}:\n  +   bridge contiv0 (netdev, fail_mode secure)\n  +   tunnel port contiv-vxlan from 198.19.100.1${h.slice(1)} to every peer (ofport 9)\n`);
      expect(run.stdout).toMatch(new RegExp(`^${h}:\\n(?: {2}\\+ .*\\n)*? {2}\\+ {3}flows of net/blue/contiv-net: \\d+ flows\\n`, 'm'));
    }
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/);
    // Without --full, what every host makes alike is shown once; the count is the same.
    const grouped = contiv(['plan', QS, '--fabric', fabric]);
    expect(grouped.stdout).toContain('On several hosts:\n  +   bridge contiv0 (netdev, fail_mode secure)   on all 3 hosts\n');
    expect(grouped.stdout.trim().split('\n').at(-1)).toBe(run.stdout.trim().split('\n').at(-1));
    // Without --detailed-exitcode a plan with changes exits 0.
    expect(contiv(['plan', QS, '--fabric', fabric]).status).toBe(0);
  });

  it('plan --detailed-exitcode: 1 on an error (invalid manifests, an unreachable host)', () => {
    const broken = join(tmp, 'broken');
    cpSync(QS, broken, { recursive: true });
    writeFileSync(join(broken, 'networks.yaml'), readFileSync(join(QS, 'networks.yaml'), 'utf8').replace('subnet: 10.1.2.0/24', 'subnet: 10.1.2.5/24'));
    const invalid = contiv(['plan', broken, '--fabric', fabric, '--detailed-exitcode']);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toContain('error subnet-not-network-address');
    const unreachable = join(tmp, 'fabric-h3-down.yaml');
    writeFileSync(unreachable, readFileSync(fabric, 'utf8').replace(/(- name: h3\n(?:\s+\w+: .*\n)*?\s+datapath: netdev)/, '$1\n      ssh: { port: 2 }'));
    const down = contiv(['plan', QS, '--fabric', unreachable, '--detailed-exitcode']);
    expect(down.status).toBe(1);
    expect(down.stdout).toContain('No plan: fix the problems above first.');
  });

  it('apply DIR without a terminal shows the plan and refuses; nothing changes', async () => {
    const run = contiv(['apply', QS, '--fabric', fabric]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('+   bridge contiv0 (netdev, fail_mode secure)');
    expect(run.stderr).toBe(NO_TERMINAL);
    for (const h of HOSTS) expect(await bridgesOf(h)).toEqual(['br-phy']);
  });

  it('apply DIR on a terminal asks; anything but "yes" cancels and changes nothing', async () => {
    const run = onTerminal(['apply', QS, '--fabric', fabric], 'y');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Apply these changes? Only "yes" is accepted:');
    expect(run.stdout).toContain('Apply cancelled.');
    for (const h of HOSTS) expect(await bridgesOf(h)).toEqual(['br-phy']);
  });

  it('a saved plan is applied without a prompt, exactly once; a second apply of it is refused', async () => {
    const file = join(tmp, 'first.plan');
    const planned = ok(contiv(['plan', QS, '--fabric', fabric, '--out', file]));
    expect(planned.stderr).toBe(`Saved the plan to ${file}; apply exactly it with: contiv apply ${file}\n`);
    const applied = ok(contiv(['apply', file]));
    expect(applied.stdout).toContain(planned.stdout.trim());
    for (const h of HOSTS) expect(applied.stdout).toMatch(new RegExp(`^${h}: done and verified in \\d+\\.\\d s$`, 'm'));
    expect(applied.stdout.trim().split('\n').at(-1)).toBe('Apply complete: 3 hosts changed.');
    const after = fingerprints();
    const plan = contiv(['plan', QS, '--fabric', fabric, '--detailed-exitcode']);
    expect(plan.stdout.trim()).toBe(NO_CHANGES);
    expect(plan.status).toBe(0);
    // The hosts moved since that plan (it was applied): every host refuses it, nothing changes.
    const again = contiv(['apply', file]);
    expect(again.status).toBe(1);
    for (const h of HOSTS) expect(again.stdout).toContain(`${h}: FAILED: ${h}: changed since the plan was made; nothing applied`);
    expect(again.stdout.trim().split('\n').at(-1)).toBe('Apply failed: 0 hosts changed, 3 failed (3 left untouched).');
    expect(fingerprints()).toEqual(after);
  });

  it('a saved plan is refused on a host that changed since, applied on the others', async () => {
    const withOther = join(tmp, 'with-other');
    cpSync(QS, withOther, { recursive: true });
    writeFileSync(
      join(withOther, 'networks.yaml'),
      `${readFileSync(join(QS, 'networks.yaml'), 'utf8')}---\napiVersion: contiv.io/v1\nkind: Network\nmetadata:\n  name: other-net\n  tenant: default\nspec:\n  subnet: 10.1.3.0/24\n`,
    );
    const file = join(tmp, 'other.plan');
    ok(contiv(['plan', withOther, '--fabric', fabric, '--out', file]));
    // By hand on h2: one of contiv's flows goes (as after an ovs-vswitchd restart, or a stray command).
    const flows = (await execIn('h2', ['ovs-ofctl', '--no-stats', 'dump-flows', 'contiv0', 'table=0,in_port=9'])).stdout;
    const cookie = /cookie=(0x[0-9a-f]+)/.exec(flows)![1]!;
    expect((await execIn('h2', ['ovs-ofctl', 'del-flows', 'contiv0', `cookie=${cookie}/-1`])).code).toBe(0);
    const moved = fingerprints();
    const run = contiv(['apply', file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('h2: FAILED: h2: changed since the plan was made; nothing applied');
    expect(run.stdout).toMatch(/^h1: done and verified in/m);
    expect(run.stdout).toMatch(/^h3: done and verified in/m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('Apply failed: 2 hosts changed, 1 failed (1 left untouched).');
    const now = fingerprints();
    expect(now.h2).toBe(moved.h2);
    expect(now.h1).not.toBe(moved.h1);
    // A new plan from the manifests mends h2 (its lost flow and other-net), and then nothing is left.
    ok(contiv(['apply', withOther, '--fabric', fabric, '--auto-approve']));
    const plan = contiv(['plan', withOther, '--fabric', fabric, '--detailed-exitcode']);
    expect(plan.stdout.trim()).toBe(NO_CHANGES);
    expect(plan.status).toBe(0);
  });

  it('apply DIR on a terminal applies after "yes"; a second apply changes nothing', () => {
    const run = onTerminal(['apply', QS, '--fabric', fabric], 'yes');
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('Apply complete: 3 hosts changed.');
    const again = ok(contiv(['apply', QS, '--fabric', fabric]));
    expect(again.stdout.trim()).toBe(NO_CHANGES);
    expect(again.stderr).toBe('');
  });

  it('a saved plan edited by hand to delete what contiv does not own is refused on that host; nothing there changes', async () => {
    const file = join(tmp, 'edited.plan');
    ok(contiv(['plan', QS, '--fabric', fabric, '--out', file]));
    // The finding: a delete of the underlay's port ul0 on br-phy. Without a before, the file is
    // refused as it is read; with one, the host refuses it under its lock.
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { changes: Array<{ hosts: string[]; change: Record<string, unknown> }>; hosts: Array<{ host: string; changes: number[] }> };
    const change: Record<string, unknown> = { type: 'port', action: 'delete', host: '{host}', address: '{host}/port/ul0', bridge: 'br-phy', port: 'ul0', reason: 'edited' };
    doc.changes.push({ hosts: ['h2'], change });
    doc.hosts.find((h) => h.host === 'h2')!.changes.push(doc.changes.length - 1);
    writeFileSync(file, JSON.stringify(doc));
    const unread = contiv(['apply', file]);
    expect(unread.status).toBe(1);
    expect(unread.stderr).toContain('refused: a port delete without what it expects to find (before) ("h2/port/ul0")');
    change['before'] = { name: 'ul0', type: 'system', ofport: 1, options: {}, externalIds: {}, protected: false };
    writeFileSync(file, JSON.stringify(doc));
    const before = fingerprints();
    const run = contiv(['apply', file]);
    expect(run.status).toBe(1);
    expect(run.stdout, run.stderr).toContain("h2: FAILED: h2: the plan changes what contiv does not own here; nothing applied (h2/port/ul0: bridge br-phy is not contiv's)");
    expect((await execIn('h2', ['ovs-vsctl', 'port-to-br', 'ul0'])).stdout.trim()).toBe('br-phy');
    expect(fingerprints().h2).toBe(before.h2);
  });
});
