import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import { COMMIT_KEY, commitRecordOf, diffCommit, isCommitRecord, recordedCommit, recordedSource, UNCOMMITTED, withCommitRecord, withoutCommitRecords } from '../../../src/plan/commit-record.js';
import type { HostState } from '../../../src/state/host-state.js';
import type { AddressChange, BridgeChange, Change, Plan } from '../../../src/plan/types.js';
import { hostWith } from './records-support.js';

/*
 * The edges of the commit record: what a plan's source records, how a host's record reads
 * (well-formed commits only), when a plan adds it to a host's changes, and the change that puts
 * a record back as it was.
 */

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const SHA256 = '0123456789abcdef'.repeat(4);
const at = (value?: string): HostState => hostWith('h1', value === undefined ? {} : { [COMMIT_KEY]: value }).state;
const fresh: HostState = { host: 'h1', bridges: {} };
const flows: Change = { type: 'flows', action: 'update', host: 'h1', address: 'x', bridge: BRIDGE, owner: 'o', add: [], modify: [], modifyBefore: [], remove: [], reason: '' };
const bridge = (name: string, action: BridgeChange['action']): BridgeChange => ({ type: 'bridge', action, host: 'h1', address: `h1/bridge/${name}`, bridge: name, reason: '' });
const block: AddressChange = { type: 'address', action: 'create', host: 'h1', address: 'h1/block/default/web/10.1.0.0', bridge: BRIDGE, key: 'contiv.block.default.web.10-1-0-0', after: '10.1.0.0-10.1.0.15 pending', reason: '' };

describe('commitRecordOf', () => {
  it("records the commit the manifests are, 'uncommitted' for manifests no commit holds, nothing for a plan that names no source", () => {
    expect(commitRecordOf({ commit: C1 })).toBe(C1);
    expect(commitRecordOf({ uncommitted: { sha256: SHA256, head: C1 } })).toBe(UNCOMMITTED);
    expect(commitRecordOf({})).toBeUndefined();
  });
});

describe("a host's record, as it reads", () => {
  it('a commit of 40 or 64 hex digits reads; anything else does not', () => {
    expect(recordedCommit(at(C1))).toBe(C1);
    expect(recordedCommit(at('c'.repeat(64)))).toBe('c'.repeat(64));
    for (const bad of ['a'.repeat(39), 'a'.repeat(41), 'a'.repeat(63), 'a'.repeat(65), 'A'.repeat(40), 'g'.repeat(40), `x${C1}`, `${C1}x`, `${C1}\n`, ` ${C1}`, '', UNCOMMITTED]) {
      expect(recordedCommit(at(bad)), JSON.stringify(bad)).toBeUndefined();
    }
    expect(recordedCommit(at())).toBeUndefined();
    expect(recordedCommit(fresh)).toBeUndefined();
    expect(recordedCommit(undefined)).toBeUndefined();
  });

  it("as a source: a commit, 'uncommitted', or nothing for a record that reads as neither", () => {
    expect(recordedSource(at(C1))).toBe(C1);
    // The word a host records, as contivs before and after this one read it.
    expect(recordedSource(at('uncommitted'))).toBe('uncommitted');
    expect(recordedSource(at('not-a-hash'))).toBeUndefined();
    expect(recordedSource(at())).toBeUndefined();
    expect(recordedSource(fresh)).toBeUndefined();
    expect(recordedSource(undefined)).toBeUndefined();
  });
});

describe('isCommitRecord', () => {
  it('is the address record of the commit, no other', () => {
    expect(isCommitRecord({ ...block, key: COMMIT_KEY, address: 'h1/commit', after: C1 })).toBe(true);
    expect(isCommitRecord(block)).toBe(false);
    expect(isCommitRecord(flows)).toBe(false);
    expect(isCommitRecord(bridge(BRIDGE, 'update'))).toBe(false);
  });
});

describe('withCommitRecord', () => {
  const record = (action: 'create' | 'update', after: string, before?: string): AddressChange => ({
    type: 'address',
    action,
    host: 'h1',
    address: 'h1/commit',
    bridge: BRIDGE,
    key: COMMIT_KEY,
    ...(before !== undefined ? { before } : {}),
    after,
    reason: 'the commit these changes come from',
  });

  it('is added to a host whose bridge the plan makes, with what else the plan makes on it', () => {
    const make = bridge(BRIDGE, 'create');
    expect(withCommitRecord('h1', [make], fresh, C1)).toStrictEqual([make, record('create', C1)]);
    expect(withCommitRecord('h1', [make], undefined, C1)).toStrictEqual([make, record('create', C1)]);
    expect(withCommitRecord('h1', [make, flows], fresh, C1)).toStrictEqual([make, flows, record('create', C1)]);
  });

  it("is not added where contiv's bridge goes, with what else goes on it", () => {
    const drop = bridge(BRIDGE, 'delete');
    expect(withCommitRecord('h1', [flows, drop], at(C2), C1)).toEqual([flows, drop]);
  });

  it("a block released on contiv's bridge is no bridge going: the record is added", () => {
    const release: AddressChange = { type: 'address', action: 'delete', host: 'h1', address: block.address, bridge: BRIDGE, key: block.key, before: '10.1.0.0-10.1.0.15 claimed', reason: '' };
    expect(withCommitRecord('h1', [release], at(C2), C1)).toEqual([release, record('update', C1, C2)]);
  });

  it('a plan that names no commit leaves the record a host has alone', () => {
    expect(withCommitRecord('h1', [flows], at(C1), undefined)).toEqual([flows]);
    expect(withCommitRecord('h1', [flows], at(UNCOMMITTED), undefined)).toEqual([flows]);
  });

  it("changes to contiv's bridge on a host that lacks it, other than making it, are no bridge to record on", () => {
    const port: Change = { type: 'port', action: 'create', host: 'h1', address: 'h1/endpoint/web-1', bridge: BRIDGE, port: 'web-1', reason: '' };
    expect(withCommitRecord('h1', [port], fresh, C1)).toEqual([port]);
    expect(withCommitRecord('h1', [bridge(BRIDGE, 'update')], fresh, C1)).toEqual([bridge(BRIDGE, 'update')]);
  });

  it("is not added where contiv's bridge is neither there nor made: another bridge made or gone does not count", () => {
    expect(withCommitRecord('h1', [bridge('br-other', 'create')], fresh, C1)).toEqual([bridge('br-other', 'create')]);
    expect(withCommitRecord('h1', [flows], undefined, C1)).toEqual([flows]);
    // Another bridge going does not take contiv's with it.
    expect(withCommitRecord('h1', [bridge('br-other', 'delete')], at(), C1)).toEqual([bridge('br-other', 'delete'), record('create', C1)]);
    // contiv's bridge updated stays.
    expect(withCommitRecord('h1', [bridge(BRIDGE, 'update')], at(), C1)).toEqual([bridge(BRIDGE, 'update'), record('create', C1)]);
  });

  it('names the record it replaces, whatever it was', () => {
    expect(withCommitRecord('h1', [flows], at(C2), C1)).toStrictEqual([flows, record('update', C1, C2)]);
    expect(withCommitRecord('h1', [flows], at(), C1)).toStrictEqual([flows, record('create', C1)]);
    expect(withCommitRecord('h1', [flows], at(UNCOMMITTED), C1)).toEqual([flows, record('update', C1, UNCOMMITTED)]);
    expect(withCommitRecord('h1', [flows], at(C1), UNCOMMITTED)).toEqual([flows, record('update', UNCOMMITTED, C1)]);
    expect(withCommitRecord('h1', [flows], at(UNCOMMITTED), UNCOMMITTED)).toEqual([flows]);
  });
});

describe('diffCommit', () => {
  const change = (action: AddressChange['action'], extra: Partial<AddressChange>): AddressChange => ({ type: 'address', action, host: 'h1', address: 'h1/commit', bridge: 'br-x', key: COMMIT_KEY, ...extra, reason: 'the commit the host was at' });

  it('puts the record back as it was: made, changed back, or removed; nothing where it is as it was', () => {
    expect(diffCommit('h1', 'br-x', C1, C1)).toEqual([]);
    expect(diffCommit('h1', 'br-x', undefined, undefined)).toEqual([]);
    expect(diffCommit('h1', 'br-x', C1, undefined)).toStrictEqual([change('create', { after: C1 })]);
    expect(diffCommit('h1', 'br-x', C1, C2)).toStrictEqual([change('update', { before: C2, after: C1 })]);
    expect(diffCommit('h1', 'br-x', undefined, C2)).toStrictEqual([change('delete', { before: C2 })]);
  });
});

describe('withoutCommitRecords', () => {
  it("leaves every other change and the plan's other fields as they were", () => {
    const rec: AddressChange = { ...block, key: COMMIT_KEY, address: 'h1/commit', after: C1 };
    const plan = { format_version: 3, source: { dir: 'm', commit: C1 }, hosts: [{ host: 'h1', changes: [flows, rec, block] }, { host: 'h2', changes: [] }] } as unknown as Plan;
    expect(withoutCommitRecords(plan)).toEqual({ format_version: 3, source: { dir: 'm', commit: C1 }, hosts: [{ host: 'h1', changes: [flows, block] }, { host: 'h2', changes: [] }] });
    // The plan given is not changed.
    expect(plan.hosts[0]!.changes).toHaveLength(3);
  });
});
