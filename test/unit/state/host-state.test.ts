import { describe, expect, it } from 'vitest';
import { flowKey, sharedFlow, type Flow } from '../../../src/state/host-state.js';
import { FlowSet } from '../../../src/compile/flow-builder.js';
import { parseFlowLine, formatFlow } from '../../../src/state/flow-canonical.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { gatherText } from '../../../src/state/parse/gather-text.js';
import { readFileSync } from 'node:fs';

describe('flowKey', () => {
  it('is table, priority and the canonical match', () => {
    expect(flowKey({ table: 10, priority: 100, match: 'dl_dst=02:00:00:00:00:07,metadata=0' })).toBe('table=10,priority=100,dl_dst=02:00:00:00:00:07,metadata=0');
  });

  it('has no trailing comma for a flow that matches everything', () => {
    expect(flowKey({ table: 0, priority: 1, match: '' })).toBe('table=0,priority=1');
  });
});

describe('sharedFlow', () => {
  const flow = (over: Partial<Flow> = {}): Flow => ({ cookie: 'c101000000000001', table: 5, priority: 100, match: 'metadata=7', actions: 'drop', ...over });

  it('gives the first of equal flows, and another flow for any field that differs', () => {
    const first = sharedFlow(flow({ priority: 4242 }));
    expect(sharedFlow(flow({ priority: 4242 }))).toBe(first);
    for (const over of [{ cookie: 'c101000000000002' }, { table: 6 }, { priority: 4243 }, { match: 'metadata=8' }, { actions: 'goto_table:10' }]) {
      const other = sharedFlow(flow({ priority: 4242, ...over }));
      expect(other).not.toBe(first);
      expect(other).toEqual(flow({ priority: 4242, ...over }));
    }
  });

  it('keeps no flood list (one per host)', () => {
    const long = flow({ priority: 4244, actions: Array.from({ length: 300 }, (_, i) => `output:${i + 1}`).join(',') });
    expect(sharedFlow(long)).toBe(long);
    expect(sharedFlow({ ...long })).not.toBe(long);
  });

  it('makes the compiler and the parser hold the same object for the same flow', () => {
    const set = new FlowSet();
    set.add({ kind: 'pipeline', address: 'pipeline' }, 30, 190, ['ct_state=+trk+est'], ['output:NXM_NX_REG3[0..15]']);
    const compiled = Object.values(set.flows)[0]!;
    expect(parseFlowLine(` ${formatFlow(compiled)}`)).toEqual(compiled);
    const capture = readFileSync('fixtures/probes/gather/contiv-bridge-10k-flows.txt', 'utf8');
    const live = parseGatherOutput('h2', capture);
    const again = parseGatherOutput('h2', gatherText({ ...live, state: { ...live.state, bridges: { contiv0: { ...live.state.bridges['contiv0']!, flows: { ...live.state.bridges['contiv0']!.flows, [flowKey(compiled)]: compiled } } } } }));
    expect(again.state.bridges['contiv0']!.flows[flowKey(compiled)]).toBe(compiled);
  });
});
