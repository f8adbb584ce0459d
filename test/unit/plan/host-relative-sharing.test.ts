import { describe, expect, it } from 'vitest';
import { groupChanges } from '../../../src/plan/groups.js';
import { toHostRelative } from '../../../src/plan/host-relative.js';
import type { BridgeChange, Change, FlowsChange } from '../../../src/plan/types.js';
import type { Flow } from '../../../src/state/host-state.js';

/*
 * Host-relative changes share what they leave as it was (issue 14: the changes of a thousand
 * hosts share their Flow objects), and grouping reads a shared object or a long text once:
 * the groups are what writing everything out again gives.
 */

const flow = (priority: number): Flow => ({ cookie: 'c1', table: 40, priority, match: `reg5=${priority}`, actions: 'drop' });
const flows = (host: string, add: Flow[]): FlowsChange => ({ type: 'flows', action: 'update', host, address: `${host}/flows/net/t/web`, bridge: 'contiv0', owner: 'net/t/web', add, modify: [], modifyBefore: [], remove: [], reason: `${add.length} to add` });
const bridge = (host: string, model: string): BridgeChange => ({
  type: 'bridge',
  action: 'update',
  host,
  address: `${host}/bridge/contiv0`,
  bridge: 'contiv0',
  before: { externalIds: { 'contiv.addr': `${host}/bridge/contiv0`, 'contiv.model.0': `${model}a` } },
  after: { externalIds: { 'contiv.addr': `${host}/bridge/contiv0`, 'contiv.model.0': `${model}b` } },
  reason: 'records',
});

describe('host-relative changes', () => {
  it('keep the objects they leave as they were, and copy only what holds the host', () => {
    const add = [flow(1), flow(2)];
    const change = flows('h1', add);
    const relative = toHostRelative(change) as Omit<FlowsChange, 'host'>;
    expect(relative.add).toBe(add);
    expect(relative.remove).toBe(change.remove);
    expect(relative.address).toBe('{host}/flows/net/t/web');
    const b = bridge('h1', 'x'.repeat(300));
    const rb = toHostRelative(b) as Omit<BridgeChange, 'host'>;
    expect(rb.after!.externalIds['contiv.addr']).toBe('{host}/bridge/contiv0');
    expect(rb.after!.externalIds['contiv.model.0']).toBe(b.after!.externalIds['contiv.model.0']);
    // The host's own change is as it was.
    expect(b.after!.externalIds['contiv.addr']).toBe('h1/bridge/contiv0');
    expect(b.address).toBe('h1/bridge/contiv0');
    expect(change.address).toBe('h1/flows/net/t/web');
  });

  it('group alike the same objects, equal copies, and equal long texts made apart; a text that differs apart', () => {
    const shared = [flow(1), flow(2)];
    const long = 'm'.repeat(5_000);
    const plan = {
      hosts: [
        { host: 'h1', fingerprint: '', changes: [flows('h1', shared), bridge('h1', long)] as Change[] },
        { host: 'h2', fingerprint: '', changes: [flows('h2', shared), bridge('h2', Buffer.from(long).toString())] as Change[] },
        { host: 'h3', fingerprint: '', changes: [flows('h3', shared.map((f) => ({ ...f }))), bridge('h3', `${long.slice(1)}n`)] as Change[] },
        { host: 'h4', fingerprint: '', changes: [flows('h4', [flow(1), { ...flow(2), actions: 'output:1' }]), bridge('h4', long)] as Change[] },
      ],
    };
    const grouped = groupChanges(plan);
    expect(grouped.groups.map((g) => g.hosts)).toEqual([['h1', 'h2', 'h3'], ['h1', 'h2', 'h4'], ['h3'], ['h4']]);
    expect(grouped.hosts.map((h) => h.changes)).toEqual([[0, 1], [0, 1], [0, 2], [3, 1]]);
  });

  it('rewrite the host inside arrays and nested objects, as arrays, and leave the host\'s change as it was', () => {
    const same = ['b', 'c'];
    const change = { type: 'port', action: 'update', host: 'h1', address: 'h1/port/x', list: ['h1/a', 'b', { k: ['h1/c', 'd'] }, 7, null, true], same, n: 3, none: null } as unknown as Change;
    const relative = toHostRelative(change) as unknown as Record<string, unknown>;
    expect(relative).toStrictEqual({ type: 'port', action: 'update', address: '{host}/port/x', list: ['{host}/a', 'b', { k: ['{host}/c', 'd'] }, 7, null, true], same, n: 3, none: null });
    expect(Array.isArray(relative['list'])).toBe(true);
    expect(relative['same']).toBe(same);
    expect((change as unknown as Record<string, unknown>)['list']).toStrictEqual(['h1/a', 'b', { k: ['h1/c', 'd'] }, 7, null, true]);
  });

  it('group changes equal but for the order their keys were set in', () => {
    const a = bridge('h1', 'x');
    const b = bridge('h2', 'x');
    b.after = { externalIds: { 'contiv.model.0': 'xb', 'contiv.addr': 'h2/bridge/contiv0' } };
    const reordered = { reason: b.reason, bridge: b.bridge, after: b.after, before: b.before, address: b.address, host: b.host, action: b.action, type: b.type } as BridgeChange;
    const grouped = groupChanges({ hosts: [{ host: 'h1', fingerprint: '', changes: [a] }, { host: 'h2', fingerprint: '', changes: [reordered] }] });
    expect(grouped.groups.map((g) => g.hosts)).toEqual([['h1', 'h2']]);
  });

  it('group long changes of one length by what they say: alike together, each other one apart', () => {
    // Flood lists: every host's names every peer but itself, all of one length (20,000 characters here).
    const peers = Array.from({ length: 500 }, (_, i) => `set_field:198.19.${100 + (i >> 8)}.${100 + (i % 100)}->tun_dst,`);
    const flood = (skip: number) => peers.filter((_, i) => i !== skip).join('');
    const hosts = Array.from({ length: 30 }, (_, i) => ({ host: `h${i + 1}`, fingerprint: '', changes: [flows(`h${i + 1}`, [{ cookie: 'c9', table: 70, priority: 50, match: '', actions: flood(i % 25) }])] as Change[] }));
    expect(new Set(hosts.map((h) => (h.changes[0] as FlowsChange).add[0]!.actions.length)).size).toBe(1);
    const grouped = groupChanges({ hosts });
    expect(grouped.groups).toHaveLength(25);
    expect(grouped.groups[0]!.hosts).toEqual(['h1', 'h26']);
    expect(grouped.groups[24]!.hosts).toEqual(['h25']);
    // The model as applied, in every host's bridge change: one text for all, whichever host wrote it.
    const model = 'z'.repeat(20_000);
    const alike = groupChanges({ hosts: ['h1', 'h2', 'h3'].map((h) => ({ host: h, fingerprint: '', changes: [bridge(h, Buffer.from(model).toString())] as Change[] })) });
    expect(alike.groups.map((g) => g.hosts)).toEqual([['h1', 'h2', 'h3']]);
  });
});
