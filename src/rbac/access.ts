import type { Model, Principal } from '../model/types.js';
import { fingerprint } from './keys.js';

/*
 * Who may change what, as REF's model says: the Fabric's admins and each tenant's owners. The
 * change under review never widens this: it is read from the base of the pull request only.
 */

export interface Access {
  /** Absent: the Fabric lists no admins, and admin-level changes are open to anyone. */
  admins?: Principal[];
  /** Tenants at REF; a tenant absent here or without owners is open to anyone. */
  owners: Record<string, Principal[] | undefined>;
}

export function accessAt(model: Model): Access {
  const access: Access = { owners: Object.fromEntries(model.tenants.map((t) => [t.name, t.owners])) };
  if (model.fabric.admins !== undefined) access.admins = model.fabric.admins;
  return access;
}

/**
 * git's allowed-signers file (ssh-keygen(1) ALLOWED SIGNERS): one line per listed key, its name
 * as the principal, for git's signatures only. Names and keys are the schema's patterns: no
 * spaces, commas, quotes or line breaks can reach the file.
 */
export function allowedSigners(access: Access): string {
  const all = [...(access.admins ?? []), ...Object.values(access.owners).flatMap((o) => o ?? [])];
  const lines = [...new Set(all.map((p) => `${p.name} namespaces="git" ${p.key}`))];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Fingerprints (as git's %GK) of these principals' keys. */
export function fingerprints(list: readonly Principal[]): Set<string> {
  return new Set(list.map((p) => fingerprint(p.key)).filter((f): f is string => f !== undefined));
}
