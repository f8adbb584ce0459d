import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LiveHost } from '../state/host-state.js';
import { GatherParseError, parseGatherOutput } from '../state/parse/live-host.js';
import { forEachHost, type HostOutcome } from './fleet.js';
import { GATHER_SCRIPT, GATHER_SCRIPT_LOCK_HELD, RECORDS_SCRIPT } from './gather-script.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from './transport.js';

/** Binaries without which contiv cannot read a host at all (the rest are needed by apply). */
const NEEDED_FOR_GATHER = ['ovs-vsctl', 'ovs-ofctl', 'ip'];

/**
 * One exec on one host → its LiveHost. Throws HostError naming the host and the cause.
 * `lockHeld`: the caller holds the host's lock (the apply executor), so the read must not wait for it.
 */
export async function gatherHost(transport: Transport, host: HostTarget, options: { lockHeld?: boolean } = {}): Promise<LiveHost> {
  const result = await transport.exec(host, options.lockHeld ? GATHER_SCRIPT_LOCK_HELD : GATHER_SCRIPT);
  if (result.code !== 0) {
    throw new HostError(host.name, 'command', `gather failed (exit ${result.code}): ${stderrSummary(result, 1)}`);
  }
  let live: LiveHost;
  try {
    live = parseGatherOutput(host.name, result.stdout);
  } catch (e) {
    if (e instanceof GatherParseError) throw new HostError(host.name, 'command', `gather: ${e.message}`);
    throw e;
  }
  const missing = live.facts.missing.filter((b) => NEEDED_FOR_GATHER.includes(b));
  if (missing.length > 0) {
    throw new HostError(host.name, 'missing-binary', `${missing.join(', ')} not found on the host`, 'install Open vSwitch (Debian: openvswitch-switch) and iproute2');
  }
  if (!live.facts.vswitchdRunning) {
    throw new HostError(host.name, 'command', 'ovs-vswitchd is not running (no pidfile names a live ovs-vswitchd)', 'start Open vSwitch on the host');
  }
  return live;
}

/**
 * The small read (RECORDS_SCRIPT): contiv's bridge with its records, ports and namespaces,
 * without flows or links. Flows and facts of the result are empty.
 */
export async function readHostRecords(transport: Transport, host: HostTarget): Promise<LiveHost> {
  const result = await transport.exec(host, RECORDS_SCRIPT);
  if (result.code !== 0) throw new HostError(host.name, 'command', `read failed (exit ${result.code}): ${stderrSummary(result, 1)}`);
  return parseRecordsOutput(host, result.stdout);
}

/** RECORDS_SCRIPT's output (run on its own, or inside a held lock script) → LiveHost. */
export function parseRecordsOutput(host: HostTarget, output: string): LiveHost {
  try {
    return parseGatherOutput(host.name, output);
  } catch (e) {
    if (e instanceof GatherParseError) throw new HostError(host.name, 'command', `read: ${e.message}`);
    throw e;
  }
}

/** Gathers every host, `parallelism` at once; unreachable hosts are reported, the others still gathered. */
export function gatherFleet(transport: Transport, hosts: readonly HostTarget[], parallelism: number): Promise<HostOutcome<LiveHost>[]> {
  return forEachHost(hosts, parallelism, (host) => gatherHost(transport, host));
}

/**
 * Every host or nothing: commands that plan (allocations need the whole fleet) get the live
 * state of all hosts, or one diagnostic per host that could not be read, naming it.
 */
export async function gatherAll(transport: Transport, hosts: readonly HostTarget[], parallelism: number): Promise<{ live?: Record<string, LiveHost>; diagnostics: Diagnostic[] }> {
  const outcomes = await gatherFleet(transport, hosts, parallelism);
  const diagnostics: Diagnostic[] = outcomes.flatMap((o) =>
    o.ok ? [] : [{ severity: 'error' as const, code: `host-${o.error.kind}`, message: o.error.message, address: o.host, ...(o.error.hint ? { hint: o.error.hint } : {}) }],
  );
  if (diagnostics.length) return { diagnostics };
  return { live: Object.fromEntries(outcomes.map((o) => [o.host, (o as { value: LiveHost }).value])), diagnostics };
}
