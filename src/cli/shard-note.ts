import type { Plan } from '../plan/types.js';
import { describeRequest } from '../plan/target.js';

/** The line over a shard's plan: which hosts it covers, chosen how, and what it leaves alone. */
export function shardNote(plan: Plan): string {
  const s = plan.shard!;
  const others = plan.connections.length - s.hosts.length;
  return `Shard (${describeRequest(s)}): ${s.hosts.join(', ')} — ${s.hosts.length} of ${plan.connections.length} hosts.${others ? ` The other ${others === 1 ? 'host was' : `${others} hosts were`} read for ${others === 1 ? 'its' : 'their'} records only and ${others === 1 ? 'is' : 'are'} left as ${others === 1 ? 'it is' : 'they are'}.` : ''}`;
}
