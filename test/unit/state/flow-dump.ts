import { parseFlowLine } from '../../../src/state/flow-canonical.js';
import { flowKey, type Flow } from '../../../src/state/host-state.js';
import { decodeCookie } from '../../../src/state/marks.js';

/*
 * Gather captures with contiv0's dump-flows lines replaced, and what those lines give read
 * one by one (the oracle of the tests that read a dump against the last one).
 */

/** `capture` with the body of its `flows contiv0` section made of `lines`. */
export function withFlowLines(capture: string, lines: readonly string[]): string {
  const start = capture.indexOf('@@contiv flows contiv0\n') + '@@contiv flows contiv0\n'.length;
  const end = capture.indexOf('\n@@contiv status', start);
  return `${capture.slice(0, start)}${lines.join('\n')}${capture.slice(end)}`;
}

/** The flow lines of contiv0 in `capture`. */
export function flowLinesOf(capture: string): string[] {
  const start = capture.indexOf('@@contiv flows contiv0\n') + '@@contiv flows contiv0\n'.length;
  return capture.slice(start, capture.indexOf('\n@@contiv status', start)).split('\n');
}

/** The flows each line gives on its own: contiv's by key (not learned ones), foreign keys apart. */
export function flowsAlone(lines: readonly string[]): { flows: Record<string, Flow>; foreign: Record<string, string[]> } {
  const flows: Record<string, Flow> = {};
  const foreign: string[] = [];
  for (const line of lines) {
    const flow = line.includes('actions=') ? parseFlowLine(line) : undefined;
    if (!flow) continue;
    const owner = decodeCookie(flow.cookie);
    if (!owner.ours) foreign.push(flowKey(flow));
    else if (owner.kind !== 'learned') flows[flowKey(flow)] = flow;
  }
  return { flows, foreign: foreign.length ? { contiv0: foreign } : {} };
}
