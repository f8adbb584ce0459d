// @ts-nocheck
export const API_VERSION = 'contiv.io/v1';

export const KINDS = ['Fabric', 'Tenant', 'Network', 'EndpointGroup', 'Policy'] as const;
export type Kind = (typeof KINDS)[number];

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** File name of each kind's JSON Schema in schemas/. */
export const SCHEMA_FILES: Record<Kind, string> = {
  Fabric: 'fabric.schema.json',
  Tenant: 'tenant.schema.json',
  Network: 'network.schema.json',
  EndpointGroup: 'endpointgroup.schema.json',
  Policy: 'policy.schema.json',
};
