import { canonicalActions, canonicalMatch } from '../state/flow-canonical.js';
import { flowKey, sharedFlow, type Flow } from '../state/host-state.js';
import { freezeFlows } from '../state/flow-list.js';
import { cookieFor, type FlowOwnerKind } from '../state/marks.js';

/** Who owns a set of flows: its cookie says so on the host, its address says so in the plan. */
export interface FlowOwner {
  kind: FlowOwnerKind;
  address: string;
}

/**
 * Collects the flows of one bridge in canonical form, each under its owner's cookie, and the
 * cookie → owner address map the plan uses to name flow groups.
 */
export class FlowSet {
  readonly flows: Record<string, Flow>;
  /**
   * Owner address by cookie, for lookups only: a set made from another inherits that one's
   * owners through the prototype chain (thousands of policy owners, not copied for each of a
   * thousand hosts), so Object.keys and friends do not list them all.
   */
  readonly owners: Record<string, string>;

  /**
   * The keys and flows of `flows` in its order, kept in step with it: a set made from this one
   * copies them without spreading an object of 1,600 keys, for each of 1,000 hosts, and the
   * frozen record hands them on (state/flow-list.ts).
   */
  private readonly keys: string[];
  private readonly list: Flow[];

  /** Empty, or starting with the flows of `from` (shared, not copied: flows are never changed in place). */
  constructor(from?: FlowSet) {
    this.flows = {};
    this.keys = from ? from.keys.slice() : [];
    this.list = from ? from.list.slice() : [];
    for (let i = 0; i < this.keys.length; i++) this.flows[this.keys[i]!] = this.list[i]!;
    this.owners = from ? (Object.create(from.owners) as Record<string, string>) : {};
  }

  add(owner: FlowOwner, table: number, priority: number, match: readonly string[], actions: readonly string[]): void {
    this.addCanonical(owner, table, priority, canonicalMatch(match), canonicalActions(actions.join(',')));
  }

  /** For match and actions already in canonical form (built from canonical parts). */
  addCanonical(owner: FlowOwner, table: number, priority: number, match: string, actions: string): void {
    const cookie = cookieFor(owner.kind, owner.address);
    this.owners[cookie] = owner.address;
    const flow = sharedFlow({ cookie, table, priority, match, actions });
    const key = flowKey(flow);
    if (this.flows[key]) throw new Error(`compile produced two flows with key ${key} (owners ${this.owners[this.flows[key]!.cookie]} and ${owner.address})`);
    // The record first: once frozen it refuses, and the lists stay as they were.
    this.flows[key] = flow;
    this.keys.push(key);
    this.list.push(flow);
  }

  /** Takes flows out by key (a shared network's, replaced by the host's own). Their owners stay known. */
  remove(keys: readonly string[]): void {
    for (const key of keys) delete this.flows[key];
    let kept = 0;
    // Stryker disable next-line EqualityOperator: one past the end has no key and no flow: nothing kept
    for (let i = 0; i < this.keys.length; i++) {
      if (this.flows[this.keys[i]!] === undefined) continue;
      this.keys[kept] = this.keys[i]!;
      this.list[kept++] = this.list[i]!;
    }
    this.keys.length = kept;
    this.list.length = kept;
  }

  /** The flows, frozen (state/flow-list.ts): the set takes no more flows. */
  frozen(): Record<string, Flow> {
    return freezeFlows(this.flows, { keys: this.keys, flows: this.list });
  }

  /**
   * Like add, but a flow that another owner already installed with the same match, priority
   * and actions is kept as it is (two policies of one group may hold the same rule): the
   * switch can hold only one flow per match and priority, and either owner's is right.
   */
  addShared(owner: FlowOwner, table: number, priority: number, match: readonly string[], actions: readonly string[]): void {
    const probe: Flow = { cookie: '', table, priority, match: canonicalMatch(match), actions: canonicalActions(actions.join(',')) };
    const existing = this.flows[flowKey(probe)];
    if (existing && existing.actions === probe.actions) return;
    this.add(owner, table, priority, match, actions);
  }
}

export const ZONE_FIELD = 'NXM_NX_REG6[0..15]';
export const OUT_PORT_FIELD = 'NXM_NX_REG3[0..15]';
