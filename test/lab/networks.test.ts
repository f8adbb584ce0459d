import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRemoveContainer, labRun } from '../../src/lab/container.js';
import { labPaths } from '../../src/lab/paths.js';
import { CTEST, execIn, expectBlocked, type Listener, pings, probe, startListener } from '../harness/lab.js';
import { contiv, planPart, type CliRun } from '../support/cli.js';

/*
 * Networks on the ctest lab, through the real CLI and real packets: the quickstart manifests
 * (tenants default and blue, each with contiv-net 10.1.2.0/24), containers on every host.
 * Leaves the lab as it found it: no contiv0, no containers.
 */

const fabric = labPaths(CTEST.name).fabric;
const QS = 'examples/quickstart';
const HOSTS = ['h1', 'h2', 'h3'] as const;
const PORT = 7000;
const NO_CHANGES = 'No changes. The hosts match the manifests.';

const tmp = mkdtempSync(join(tmpdir(), 'contiv-networks-'));
/** The quickstart plus `other-net` (10.1.3.0/24) in tenant default. */
const withOther = join(tmp, 'with-other');

function ok(run: CliRun): CliRun {
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

function apply(dir: string): CliRun {
  return ok(contiv(['apply', dir, '--fabric', fabric, '--auto-approve']));
}

function attach(dir: string, host: string, netns: string, tenant: string, network: string, ip: string): CliRun {
  return ok(contiv(['attach', dir, '--fabric', fabric, '--host', host, '--netns', netns, '--tenant', tenant, '--network', network, '--ip', ip]));
}

function detach(host: string, netns: string): CliRun {
  return ok(contiv(['detach', QS, '--fabric', fabric, '--host', host, '--netns', netns]));
}

/** Each host's managed state and what contiv reports as not its own, from `contiv show --json`. */
function hostStates(): Record<string, { fingerprint: string; state: unknown; unmanaged: unknown }> {
  const json = JSON.parse(ok(contiv(['show', QS, '--fabric', fabric, '--json'])).stdout) as { hosts: Array<{ host: string; fingerprint: string; state: unknown; unmanaged: unknown }> };
  return Object.fromEntries(json.hosts.map((h) => [h.host, { fingerprint: h.fingerprint, state: h.state, unmanaged: h.unmanaged }]));
}

/** True when at least one of three echo requests is answered (the first may be lost while a tunnel resolves its peer). */

async function ovs(host: string, argv: string[]): Promise<string> {
  const r = await execIn(host, argv);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Hand-made, not contiv's: a bridge on h1, and a flow with a foreign cookie on contiv's own bridge on h2. */
const FOREIGN_COOKIE = '0x5eed';
async function foreignObjects(): Promise<{ bridge: string; flow: string }> {
  const bridges = await ovs('h1', ['ovs-vsctl', 'list-br']);
  const flow = await ovs('h2', ['ovs-ofctl', '--no-stats', 'dump-flows', 'contiv0', `cookie=${FOREIGN_COOKIE}/-1`]);
  return { bridge: bridges.split('\n').find((b) => b === 'hand-br') ?? '(missing)', flow: flow.trim() };
}
const FOREIGN = { bridge: 'hand-br', flow: `cookie=${FOREIGN_COOKIE}, priority=7,arp,arp_tpa=192.0.2.7 actions=drop` };

// Containers: the same two addresses in both tenants, on different hosts; n-web-c has an
// address that only tenant default uses.
const C = {
  webA: { name: 'n-web-a', host: 'h1', tenant: 'default', ip: '10.1.2.10' },
  webB: { name: 'n-web-b', host: 'h2', tenant: 'default', ip: '10.1.2.20' },
  webC: { name: 'n-web-c', host: 'h3', tenant: 'default', ip: '10.1.2.30' },
  blueA: { name: 'n-blue-a', host: 'h1', tenant: 'blue', ip: '10.1.2.10' },
  blueB: { name: 'n-blue-b', host: 'h3', tenant: 'blue', ip: '10.1.2.20' },
} as const;
const listeners: Listener[] = [];
/** Containers made by this file and still there, by name → host. */
const made = new Map<string, string>();

async function container(host: string, name: string): Promise<void> {
  await labRun(CTEST.name, host, name);
  made.set(name, host);
}

beforeAll(async () => {
  cpSync(QS, withOther, { recursive: true });
  writeFileSync(
    join(withOther, 'networks.yaml'),
    `${readFileSync(join(QS, 'networks.yaml'), 'utf8')}---\napiVersion: contiv.io/v1\nkind: Network\nmetadata:\n  name: other-net\n  tenant: default\nspec:\n  subnet: 10.1.3.0/24\n`,
  );
  apply(QS);
  await ovs('h1', ['ovs-vsctl', 'add-br', 'hand-br', '--', 'set', 'bridge', 'hand-br', 'datapath_type=netdev']);
  await ovs('h2', ['ovs-ofctl', 'add-flow', 'contiv0', `cookie=${FOREIGN_COOKIE},table=0,priority=7,arp,arp_tpa=192.0.2.7,actions=drop`]);
  for (const c of Object.values(C)) {
    await container(c.host, c.name);
    attach(QS, c.host, c.name, c.tenant, 'contiv-net', c.ip);
    listeners.push(await startListener(c.name, PORT));
  }
});

afterAll(async () => {
  for (const l of listeners) await l.stop();
  for (const [name, host] of made) {
    contiv(['detach', QS, '--fabric', fabric, '--host', host, '--netns', name]);
    await labRemoveContainer(CTEST.name, name);
  }
  for (const h of HOSTS) await execIn(h, ['ovs-vsctl', '--if-exists', 'del-br', 'contiv0', '--', '--if-exists', 'del-br', 'hand-br']);
  rmSync(tmp, { recursive: true, force: true });
});

describe('networks on the lab', () => {
  it('containers on different hosts in one network exchange TCP and ping', async () => {
    expect(await probe(C.webA.name, C.webB.ip, PORT)).toMatchObject({ ok: true, reply: C.webB.name });
    expect(await probe(C.webB.name, C.webA.ip, PORT)).toMatchObject({ ok: true, reply: C.webA.name });
    expect(await probe(C.webC.name, C.webA.ip, PORT)).toMatchObject({ ok: true, reply: C.webA.name });
    expect(await pings(C.webA.name, C.webB.ip)).toBe('replied');
    expect(await pings(C.webB.name, C.webC.ip)).toBe('replied');
  });

  it('the same IP in tenants default and blue reaches its own tenant, never the other', async () => {
    // 10.1.2.20 is n-web-b in default (h2) and n-blue-b in blue (h3): who answers tells the tenant.
    expect(await probe(C.webA.name, '10.1.2.20', PORT)).toMatchObject({ ok: true, reply: C.webB.name });
    expect(await probe(C.blueA.name, '10.1.2.20', PORT)).toMatchObject({ ok: true, reply: C.blueB.name });
    expect(await probe(C.webB.name, '10.1.2.10', PORT)).toMatchObject({ ok: true, reply: C.webA.name });
    expect(await probe(C.blueB.name, '10.1.2.10', PORT)).toMatchObject({ ok: true, reply: C.blueA.name });
    expect(await pings(C.blueA.name, '10.1.2.20')).toBe('replied');
    // 10.1.2.30 exists only in tenant default: blue never reaches it, by TCP or ping.
    await expectBlocked(C.blueA.name, C.webC.ip, PORT);
    await expectBlocked(C.blueB.name, C.webC.ip, PORT);
    expect(await pings(C.blueB.name, C.webC.ip)).toBe('no reply');
  });

  it('a second apply changes nothing, and plan right after says No changes', () => {
    const before = hostStates();
    const run = apply(QS);
    expect(run.stdout.trim()).toBe(NO_CHANGES);
    const plan = contiv(['plan', QS, '--fabric', fabric, '--detailed-exitcode']);
    expect(plan.status).toBe(0);
    expect(planPart(plan.stdout)).toBe(NO_CHANGES);
    expect(hostStates()).toEqual(before);
  });

  describe('a second network of tenant default', () => {
    let before: ReturnType<typeof hostStates>;
    const otherA = { name: 'n-other-a', host: 'h2', ip: '10.1.3.20' };
    const otherB = { name: 'n-other-b', host: 'h3', ip: '10.1.3.30' };

    beforeAll(async () => {
      before = hostStates();
      const plan = contiv(['plan', withOther, '--fabric', fabric, '--detailed-exitcode', '--full']);
      expect(plan.status).toBe(2);
      expect(plan.stdout).toContain('Plan: 3 to add, 3 to change, 0 to destroy.');
      for (const h of HOSTS) expect(plan.stdout).toContain(`${h}:\n  ~   bridge contiv0\n`);
      expect(plan.stdout.match(/^ {2}\+ {3}flows of net\/default\/other-net: 3 flows$/gm)).toHaveLength(3);
      apply(withOther);
      expect(ok(contiv(['plan', withOther, '--fabric', fabric])).stdout.trim()).toBe(NO_CHANGES);
      for (const o of [otherA, otherB]) {
        await container(o.host, o.name);
        attach(withOther, o.host, o.name, 'default', 'other-net', o.ip);
        listeners.push(await startListener(o.name, PORT));
      }
    });

    it('is isolated from contiv-net, even for a container that routes the other subnet onto its own link', async () => {
      expect(await probe(otherA.name, otherB.ip, PORT)).toMatchObject({ ok: true, reply: otherB.name });
      // Both subnets on-link on each side: only the datapath can keep them apart (ARP and IP).
      await execIn(otherA.name, ['ip', 'route', 'add', '10.1.2.0/24', 'dev', 'eth0']);
      await execIn(C.webB.name, ['ip', 'route', 'add', '10.1.3.0/24', 'dev', 'eth0']);
      try {
        await expectBlocked(otherA.name, C.webB.ip, PORT);
        await expectBlocked(C.webB.name, otherA.ip, PORT);
        await expectBlocked(C.webC.name, otherB.ip, PORT);
        expect(await pings(otherA.name, C.webB.ip)).toBe('no reply');
      } finally {
        await execIn(C.webB.name, ['ip', 'route', 'del', '10.1.3.0/24', 'dev', 'eth0']);
      }
    });

    it('cannot leave the manifests while endpoints use it: refused at plan time, naming them', () => {
      const states = hostStates();
      const plan = contiv(['plan', QS, '--fabric', fabric, '--detailed-exitcode']);
      expect(plan.status).toBe(1);
      expect(plan.stdout).toContain(
        `error network-in-use: network default/other-net is not in the manifests but endpoints still use it: ${otherA.name} on h2 (10.1.3.20), ${otherB.name} on h3 (10.1.3.30)`,
      );
      expect(plan.stdout).toContain('No plan: fix the problems above first.');
      const applied = contiv(['apply', QS, '--fabric', fabric, '--auto-approve']);
      expect(applied.status).toBe(1);
      expect(applied.stdout).toContain('network-in-use');
      expect(applied.stdout).toContain('Nothing applied: fix the problems above first.');
      expect(hostStates()).toEqual(states);
    });

    it('removed from the manifests, takes exactly its own objects with it', async () => {
      for (const o of [otherA, otherB]) {
        detach(o.host, o.name);
        await labRemoveContainer(CTEST.name, o.name);
        made.delete(o.name);
      }
      const plan = contiv(['plan', QS, '--fabric', fabric, '--detailed-exitcode', '--full']);
      expect(plan.status).toBe(2);
      // Per host: the bridge loses other-net's records (its VNI …), its flows go, and so do the
      // address records of its endpoints' host(s): h2 claimed the block of 10.1.3.20 and lent
      // 10.1.3.30 of it to h3; detaching h3's endpoint gave that address back, so only the
      // block remains.
      let addressLines = 0;
      for (const h of HOSTS) {
        const section = plan.stdout.split(/\n\n/).find((s) => s.startsWith(`${h}:`))!;
        const [bridge, ...rest] = section.trim().split('\n').slice(1);
        expect(bridge).toBe('  ~   bridge contiv0');
        const details = rest.filter((l) => l.startsWith('        '));
        const records = details.filter((l) => l.startsWith('        ~ externalIds.'));
        for (const r of records) expect(r).toMatch(/^ {8}~ externalIds\.contiv\.\w+\.default\.other-net: \S+ → \(none\)$/);
        expect(records.some((r) => r.includes('.vni.default.other-net')), section).toBe(true);
        const others = rest.filter((l) => !details.includes(l));
        const flows = others.filter((l) => /^ {2}- {3}flows of (?:net\/default\/other-net|network\/[0-9a-f]+): 3 flows \(its owner is no longer in the manifests\)$/.test(l));
        expect(flows, section).toHaveLength(1);
        const addresses = others.filter((l) => !flows.includes(l));
        const expected = h === 'h2' ? ['  -   address block 10.1.3.16-10.1.3.31 of default/other-net (network default/other-net is no longer in the manifests)'] : [];
        expect(addresses, section).toEqual(expected);
        addressLines += addresses.length;
      }
      expect(planPart(plan.stdout).split('\n').at(-1)).toBe(`Plan: 0 to add, 3 to change, ${3 + addressLines} to destroy.`);
      apply(QS);
      // Every host is back to what it was before other-net came: nothing else moved.
      expect(hostStates()).toEqual(before);
      expect(ok(contiv(['plan', QS, '--fabric', fabric])).stdout.trim()).toBe(NO_CHANGES);
      // And contiv-net still works across hosts and tenants.
      expect(await probe(C.webA.name, '10.1.2.20', PORT)).toMatchObject({ ok: true, reply: C.webB.name });
      expect(await probe(C.blueA.name, '10.1.2.20', PORT)).toMatchObject({ ok: true, reply: C.blueB.name });
    });
  });

  it('a hand-made bridge and a foreign-cookie flow on contiv0 survived every apply untouched', async () => {
    expect(await foreignObjects()).toEqual(FOREIGN);
    const show = JSON.parse(ok(contiv(['show', QS, '--fabric', fabric, '--json'])).stdout) as { hosts: Array<{ host: string; unmanaged: { bridges: string[]; flowCounts: Record<string, number> } }> };
    expect(show.hosts.find((h) => h.host === 'h1')!.unmanaged.bridges).toContain('hand-br');
    expect(show.hosts.find((h) => h.host === 'h2')!.unmanaged.flowCounts).toEqual({ contiv0: 1 });
  });
});
