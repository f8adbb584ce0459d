import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerPlan } from '../../../src/cli/commands/plan.js';
import { planFleet } from '../../../src/cli/fleet-plan.js';
import type { ExecResult, HostTarget, Transport } from '../../../src/host/transport.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { unknownTrustedHost } from '../../../src/plan/trust.js';
import { fleet, modelOf, network } from './records-support.js';

/*
 * --trust-host NAME names a host of the Fabric; any other name is the user's mistake, said as
 * a diagnostic before any host is read, with the nearest host name when there is one.
 */

const m = modelOf([network('web', '10.1.0.0/24')]);

describe('unknownTrustedHost', () => {
  it('accepts no flag, and a host of the Fabric', () => {
    expect(unknownTrustedHost(m, undefined)).toBeUndefined();
    expect(unknownTrustedHost(m, 'h2')).toBeUndefined();
  });

  it('refuses any other name, offering the nearest host', () => {
    expect(unknownTrustedHost(m, 'h22')).toEqual({ severity: 'error', code: 'trust-host-unknown', message: '--trust-host "h22" is not a host of the Fabric', hint: 'did you mean --trust-host h2?' });
    expect(unknownTrustedHost(m, 'database-server-17')).toEqual({ severity: 'error', code: 'trust-host-unknown', message: '--trust-host "database-server-17" is not a host of the Fabric', hint: "name one of the Fabric's hosts" });
  });
});

describe('a plan with --trust-host', () => {
  it('makePlan refuses an unknown host before reading any record', () => {
    const r = makePlan({ model: m, live: fleet({ h1: {}, h2: {}, h3: {} }), source: { dir: 'm' }, trustHost: 'h9' });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['trust-host-unknown']);
  });

  it('planFleet reads no host for an unknown one', async () => {
    const reads: string[] = [];
    const transport: Transport = {
      exec: async (host: HostTarget): Promise<ExecResult> => {
        reads.push(host.name);
        return { code: 1, stdout: '', stderr: '' };
      },
      hold: () => {
        throw new Error('planning holds no lock');
      },
      close: async () => {},
    };
    const r = await planFleet(m, transport, { parallelism: 4, source: { dir: 'm' }, bundles: { cni: 'c'.repeat(64), docker: 'd'.repeat(64) }, trustHost: 'nope' });
    expect(r).toEqual({ ok: false, diagnostics: [expect.objectContaining({ code: 'trust-host-unknown' })] });
    expect(reads).toEqual([]);
  });

  it('contiv plan takes --trust-host NAME', () => {
    const program = new Command();
    registerPlan(program, () => {});
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    expect(plan.options.find((o) => o.long === '--trust-host')?.flags).toBe('--trust-host <name>');
  });
});
