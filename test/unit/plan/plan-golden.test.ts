import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostScript } from '../../../src/apply/script.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { serializePlan } from '../../../src/plan/plan-file.js';
import { projectState } from '../../../src/plan/project.js';
import { countChanges, type Plan } from '../../../src/plan/types.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import type { LiveHost } from '../../../src/state/host-state.js';
import { caseNames } from '../compile/case-support.js';
import { expectGolden } from '../golden.js';
import { CNI_TEST_BUNDLE } from '../compile/case-support.js';
import type { HostState } from '../../../src/state/host-state.js';
import { loadPlanCase } from './plan-case.js';

/*
 * One folder per case under fixtures/plan/ (layout in plan-case.ts). Goldens: `plan.txt`
 * (the plan as the user reads it) and `plan.json` (the saved plan), or `diagnostics.txt` when
 * the plan is refused. `npm run golden:update` rewrites them; review the diff.
 */
const ROOT = 'fixtures/plan';

function planJson(plan: Plan): string {
  return serializePlan(plan).replaceAll(process.cwd(), '<repo>');
}

describe('plan (golden)', () => {
  const cases = caseNames(ROOT);
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README (one line: what this case checks)`);
      const c = await loadPlanCase(dir);
      const { plan, diagnostics } = c.result;
      const diagText = diagnostics.map((d) => `${d.severity} ${d.code}${d.address ? ` [${d.address}]` : ''}: ${d.message}`).join('\n');
      if (c.spec.expectCodes) expect(diagnostics.map((d) => d.code).sort()).toEqual(c.spec.expectCodes);
      else expect(diagnostics, diagText).toEqual([]);

      if (!plan) {
        expectGolden(join(dir, 'diagnostics.txt'), `${diagText}\n`);
        for (const f of ['plan.txt', 'plan.json']) if (existsSync(join(dir, f))) throw new Error(`${name}: ${f} exists but the plan is refused; delete it`);
        return;
      }
      if (existsSync(join(dir, 'diagnostics.txt')) && diagnostics.length === 0) throw new Error(`${name}: diagnostics.txt exists but there are none; delete it`);
      if (diagnostics.length) expectGolden(join(dir, 'diagnostics.txt'), `${diagText}\n`);
      expectGolden(join(dir, 'plan.txt'), `${renderPlanText(plan, { color: false })}\n`);
      expectGolden(join(dir, 'plan.json'), planJson(plan));

      for (const host of plan.hosts) {
        // Flow changes never go through replace-flows (it would delete flows that are not ours).
        expect(hostScript(host.changes, { 'contiv-cni': { content: 'the bundle', sha256: CNI_TEST_BUNDLE.pluginSha256 } })).not.toContain('replace-flows');
      }

      // Applying the plan converges: the projected states, with the blocks it claimed settled (as
      // apply settles them once every host is applied), plan to no changes.
      const projected: Record<string, LiveHost> = Object.fromEntries(
        Object.entries(c.live).map(([h, l]) => [h, { ...l, state: settled(projectState(l.state, plan.hosts.find((p) => p.host === h)?.changes ?? [])) }]),
      );
      const again = makePlan({ model: c.model, live: projected, source: { dir: 'manifests' }, cni: CNI_TEST_BUNDLE });
      expect(again.plan && countChanges(again.plan), `${name}: the plan applied twice`).toEqual({ add: 0, change: 0, destroy: 0 });
      // And the projected state is exactly the desired one.
      for (const h of c.model.fabric.hosts) expect(projected[h.name]!.state, `${name}/${h.name}`).toEqual(settled(asGathered(c.result.desired![h.name]!.state)));

      // Unmanaged objects never appear in a plan.
      const unmanaged = Object.values(c.live).flatMap((l) => [...l.unmanaged.bridges, ...l.unmanaged.ports.map((p) => p.split('/')[1]!)]);
      for (const host of plan.hosts) {
        for (const ch of host.changes) {
          const touched = ch.type === 'port' ? ch.port : ch.type === 'file' ? ch.path : ch.type === 'docker-network' ? ch.name : ch.type === 'docker-plugin' ? ch.address : ch.bridge;
          if (ch.type !== 'flows') expect(unmanaged, `${name}: ${ch.address}`).not.toContain(touched);
        }
      }
      // A golden of a case that no longer matches its files is stale.
      for (const f of readdirSync(dir)) if (!['README', 'case.json', 'manifests', 'before', 'live', 'plan.txt', 'plan.json', 'diagnostics.txt'].includes(f)) throw new Error(`${name}: unexpected file ${f}`);
    });
  }
});

/** A host's state once apply settled the blocks it claimed (pending → claimed). */
function settled(state: HostState): HostState {
  const out = structuredClone(state);
  for (const b of Object.values(out.bridges)) for (const [k, v] of Object.entries(b.externalIds)) if (k.startsWith('contiv.block.')) b.externalIds[k] = v.replace(/ pending$/, ' claimed');
  return out;
}

/** A desired state as gather would read it back: files by hash and mode, without their content. */
function asGathered(state: HostState): HostState {
  if (!state.files) return state;
  return { ...state, files: Object.fromEntries(Object.entries(state.files).map(([p, f]) => [p, { path: f.path, sha256: f.sha256, mode: f.mode }])) };
}
