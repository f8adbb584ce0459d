import { groupChanges, type ChangeGroup } from '../plan/groups.js';
import type { Plan } from '../plan/types.js';

/*
 * What the text plan shows once and what it shows per host: a change made alike on two or more
 * hosts (src/plan/groups.ts) is shown once with its hosts; every other stays in its host's
 * section, as the host's own. Pure and linear: one pass of groupChanges.
 */

export interface SharedAndOwn {
  /** Changes made alike on several hosts, in the order first met (hosts in plan order, then apply order). */
  shared: ChangeGroup[];
  /** Per host of the plan (its index), per change of it: true when only this host makes it. */
  own: boolean[][];
}

export function splitShared(plan: Pick<Plan, 'hosts'>): SharedAndOwn {
  const grouped = groupChanges(plan);
  return {
    shared: grouped.groups.filter((g) => g.hosts.length > 1),
    own: grouped.hosts.map((h) => h.changes.map((i) => grouped.groups[i]!.hosts.length === 1)),
  };
}
