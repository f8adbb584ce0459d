import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir } from '../../../src/manifest/read-sources.js';
import type { Endpoint } from '../../../src/state/endpoint.js';
import { planProbes, shouldHaveDecided } from '../../../src/verify/expectations.js';
import { parseProbeOutput, probeScript } from '../../../src/verify/probe-script.js';

const model = loadManifests({ files: await readManifestDir('examples/quickstart'), home: '/home/user' }).model!;

function ep(host: string, netns: string, ip: string, group?: string, tenant = 'default'): Endpoint {
  return { host, port: `cv${netns}`, ofport: 4096, tenant, network: 'contiv-net', ip, mac: '02:00:00:00:00:01', netns, ...(group ? { group } : {}) };
}

const endpoints = [
  ep('h1', 'web1', '10.1.2.2', 'web-group'),
  ep('h1', 'web2', '10.1.2.3', 'web-group'),
  ep('h1', 'db1', '10.1.2.4', 'db-group'),
  ep('h2', 'db2', '10.1.2.65', 'db-group'),
  ep('h2', 'blue1', '10.1.2.65', undefined, 'blue'),
  ep('h3', 'blue2', '10.1.2.130', undefined, 'blue'),
];

describe('verify: which probes, and what each should see', () => {
  it('by default one pair per (source group, destination group, same host or across), on the named ports plus one more', () => {
    const probes = planProbes(model, endpoints, false);
    const web1ToDb = probes.filter((p) => p.from.netns === 'web1' && p.to.group === 'db-group');
    // web1 → db1 (same host) and web1 → db2 (across), each on 5432 (rule 2) and 1000 (no rule).
    expect(web1ToDb.map((p) => `${p.to.netns} ${p.probe.protocol}/${p.probe.port} ${p.expected.allowed}`)).toEqual([
      'db1 tcp/1000 false',
      'db1 tcp/5432 true',
      'db2 tcp/1000 false',
      'db2 tcp/5432 true',
    ]);
    // web2 → db-group repeats web1's pairs: not probed again.
    expect(probes.some((p) => p.from.netns === 'web2' && p.to.group === 'db-group')).toBe(false);
  });

  it('--full probes every pair', () => {
    const probes = planProbes(model, endpoints, true);
    expect(probes.filter((p) => p.from.netns === 'web2' && p.to.group === 'db-group')).toHaveLength(4);
  });

  it('probes isolation between tenants only where the address reaches nobody of the source\'s own network', () => {
    const probes = planProbes(model, endpoints, true);
    // db2 and blue1 share 10.1.2.65: from default, that address is db2's; from blue, blue1's.
    expect(probes.some((p) => p.from.tenant === 'default' && p.to.netns === 'blue1')).toBe(false);
    const isolation = probes.find((p) => p.from.netns === 'web1' && p.to.netns === 'blue2')!;
    expect(isolation.expected).toEqual({ allowed: false, reason: 'isolated' });
  });

  it('names the rule that should have decided a mismatch', () => {
    const probes = planProbes(model, endpoints, false);
    const allowed = probes.find((p) => p.to.group === 'db-group' && p.from.group === 'web-group' && p.probe.port === 5432)!;
    expect(shouldHaveDecided(allowed.expected)).toBe('db-policy rule 2 (in, allow, priority 10) should have allowed it');
    const denied = probes.find((p) => p.to.group === 'db-group' && p.from.group === 'web-group' && p.probe.port === 1000)!;
    expect(shouldHaveDecided(denied.expected)).toBe('db-policy rule 1 (in, deny, priority 1) should have denied it');
  });

  it('the probe script quotes every value and its output parses back', () => {
    const probes = planProbes(model, endpoints, false).slice(0, 2);
    const script = probeScript(probes);
    const calls = script.split('\n').filter((l) => l.startsWith('probe '));
    expect(calls).toHaveLength(2);
    for (const [i, call] of calls.entries()) expect(call).toBe(`probe ${i} '/run/netns/${probes[i]!.from.netns}' tcp '${probes[i]!.to.ip}' ${probes[i]!.probe.port} &`);
    expect(parseProbeOutput('R 0 open\nR 1 refused\nR 2 silent\nnoise\n')).toEqual(new Map([[0, 'reachable'], [1, 'reachable'], [2, 'blocked']]));
  });
});
