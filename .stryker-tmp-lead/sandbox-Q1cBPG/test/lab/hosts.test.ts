// @ts-nocheck
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { LAB_USER } from '../../src/lab/texts.js';
import { CTEST, ctestPlan, execIn, probe, ssh, startListener } from '../harness/lab.js';

// The `ctest` lab is brought up by test/harness/global-setup.ts.
describe('lab hosts', () => {
  const hosts = ctestPlan.hosts;

  it('accepts SSH as root on every host, with strict host-key checking against the lab known_hosts', async () => {
    const names = [];
    for (const h of hosts) {
      const res = await ssh(h.mgmtIp, 'hostname; id -u');
      expect(res.stderr).not.toMatch(/WARNING|Host key verification failed/);
      expect(res.code).toBe(0);
      const [name, uid] = res.stdout.trim().split('\n');
      expect(uid).toBe('0');
      expect(name).toBe(h.name);
      names.push(name);
    }
    expect(new Set(names).size).toBe(hosts.length);
  });

  it('accepts SSH as the non-root lab user, who has passwordless sudo', async () => {
    for (const h of hosts) {
      const res = await ssh(h.mgmtIp, 'id -un; id -u; sudo -n id -u', { user: LAB_USER });
      expect(res.code, res.stderr).toBe(0);
      const [user, uid, sudoUid] = res.stdout.trim().split('\n');
      expect(user).toBe(LAB_USER);
      expect(uid).not.toBe('0');
      expect(sudoUid).toBe('0');
    }
  });

  it("answers ovs-vsctl show over SSH from each host's own OVS, as root and through sudo", async () => {
    for (const h of hosts) {
      const asRoot = await ssh(h.mgmtIp, 'ovs-vsctl show && ovs-vsctl get Open_vSwitch . external_ids:system-id && ovs-appctl version');
      expect(asRoot.code, asRoot.stderr).toBe(0);
      expect(asRoot.stdout).toContain('Bridge br-phy');
      expect(asRoot.stdout).toContain('datapath_type: netdev');
      expect(asRoot.stdout).toContain(`\n${h.name}\n`); // each host's own database (system-id)
      const viaSudo = await ssh(h.mgmtIp, 'sudo -n ovs-vsctl show && sudo -n ovs-ofctl -O OpenFlow13 dump-flows br-phy', { user: LAB_USER });
      expect(viaSudo.code, viaSudo.stderr).toBe(0);
      expect(viaSudo.stdout).toContain('Bridge br-phy');
      expect(viaSudo.stdout).toContain('actions=NORMAL');
    }
  });

  it('keeps SSH on a kernel management veth, outside OVS; the VTEP sits on br-phy without contiv marks', async () => {
    for (const h of hosts) {
      const ports = await execIn(h.name, ['ovs-vsctl', 'list-ports', 'br-phy']);
      expect(ports.stdout.trim().split('\n')).toEqual([h.underlayIf]);
      const ifaces = await execIn(h.name, ['ovs-vsctl', '--columns=name', '--bare', 'list', 'Interface']);
      expect(ifaces.stdout).not.toContain(h.mgmtIf);
      const addr = await execIn(h.name, ['ip', '-j', '-4', 'addr', 'show']);
      const byDev = Object.fromEntries(
        (JSON.parse(addr.stdout) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>).map((l) => [l.ifname, l.addr_info.map((a) => a.local)]),
      );
      expect(byDev[h.mgmtIf]).toEqual([h.mgmtIp]);
      expect(byDev['br-phy']).toEqual([h.vtep]);
      const ext = await execIn(h.name, ['ovs-vsctl', 'get', 'Bridge', 'br-phy', 'external_ids']);
      expect(ext.stdout).not.toContain('contiv.');
    }
  });

  it('writes known_hosts with each host’s real key and a Fabric for the lab', async () => {
    const p = labPaths(CTEST.name);
    const known = readFileSync(p.knownHosts, 'utf8').trim().split('\n');
    expect(known).toHaveLength(hosts.length);
    for (const h of hosts) {
      const served = await ssh(h.mgmtIp, `cat ${p.host(h.name).hostPubKey}`);
      const [type, key] = served.stdout.trim().split(' ');
      expect(known).toContain(`${h.mgmtIp} ${type} ${key}`);
    }
    const fabric = readFileSync(p.fabric, 'utf8');
    for (const h of hosts) expect(fabric).toContain(`address: ${h.mgmtIp}\n      vtep: ${h.vtep}\n      datapath: netdev`);
    expect(fabric).toContain('identityFile: ~/.contiv/labs/ctest/id_ed25519');
  });

  it('carries TCP between hosts over the underlay (through each host’s OVS) and over management', async () => {
    const [h1, h2, h3] = hosts;
    const overUnderlay = await startListener(h1!.name, 7001, { bind: h1!.vtep });
    const overMgmt = await startListener(h3!.name, 7002, { bind: h3!.mgmtIp });
    try {
      expect(await probe(h2!.name, h1!.vtep, 7001)).toMatchObject({ ok: true, reply: h1!.name });
      expect(await probe(h2!.name, h3!.mgmtIp, 7002)).toMatchObject({ ok: true, reply: h3!.name });
      // A port nobody listens on: refused, after the one retry the helper allows.
      const closed = await probe(h2!.name, h1!.vtep, 7009, { timeoutMs: 1000 });
      expect(closed).toMatchObject({ ok: false, attempts: 2, outcome: 'refused' });
      expect(closed.reply).toContain('ECONNREFUSED');
    } finally {
      await overUnderlay.stop();
      await overMgmt.stop();
    }
  });
});
