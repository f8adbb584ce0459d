/*
 * An object's identity for who may change it: kind, tenant and name — never the file it is in.
 * A Tenant is its own tenant's object; the Fabric is one per manifest set, whatever its name.
 */

export type ObjectKind = 'Fabric' | 'Tenant' | 'Network' | 'EndpointGroup' | 'Policy';

export interface ObjectId {
  kind: ObjectKind;
  /** The tenant the object belongs to (a Tenant: itself); '' for the Fabric. */
  tenant: string;
  /** '' for the Fabric. */
  name: string;
}

export function idKey(id: ObjectId): string {
  return `${id.kind}/${id.tenant}/${id.name}`;
}

/** How plan names the object: `Network blue/contiv-net`, `Tenant blue`, `the Fabric`. */
export function describeId(id: ObjectId): string {
  if (id.kind === 'Fabric') return 'the Fabric';
  if (id.kind === 'Tenant') return `Tenant ${id.name}`;
  return `${id.kind} ${id.tenant}/${id.name}`;
}
