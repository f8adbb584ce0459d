// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { progressAfter, type HostProgress } from '../../../src/render/apply-progress.js';

describe('apply progress rows (what the ink view shows)', () => {
  it('follow the executor events host by host', () => {
    let rows: HostProgress[] = [
      { host: 'h1', changes: 3, status: 'waiting' },
      { host: 'h2', changes: 1, status: 'waiting' },
    ];
    rows = progressAfter(rows, { type: 'host-started', host: 'h1', changes: 3 });
    expect(rows.map((r) => r.status)).toEqual(['applying', 'waiting']);
    rows = progressAfter(rows, { type: 'host-applied', host: 'h1', changes: 3, ms: 420 });
    rows = progressAfter(rows, { type: 'host-started', host: 'h2', changes: 1 });
    rows = progressAfter(rows, { type: 'host-failed', host: 'h2', message: 'h2: apply failed (exit 1)' });
    rows = progressAfter(rows, { type: 'rolled-back', host: 'h2', ok: true });
    expect(rows).toEqual([
      { host: 'h1', changes: 3, status: 'done', ms: 420 },
      { host: 'h2', changes: 1, status: 'rolled back', message: 'h2: apply failed (exit 1)' },
    ]);
  });
});
