import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRemoveContainer, labRun } from '../../src/lab/container.js';
import { labPaths } from '../../src/lab/paths.js';
import { CTEST, execIn, expectBlocked, type Listener, probe, startListener } from '../harness/lab.js';
import { contiv, spawnContiv, type CliRun } from '../support/cli.js';

/*
 * contiv attach / detach on the ctest lab, through the real CLI: an attached container works at
 * once (no apply) and the hosts still match the manifests; a refused attach changes nothing on
 * any host; attaches at the same moment on two hosts get distinct addresses. Leaves the lab as
 * it found it: no contiv0, no containers.
 */

const fabric = labPaths(CTEST.name).fabric;
const QS = 'examples/quickstart';
const HOSTS = ['h1', 'h2', 'h3'] as const;
const PORT = 7100;
const NO_CHANGES = 'No changes. The hosts match the manifests.';
const ATTACHED = /^Attached (\S+) on (h\d) to (\S+): (\d+\.\d+\.\d+\.\d+)\/24, mac \S+, port cv[0-9a-f]{12}\.$/m;

function ok(run: CliRun): CliRun {
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const attachArgs = (host: string, netns: string, extra: string[] = []): string[] => ['attach', QS, '--fabric', fabric, '--host', host, '--netns', netns, '--network', 'contiv-net', ...extra];

function detach(host: string, netns: string): CliRun {
  return ok(contiv(['detach', QS, '--fabric', fabric, '--host', host, '--netns', netns]));
}

/** Everything contiv sees on every host (state with endpoints, fingerprints, unmanaged objects, interfaces). */
function everything(): unknown {
  const json = JSON.parse(ok(contiv(['show', QS, '--fabric', fabric, '--json'])).stdout) as { hosts: Array<{ facts: { links: Array<{ name: string }> } }> };
  return json.hosts.map((h) => ({ ...h, facts: { links: h.facts.links.map((l) => l.name) } }));
}

/** The attached address, from attach's last line. */
function addressOf(run: CliRun): string {
  const m = ATTACHED.exec(run.stdout);
  expect(m, run.stdout).not.toBeNull();
  return m![4]!;
}

const made = new Map<string, string>();
async function container(host: string, name: string): Promise<void> {
  await labRun(CTEST.name, host, name);
  made.set(name, host);
}
const listeners: Listener[] = [];

beforeAll(async () => {
  ok(contiv(['apply', QS, '--fabric', fabric, '--auto-approve']));
  await container('h1', 'a-one');
  await container('h2', 'a-two');
  await container('h3', 'a-three');
  await container('h3', 'a-spare');
});

afterAll(async () => {
  for (const l of listeners) await l.stop();
  for (const [name, host] of made) {
    contiv(['detach', QS, '--fabric', fabric, '--host', host, '--netns', name]);
    await labRemoveContainer(CTEST.name, name);
  }
  for (const h of HOSTS) await execIn(h, ['ovs-vsctl', '--if-exists', 'del-br', 'contiv0']);
});

describe('contiv attach and detach on the lab', () => {
  it('attach works at once, with no apply, and plan still says No changes', async () => {
    // h1 holds no address yet: attach claims a block for it (a whole /28 chunk), then attaches from it.
    const one = ok(contiv(attachArgs('h1', 'a-one', ['--group', 'web-group'])));
    const m = /^Claimed address block 10\.1\.2\.(\d+)-10\.1\.2\.(\d+) of default\/contiv-net for h1\.\nAttached a-one on h1 to default\/contiv-net \(group web-group\): 10\.1\.2\.(\d+)\/24, mac 02(:[0-9a-f]{2}){5}, port cv[0-9a-f]{12}\.\n$/.exec(one.stdout);
    expect(m, one.stdout).not.toBeNull();
    const [first, last, got] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(first % 16).toBe(0);
    expect(last).toBe(first + 15);
    expect(got).toBe(first);
    // --ip in nobody's block: the piece of its chunk is claimed for h3.
    const three = ok(contiv(attachArgs('h3', 'a-three', ['--ip', '10.1.2.203'])));
    expect(three.stdout).toContain('Claimed address block 10.1.2.192-10.1.2.207 of default/contiv-net for h3.');
    expect(addressOf(three)).toBe('10.1.2.203');
    const plan = contiv(['plan', QS, '--fabric', fabric, '--detailed-exitcode']);
    expect(plan.stdout.trim()).toBe(NO_CHANGES);
    expect(plan.status).toBe(0);
    // The container side: its address on eth0 with the fabric's MTU, a default route via the gateway.
    const addr = await execIn('a-three', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
    expect(addr.stdout).toContain('inet 10.1.2.203/24');
    expect((await execIn('a-three', ['cat', '/sys/class/net/eth0/mtu'])).stdout.trim()).toBe('1450');
    expect((await execIn('a-three', ['ip', 'route', 'show', 'default'])).stdout).toContain('default via 10.1.2.1 dev eth0');
    listeners.push(await startListener('a-three', PORT));
    expect(await probe('a-one', '10.1.2.203', PORT)).toMatchObject({ ok: true, reply: 'a-three' });
  });

  describe('a refused attach: a clear error, and nothing changed on any host', () => {
    let before: unknown;
    beforeAll(() => {
      before = everything();
    });

    it.each([
      ['an unknown network', attachArgs('h2', 'a-two').map((a) => (a === 'contiv-net' ? 'no-such-net' : a)), 'error network-unknown: tenant default has no network no-such-net'],
      ['a network of another tenant only', [...attachArgs('h2', 'a-two', ['--tenant', 'red'])], 'error network-unknown: tenant red has no network contiv-net\n  hint: tenant default, blue has one: pass --tenant'],
      ['an address in use (on another host)', attachArgs('h2', 'a-two', ['--ip', '10.1.2.203']), 'error ip-in-use: --ip 10.1.2.203 is already used by a-three on h3'],
      ['an address outside the subnet', attachArgs('h2', 'a-two', ['--ip', '10.1.3.5']), 'error ip-outside: --ip 10.1.3.5 is outside the usable addresses of 10.1.2.0/24'],
      ['the gateway address', attachArgs('h2', 'a-two', ['--ip', '10.1.2.1']), 'error ip-is-gateway: --ip 10.1.2.1 is the gateway of contiv-net'],
      ['a missing network namespace', attachArgs('h2', 'a-ghost'), 'error netns-missing: no network namespace a-ghost on h2'],
      ['a namespace path that is not there', attachArgs('h2', '/proc/999999/ns/net'), 'error netns-missing: no network namespace /proc/999999/ns/net on h2'],
      ['an address written with leading zeros', attachArgs('h2', 'a-two', ['--ip', '10.1.2.044']), 'error ip-invalid: --ip 10.1.2.044 is not an IPv4 address'],
      ['an address that is no address', attachArgs('h2', 'a-two', ['--ip', '999.1.1.1']), 'error ip-invalid: --ip 999.1.1.1 is not an IPv4 address'],
      ['an interface name that is not one', attachArgs('h2', 'a-two', ['--ifname', 'x;y']), 'error ifname-invalid'],
      ['a namespace already attached', attachArgs('h3', 'a-three'), 'error netns-attached: namespace a-three on h3 is already attached (default/contiv-net, 10.1.2.203)'],
      ['an unknown host', attachArgs('h9', 'a-two'), 'error host-unknown: unknown host h9; the Fabric has h1, h2, h3'],
    ])('%s', async (_what, args, message) => {
      const run = contiv(args);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(message);
      expect(run.stdout.trim().split('\n').at(-1)).toBe('Nothing attached.');
      expect(everything()).toEqual(before);
      expect((await execIn('a-two', ['ip', '-o', 'link', 'show'])).stdout).not.toContain('eth0');
    });
  });

  it('two attaches on two hosts at the same moment get distinct addresses, and both work', async () => {
    const runs = await Promise.all([spawnContiv(attachArgs('h2', 'a-two')), spawnContiv(attachArgs('h3', 'a-spare'))]);
    for (const r of runs) expect(r.status, r.stdout + r.stderr).toBe(0);
    const [two, spare] = runs.map(addressOf);
    expect(two).not.toBe(spare);
    expect(ok(contiv(['plan', QS, '--fabric', fabric])).stdout.trim()).toBe(NO_CHANGES);
    listeners.push(await startListener('a-two', PORT));
    expect(await probe('a-spare', two!, PORT)).toMatchObject({ ok: true, reply: 'a-two' });
    expect(await probe('a-one', two!, PORT)).toMatchObject({ ok: true, reply: 'a-two' });
    expect(await probe('a-two', '10.1.2.203', PORT)).toMatchObject({ ok: true, reply: 'a-three' });
  });

  it('two attaches asking for one address on two hosts at the same moment: never both get it', async () => {
    detach('h2', 'a-two');
    detach('h3', 'a-spare');
    const runs = await Promise.all([spawnContiv(attachArgs('h2', 'a-two', ['--ip', '10.1.2.250'])), spawnContiv(attachArgs('h3', 'a-spare', ['--ip', '10.1.2.250']))]);
    const won = runs.filter((r) => r.status === 0);
    expect(won.length, runs.map((r) => r.stdout).join('\n')).toBeLessThanOrEqual(1);
    for (const lost of runs.filter((r) => r.status !== 0)) expect(lost.stdout).toMatch(/error ip-in-use: (--ip )?10\.1\.2\.250 is (already used by|lent by)|error attach-raced/);
    const show = JSON.parse(ok(contiv(['show', QS, '--fabric', fabric, '--json'])).stdout) as { hosts: Array<{ state: { bridges: Record<string, { ports: Record<string, { externalIds: Record<string, string> }> }> } }> };
    const holders = show.hosts.flatMap((h) => Object.values(h.state.bridges.contiv0?.ports ?? {})).filter((p) => p.externalIds['contiv.ip'] === '10.1.2.250' && p.externalIds['contiv.tenant'] === 'default');
    expect(holders).toHaveLength(won.length);
    expect(ok(contiv(['plan', QS, '--fabric', fabric])).stdout.trim()).toBe(NO_CHANGES);
  });

  it('detach takes the endpoint away, frees its address, and the hosts still match the manifests', async () => {
    detach('h3', 'a-three');
    expect((await execIn('a-three', ['ip', '-o', 'link', 'show'])).stdout).not.toContain('eth0');
    await expectBlocked('a-one', '10.1.2.203', PORT);
    expect(ok(contiv(['plan', QS, '--fabric', fabric])).stdout.trim()).toBe(NO_CHANGES);
    const again = contiv(['detach', QS, '--fabric', fabric, '--host', 'h3', '--netns', 'a-three']);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('error netns-not-attached: no endpoint of namespace a-three on h3');
    // The address is free: another container, on another host, takes it.
    contiv(['detach', QS, '--fabric', fabric, '--host', 'h2', '--netns', 'a-two']);
    expect(addressOf(ok(contiv(attachArgs('h2', 'a-two', ['--ip', '10.1.2.203']))))).toBe('10.1.2.203');
    expect(await probe('a-one', '10.1.2.203', PORT)).toMatchObject({ ok: true, reply: 'a-two' });
    // 10.1.2.203 lies in h3's block: h3 lent it, and detach gives it back there (attach can take it again at once).
    const lent = async () => (await execIn('h3', ['ovs-vsctl', '--if-exists', 'get', 'bridge', 'contiv0', 'external_ids:contiv.lent.default.contiv-net.10-1-2-203'])).stdout.trim();
    expect(await lent()).toBe('h2');
    detach('h2', 'a-two');
    expect(await lent()).toBe('');
    expect(addressOf(ok(contiv(attachArgs('h2', 'a-two', ['--ip', '10.1.2.203']))))).toBe('10.1.2.203');
    expect(ok(contiv(['plan', QS, '--fabric', fabric])).stdout.trim()).toBe(NO_CHANGES);
  });
});

