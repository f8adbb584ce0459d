import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { EndpointGroup, Fabric, Network, Policy, Tenant } from '../../model/types.js';

/**
 * What the semantic rules see: every object that passed its schema, duplicates included
 * (finding them is a rule's job). `broken` names objects whose documents failed their schema,
 * so a reference to them is not reported a second time as unknown.
 */
export interface RuleContext {
  fabrics: Fabric[];
  /** Declared tenants plus the implicit `default` when it is not declared. */
  tenants: Tenant[];
  networks: Network[];
  groups: EndpointGroup[];
  policies: Policy[];
  broken: Set<string>;
  /**
   * False when the Fabric may be among the documents that could not be read (a YAML, envelope
   * or schema error in the file(s) the Fabric comes from): that problem is reported already.
   */
  expectFabric: boolean;
  /** Display path of the `--fabric FILE`, when one is given: the Fabric must come from it. */
  fabricFile?: string;
  /** Folders the Fabric's key and known_hosts files must lie in (a Fabric from the manifest set); absent: anywhere. */
  confineTo?: string[];
}

export type SemanticRule = (ctx: RuleContext) => Diagnostic[];

export function objectKey(kind: string, tenant: string, name: string): string {
  return `${kind}/${tenant}/${name}`;
}

export function where(pos: { file: string; line: number }): string {
  return `${pos.file}:${pos.line}`;
}
