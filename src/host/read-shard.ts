import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LiveHost } from '../state/host-state.js';
import { forEachHost, type HostOutcome } from './fleet.js';
import { gatherHost, readHostRecords } from './gather.js';
import type { HostTarget, Transport } from './transport.js';

/*
 * What a shard's plan reads (one exec per host, `parallelism` at once):
 *
 *   - its own hosts: the full gather (GATHER_SCRIPT: OVS, flows, links, files, Docker);
 *   - every other host: the small read (RECORDS_SCRIPT: contiv0's external_ids, the ports and
 *     interfaces, /run/netns), never its flows, links, files or Docker.
 *
 * The small read is what planning a shard needs of the others, and all of it: the VNI, group
 * id and zone records (a network new on the shard must get the number the rest of the fleet
 * has or will have, and never one another host still gives an old meaning); the recorded model
 * (what the manifests changed, and the check that no host's endpoints are stranded by it); the
 * address blocks and lent addresses of every host and their endpoints (a block claimed or kept
 * on the shard must overlap no other host's). With it, a shard's plan of its hosts is the plan
 * the whole fleet's would make for them.
 *
 * Always, not only when the shard seems to need it: the VNI/group/zone records of the shard's
 * own hosts would do only while every object is recorded there with one agreed value, but the
 * address plan needs the others every time (a pending claim is confirmed only against every
 * host's blocks; a lent address is kept only while the borrower's endpoint uses it; empty
 * blocks are released when the space runs short fleet-wide; a runtime host's reserve is a new
 * claim). Deciding when the others may be skipped would be a second, subtler planner; the small
 * read costs a connection and a few KB per host (on the lab: 3.7 KB and ~170 ms on a warm
 * connection, against 13 KB and ~250 ms for the full gather of a quickstart host; with 40
 * endpoints on the host 27 KB and 100 ms against 85 KB and 195 ms: the full gather grows with
 * flows and links, the small read only with ports).
 *
 * An unreadable host stops the plan, in or out of the shard, as it does a full plan: without
 * its records a VNI or an address block it holds could be handed out again.
 */

export type ShardRead = { live: Record<string, LiveHost>; diagnostics: Diagnostic[] } | { live?: undefined; diagnostics: Diagnostic[] };

function outcomesToRead(outcomes: readonly HostOutcome<LiveHost>[], why: (host: string) => string): ShardRead {
  const diagnostics: Diagnostic[] = outcomes.flatMap((o) =>
    o.ok
      ? []
      : [
          {
            severity: 'error' as const,
            code: `host-${o.error.kind}`,
            message: `${o.error.message}${why(o.host)}`,
            address: o.host,
            ...(o.error.hint ? { hint: o.error.hint } : {}),
          },
        ],
  );
  if (diagnostics.length) return { diagnostics };
  return { live: Object.fromEntries(outcomes.map((o) => [o.host, (o as { value: LiveHost }).value])), diagnostics };
}

/** The small read of every host (to learn where tenants have endpoints, before selecting). */
export async function readAllRecords(transport: Transport, hosts: readonly HostTarget[], parallelism: number): Promise<ShardRead> {
  return outcomesToRead(await forEachHost(hosts, parallelism, (h) => readHostRecords(transport, h)), () => ' (a tenant selector reads every host\'s records, to find where the tenant has endpoints)');
}

/**
 * The full gather of `covered`, the small read of the others (unless `records` already holds
 * theirs). Every host or nothing, one diagnostic per host that could not be read.
 */
export async function readShard(transport: Transport, hosts: readonly HostTarget[], covered: ReadonlySet<string>, parallelism: number, records: Record<string, LiveHost> = {}): Promise<ShardRead> {
  const outcomes = await forEachHost(hosts, parallelism, async (h) => (covered.has(h.name) ? gatherHost(transport, h) : (records[h.name] ?? readHostRecords(transport, h))));
  return outcomesToRead(outcomes, (h) => (covered.has(h) ? '' : " (not in this shard; its records are read: allocations and address blocks need every host's)"));
}
