import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../src/compile/model-blob.js';
import { recordedModels } from '../../../src/plan/recorded-models.js';
import { fleet } from './records-support.js';

/*
 * The model as last applied, per host: each host's own for the checks that keep its endpoints
 * whole; for what a policy change means, the one most hosts record (or the trusted host's),
 * every host recording another named in a warning.
 */

const ORDER = ['h1', 'h2', 'h3', 'h4'];
const OLD = { 'contiv.net.default.web': '10.1.0.0/24', 'contiv.pol.default.p': '[]', 'contiv.mtu': '1450' };
const NEW = { ...OLD, 'contiv.pol.default.p': '[{"id":"1","direction":"in","priority":1,"protocol":"tcp","action":"deny"}]' };
const HINT = "to work it out from another host's model, plan again with --trust-host NAME";

describe('recordedModels', () => {
  it('works the meaning out from the model most hosts record, naming every host that records another', () => {
    const r = recordedModels(ORDER, fleet({ h1: encodeModel(NEW), h2: encodeModel(OLD), h3: encodeModel(OLD) }));
    expect(r.baseline.policies).toEqual([{ tenant: 'default', name: 'p', rules: [] }]);
    expect(r.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'recorded-models-differ',
        message: 'h1 records another model as last applied than 2 hosts (h2, h3): a partial apply, or records changed on that host. What a policy change means is worked out from the model of 2 hosts (h2, h3)',
        hint: HINT,
        address: 'h1',
      },
    ]);
    // Each host's own model, for its endpoints.
    expect(r.on('h1').policies[0]!.rules).toHaveLength(1);
    expect(r.on('h2').policies[0]!.rules).toEqual([]);
  });

  it('on a tie, goes by the host first in the Fabric, whatever order the hosts were read in', () => {
    const r = recordedModels(ORDER, fleet({ h4: encodeModel(NEW), h2: encodeModel(OLD) }));
    expect(r.baseline.policies[0]!.rules).toEqual([]);
    expect(r.diagnostics.map((d) => d.address)).toEqual(['h4']);
  });

  it("with --trust-host, works it out from the trusted host's model, however few hosts record it", () => {
    const r = recordedModels(ORDER, fleet({ h1: encodeModel(NEW), h2: encodeModel(OLD), h3: encodeModel(OLD) }), 'h1');
    expect(r.baseline.policies[0]!.rules).toHaveLength(1);
    expect(r.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'recorded-models-differ',
        message: '2 hosts (h2, h3) record another model as last applied than h1 (trusted: --trust-host): a partial apply, or records changed on those hosts. What a policy change means is worked out from the model of h1 (trusted: --trust-host)',
      },
    ]);
  });

  it('hosts without a model, or with one contiv cannot read, do not count; they are judged by the model most hosts record', () => {
    const r = recordedModels(ORDER, fleet({ h1: encodeModel(NEW), h2: undefined, h3: { 'contiv.model.0': 'garbage' }, h4: { 'contiv.vni.default.web': '2' } }));
    expect(r.diagnostics).toEqual([]);
    expect(r.on('h2')).toBe(r.baseline);
    expect(r.on('h3')).toBe(r.baseline);
    expect(r.on('h4')).toBe(r.baseline);
    expect(r.baseline.policies[0]!.rules).toHaveLength(1);
  });

  it('the same model written as one key each (older contivs) or compressed is one model', () => {
    const r = recordedModels(ORDER, fleet({ h1: encodeModel(NEW), h2: { ...NEW }, h3: encodeModel(OLD) }));
    expect(r.diagnostics.map((d) => d.address)).toEqual(['h3']);
    expect(r.baseline.policies[0]!.rules).toHaveLength(1);
  });

  it('is empty when no host records a model', () => {
    expect(recordedModels(ORDER, fleet({ h1: undefined })).baseline).toEqual({ networks: [], groups: [], policies: [] });
  });

  it('at a thousand hosts, names the few that differ in one line', () => {
    const order = Array.from({ length: 1000 }, (_, i) => `h${i + 1}`);
    const old = encodeModel(OLD);
    const r = recordedModels(order, fleet(Object.fromEntries(order.map((h) => [h, h === 'h7' || h === 'h8' ? encodeModel(NEW) : old]))));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      '2 hosts (h7, h8) record another model as last applied than 998 hosts (h1–h6, h9–h1000): a partial apply, or records changed on those hosts. What a policy change means is worked out from the model of 998 hosts (h1–h6, h9–h1000)',
    ]);
  });
});
