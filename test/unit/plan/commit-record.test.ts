import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMIT_KEY, diffCommit, isCommitRecord, recordedCommit, withCommitRecord, withoutCommitRecords } from '../../../src/plan/commit-record.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { projectState } from '../../../src/plan/project.js';
import { outsideContiv } from '../../../src/plan/ownership.js';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { diffHost } from '../../../src/plan/diff.js';
import { withinPlan } from '../../../src/plan/scope.js';
import { countChanges, type Change } from '../../../src/plan/types.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { loadPlanCase } from './plan-case.js';

/* Each host records the commit last applied to it: with its changes only, rolled back with them. */

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);

async function fleet(caseName: string) {
  const c = await loadPlanCase(join('fixtures/plan', caseName));
  const plan = (commit?: string) => makePlan({ model: c.model, live: c.live, source: { dir: 'manifests', ...(commit ? { commit } : {}) } }).plan!;
  return { c, plan };
}

describe('the commit record', () => {
  it('rides with the changes of each host changed, and says nothing where nothing changes', async () => {
    const { plan } = await fleet('network-added');
    const p = plan(C1);
    for (const h of p.hosts) {
      expect(h.changes.at(-1)).toEqual({ type: 'address', action: 'create', host: h.host, address: `${h.host}/commit`, bridge: 'contiv0', key: COMMIT_KEY, after: C1, reason: 'the commit these changes come from' });
    }
    // Not a change of its own: counted and shown as before, said once.
    expect(countChanges(p)).toEqual(countChanges(plan()));
    const text = renderPlanText(p, { color: false });
    expect(text.split('\n').slice(-2)).toEqual([`The hosts changed record commit ${C1.slice(0, 12)}.`, renderPlanText(plan(), { color: false }).split('\n').at(-1)]);
    expect(text).not.toContain(COMMIT_KEY);
    const quiet = (await fleet('no-changes')).plan(C2);
    expect(quiet.hosts.every((h) => h.changes.length === 0)).toBe(true);
    expect(renderPlanText(quiet, { color: false })).toContain('No changes. The hosts match the manifests.');
  });

  it('a host that records one commit moves to the next; the same commit is not written again', async () => {
    const { c } = await fleet('network-added');
    const live = c.live['h1']!.state;
    const change: Change = { type: 'flows', action: 'update', host: 'h1', address: 'x', bridge: 'contiv0', owner: 'o', add: [], modify: [], modifyBefore: [], remove: [], reason: '' };
    const at1 = projectState(live, withCommitRecord('h1', [change], live, C1));
    expect(recordedCommit(at1)).toBe(C1);
    expect(withCommitRecord('h1', [change], at1, C2).at(-1)).toMatchObject({ action: 'update', before: C1, after: C2 });
    expect(withCommitRecord('h1', [change], at1, C1)).toEqual([change]);
    expect(withCommitRecord('h1', [change], live, undefined)).toEqual([change]);
    expect(withCommitRecord('h1', [], live, C1)).toEqual([]);
    // The bridge goes, or there is none and the plan makes none: nothing to record on.
    const drop: Change = { type: 'bridge', action: 'delete', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', reason: '' };
    expect(withCommitRecord('h1', [drop], live, C1)).toEqual([drop]);
    expect(withCommitRecord('h1', [change], { host: 'h1', bridges: {} }, C1)).toEqual([change]);
    expect(recordedCommit({ host: 'h1', bridges: { contiv0: { ...live.bridges['contiv0']!, externalIds: { [COMMIT_KEY]: 'not-a-hash' } } } })).toBeUndefined();
  });

  it('a state to go back to brings the record back too (rollback, the timer); a compiled host leaves it alone', async () => {
    const { c } = await fleet('no-changes');
    const before = c.live['h1']!.state;
    const ids = before.bridges['contiv0']!.externalIds;
    const at = (commit?: string) => ({ ...before, bridges: { contiv0: { ...before.bridges['contiv0']!, externalIds: { ...ids, ...(commit ? { [COMMIT_KEY]: commit } : {}) } } } });
    const back = diffHost({ state: at(C1), owners: {}, commitRecorded: true }, at(C2));
    expect(back).toEqual(diffCommit('h1', 'contiv0', C1, C2));
    expect(back[0]).toMatchObject({ action: 'update', before: C2, after: C1 });
    expect(diffHost({ state: at(), owners: {}, commitRecorded: true }, at(C2))[0]).toMatchObject({ action: 'delete', before: C2 });
    expect(diffHost({ state: at(), owners: {} }, at(C2))).toEqual([]);
    // Touched by a plan that records it, so verification and rollback look at it.
    const plan = withCommitRecord('h1', [{ type: 'flows', action: 'update', host: 'h1', address: 'x', bridge: 'contiv0', owner: 'o', add: [], modify: [], modifyBefore: [], remove: [], reason: '' }], at(C2), C1);
    expect(withinPlan(back, plan)).toEqual(back);
  });

  it('is a record contiv owns in a saved plan, and no other key passes for it', async () => {
    const { c, plan } = await fleet('network-added');
    const p = plan(C1);
    const back = parsePlan(serializePlan(p)).plan!;
    expect(back.hosts[0]!.changes.filter(isCommitRecord)).toHaveLength(1);
    expect(outsideContiv(c.live['h1']!, back.hosts[0]!.changes)).toEqual([]);
    expect(parsePlan(serializePlan(p).replaceAll('"contiv.commit"', '"contiv.commitx"')).problem).toContain('address record "contiv.commitx"');
    expect(withoutCommitRecords(p).hosts.flatMap((h) => h.changes).some(isCommitRecord)).toBe(false);
  });
});
