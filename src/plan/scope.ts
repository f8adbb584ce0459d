import type { HostState } from '../state/host-state.js';
import { flowKey } from '../state/host-state.js';
import { bridgeFields } from './diff.js';
import type { Change, FlowsChange } from './types.js';

/*
 * What a plan touches on a host, and what it assumed was there. The executor applies a plan
 * only while the host still is as the plan saw it (for everything the plan touches), and
 * verifies and rolls back only those objects: an endpoint attached meanwhile, or a change by
 * another contiv run, is never undone by this one.
 */

interface Touched {
  bridges: Set<string>;
  ports: Set<string>;
  /** `bridge flowKey` */
  flows: Set<string>;
}

function touched(changes: readonly Change[]): Touched {
  const t: Touched = { bridges: new Set(), ports: new Set(), flows: new Set() };
  for (const c of changes) {
    if (c.type === 'bridge') t.bridges.add(c.bridge);
    else if (c.type === 'port') t.ports.add(`${c.bridge}/${c.port}`);
    else for (const f of [...c.add, ...c.modify, ...c.remove]) t.flows.add(`${c.bridge} ${flowKey(f)}`);
  }
  return t;
}

/** `changes` cut down to the objects `plan` touches (flows by key), dropping what is left empty. */
export function withinPlan(changes: readonly Change[], plan: readonly Change[]): Change[] {
  const t = touched(plan);
  const out: Change[] = [];
  for (const c of changes) {
    if (c.type === 'bridge') {
      if (t.bridges.has(c.bridge)) out.push(c);
    } else if (c.type === 'port') {
      if (t.ports.has(`${c.bridge}/${c.port}`)) out.push(c);
    } else {
      const keep = (f: FlowsChange['add'][number]) => t.flows.has(`${c.bridge} ${flowKey(f)}`);
      const cut: FlowsChange = { ...c, add: c.add.filter(keep), modify: c.modify.filter(keep), modifyBefore: c.modifyBefore.filter(keep), remove: c.remove.filter(keep) };
      if (cut.add.length + cut.modify.length + cut.remove.length > 0) out.push(cut);
    }
  }
  return out;
}

/** Where the host no longer is as the plan saw it, for the objects the plan touches; [] when it still is. */
export function unmetAssumptions(live: HostState, plan: readonly Change[]): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const c of plan) {
    const bridge = live.bridges[c.bridge];
    if (c.type === 'bridge') {
      if (c.action === 'create' ? bridge !== undefined : !bridge || !same(bridgeFields(bridge), c.before)) out.push(c.address);
    } else if (c.type === 'port') {
      const port = bridge?.ports[c.port];
      if (c.action === 'create' ? port !== undefined : !same(port, c.before)) out.push(c.address);
    } else {
      const flows = bridge?.flows ?? {};
      const stale =
        c.remove.some((f) => !same(flows[flowKey(f)], f)) ||
        c.modifyBefore.some((f) => !same(flows[flowKey(f)], f)) ||
        // An add may replace a flow another owner of ours held under the same key; never one of ours with this cookie.
        c.add.some((f) => flows[flowKey(f)]?.cookie === f.cookie);
      if (stale) out.push(c.address);
    }
  }
  return out;
}
