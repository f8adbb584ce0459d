import { describe, expect, it } from 'vitest';
import { fingerprintHost } from '../../../src/state/fingerprint.js';
import { flowKey, type BridgeState, type Flow, type HostState } from '../../../src/state/host-state.js';
import { cookieFor } from '../../../src/state/marks.js';

/*
 * A bridge's flow digest taken against a reference bridge (issue 14): endpoints' flows, which
 * the fingerprint leaves out, inside the runs it takes as sums, and bridges that share only
 * some of their flows with the reference, in any order.
 */

const rule = (i: number): Flow => ({ cookie: cookieFor('rule', `t/p${i % 5}`), table: 40, priority: 100 + i, match: `reg5=${i}`, actions: `goto_table:${50 + (i % 3)}` });
const endpoint = (i: number): Flow => ({ cookie: cookieFor('endpoint', `h1/endpoint/e${i}`), table: 10, priority: 200 + i, match: `in_port=${i}`, actions: `output:${i}` });
const stateOf = (fs: Flow[]): HostState => {
  const b: BridgeState = { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {}, ports: {}, flows: Object.fromEntries(fs.map((f) => [flowKey(f), f])) };
  return { host: 'h1', bridges: { contiv0: b } };
};
const unrelated = stateOf([{ cookie: cookieFor('pipeline', 'pipeline'), table: 99, priority: 1, match: 'reg9=9', actions: 'drop' }]);
/** The fingerprint after a bridge that shares no flow with it: worked out flow by flow. */
const alone = (s: HostState) => {
  fingerprintHost(unrelated);
  return fingerprintHost(s);
};

describe('fingerprint against a reference bridge', () => {
  it('leaves endpoints out whether they are read one by one or inside a run of the reference', () => {
    const rules = Array.from({ length: 40 }, (_, i) => rule(i));
    const eps = Array.from({ length: 40 }, (_, i) => endpoint(i));
    const mixed = rules.flatMap((r, i) => [r, eps[i]!]);
    const onlyRules = alone(stateOf(rules));
    expect(alone(stateOf(mixed))).toBe(onlyRules);
    // The mixed bridge is now the reference: runs of it, endpoints inside, count as their sums.
    expect(fingerprintHost(stateOf(mixed))).toBe(onlyRules);
    expect(fingerprintHost(stateOf(mixed.slice(0, 41)))).toBe(alone(stateOf(rules.slice(0, 21))));
    fingerprintHost(stateOf(mixed));
    expect(fingerprintHost(stateOf(mixed.filter((_, i) => i !== 10 && i !== 31)))).toBe(alone(stateOf(rules.filter((_, i) => i !== 5))));
    // Endpoints only: nothing counted, whichever way.
    const none = alone(stateOf(eps));
    expect(fingerprintHost(stateOf(eps))).toBe(none);
    expect(none).toBe(alone(stateOf([])));
  });

  it('is the same for a bridge that skips one flow of the reference, or has one the reference lacks, at any place', () => {
    const all = Array.from({ length: 30 }, (_, i) => rule(i));
    for (const at of [0, 1, 14, 28, 29]) {
      const skipped = all.filter((_, i) => i !== at);
      const extra = [...all.slice(0, at), rule(1000 + at), ...all.slice(at)];
      const wantSkipped = alone(stateOf(skipped));
      const wantExtra = alone(stateOf(extra));
      expect(wantSkipped).not.toBe(wantExtra);
      fingerprintHost(stateOf(all));
      expect(fingerprintHost(stateOf(skipped))).toBe(wantSkipped);
      fingerprintHost(stateOf(all));
      expect(fingerprintHost(stateOf(extra))).toBe(wantExtra);
    }
    // Two flows of the reference skipped one after another, and the reference's last flows only.
    fingerprintHost(stateOf(all));
    expect(fingerprintHost(stateOf(all.filter((_, i) => i !== 7 && i !== 8)))).toBe(alone(stateOf(all.filter((_, i) => i !== 7 && i !== 8))));
    fingerprintHost(stateOf(all));
    expect(fingerprintHost(stateOf(all.slice(20)))).toBe(alone(stateOf(all.slice(20))));
    fingerprintHost(stateOf(all));
    expect(fingerprintHost(stateOf(all.slice(1, 2)))).toBe(alone(stateOf(all.slice(1, 2))));
  });

  it('sees a flow that differs from the reference in its actions only', () => {
    const all = Array.from({ length: 30 }, (_, i) => rule(i));
    const before = alone(stateOf(all));
    fingerprintHost(stateOf(all));
    const changed = all.map((f, i) => (i === 12 ? { ...f, actions: 'drop' } : f));
    expect(fingerprintHost(stateOf(changed))).not.toBe(before);
    expect(fingerprintHost(stateOf(changed))).toBe(alone(stateOf(changed)));
  });
});

describe('fingerprint as saved in a plan', () => {
  it('is the same value from one version to the next (a saved plan is checked against it)', () => {
    const s = stateOf(Array.from({ length: 6 }, (_, i) => rule(i)));
    const value = alone(s);
    expect(value).toBe(fingerprintHost(s));
    expect(value).toBe('sha256:84da3d260d57386938655a30d3d0c7ee50b99bb60f8f81764ab8526bff187ce7');
  });
});
