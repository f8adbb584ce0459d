import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { formatFlow, parseFlowLine } from '../../../src/state/flow-canonical.js';
import { flowKey, type Flow } from '../../../src/state/host-state.js';
import { cookieFor } from '../../../src/state/marks.js';
import { flowsAlone, withFlowLines } from './flow-dump.js';
import { bridgeFlows, flowAt, flowEntries, type IndexedFlows } from '../../../src/state/flow-list.js';

/*
 * A bridge's flows read line by line against the bridge's last dump (issue 14): a flood list
 * longer than any line kept, lines that are no flows (short and long), foreign flows, and
 * dumps read one after another, each giving what its lines give on their own.
 */

const capture = readFileSync('fixtures/probes/gather/flow-variety.txt', 'utf8');
const withBody = (lines: string[]) => withFlowLines(capture, lines);

const NET = cookieFor('network', 'net/t/web');
const RULE = cookieFor('rule', 'rule/t/p/1');
const flood = (n: number, skip: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i !== skip).map((i) => `set_field:198.19.${i >> 8}.${i & 255}->tun_dst,output:9`).join(',');
const line = (f: Flow) => ` ${formatFlow(f)}`;
const rules = Array.from({ length: 12 }, (_, i) => line({ cookie: RULE, table: 40, priority: 100 + i, match: `reg5=${i}`, actions: 'drop' }));
const floodLine = (skip: number) => line({ cookie: NET, table: 20, priority: 15, match: 'reg6=1', actions: flood(120, skip) });
const foreign = ' cookie=0x1, priority=1 actions=drop';
const notFlows = ['', 'NXST_FLOW reply (xid=0x4):', 'x'];

const alone = flowsAlone;

/** The lists a parsed record keeps (state/flow-list.ts) are its keys and flows, in its order; the record is frozen. */
const expectListed = (record: Record<string, Flow>) => {
  expect(Object.isFrozen(record)).toBe(true);
  const { keys, flows } = flowEntries(record);
  expect(keys).toStrictEqual(Object.keys(record));
  expect(flows).toStrictEqual(Object.values(record));
  for (let i = 0; i < keys.length; i++) expect(flows[i]).toBe(record[keys[i]!]);
};

describe('flow lines read against the last dump of the bridge', () => {
  it('reads a flood list longer than any line kept, on its own and after another host', () => {
    for (const skip of [3, 4, 3]) {
      const lines = [...rules.slice(0, 6), floodLine(skip), ...rules.slice(6)];
      expect(floodLine(skip).length).toBeGreaterThan(2_000);
      const live = parseGatherOutput('h1', withBody(lines));
      const want = alone(lines);
      expect(live.state.bridges['contiv0']!.flows).toStrictEqual(want.flows);
      expect(Object.keys(live.state.bridges['contiv0']!.flows)).toHaveLength(13);
      expectListed(live.state.bridges['contiv0']!.flows);
    }
  });

  it('reads lines that are no flows, and foreign flows, in place, moved, or one line off', () => {
    const variants: string[][] = [
      [notFlows[1]!, ...rules.slice(0, 4), foreign, notFlows[0]!, ...rules.slice(4), notFlows[2]!],
      [notFlows[1]!, ...rules.slice(0, 4), foreign, notFlows[0]!, ...rules.slice(4), notFlows[2]!],
      [...rules.slice(0, 4), foreign, notFlows[0]!, ...rules.slice(4), notFlows[2]!],
      [notFlows[1]!, notFlows[1]!, ...rules.slice(0, 4), foreign, notFlows[0]!, ...rules.slice(4), notFlows[2]!],
      [notFlows[2]!, ...rules.slice(1, 4), notFlows[2]!, foreign, ...rules.slice(4)],
      [...rules.slice(6), foreign, ...rules.slice(0, 6)],
      [foreign, rules[0]!, foreign.replace('priority=1', 'priority=2'), rules[1]!],
    ];
    for (let round = 0; round < 2; round++) {
      for (const lines of variants) {
        const live = parseGatherOutput('h1', withBody(lines));
        const want = alone(lines);
        expect(live.state.bridges['contiv0']!.flows).toStrictEqual(want.flows);
        expect(Object.keys(live.state.bridges['contiv0']!.flows)).toStrictEqual(Object.keys(want.flows));
        expect(live.unmanaged.flowKeys).toStrictEqual(want.foreign);
        expectListed(live.state.bridges['contiv0']!.flows);
      }
    }
  });

  it('gives a flow read from the last dump the same object the first read gave', () => {
    const first = parseGatherOutput('h1', withBody(rules)).state.bridges['contiv0']!.flows;
    const again = parseGatherOutput('h2', withBody(rules.slice(1))).state.bridges['contiv0']!.flows;
    for (const key of Object.keys(again)) expect(again[key]).toBe(first[key]);
  });

  it('keeps lists equal to the record through dumps alike, one line off, and two lines of one canonical flow', () => {
    // Two lines, one flow once canonical (the match's fields in another order): the record keeps the last.
    const twice = [rules[0]!, line({ cookie: RULE, table: 40, priority: 7, match: 'ip,nw_src=10.0.0.1,reg5=1', actions: 'drop' }), rules[1]!, line({ cookie: RULE, table: 40, priority: 7, match: 'reg5=1,ip,nw_src=10.0.0.1', actions: 'output:3' }), rules[2]!];
    const dumps: string[][] = [
      [...rules.slice(0, 6), floodLine(3), ...rules.slice(6)],
      [...rules.slice(0, 6), floodLine(4), ...rules.slice(6)],
      [...rules.slice(0, 6), floodLine(5), ...rules.slice(6)],
      [...rules.slice(0, 6), floodLine(5), ...rules.slice(6, 11)],
      [...rules.slice(0, 6), floodLine(6), ...rules.slice(6)],
      [...rules.slice(0, 6), foreign, floodLine(6), ...rules.slice(6)],
      [...rules.slice(1, 6), floodLine(6), ...rules.slice(6)],
      twice,
      twice,
      [...rules.slice(0, 6), floodLine(3), ...rules.slice(6)],
    ];
    for (const lines of dumps) {
      const flows = parseGatherOutput('h1', withBody(lines)).state.bridges['contiv0']!.flows;
      expect(flows).toStrictEqual(alone(lines).flows);
      expectListed(flows);
    }
    const last = parseGatherOutput('h1', withBody(twice)).state.bridges['contiv0']!.flows;
    expect(Object.keys(last)).toHaveLength(4);
    expect(last['table=40,priority=7,ip,nw_src=10.0.0.1,reg5=1']?.actions).toBe('output:3');
  });

  it('lets hosts with the same flow keys share one list and one index of them, and makes no record', () => {
    const parse = (host: string, lines: string[]) => parseGatherOutput(host, withBody(lines)).state.bridges['contiv0']!;
    const one = parse('h1', [...rules.slice(0, 6), floodLine(3), ...rules.slice(6)]);
    const two = parse('h2', [...rules.slice(0, 6), floodLine(4), ...rules.slice(6)]);
    const listed = (b: typeof one) => bridgeFlows(b) as IndexedFlows;
    expect(listed(two).keys).toBe(listed(one).keys);
    expect(listed(two).index).toBe(listed(one).index);
    expect(listed(two).flows).not.toBe(listed(one).flows);
    expect(flowAt(two, flowKey(parseFlowLine(floodLine(4))!))!.actions).toBe(parseFlowLine(floodLine(4))!.actions);
    const three = parse('h3', [...rules.slice(0, 6), floodLine(5), ...rules.slice(7)]);
    expect(listed(three).keys).not.toBe(listed(one).keys);
    expect(listed(three).keys).toHaveLength(12);
    expect([...listed(three).index.keys()]).toStrictEqual(listed(three).keys);
    expect(flowAt(three, flowKey(parseFlowLine(rules[6]!)!))).toBeUndefined();
    expect(flowAt(three, flowKey(parseFlowLine(rules[7]!)!))).toBe(parseGatherOutput('h4', withBody(rules)).state.bridges['contiv0']!.flows[flowKey(parseFlowLine(rules[7]!)!)]);
    // Nothing read the records.
    for (const b of [one, two, three]) expect(typeof Object.getOwnPropertyDescriptor(b, 'flows')!.get).toBe('function');
  });

  it('reads a flow list that is the last one cut short, and a bridge without a flows section as no flows', () => {
    const parse = (host: string, lines: string[]) => parseGatherOutput(host, withBody(lines)).state.bridges['contiv0']!;
    parse('h1', rules);
    const short = parse('h2', rules.slice(0, 8));
    expect(bridgeFlows(short).keys).toStrictEqual(rules.slice(0, 8).map((l) => flowKey(parseFlowLine(l)!)));
    expect(flowAt(short, flowKey(parseFlowLine(rules[7]!)!))).toBe(parseFlowLine(rules[7]!) && flowAt(parse('h3', rules), flowKey(parseFlowLine(rules[7]!)!)));
    expect(flowAt(short, flowKey(parseFlowLine(rules[8]!)!))).toBeUndefined();
    const stopped = parseGatherOutput('h3', readFileSync('fixtures/probes/gather/vswitchd-stopped.txt', 'utf8'));
    for (const b of Object.values(stopped.state.bridges)) {
      expect(bridgeFlows(b)).toMatchObject({ keys: [], flows: [] });
      expect(b.flows).toStrictEqual({});
    }
    expect(Object.keys(stopped.state.bridges).length).toBeGreaterThan(0);
  });

  it('says which bridge a failed flow dump was of', () => {
    const failed = withBody(['ovs-ofctl: contiv0: failed to connect to socket']).replace(/(@@contiv flows contiv0\n[^\n]*\n+@@contiv status) 0/, '$1 1');
    expect(failed).toContain('@@contiv status 1');
    expect(() => parseGatherOutput('h1', failed)).toThrow(/^flows contiv0: dump-flows failed \(exit 1\): ovs-ofctl: contiv0: failed to connect/);
  });

  it('keeps each host its own long external_ids values, equal or not to the last host\'s', () => {
    const withNote = (note: string) => capture.replace('[["contiv.owner","contiv"]', `[["contiv.note","${note}"],["contiv.owner","contiv"]`);
    const x = 'x'.repeat(3_000);
    const y = `${'x'.repeat(2_999)}y`;
    const note = (host: string, text: string) => parseGatherOutput(host, withNote(text)).state.bridges['contiv0']!.externalIds['contiv.note'];
    expect(note('h1', x)).toBe(x);
    expect(note('h2', y)).toBe(y);
    expect(note('h3', y)).toBe(y);
    expect(note('h4', x)).toBe(x);
    expect(note('h5', 'short')).toBe('short');
  });
});
