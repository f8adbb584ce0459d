// @ts-nocheck
import { afterAll, describe, expect, it } from 'vitest';
import { ctestFabric, removeContivBridges } from '../harness/contiv.js';
import { execIn } from '../harness/lab.js';
import { contiv } from '../support/cli.js';

/*
 * A host where apply fails half-way is rolled back to exactly what it had; the other hosts are
 * applied. The failure is real: on h2, in its own mount namespace only, `ovs-ofctl` is wrapped
 * so that its `--bundle` transactions fail — after apply's ovs-vsctl transaction has created the
 * bridge and its tunnels, so there is something to undo.
 */
const WRAP = String.raw`
set -eu
d=/run/contiv-test-wrap
mkdir -p "$d"
touch "$d/ovs-ofctl.real"
mount --bind /usr/bin/ovs-ofctl "$d/ovs-ofctl.real"
cat > "$d/ovs-ofctl" <<'SH'
#!/bin/sh
case " $* " in *" --bundle "*) echo "injected failure: bundle refused" >&2; exit 1;; esac
exec /run/contiv-test-wrap/ovs-ofctl.real "$@"
SH
chmod +x "$d/ovs-ofctl"
mount --bind "$d/ovs-ofctl" /usr/bin/ovs-ofctl
`;
const UNWRAP = 'umount /usr/bin/ovs-ofctl; umount /run/contiv-test-wrap/ovs-ofctl.real; rm -rf /run/contiv-test-wrap';

afterAll(async () => {
  await execIn('h2', ['sh', '-c', `${UNWRAP} 2>/dev/null || true`]);
  await removeContivBridges();
});

describe('apply failing half-way on one host', () => {
  it('rolls that host back to exactly its state before, applies the others, and a later apply converges', async () => {
    const before = (await execIn('h2', ['sh', '-c', 'ovs-vsctl list-br; ovs-vsctl --columns=name,external_ids list Bridge'])).stdout;
    expect((await execIn('h2', ['sh', '-c', WRAP])).code).toBe(0);
    const run = contiv(['apply', 'examples/quickstart', '--fabric', ctestFabric, '--auto-approve'], { timeoutMs: 120_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/h2: FAILED: h2: apply failed \(exit 1\): injected failure: bundle refused/);
    // The failure first, then what was done about it.
    expect(run.stdout.indexOf('h2: FAILED')).toBeLessThan(run.stdout.indexOf('h2: rolled back to its state before the apply'));
    expect(run.stdout).toContain('Apply failed: 2 hosts changed, 1 failed (1 rolled back).');
    // h2 as it was: the bridge and tunnels its ovs-vsctl transaction made are gone again.
    expect((await execIn('h2', ['sh', '-c', 'ovs-vsctl list-br; ovs-vsctl --columns=name,external_ids list Bridge'])).stdout).toBe(before);
    for (const host of ['h1', 'h3']) expect((await execIn(host, ['ovs-vsctl', 'br-exists', 'contiv0'])).code).toBe(0);

    await execIn('h2', ['sh', '-c', UNWRAP]);
    expect(contiv(['apply', 'examples/quickstart', '--fabric', ctestFabric, '--auto-approve']).stdout).toContain('Apply complete: 1 host changed.');
    expect(contiv(['plan', 'examples/quickstart', '--fabric', ctestFabric]).stdout).toContain('No changes. The hosts match the manifests.');
  }, 180_000);
});
