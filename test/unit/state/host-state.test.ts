import { describe, expect, it } from 'vitest';
import { flowKey } from '../../../src/state/host-state.js';

describe('flowKey', () => {
  it('is table, priority and the canonical match', () => {
    expect(flowKey({ table: 10, priority: 100, match: 'dl_dst=02:00:00:00:00:07,metadata=0' })).toBe('table=10,priority=100,dl_dst=02:00:00:00:00:07,metadata=0');
  });

  it('has no trailing comma for a flow that matches everything', () => {
    expect(flowKey({ table: 0, priority: 1, match: '' })).toBe('table=0,priority=1');
  });
});
