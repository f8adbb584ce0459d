import { describe, expect, it } from 'vitest';
import { bridgeFlows, flowAt, flowEntries, freezeFlows, lazyFlows } from '../../../src/state/flow-list.js';
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

  it('gives a parsed bridge its flows as lists, the record made only when read, frozen', () => {
    const a = flow(1);
    const b = flow(2);
    const indexed = { keys: ['ka', 'kb'], flows: [a, b], index: new Map([['ka', 0], ['kb', 1]]) };
    const bridge = { name: 'contiv0', flows: {} as Record<string, Flow> };
    lazyFlows(bridge, indexed);
    const unread = () => typeof Object.getOwnPropertyDescriptor(bridge, 'flows')!.get === 'function';
    expect(bridgeFlows(bridge)).toBe(indexed);
    expect(flowAt(bridge, 'kb')).toBe(b);
    expect(flowAt(bridge, 'kc')).toBeUndefined();
    expect(unread()).toBe(true);
    // A copy reads it: the same data, made once.
    expect(structuredClone(bridge)).toStrictEqual({ name: 'contiv0', flows: { ka: a, kb: b } });
    expect(unread()).toBe(false);
    expect(Object.isFrozen(bridge.flows)).toBe(true);
    expect(bridge.flows).toBe(bridge.flows);
    expect(flowEntries(bridge.flows)).toBe(indexed);
    expect(bridgeFlows(bridge)).toBe(indexed);
    expect(flowAt(bridge, 'ka')).toBe(a);
  });

  it('lets a parsed bridge take flows anew, and reads those from then on', () => {
    const bridge = { flows: {} as Record<string, Flow> };
    lazyFlows(bridge, { keys: ['ka'], flows: [flow(1)], index: new Map([['ka', 0]]) });
    const other = { kz: flow(9) };
    bridge.flows = other;
    expect(bridge.flows).toBe(other);
    expect(bridgeFlows(bridge)).toStrictEqual({ keys: ['kz'], flows: [other.kz] });
    expect(flowAt(bridge, 'ka')).toBeUndefined();
    expect(flowAt(bridge, 'kz')).toBe(other.kz);
    const spread = { flows: {} as Record<string, Flow> };
    lazyFlows(spread, { keys: ['ka'], flows: [flow(1)], index: new Map([['ka', 0]]) });
    expect(JSON.parse(JSON.stringify({ ...spread }))).toStrictEqual({ flows: { ka: flow(1) } });
  });

  it('lets a parsed bridge whose flows were read take flows anew', () => {
    const bridge = { flows: {} as Record<string, Flow> };
    lazyFlows(bridge, { keys: ['ka'], flows: [flow(1)], index: new Map([['ka', 0]]) });
    expect(Object.keys(bridge.flows)).toEqual(['ka']);
    const other = { kz: flow(9) };
    bridge.flows = other;
    expect(bridge.flows).toBe(other);
    expect(bridgeFlows(bridge).keys).toEqual(['kz']);
    expect(Object.keys({ ...bridge })).toEqual(['flows']);
  });
});
