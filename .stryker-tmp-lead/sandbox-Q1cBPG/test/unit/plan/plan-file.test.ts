// @ts-nocheck
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

  it('a wrong or missing format_version is refused, saying which', async () => {
    const { plan } = (await loadPlanCase('fixtures/plan/fresh-fabric')).result;
    for (const v of [PLAN_FORMAT_VERSION + 1, 0, '1', null]) {
      const r = parsePlan(JSON.stringify({ ...plan, format_version: v }));
      expect(r.plan).toBeUndefined();
      expect(r.problem).toMatch(/format .* is not supported/);
    }
    const { format_version: _v, ...without } = plan!;
    expect(parsePlan(JSON.stringify(without)).problem).toMatch(/not supported/);
  });

  it('what is not a plan is refused', () => {
    expect(parsePlan('{').problem).toBe('not a contiv plan (not JSON)');
    for (const text of ['null', '[]', '42', '"x"', '{}', '{"hosts":[]}', '{"connections":[]}', '{"hosts":{},"connections":[]}']) {
      expect(parsePlan(text).plan, text).toBeUndefined();
    }
  });
});
