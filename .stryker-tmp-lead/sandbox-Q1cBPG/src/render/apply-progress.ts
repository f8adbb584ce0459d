// @ts-nocheck
import type { ApplyEvent } from '../apply/execute.js';

/** One host's line in the apply progress display. */
export interface HostProgress {
  host: string;
  changes: number;
  status: 'waiting' | 'applying' | 'done' | 'failed' | 'rolled back' | 'rollback incomplete';
  ms?: number;
  message?: string;
}

/** Pure: the progress rows after one apply event (the ink view only displays these). */
export function progressAfter(rows: readonly HostProgress[], e: ApplyEvent): HostProgress[] {
  if (e.type === 'claims-settled') return [...rows];
  return rows.map((r) => {
    if (r.host !== e.host) return r;
    switch (e.type) {
      case 'host-started':
        return { ...r, status: 'applying' };
      case 'host-applied':
        return { ...r, status: 'done', ms: e.ms };
      case 'host-failed':
        return { ...r, status: 'failed', message: e.message };
      case 'rolled-back':
        return { ...r, status: e.ok ? 'rolled back' : 'rollback incomplete', ...(e.message ? { message: e.message } : {}) };
    }
  });
}
