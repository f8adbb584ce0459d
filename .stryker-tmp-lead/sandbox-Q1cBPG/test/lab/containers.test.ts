// @ts-nocheck
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerLab } from '../../src/cli/commands/lab.js';
import { UserError } from '../../src/cli/errors.js';
import { labExec } from '../../src/lab/exec.js';
import { labRemoveContainer, labRun } from '../../src/lab/container.js';
import { labStatus } from '../../src/lab/status.js';
import { CTEST, ctestPlan, execIn, expectBlocked, probe, ssh, startListener, wasBlocked } from '../harness/lab.js';

/** Runs `contiv lab …` in-process (the real command definitions) and returns the exit status. */
async function cli(args: string[]): Promise<{ status: number; stdout: string }> {
  let status = 0;
  const program = new Command().exitOverride();
  registerLab(program, (c) => (status = c));
  const write = process.stdout.write.bind(process.stdout);
  let stdout = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'contiv', 'lab', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return { status, stdout };
}

describe('lab containers', () => {
  const [h1, h2] = ctestPlan.hosts;

  // The lab outlives this file: leave no container for the next one.
  afterAll(async () => {
    for (const name of ['web1', 'db1']) await labRemoveContainer(CTEST.name, name);
  });

  it('makes a bare container after the host came up, enterable from an SSH session on that host', async () => {
    await labRun(CTEST.name, 'h1', 'web1');
    const res = await ssh(h1!.mgmtIp, 'ip netns list; ip netns exec web1 ip -o link show');
    expect(res.code, res.stderr).toBe(0);
    const [list, ...links] = res.stdout.trim().split('\n');
    expect(list).toMatch(/^web1\b/m);
    expect(links).toHaveLength(1); // only loopback
    expect(links[0]).toMatch(/^1: lo: .*UP/);
    // It belongs to h1 alone: h2 does not see it.
    const other = await ssh(h2!.mgmtIp, 'ip netns list');
    expect(other.stdout).not.toContain('web1');
    // And through sudo as the lab user.
    const viaSudo = await ssh(h1!.mgmtIp, 'sudo -n ip netns exec web1 ip -o link show', { user: 'contivlab' });
    expect(viaSudo.code, viaSudo.stderr).toBe(0);
  });

  it('refuses a second container of the same name and names it must be DNS labels', async () => {
    await expect(labRun(CTEST.name, 'h2', 'web1')).rejects.toThrow(UserError);
    await expect(labRun(CTEST.name, 'h2', 'Bad_Name')).rejects.toThrow(/DNS label/);
    await expect(labRun(CTEST.name, 'h9', 'web9')).rejects.toThrow(/no host "h9"/);
  });

  it('runs commands in a container or a host and returns their exit status', async () => {
    expect(await labExec(CTEST.name, 'web1', ['sh', '-c', 'exit 7'], 'ignore')).toBe(7);
    expect(await labExec(CTEST.name, 'h2', ['true'], 'ignore')).toBe(0);
    const host = await execIn('h2', ['hostname']);
    expect(host.stdout.trim()).toBe('h2');
    const { status } = await cli(['exec', '--name', CTEST.name, 'web1', '--', 'sh', '-c', 'exit 3']);
    expect(status).toBe(3);
  });

  it('serves and probes TCP inside containers with the harness helpers', async () => {
    await labRun(CTEST.name, 'h2', 'db1');
    const listener = await startListener('db1', 5432, { bind: '127.0.0.1' });
    try {
      expect(await probe('db1', '127.0.0.1', 5432)).toEqual({ ok: true, reply: 'db1', attempts: 1, outcome: 'answered' });
      // From another container there is no route at all (only loopback): never sent, which the
      // harness does not count as blocked; after one retry, bounded in time.
      const t0 = Date.now();
      const unsent = await probe('web1', '198.19.100.12', 5432, { timeoutMs: 500 });
      expect(unsent).toMatchObject({ ok: false, outcome: 'no-route', attempts: 2 });
      expect(wasBlocked(unsent)).toBe(false);
      await expect(expectBlocked('web1', '198.19.100.12', 5432)).rejects.toThrow(/should be blocked, but the probe ended with no-route/);
      // A namespace that does not exist: the probe could not run, which is an error, never "blocked".
      await expect(probe('no-such-container', '10.1.2.1', 5432)).rejects.toThrow();
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      await listener.stop();
    }
  });

  it('lists hosts and containers with their health', async () => {
    const s = await labStatus(CTEST.name);
    expect(s?.state).toBe('up');
    expect(s?.hosts.map((h) => [h.name, h.healthy])).toEqual(ctestPlan.hosts.map((h) => [h.name, true]));
    expect(s?.containers).toEqual(
      expect.arrayContaining([
        { name: 'web1', host: 'h1', healthy: true },
        { name: 'db1', host: 'h2', healthy: true },
      ]),
    );
    const out = await cli(['status', '--name', CTEST.name, '--json']);
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout).hosts).toHaveLength(3);
    const text = await cli(['status', '--name', CTEST.name]);
    expect(text.stdout).toMatch(/^h1\s+198\.18\.100\.11\s+198\.19\.100\.11\s.*healthy$/m);
  });
});
