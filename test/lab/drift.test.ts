import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ctestFabric, removeContivBridges } from '../harness/contiv.js';
import { execIn } from '../harness/lab.js';
import { killDaemon, restartDaemon } from '../harness/faults.js';
import { DRIFT_THEN } from '../../src/cli/drift.js';
import { manifestRepo, ok } from '../harness/repo.js';

/*
 * Drift on the lab: what changes on a host outside contiv (a flow deleted by hand, a tunnel port
 * removed, a restarted ovs-vswitchd's empty table, the CNI plugin and its configuration edited)
 * is shown apart from what the manifests change, and `apply --repair` puts back only that —
 * never a manifest change not yet applied — leaving what is not contiv's alone.
 */
const { root, dir, git, run } = manifestRepo('drift');
const dbPort = async (host: string): Promise<string[]> => [...(await execIn(host, ['ovs-ofctl', '-O', 'OpenFlow14', '--no-stats', 'dump-flows', 'contiv0'])).stdout.matchAll(/tp_dst=(543\d)/g)].map((m) => m[1]!);

afterAll(async () => {
  await execIn('h2', ['ovs-vsctl', '--if-exists', 'del-br', 'br-foreign']);
  await removeContivBridges();
  rmSync(root, { recursive: true, force: true });
});

describe('drift', () => {
  it('is shown apart from the manifests\' changes, and apply --repair puts back only it', async () => {
    const first = git('rev-parse', 'HEAD');
    ok(run(['apply', dir, '--auto-approve']));
    expect(ok(run(['plan', dir]))).not.toContain('Changed outside contiv');
    // Outside contiv: a flow of contiv's deleted on h2, h3's tunnel port removed, and a bridge that is not contiv's.
    const flows = (await execIn('h2', ['ovs-ofctl', '--no-stats', 'dump-flows', 'contiv0', 'table=0,in_port=9'])).stdout;
    const cookie = /cookie=(0x[0-9a-f]+)/.exec(flows)![1]!;
    expect((await execIn('h2', ['ovs-ofctl', 'del-flows', 'contiv0', `cookie=${cookie}/-1`])).code).toBe(0);
    const tunnel = (await execIn('h3', ['ovs-vsctl', 'list-ports', 'contiv0'])).stdout.split('\n').find((p) => p === 'contiv-vxlan')!;
    expect((await execIn('h3', ['ovs-vsctl', 'del-port', 'contiv0', tunnel])).code).toBe(0);
    expect((await execIn('h2', ['ovs-vsctl', 'add-br', 'br-foreign', '--', 'set', 'bridge', 'br-foreign', 'datapath_type=netdev'])).code).toBe(0);
    // And a manifest change, committed, not applied.
    writeFileSync(join(dir, 'policies.yaml'), readFileSync(join(dir, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));
    git('commit', '-q', '-am', 'db on 5433');

    const plan = ok(run(['plan', dir]));
    const [drift = '', rest = ''] = plan.split("What apply does: the manifests' changes, and the drift above put back.\n");
    expect(drift).toMatch(new RegExp(`^Changed outside contiv since ${first.slice(0, 12)} \\(the commit all 3 hosts record\\); contiv apply --repair puts back:`));
    expect(drift).toContain('h2');
    expect(drift).toContain('h3');
    expect(drift).not.toContain('5433');
    expect(drift).not.toContain('h1:');
    expect(rest).toContain('5433');

    // The JSON plan marks each change as drift or as the manifests'; drift is a change (exit 2).
    const json = run(['plan', dir, '--json', '--detailed-exitcode']);
    expect(json.status).toBe(2);
    const origins = (JSON.parse(json.stdout) as { plan: { changes: Array<{ hosts: string[]; origin: string; change: { address: string } }> } }).plan.changes.map((g) => `${g.origin} ${g.hosts.join(',')} ${g.change.address}`);
    expect(origins.filter((o) => o.startsWith('drift '))).toEqual(expect.arrayContaining([expect.stringMatching(/^drift h2 /), expect.stringMatching(/^drift h3 /)]));
    expect(origins.some((o) => o.startsWith('manifests h1,h2,h3 '))).toBe(true);

    const repaired = ok(run(['apply', dir, '--repair', '--auto-approve']));
    expect(repaired).toContain('Apply complete: 2 hosts changed.');
    expect(repaired).not.toContain('h1: applying');
    // The manifest change is not applied; the foreign bridge is untouched; the drift is gone.
    for (const h of ['h1', 'h2', 'h3']) expect(await dbPort(h)).not.toContain('5433');
    expect((await execIn('h2', ['ovs-vsctl', 'br-exists', 'br-foreign'])).code).toBe(0);
    expect((await execIn('h3', ['ovs-vsctl', 'list-ports', 'contiv0'])).stdout).toContain(tunnel);
    const after = ok(run(['plan', dir]));
    expect(after).not.toContain('Changed outside contiv');
    expect(after).toContain('5433');
    // Nothing left to repair: a no-op, as cron runs it.
    expect(ok(run(['apply', dir, '--repair', '--auto-approve']))).toContain('No changes. The hosts match the manifests.');
    // A restarted ovs-vswitchd comes back with its ports and an empty flow table: drift, repaired.
    await killDaemon('h1', 'ovs-vswitchd');
    await restartDaemon('h1', 'ovs-vswitchd');
    expect(ok(run(['plan', dir]))).toMatch(/^Changed outside contiv since [0-9a-f]{12} \(the commit all 3 hosts record\); contiv apply --repair puts back:\nh1:/);
    expect(ok(run(['apply', dir, '--repair', '--auto-approve']))).toContain('Apply complete: 1 host changed.');
    expect(ok(run(['plan', dir]))).not.toContain('Changed outside contiv');
    // A file contiv installs (h2 runs the cni runtime), edited by hand: drift, put back.
    const cniFabric = join(root, 'fabric-cni.yaml');
    writeFileSync(cniFabric, readFileSync(ctestFabric, 'utf8').replace(/(- name: h2\n(\s+))/, '$1runtimes: [cni]\n$2'));
    const withCni = (args: string[]) => run(args, cniFabric);
    ok(withCni(['apply', dir, '--auto-approve']));
    const conf = (await execIn('h2', ['sh', '-c', 'ls /etc/cni/net.d/*.conflist | head -1'])).stdout.trim();
    expect(conf).toMatch(/contiv/);
    expect((await execIn('h2', ['sh', '-c', `echo '# edited by hand' >> ${conf}`])).code).toBe(0);
    // And the plugin itself.
    const plugin = '/opt/cni/bin/contiv';
    const pluginSum = (await execIn('h2', ['sha256sum', plugin])).stdout;
    expect((await execIn('h2', ['sh', '-c', `echo '// patched by hand' >> ${plugin}`])).code).toBe(0);
    const edited = ok(withCni(['plan', dir]));
    expect(edited.split(DRIFT_THEN)[0]).toContain(conf);
    expect(edited.split(DRIFT_THEN)[0]).toContain(plugin);
    expect(ok(withCni(['apply', dir, '--repair', '--auto-approve']))).toContain('Apply complete: 1 host changed.');
    expect((await execIn('h2', ['cat', conf])).stdout).not.toContain('edited by hand');
    expect((await execIn('h2', ['sha256sum', plugin])).stdout).toBe(pluginSum);
    expect(ok(withCni(['plan', dir]))).not.toContain('Changed outside contiv');
    ok(run(['apply', dir, '--auto-approve']));
    expect(ok(run(['plan', dir]))).toContain('No changes. The hosts match the manifests.');
  }, 300_000);
});
