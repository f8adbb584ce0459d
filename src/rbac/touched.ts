import { canonicalJson } from '../plan/groups.js';
import { posix } from 'node:path';
import { isKind } from '../manifest/kinds.js';
import { parseYamlFiles } from '../manifest/parse-yaml.js';
import { DEFAULT_TENANT } from '../model/types.js';
import { idKey, type ObjectId } from './identity.js';

/*
 * Which objects one commit touched, from the text of the files it changed, on its side and on
 * each parent's. An object is touched when its documents differ (as data: comments and layout
 * aside) — so a commit that only moves an object to another file does not touch it, and one
 * that edits a file's other objects does not either. A merge touches only what it makes anew:
 * an object that differs from every parent (a conflict resolved, an "evil" merge); what it
 * takes from one side was made, and is checked, in that side's own commits.
 */

/** A file's text at one commit, or absent there. */
export interface FileAt {
  path: string;
  text: string;
}

/** Identity → the document contents (sorted) of the objects in these files. */
export function objectVersions(files: readonly FileAt[]): Map<string, string> {
  const parsed = parseYamlFiles(files.map((f) => ({ path: f.path, absPath: f.path, text: f.text })));
  const found = new Map<string, string[]>();
  for (const doc of parsed.documents) {
    const id = identify(doc.value);
    if (!id) continue;
    // The Fabric's folder is part of what it says: its relative paths resolve against it.
    const content = canonicalJson(id.kind === 'Fabric' ? { folder: posix.dirname(doc.file.path), value: doc.value } : doc.value);
    const key = idKey(id);
    found.set(key, [...(found.get(key) ?? []), content]);
  }
  // A document that does not parse is no object: one that was there before is gone, so touched.
  return new Map([...found].map(([k, v]) => [k, v.sort().join('\n')]));
}

function identify(value: unknown): ObjectId | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { kind, metadata } = value as { kind?: unknown; metadata?: { name?: unknown; tenant?: unknown } };
  if (!isKind(kind)) return undefined;
  if (kind === 'Fabric') return { kind, tenant: '', name: '' };
  const name = metadata?.name;
  if (typeof name !== 'string') return undefined;
  if (kind === 'Tenant') return { kind, tenant: name, name };
  const tenant = metadata?.tenant === undefined ? DEFAULT_TENANT : metadata.tenant;
  return typeof tenant === 'string' ? { kind, tenant, name } : undefined;
}

/** Identity keys whose versions differ between two sides. */
export function differing(before: Map<string, string>, after: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) if (before.get(key) !== after.get(key)) out.add(key);
  return out;
}

/**
 * What a commit touched: `sides` holds, per parent, the files that differ between that parent
 * and the commit, as they are at the parent and at the commit. A root commit has one side with
 * no files before.
 */
export function touchedByCommit(sides: ReadonlyArray<{ before: readonly FileAt[]; after: readonly FileAt[] }>): Set<string> {
  let out: Set<string> | undefined;
  for (const side of sides) {
    const changed = differing(objectVersions(side.before), objectVersions(side.after));
    out = out === undefined ? changed : new Set([...out].filter((k) => changed.has(k)));
  }
  return out ?? new Set();
}
