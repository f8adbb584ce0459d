import { describe, expect, it } from 'vitest';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { PLAN_FORMAT_VERSION } from '../../../src/plan/types.js';
import { loadPlanCase } from './plan-case.js';

describe('plan files', () => {
  it('round trip: a saved plan reads back equal', async () => {
    for (const name of ['fresh-fabric', 'flow-modified-by-hand', 'host-removed', 'no-changes']) {
      const { plan } = (await loadPlanCase(`fixtures/plan/${name}`)).result;
      const text = serializePlan(plan!);
      expect(text.endsWith('\n')).toBe(true);
      const back = parsePlan(text);
      expect(back.problem).toBeUndefined();
      expect(back.plan).toEqual(plan);
      expect(serializePlan(back.plan!)).toBe(text);
    }
  });

  it('a plan of an older format is refused as made by an older contiv; a newer or unknown one says so too', async () => {
    const { plan } = (await loadPlanCase('fixtures/plan/fresh-fabric')).result;
    const doc = JSON.parse(serializePlan(plan!));
    for (const v of [1, 2]) expect(parsePlan(JSON.stringify({ ...doc, format_version: v }))).toEqual({ problem: `made by an older contiv (plan format ${v}; this contiv reads ${PLAN_FORMAT_VERSION}); run contiv plan again` });
    expect(parsePlan(JSON.stringify({ ...doc, format_version: PLAN_FORMAT_VERSION + 1 })).problem).toMatch(/^made by a newer contiv \(plan format 4; this contiv reads 3\)/);
    for (const v of ['3', null, 'x']) expect(parsePlan(JSON.stringify({ ...doc, format_version: v })).problem, String(v)).toMatch(/^plan format .* is not supported \(this contiv reads 3\); run contiv plan again$/);
    const { format_version: _v, ...without } = doc;
    expect(parsePlan(JSON.stringify(without)).problem).toMatch(/not supported/);
  });

  it('a plan saved in format 2 (per host, before this contiv) reads as made by an older contiv, not as damaged', () => {
    const v2 = { format_version: 2, source: { dir: 'm' }, connections: [], hosts: [{ host: 'h1', fingerprint: 'f', changes: [{ type: 'bridge', action: 'create', host: 'h1', address: 'h1/bridge/contiv0', bridge: 'contiv0', reason: '' }] }], meaning: [], addresses: [], diagnostics: [] };
    expect(parsePlan(JSON.stringify(v2)).problem).toBe('made by an older contiv (plan format 2; this contiv reads 3); run contiv plan again');
  });

  it('what is not a plan is refused', () => {
    expect(parsePlan('{').problem).toBe('not a contiv plan (not JSON)');
    for (const text of ['null', '[]', '42', '"x"', '{}', '{"hosts":[]}', '{"connections":[]}', '{"hosts":{},"connections":[]}']) {
      expect(parsePlan(text).plan, text).toBeUndefined();
    }
  });
});
