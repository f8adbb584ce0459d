import { describe, expect, it } from 'vitest';
import { flowEntries, freezeFlows } from '../../../src/state/flow-list.js';
import type { Flow } from '../../../src/state/host-state.js';

const flow = (priority: number): Flow => ({ cookie: 'c1', table: 40, priority, match: `reg5=${priority}`, actions: 'drop' });

describe('flow lists', () => {
  it('lists a record that can change anew each time: what it holds now, in its order', () => {
    const record: Record<string, Flow> = { a: flow(1), b: flow(2) };
    expect(flowEntries(record)).toStrictEqual({ keys: ['a', 'b'], flows: [record['a'], record['b']] });
    delete record['a'];
    record['c'] = flow(3);
    expect(flowEntries(record)).toStrictEqual({ keys: ['b', 'c'], flows: [record['b'], record['c']] });
    expect(Object.isFrozen(record)).toBe(false);
  });

  it('freezes a record and keeps the lists it is given, or its own', () => {
    const given = { a: flow(1), b: flow(2) };
    const entries = { keys: ['a', 'b'], flows: [given.a, given.b] };
    expect(freezeFlows(given, entries)).toBe(given);
    expect(Object.isFrozen(given)).toBe(true);
    expect(flowEntries(given)).toBe(entries);
    expect(() => {
      (given as Record<string, Flow>)['c'] = flow(3);
    }).toThrow(TypeError);
    const own = freezeFlows({ x: flow(4) });
    expect(flowEntries(own)).toStrictEqual({ keys: ['x'], flows: [own['x']] });
    expect(flowEntries(own)).toBe(flowEntries(own));
  });
});
