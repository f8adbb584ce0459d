// @ts-nocheck
import { forEachHost } from '../host/fleet.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from '../host/transport.js';
import type { PlannedProbe } from './expectations.js';
import { parseProbeOutput, probeScript, type Observation } from './probe-script.js';

export interface ProbeResult extends PlannedProbe {
  observed: Observation | 'error';
  agree: boolean;
  error?: string;
}

/** Runs every probe from its source host (hosts in parallel) and compares with the expectation. */
export async function runProbes(transport: Transport, hosts: readonly HostTarget[], probes: readonly PlannedProbe[], parallelism: number): Promise<ProbeResult[]> {
  const bySource = new Map<string, PlannedProbe[]>();
  for (const p of probes) bySource.set(p.from.host, [...(bySource.get(p.from.host) ?? []), p]);
  const targets = hosts.filter((h) => bySource.has(h.name));
  const outcomes = await forEachHost(targets, parallelism, async (host) => {
    const r = await transport.exec(host, probeScript(bySource.get(host.name)!), { timeoutMs: 300_000 });
    if (r.code !== 0) throw new HostError(host.name, 'command', `probes failed (exit ${r.code}): ${stderrSummary(r, 1)}`);
    return parseProbeOutput(r.stdout);
  });
  const results: ProbeResult[] = [];
  for (const o of outcomes) {
    for (const p of bySource.get(o.host)!) {
      if (!o.ok) {
        results.push({ ...p, observed: 'error', agree: false, error: o.error.message });
        continue;
      }
      const observed = o.value.get(p.id);
      if (!observed) {
        results.push({ ...p, observed: 'error', agree: false, error: 'no answer from the probe' });
        continue;
      }
      results.push({ ...p, observed, agree: (observed === 'reachable') === p.expected.allowed });
    }
  }
  return results.sort((a, b) => a.id - b.id);
}
