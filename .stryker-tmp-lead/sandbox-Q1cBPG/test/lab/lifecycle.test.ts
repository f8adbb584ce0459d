// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { findLabProcesses, labDown } from '../../src/lab/down.js';
import { labStatus } from '../../src/lab/status.js';
import { labUp } from '../../src/lab/up.js';
import { labRun } from '../../src/lab/container.js';
import type { LabOptions } from '../../src/lab/plan.js';
import { pidAlive } from '../../src/lab/proc.js';
import { leftovers, readRecordFile, ssh, startListener } from '../harness/lab.js';
import { planLab } from '../../src/lab/plan.js';

// These tests make labs of their own, beside the suite's `ctest` lab, with their own subnets.
const LAB2: LabOptions = { name: 'ctest2', hosts: 2, mgmtSubnet: '198.18.101.0/24', underlaySubnet: '198.19.101.0/24' };
const plan2 = planLab(LAB2);

describe('lab lifecycle', () => {
  it('cleans a deliberately failed up with down, leaving nothing behind', async () => {
    try {
      await expect(labUp({ ...LAB2, failAt: 'host:h2' })).rejects.toThrow(/failure injected/);
      const rec = readRecordFile(LAB2.name);
      expect(rec?.state).toBe('failed');
      // The failed up did make things (h2's daemons included): down must find them by record.
      const pids = rec!.objects.flatMap((o) => (o.kind === 'process' && o.pid !== undefined ? [o.pid] : []));
      expect(pids.length).toBeGreaterThanOrEqual(6);
      expect(pids.every(pidAlive)).toBe(true);
      expect((await labStatus(LAB2.name))?.state).toBe('failed');
      const procs = findLabProcesses(rec!);
      const res = await labDown(LAB2.name);
      expect(res.warnings).toEqual([]);
      expect(await leftovers(LAB2, rec, procs)).toEqual([]);
    } finally {
      await labDown(LAB2.name);
    }
  });

  it('says a running lab is up, refuses another size, and rebuilds a killed lab', async () => {
    try {
      expect((await labUp(LAB2)).outcome).toBe('created');
      expect((await labUp(LAB2)).outcome).toBe('already-up');
      await expect(labUp({ ...LAB2, hosts: 3 })).rejects.toThrow(/already up with 2 hosts/);
      // A listener in a container: a process the record does not list, in the lab's namespaces.
      await labRun(LAB2.name, 'h1', 'c1');
      const listener = await startListener('c1', 8080, { lab: LAB2.name, lifeMs: 600_000 });

      // Kill the lab as a crash would: every process dies, namespaces and files stay.
      const killed = readRecordFile(LAB2.name)!;
      for (const o of killed.objects) if (o.kind === 'process' && o.pid) process.kill(o.pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      const stale = await labStatus(LAB2.name);
      expect(stale?.state).toBe('stale');
      expect(stale?.healthy).toBe(false);

      const rebuilt = await labUp(LAB2);
      expect(rebuilt.outcome).toBe('created');
      expect(rebuilt.staleReason).toMatch(/not running/);
      // Nothing of the killed lab is left beside the new one: its listener is gone too.
      expect(pidAlive(listener.pid)).toBe(false);
      for (const h of plan2.hosts) {
        const res = await ssh(h.mgmtIp, 'hostname', { lab: LAB2.name });
        expect(res.code, res.stderr).toBe(0);
        expect(res.stdout.trim()).toBe(h.name);
      }
      const rec = readRecordFile(LAB2.name)!;
      const procs = findLabProcesses(rec);
      expect(procs.length).toBeGreaterThanOrEqual(6);
      await labDown(LAB2.name);
      expect(await leftovers(LAB2, rec, procs)).toEqual([]);
      expect(await leftovers(LAB2, killed, [listener.pid])).toEqual([]);
    } finally {
      await labDown(LAB2.name);
    }
  });

  it('refuses a management subnet another lab uses', async () => {
    await expect(labUp({ ...LAB2, name: 'ctest3', mgmtSubnet: '198.18.100.0/25' })).rejects.toThrow(/lab ctest already uses management subnet/);
    expect(readRecordFile('ctest3')).toBeUndefined();
  });
});
