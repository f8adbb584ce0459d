import { describe, expect, it } from 'vitest';
import { loadPlanCase } from './plan-case.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { serializePlan } from '../../../src/plan/plan-file.js';

/*
 * A plan reads parsed hosts' flows as lists (state/flow-list.ts): no host's record of its
 * flows is made (a record of 1,600 flows is 100 KB; at 1,000 hosts that was a third of a
 * plan's memory). Each case's plan is made, rendered and saved, and every gathered bridge's
 * flows are still unread.
 */

const unread = (bridge: object) => typeof Object.getOwnPropertyDescriptor(bridge, 'flows')?.get === 'function';

describe('a plan leaves parsed flows unread', () => {
  for (const name of ['no-changes', 'network-added', 'flow-modified-by-hand', 'stale-owner-flows', 'host-removed']) {
    it(name, async () => {
      const c = await loadPlanCase(`fixtures/plan/${name}`);
      expect(c.result.plan, name).toBeDefined();
      renderPlanText(c.result.plan!, { color: false });
      serializePlan(c.result.plan!);
      const bridges = Object.values(c.live).flatMap((l) => Object.values(l.state.bridges));
      expect(bridges.length).toBeGreaterThan(0);
      for (const b of bridges) expect([name, b.name, unread(b)]).toEqual([name, b.name, true]);
    });
  }
});
