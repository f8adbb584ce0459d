import { error, warning, type Diagnostic, type SourcePos } from '../diagnostics/diagnostic.js';
import type { Principal } from '../model/types.js';
import { fingerprints, type Access } from './access.js';
import type { ObjectChange } from './changes.js';
import { describeId, idKey } from './identity.js';

/*
 * The decision, pure: the objects a pull request changes, the commits of REF..HEAD with what
 * each touched and what git said of its signature, and who may change what at REF → a
 * refusal per commit and object it may not change, and whose approval each part needs.
 *
 * - A tenant's objects (its networks, groups, policies, and the Tenant itself but for its
 *   owners): every commit that touched them is signed by one of the tenant's owners or an
 *   admin. A tenant without owners at REF is open to anyone (warning tenant-open).
 * - The Fabric, a tenant's owners (the admins are the Fabric's): an admin. A Fabric without
 *   admins at REF leaves these open to anyone (warning fabric-open).
 * - A signer is known by the key git verified (%GK), not by the name: two people of the same
 *   name in two tenants' lists cannot stand in for each other.
 */

/** One commit of REF..HEAD, as git reports it. */
export interface CommitCheck {
  hash: string;
  /** git's unique abbreviation of the hash. */
  short: string;
  /** git's %G?: G good, U good but unknown key, N none, B bad, X/Y expired, R revoked, E cannot check. */
  result: string;
  /** %GS: the principal the allowed-signers file gives the key ('' when none). */
  signer: string;
  /** %GK: the fingerprint of the key that signed ('' when none). */
  key: string;
  /** Identity keys (identity.ts) of the objects the commit touched (touched.ts). */
  touched: string[];
}

export interface DecideInput {
  /** REF as the user gave it, for messages. */
  base: string;
  changes: ObjectChange[];
  commits: CommitCheck[];
  access: Access;
}

/** Whose signature one part of the change needs. */
export interface Approval {
  /** The tenant, or absent for the Fabric-wide part (the Fabric, owners lists). */
  tenant?: string;
  level: 'owners' | 'admins';
  /** Names that may sign it (owners then admins, as at REF); empty when open. */
  signers: string[];
  /** No one is listed at REF: anyone may. */
  open: boolean;
  /** What changed: `Network blue/web (update)`. */
  objects: string[];
  /** Some commit was refused for this part. */
  refused: boolean;
}

export interface Decision {
  diagnostics: Diagnostic[];
  approvals: Approval[];
}

type Need = { level: 'owners'; tenant: string } | { level: 'admins' };

/**
 * The parts of a change and whose signature each needs: a Tenant whose owners and something else
 * change is two parts, its owners (an admin's) and the rest (its owners').
 */
function partsOf(change: ObjectChange): Array<{ need: Need; owners: boolean }> {
  if (change.id.kind === 'Fabric') return [{ need: { level: 'admins' }, owners: false }];
  const rest = { need: { level: 'owners', tenant: change.id.tenant } as Need, owners: false };
  if (change.id.kind !== 'Tenant' || !change.ownersChanged) return [rest];
  const owners = { need: { level: 'admins' } as Need, owners: true };
  return change.otherChanged ? [owners, rest] : [owners];
}

function names(list: readonly Principal[]): string[] {
  return [...new Set(list.map((p) => p.name))];
}

/** What git says of a commit's signature, in words. */
function signedBy(c: CommitCheck): string {
  switch (c.result) {
    case 'G':
      return `is signed by ${c.signer || 'a listed key'}`;
    case 'U':
      return `is signed by an unknown key${c.key ? ` (${c.key})` : ''}`;
    case 'N':
      return 'is not signed';
    case 'B':
      return 'has a bad signature';
    case 'X':
      return 'has an expired signature';
    case 'Y':
      return 'is signed by an expired key';
    case 'R':
      return 'is signed by a revoked key';
    default:
      return `has a signature git cannot check (%G? ${c.result || '?'})`;
  }
}

export function decide(input: DecideInput): Decision {
  const { access, base } = input;
  const diagnostics: Diagnostic[] = [];
  const approvals = new Map<string, Approval>();
  const byObject = new Map<string, CommitCheck[]>();
  for (const c of input.commits) for (const key of c.touched) byObject.set(key, [...(byObject.get(key) ?? []), c]);
  const openWarned = new Set<string>();
  const admins = access.admins ?? [];
  const adminKeys = fingerprints(admins);

  for (const change of input.changes) for (const { need, owners: ownersPart } of partsOf(change)) {
    const owners = need.level === 'owners' ? access.owners[need.tenant] : undefined;
    const open = need.level === 'admins' ? access.admins === undefined : owners === undefined;
    const allowed = need.level === 'owners' ? [...(owners ?? []), ...admins] : admins;
    const what = `${describeId(change.id)}${ownersPart ? "'s owners" : ''}`;
    const at = ownersPart ? (change.ownersSource ?? change.source) : change.source;
    const source: SourcePos = change.at === 'base' ? { ...at, file: `${at.file}@${base}` } : at;

    const scope = need.level === 'owners' ? `${need.level}/${need.tenant}` : 'admins';
    const approval = approvals.get(scope) ?? { ...(need.level === 'owners' ? { tenant: need.tenant } : {}), level: need.level, signers: open ? [] : names(allowed), open, objects: [], refused: false };
    approval.objects.push(`${what} (${change.action})`);
    approvals.set(scope, approval);

    if (open) {
      if (!openWarned.has(scope)) {
        openWarned.add(scope);
        diagnostics.push(
          need.level === 'owners'
            ? warning('tenant-open', `tenant ${need.tenant} has no owners at ${base}: anyone may change its objects (${what} changes)`, source, `list its owners in the Tenant's spec.owners (an admin's signed commit) to require their signatures`)
            : warning('fabric-open', `the Fabric has no admins at ${base}: anyone may change the Fabric and tenants' owners (${what} changes)`, source, "list the admins in the Fabric's spec.admins to require their signatures"),
        );
      }
      continue;
    }

    const commits = byObject.get(idKey(change.id)) ?? [];
    const who = need.level === 'owners' ? `one of the owners of tenant ${need.tenant} (${names(owners ?? []).join(', ')})${admins.length ? ` or an admin (${names(admins).join(', ')})` : ''}` : `an admin (${names(admins).join(', ')})`;
    const hint = `${need.level === 'owners' ? `changes to tenant ${need.tenant}'s objects` : "changes to the Fabric, to the admins and to tenants' owners"} need commits signed by ${who}, as listed at ${base}`;
    if (commits.length === 0) {
      diagnostics.push(error('rbac-no-commit', `${what}${tenantNote(change, need)}: differs from ${base}, but no commit of ${base}..HEAD changes it, so no one signed it`, source, 'commit the change; or, if the branch lacks commits of the base, merge or rebase it onto the base'));
      approval.refused = true;
      continue;
    }
    const allowedKeys = need.level === 'owners' ? new Set([...fingerprints(owners ?? []), ...adminKeys]) : adminKeys;
    for (const c of commits) {
      if (c.result === 'G' && allowedKeys.has(c.key)) continue;
      const notAllowed = c.result === 'G' ? `, who is not ${need.level === 'owners' ? `an owner of tenant ${need.tenant} nor an admin` : 'an admin'} at ${base}` : '';
      diagnostics.push(error('rbac-refused', `${what}${tenantNote(change, need)}: changed by commit ${c.short}, which ${signedBy(c)}${notAllowed}`, source, hint));
      approval.refused = true;
    }
  }
  return { diagnostics, approvals: [...approvals.values()].sort(approvalOrder) };
}

function tenantNote(change: ObjectChange, need: Need): string {
  if (change.id.kind === 'Fabric' || change.id.kind === 'Tenant') return '';
  return need.level === 'owners' ? ` (tenant ${need.tenant})` : '';
}

/** Fabric-wide first, then tenants by name. */
function approvalOrder(a: Approval, b: Approval): number {
  const ka = a.tenant === undefined ? '' : `~${a.tenant}`;
  const kb = b.tenant === undefined ? '' : `~${b.tenant}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
