import { BRIDGE } from '../compile/pipeline.js';
import type { HostState } from '../state/host-state.js';
import type { AddressChange, Change, Plan } from './types.js';

/*
 * Each host records the commit last applied to it (issue 16), in its bridge's external_ids,
 * written in the same transaction as the changes that commit brings, rolled back with them and
 * restored with them by the dead-man timer. Recording it is not a change: a plan adds it only to
 * a host it changes anyway, so a merge that changes nothing for the hosts plans No changes, and
 * a host left alone keeps naming the older commit it is at.
 */
export const COMMIT_KEY = 'contiv.commit';
/** What a host records after an apply of manifests no commit holds (--allow-dirty): at no commit. */
export const UNCOMMITTED = 'uncommitted';

/** The record a plan of `source` leaves on the hosts it changes; none for a plan that says nothing of its source (tests, benches). */
export function commitRecordOf(source: { commit?: string; uncommitted?: unknown }): string | undefined {
  return source.commit ?? (source.uncommitted !== undefined ? UNCOMMITTED : undefined);
}

/** A host's record as it reads: a commit, `uncommitted`, or nothing (applied before contiv recorded commits). */
export function recordedSource(state: HostState | undefined): string | undefined {
  const value = state?.bridges[BRIDGE]?.externalIds[COMMIT_KEY];
  return value === UNCOMMITTED ? value : recordedCommit(state);
}

const HASH = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

export function isCommitRecord(c: Change): c is AddressChange {
  // Stryker disable next-line ConditionalExpression: only address changes carry a key
  return c.type === 'address' && c.key === COMMIT_KEY;
}

/** The commit a host records, when it records a well-formed one. */
export function recordedCommit(state: HostState | undefined): string | undefined {
  const value = state?.bridges[BRIDGE]?.externalIds[COMMIT_KEY];
  // Stryker disable next-line ConditionalExpression: HASH.test(undefined) reads "undefined", which is no hash
  return value !== undefined && HASH.test(value) ? value : undefined;
}

/**
 * A host's changes, and the record of `commit` with them when there are any and the host keeps
 * its bridge (a plan deleting it takes the record with it).
 */
export function withCommitRecord(host: string, changes: Change[], live: HostState | undefined, commit: string | undefined): Change[] {
  if (commit === undefined || changes.length === 0) return changes;
  const bridgeGoes = changes.some((c) => c.type === 'bridge' && c.bridge === BRIDGE && c.action === 'delete');
  const bridgeStays = live?.bridges[BRIDGE] !== undefined || changes.some((c) => c.type === 'bridge' && c.bridge === BRIDGE && c.action === 'create');
  if (bridgeGoes || !bridgeStays) return changes;
  const record = diffCommit(host, BRIDGE, commit, live?.bridges[BRIDGE]?.externalIds[COMMIT_KEY]);
  return [...changes, ...record.map((r) => ({ ...r, reason: 'the commit these changes come from' }))];
}

/** A state to go back to (a rollback, the dead-man timer's checkpoint) against the host: its commit record back as it was. */
export function diffCommit(host: string, bridge: string, want: string | undefined, have: string | undefined): AddressChange[] {
  if (want === have) return [];
  const action = have === undefined ? 'create' : want === undefined ? 'delete' : 'update';
  return [{ type: 'address', action, host, address: `${host}/commit`, bridge, key: COMMIT_KEY, ...(have !== undefined ? { before: have } : {}), ...(want !== undefined ? { after: want } : {}), reason: 'the commit the host was at' }];
}

/** The plan as a reader counts and reads its changes: without the commit records, which ride along. */
export function withoutCommitRecords(plan: Plan): Plan {
  return { ...plan, hosts: plan.hosts.map((h) => ({ ...h, changes: h.changes.filter((c) => !isCommitRecord(c)) })) };
}
