import { describe, expect, it } from 'vitest';
import { FlowSet } from '../../../src/compile/flow-builder.js';
import { flowEntries } from '../../../src/state/flow-list.js';

/*
 * A FlowSet made from another (a host's from the Fabric's common set, issue 14) copies its
 * keys and flows, in order, and only those: what the other set holds at the time it is made.
 */

const POLICY = { kind: 'rule' as const, address: 'rule/t/p/1' };
const NET = { kind: 'network' as const, address: 'net/t/web' };

describe('FlowSet from another', () => {
  it('holds the same keys in the same order and the same flow objects', () => {
    const common = new FlowSet();
    for (let i = 0; i < 5; i++) common.add(POLICY, 40, 100 + i, [`reg5=${i}`], ['drop']);
    const a = new FlowSet(common);
    const b = new FlowSet(common);
    for (const s of [a, b]) {
      expect(Object.keys(s.flows)).toStrictEqual(Object.keys(common.flows));
      for (const key of Object.keys(common.flows)) expect(s.flows[key]).toBe(common.flows[key]);
    }
    expect(Object.keys(new FlowSet().flows)).toStrictEqual([]);
    expect(Object.keys(new FlowSet(new FlowSet()).flows)).toStrictEqual([]);
  });

  it('sees what the other set gained or lost since a set was last made from it', () => {
    const common = new FlowSet();
    common.add(POLICY, 40, 100, ['reg5=1'], ['drop']);
    const first = new FlowSet(common);
    common.add(NET, 20, 100, ['reg6=1'], ['drop']);
    const second = new FlowSet(common);
    expect(Object.keys(first.flows)).toHaveLength(1);
    expect(Object.keys(second.flows)).toStrictEqual(Object.keys(common.flows));
    expect(Object.keys(second.flows)).toHaveLength(2);
    common.remove([Object.keys(common.flows)[0]!]);
    const third = new FlowSet(common);
    expect(Object.keys(third.flows)).toStrictEqual(Object.keys(common.flows));
    expect(Object.keys(third.flows)).toHaveLength(1);
  });

  it('leaves the other set as it is when the new one changes', () => {
    const common = new FlowSet();
    common.add(POLICY, 40, 100, ['reg5=1'], ['drop']);
    const host = new FlowSet(common);
    host.add(NET, 20, 100, ['reg6=1'], ['drop']);
    host.remove([Object.keys(common.flows)[0]!]);
    expect(Object.keys(common.flows)).toHaveLength(1);
    expect(Object.keys(host.flows)).toHaveLength(1);
    expect(host.owners[Object.values(common.flows)[0]!.cookie]).toBe('rule/t/p/1');
    expect(Object.keys(new FlowSet(common).flows)).toStrictEqual(Object.keys(common.flows));
  });
});

describe('FlowSet: one flow per key', () => {
  it('refuses a second flow with the same key, naming both owners', () => {
    const set = new FlowSet();
    set.add(POLICY, 40, 100, ['reg5=1'], ['drop']);
    expect(() => set.add(NET, 40, 100, ['reg5=1'], ['output:1'])).toThrow(/two flows with key table=40,priority=100,reg5=1 \(owners rule\/t\/p\/1 and net\/t\/web\)/);
    expect(() => new FlowSet(set).add(NET, 40, 100, ['reg5=1'], ['drop'])).toThrow(/two flows/);
  });

  it('hands its flows on frozen, with lists in step with them through adds and removals', () => {
    const common = new FlowSet();
    for (let i = 0; i < 5; i++) common.add(POLICY, 40, 100 + i, [`reg5=${i}`], ['drop']);
    const host = new FlowSet(common);
    host.add(NET, 20, 100, ['reg6=1'], ['drop']);
    host.remove(['table=40,priority=101,reg5=1', 'table=40,priority=103,reg5=3']);
    host.add(POLICY, 40, 101, ['reg5=1'], ['output:2']);
    const flows = host.frozen();
    expect(Object.isFrozen(flows)).toBe(true);
    const { keys, flows: list } = flowEntries(flows);
    expect(keys).toStrictEqual(Object.keys(flows));
    expect(keys).toStrictEqual(['table=40,priority=100,reg5=0', 'table=40,priority=102,reg5=2', 'table=40,priority=104,reg5=4', 'table=20,priority=100,reg6=1', 'table=40,priority=101,reg5=1']);
    expect(list).toStrictEqual(Object.values(flows));
    expect(list[4]!.actions).toBe('output:2');
    // Frozen: no more flows, and the lists stay as they were.
    expect(() => host.add(NET, 20, 101, ['reg6=2'], ['drop'])).toThrow(TypeError);
    expect(flowEntries(flows).keys).toHaveLength(5);
    // The set it was made from goes on, unchanged by the host's.
    expect(Object.keys(common.flows)).toHaveLength(5);
    expect(Object.keys(new FlowSet(common).flows)).toStrictEqual(Object.keys(common.flows));
  });
});
