import { canonicalJson } from '../plan/groups.js';
import type { SourcePos } from '../diagnostics/diagnostic.js';
import type { Model, Principal } from '../model/types.js';
import { idKey, type ObjectId } from './identity.js';

/*
 * Which objects a pull request changes: REF's model against the tree's, object by object,
 * matched by identity (kind, tenant, name). The file an object sits in is not part of it, so an
 * object moved to another file or folder, unchanged, is no change; an object whose tenant
 * changes is a delete in the old tenant and a create in the new one (both tenants' concern).
 * Positions are left out of the comparison; a Tenant's owners are compared on their own, as
 * changing them needs an admin.
 */

export type ChangeAction = 'create' | 'update' | 'delete';

export interface ObjectChange {
  id: ObjectId;
  action: ChangeAction;
  /** For a Tenant: its owners differ (needs an admin). For the Fabric, every change is admin-level. */
  ownersChanged: boolean;
  /** For a Tenant whose owners did not change: something else of it did (needs its owners). */
  otherChanged: boolean;
  /** Where the object is in the tree, or was at REF when deleted (`at: 'base'`). */
  source: SourcePos;
  /** Where a Tenant's owners are listed (else where the Tenant is), when they changed. */
  ownersSource?: SourcePos;
  at: 'tree' | 'base';
}

interface Versioned {
  id: ObjectId;
  content: string;
  owners?: string;
  source: SourcePos;
  ownersAt?: SourcePos;
}

function principals(list: Principal[] | undefined): string | undefined {
  return list === undefined ? undefined : canonicalJson(list.map((p) => ({ name: p.name, key: p.key })).sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))));
}

/** The model's objects with the content that decides whether they changed. */
function versions(model: Model): Map<string, Versioned> {
  const out = new Map<string, Versioned>();
  const strip = (value: unknown) => canonicalJson(JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'source' || k === 'at' ? undefined : v))));
  const add = (v: Versioned) => out.set(idKey(v.id), v);
  // The Fabric's file is where it is written, not what it says (its paths are resolved already).
  const { file: _file, ...fabric } = model.fabric;
  add({ id: { kind: 'Fabric', tenant: '', name: '' }, content: strip(fabric), source: model.fabric.source });
  for (const t of model.tenants) {
    const { owners, ...rest } = t;
    const v: Versioned = { id: { kind: 'Tenant', tenant: t.name, name: t.name }, content: strip(rest), source: t.source };
    const o = principals(owners);
    if (o !== undefined) v.owners = o;
    const ownersAt = t.at['spec.owners'];
    if (ownersAt) v.ownersAt = ownersAt;
    add(v);
  }
  for (const n of model.networks) add({ id: { kind: 'Network', tenant: n.tenant, name: n.name }, content: strip(n), source: n.source });
  for (const g of model.groups) add({ id: { kind: 'EndpointGroup', tenant: g.tenant, name: g.name }, content: strip(g), source: g.source });
  for (const p of model.policies) add({ id: { kind: 'Policy', tenant: p.tenant, name: p.name }, content: strip(p), source: p.source });
  return out;
}

/** Every object that differs between REF's model and the tree's, in a stable order. */
export function changedObjects(base: Model, tree: Model): ObjectChange[] {
  const before = versions(base);
  const after = versions(tree);
  const out: ObjectChange[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    const ownersChanged = a.owners !== b?.owners;
    const otherChanged = a.content !== b?.content;
    if (!ownersChanged && !otherChanged) continue;
    const change: ObjectChange = { id: a.id, action: b ? 'update' : 'create', ownersChanged, otherChanged, source: a.source, at: 'tree' };
    if (ownersChanged) change.ownersSource = a.ownersAt ?? a.source;
    out.push(change);
  }
  for (const [key, b] of before) {
    if (after.has(key)) continue;
    out.push({ id: b.id, action: 'delete', ownersChanged: b.owners !== undefined, otherChanged: true, source: b.source, at: 'base' });
  }
  return out.sort((x, y) => (idKey(x.id) < idKey(y.id) ? -1 : idKey(x.id) > idKey(y.id) ? 1 : 0));
}
