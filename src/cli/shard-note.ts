import type { Plan } from '../plan/types.js';
import { describeRequest } from '../plan/target.js';

/** The line over a shard's plan: which hosts it covers, chosen how, and that it leaves the others alone. */
export function shardNote(plan: Plan): string {
  const s = plan.shard!;
  const others = plan.connections.length - s.hosts.length;
  const rest = others === 0 ? '' : others === 1 ? '; the other host is neither planned nor changed' : `; the other ${others} are neither planned nor changed`;
  return `Shard (${describeRequest(s)}): ${s.hosts.join(', ')} — ${s.hosts.length} of ${plan.connections.length} hosts${rest}.`;
}
