import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../src/compile/model-blob.js';
import { recordedModels } from '../../../src/plan/recorded-models.js';
import { fleet } from './records-support.js';

/*
 * The edges of recordedModels: which host's model is the baseline on a tie (the Fabric's order,
 * not the names' nor the order hosts were read in), hosts sharing a model named together, and
 * how many other models a warning names.
 */

const OLD = { 'contiv.net.default.web': '10.1.0.0/24', 'contiv.pol.default.p': '[]', 'contiv.mtu': '1450' };
const NEW = { ...OLD, 'contiv.pol.default.p': '[{"id":"1","direction":"in","priority":1,"protocol":"tcp","action":"deny"}]' };
const isNew = (r: ReturnType<typeof recordedModels>) => r.baseline.policies[0]!.rules.length === 1;

describe('recordedModels: the baseline on a tie', () => {
  it("goes by the Fabric's order, not by the hosts' names", () => {
    const r = recordedModels(['h4', 'h3', 'h2', 'h1'], fleet({ h2: encodeModel(NEW), h4: encodeModel(OLD) }));
    expect(isNew(r)).toBe(false);
    expect(r.diagnostics.map((d) => d.address)).toEqual(['h2']);
  });

  it('goes by the Fabric order of the hosts read, whichever host before them was not read', () => {
    const r = recordedModels(['h1', 'h2', 'h3', 'h4'], fleet({ h2: encodeModel(NEW), h3: encodeModel(OLD) }));
    expect(isNew(r)).toBe(true);
    expect(r.diagnostics.map((d) => d.address)).toEqual(['h3']);
  });

  it('hosts the Fabric does not name come after its own, by name, whatever order they were read in', () => {
    expect(isNew(recordedModels([], fleet({ h2: encodeModel(NEW), h1: encodeModel(OLD) })))).toBe(false);
    expect(isNew(recordedModels([], fleet({ h1: encodeModel(OLD), h2: encodeModel(NEW) })))).toBe(false);
    expect(isNew(recordedModels(['h9'], fleet({ h1: encodeModel(OLD), h9: encodeModel(NEW) })))).toBe(true);
  });
});

describe('recordedModels: hosts named', () => {
  it('names together the hosts recording one model, however each wrote it', () => {
    const r = recordedModels(['h1', 'h2', 'h3'], fleet({ h1: encodeModel(NEW), h2: { ...NEW }, h3: encodeModel(OLD) }));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'h3 records another model as last applied than 2 hosts (h1, h2): a partial apply, or records changed on that host. What a policy change means is worked out from the model of 2 hosts (h1, h2)',
    ]);
  });

  it('names ten other models, then how many more', () => {
    // h1 and h2 record the baseline; each host after them another model.
    const hosts = (others: number) => {
      const ids: Record<string, Record<string, string>> = { h1: encodeModel(OLD), h2: encodeModel(OLD) };
      for (let i = 0; i < others; i++) ids[`h${i + 3}`] = encodeModel({ ...OLD, 'contiv.net.default.web': `10.${i + 2}.0.0/24` });
      return ids;
    };
    const order = Array.from({ length: 20 }, (_, i) => `h${i + 1}`);
    const ten = recordedModels(order, fleet(hosts(10))).diagnostics;
    expect(ten.map((d) => d.address)).toEqual(['h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11', 'h12']);
    const eleven = recordedModels(order, fleet(hosts(11))).diagnostics;
    expect(eleven.map((d) => d.address)).toEqual(['h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11', 'h12', undefined]);
    expect(eleven[10]).toEqual({ severity: 'warning', code: 'recorded-models-differ', message: 'and 1 more models, each recorded by other hosts' });
  });
});
