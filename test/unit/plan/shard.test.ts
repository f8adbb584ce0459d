import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePlan, type PlanInput } from '../../../src/plan/make-plan.js';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { projectState } from '../../../src/plan/project.js';
import { countChanges, type Plan } from '../../../src/plan/types.js';
import { RECORDS_SCRIPT } from '../../../src/host/gather-script.js';
import type { HostState, LiveHost } from '../../../src/state/host-state.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { CNI_TEST_BUNDLE, gatherText } from '../compile/case-support.js';
import { loadPlanCase, type PlanCase } from './plan-case.js';

/*
 * A shard's plan (makePlan with `cover`), on the plan cases of fixtures/plan: its hosts fully
 * gathered, every other host as the small read (RECORDS_SCRIPT) sees it. It plans its hosts
 * exactly as the whole fleet's plan does, touches no other host, keeps the fleet's refusals,
 * and shards applied one after the other converge as one full apply does.
 */

const ROOT = 'fixtures/plan';

/** The sections the small read prints (bridges, ports, interfaces, netns), taken from the script itself. */
const RECORD_SECTIONS = new Set([...RECORDS_SCRIPT.matchAll(/section ([a-z-]+)/g)].map((m) => m[1]!));

/** What the small read of a host would give: its gather text cut to the small read's sections, parsed. */
export function smallRead(host: string, l: LiveHost): LiveHost {
  const out: string[] = [];
  let keep = false;
  for (const line of gatherText({ state: l.state, facts: l.facts }).split('\n')) {
    const m = /^@@contiv (\S+)/.exec(line);
    if (m && m[1] !== 'status') keep = RECORD_SECTIONS.has(m[1]!);
    if (keep) out.push(line);
  }
  return parseGatherOutput(host, out.join('\n'));
}

function shardInput(c: PlanCase, live: Record<string, LiveHost>, hosts: readonly string[]): PlanInput {
  const view = Object.fromEntries(Object.entries(live).map(([h, l]) => [h, hosts.includes(h) ? l : smallRead(h, l)]));
  return { model: c.model, live: view, source: { dir: 'manifests' }, cni: CNI_TEST_BUNDLE, cover: { hosts, target: [...hosts], exclude: [] } };
}

/** A host's state once apply settled the blocks it claimed (pending → claimed). */
function settled(state: HostState): HostState {
  const out = structuredClone(state);
  for (const b of Object.values(out.bridges)) for (const [k, v] of Object.entries(b.externalIds)) if (k.startsWith('contiv.block.')) b.externalIds[k] = v.replace(/ pending$/, ' claimed');
  return out;
}

/** `live` after applying `plan` (its hosts only), as re-gathered. */
function applied(live: Record<string, LiveHost>, plan: Plan): Record<string, LiveHost> {
  return Object.fromEntries(Object.entries(live).map(([h, l]) => {
    const hp = plan.hosts.find((p) => p.host === h);
    return [h, hp ? { ...l, state: settled(projectState(l.state, hp.changes)) } : l];
  }));
}

const PLANNED = ['cni-file-edited-by-hand', 'cni-runtime-added', 'drift-bridge-and-tunnel', 'flow-deleted-by-hand', 'flow-modified-by-hand', 'foreign-and-unmanaged', 'fresh-fabric', 'host-added', 'host-removed', 'network-added', 'network-removed', 'no-changes', 'stale-owner-flows', 'tunnel-remote-ip-changed', 'vni-range-changed-unused'];

describe('a shard plan (makePlan with cover)', () => {
  for (const name of PLANNED) {
    it(`${name}: each shard plans its hosts as the full plan does, and only them`, async () => {
      const c = await loadPlanCase(join(ROOT, name));
      const full = c.result.plan!;
      expect(full, name).toBeDefined();
      const names = c.model.fabric.hosts.map((h) => h.name);
      for (const hosts of [...names.map((h) => [h]), names.slice(0, 2), names.slice(1)]) {
        const { plan, desired, diagnostics } = makePlan({ ...shardInput(c, c.live, hosts), keepDesired: true });
        expect(diagnostics.filter((d) => d.severity === 'error'), `${name} ${hosts}`).toEqual([]);
        // Compiled and planned: its hosts only, each exactly as in the full plan.
        expect(Object.keys(desired!)).toEqual(hosts);
        expect(plan!.hosts.map((h) => h.host)).toEqual(hosts);
        expect(plan!.hosts, `${name} ${hosts}`).toEqual(full.hosts.filter((h) => hosts.includes(h.host)));
        expect(plan!.shard).toEqual({ target: hosts, exclude: [], hosts });
        // Still how to reach every host (apply settles its claims reading all of them), and the fleet's meaning.
        expect(plan!.connections).toEqual(full.connections);
        expect(plan!.meaning).toEqual(full.meaning);
      }
    });
  }

  it('a host outside the shard is neither compiled nor checked for its own facts (the small read has none)', async () => {
    // fleet-checks: every host's underlay is wrong; a shard of h1 is refused for h1's alone.
    const c = await loadPlanCase(join(ROOT, 'fleet-checks'));
    expect(c.result.diagnostics.map((d) => d.address).sort()).toEqual(['h1', 'h2', 'h3']);
    const { plan, diagnostics } = makePlan(shardInput(c, c.live, ['h1']));
    expect(plan).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.address])).toEqual([['vtep-not-on-ovs', 'h1']]);
  });

  for (const name of ['group-in-use', 'network-in-use', 'vni-range-changed']) {
    it(`${name}: the fleet's refusal stops every shard, with or without the endpoints in it`, async () => {
      const c = await loadPlanCase(join(ROOT, name));
      for (const h of c.model.fabric.hosts.map((x) => x.name)) {
        const { plan, diagnostics } = makePlan(shardInput(c, c.live, [h]));
        expect(plan, `${name} ${h}`).toBeUndefined();
        expect(diagnostics.map((d) => d.code).sort()).toEqual(c.spec.expectCodes);
      }
    });
  }

  for (const name of ['fresh-fabric', 'network-added', 'host-added', 'cni-runtime-added', 'network-removed', 'drift-bridge-and-tunnel']) {
    it(`${name}: shard A applied, then shard B planned and applied, converge as one full apply does`, async () => {
      const c = await loadPlanCase(join(ROOT, name));
      const names = c.model.fabric.hosts.map((h) => h.name);
      const a = names.slice(0, 1);
      const b = names.slice(1);
      const planA = makePlan(shardInput(c, c.live, a)).plan!;
      const afterA = applied(c.live, planA);
      // Shard B is planned after A applied: it reads A's hosts (their records) as they are now.
      const planB = makePlan(shardInput(c, afterA, b)).plan!;
      expect(planB.hosts.map((h) => h.host)).toEqual(b);
      const afterB = applied(afterA, planB);
      const again = makePlan({ model: c.model, live: afterB, source: { dir: 'manifests' }, cni: CNI_TEST_BUNDLE }).plan!;
      expect(countChanges(again)).toEqual({ add: 0, change: 0, destroy: 0 });
      const once = applied(c.live, c.result.plan!);
      for (const h of names) expect(afterB[h]!.state, `${name}/${h}`).toEqual(once[h]!.state);
    });
  }
});

describe('shards of a CI matrix, planned at the same moment', () => {
  for (const name of ['fresh-fabric', 'network-added', 'host-added', 'cni-runtime-added', 'vni-range-changed-unused']) {
    it(`${name}: planned in parallel from the same hosts, applied one after the other in any order, converge as one full apply does`, async () => {
      const c = await loadPlanCase(join(ROOT, name));
      const names = c.model.fabric.hosts.map((h) => h.name);
      const shards = names.map((h) => makePlan(shardInput(c, c.live, [h])).plan!);
      const once = applied(c.live, c.result.plan!);
      for (const order of [shards, [...shards].reverse()]) {
        const after = order.reduce((live, plan) => applied(live, plan), c.live);
        for (const h of names) expect(after[h]!.state, `${name}/${h}`).toEqual(once[h]!.state);
      }
    });
  }
});

describe('a shard plan saved and read back', () => {
  it('says which hosts it covers, and a file whose record disagrees with its hosts is refused', async () => {
    const c = await loadPlanCase(join(ROOT, 'network-added'));
    const plan = makePlan(shardInput(c, c.live, ['h2'])).plan!;
    expect(parsePlan(serializePlan(plan))).toEqual({ plan });
    const tampered = (edit: (p: Record<string, unknown>) => void) => {
      const p = JSON.parse(serializePlan(plan)) as Record<string, unknown>;
      edit(p);
      return parsePlan(JSON.stringify(p)).problem;
    };
    expect(tampered((p) => ((p.shard as { hosts: string[] }).hosts = ['h1']))).toMatch(/^refused: shard \(its hosts are not the hosts the plan covers\)/);
    expect(tampered((p) => (p.shard = 'h2'))).toMatch(/^refused: shard \(not a list/);
    expect(tampered((p) => ((p.shard as { target: unknown }).target = [1]))).toMatch(/^refused: shard/);
    expect(tampered((p) => delete p.shard)).toBeUndefined();
  });

  it('the small read has no flows, links or files: what the shard tests give the others is what the host gives', async () => {
    const c = await loadPlanCase(join(ROOT, 'cni-runtime-added'));
    const small = smallRead('h1', c.live.h1!);
    expect(Object.values(small.state.bridges).flatMap((b) => Object.keys(b.flows))).toEqual([]);
    expect(small.facts.links).toEqual([]);
    expect(small.state.files).toEqual({});
    expect(small.state.bridges.contiv0!.externalIds).toEqual(c.live.h1!.state.bridges.contiv0!.externalIds);
  });
});
