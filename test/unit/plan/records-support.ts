import { loadManifests } from '../../../src/manifest/load.js';
import type { Model } from '../../../src/model/types.js';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import type { LiveHost } from '../../../src/state/host-state.js';
import { defaultFacts } from '../compile/case-support.js';

/*
 * For the tests of what hosts record (allocations, blocks, the model as applied): a model from
 * YAML documents over a Fabric of N hosts h1…hN, and live hosts holding given external_ids on
 * contiv's bridge and nothing else.
 */

export const fabricOf = (n: number, vniRange = '1-10000') =>
  [
    'apiVersion: contiv.io/v1',
    'kind: Fabric',
    'metadata: { name: lab }',
    'spec:',
    `  vniRange: ${vniRange}`,
    '  ssh: { user: root, knownHostsFile: /k/known_hosts }',
    '  hosts:',
    ...Array.from({ length: n }, (_, i) => `    - { name: h${i + 1}, address: 198.18.${(i + 11) >> 8}.${(i + 11) & 255}, vtep: 198.19.${(i + 11) >> 8}.${(i + 11) & 255} }`),
  ].join('\n');

export function modelOf(docs: string[], hosts = 3, vniRange?: string): Model {
  const files = [fabricOf(hosts, vniRange), ...docs].map((text, i) => ({ path: `m${i}.yaml`, absPath: `/m/m${i}.yaml`, text }));
  const result = loadManifests({ files, home: '/home/user' });
  if (!result.model) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return result.model;
}

export const network = (name: string, subnet: string, extra = '', tenant = 'default') => `apiVersion: contiv.io/v1\nkind: Network\nmetadata: { name: ${name}, tenant: ${tenant} }\nspec: { subnet: ${subnet}${extra} }`;
export const group = (name: string, net: string, tenant = 'default') => `apiVersion: contiv.io/v1\nkind: EndpointGroup\nmetadata: { name: ${name}, tenant: ${tenant} }\nspec: { network: ${net} }`;
export const tenant = (name: string) => `apiVersion: contiv.io/v1\nkind: Tenant\nmetadata: { name: ${name} }\nspec: {}`;

/** A live host whose contiv bridge holds these external_ids (a fresh host without any). */
export function hostWith(host: string, externalIds?: Record<string, string>): LiveHost {
  return {
    state: { host, bridges: externalIds ? { [BRIDGE]: { name: BRIDGE, datapathType: 'system', failMode: 'secure', externalIds: { 'contiv.owner': 'contiv', ...externalIds }, ports: {}, flows: {} } } : {} },
    facts: defaultFacts(host, undefined),
    unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
  };
}

/** Live hosts by name, each holding its external_ids. */
export function fleet(ids: Record<string, Record<string, string> | undefined>): Record<string, LiveHost> {
  return Object.fromEntries(Object.entries(ids).map(([h, x]) => [h, hostWith(h, x)]));
}
