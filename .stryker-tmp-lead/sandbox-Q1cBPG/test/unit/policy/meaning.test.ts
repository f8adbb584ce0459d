// @ts-nocheck
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import type { SourceFile } from '../../../src/manifest/source-file.js';
import type { Model } from '../../../src/model/types.js';
import { policyMeaning, type MeaningLine } from '../../../src/policy/meaning.js';

/** The quickstart with its groups and policies replaced by `objects` (YAML documents). */
function model(objects: string): Model {
  const file = (path: string, text: string): SourceFile => ({ path, absPath: `/m/${path}`, text });
  const r = loadManifests({
    files: [
      file('fabric.yaml', readFileSync('examples/quickstart/fabric.yaml', 'utf8')),
      file('networks.yaml', readFileSync('examples/quickstart/networks.yaml', 'utf8')),
      file('tenants.yaml', readFileSync('examples/quickstart/tenants.yaml', 'utf8')),
      file('objects.yaml', objects),
    ],
    home: '/home/user',
  });
  if (!r.model) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.model;
}

const group = (name: string, policies: string[] = []) =>
  `---\napiVersion: contiv.io/v1\nkind: EndpointGroup\nmetadata: { name: ${name} }\nspec: { network: contiv-net${policies.length ? `, policies: [${policies.join(', ')}]` : ''} }\n`;
const policy = (name: string, rules: string) => `---\napiVersion: contiv.io/v1\nkind: Policy\nmetadata: { name: ${name} }\nspec:\n  rules:\n${rules}`;
const DENY_TCP = '    - { id: "1", direction: in, priority: 1, protocol: tcp, action: deny }\n';
const ALLOW_PG = '    - { id: "2", direction: in, priority: 10, protocol: tcp, port: 5432, from: { group: web-group }, action: allow }\n';

function lines(before: Model, after: Model): string[] {
  return policyMeaning(before, after).map((l: MeaningLine) => `${l.symbol} ${l.subject.split('/')[1]}: ${l.text}`);
}

describe('what a policy change means', () => {
  it('adding the whitelist exception: web-group → db-group tcp/5432 becomes allowed', () => {
    const before = model(group('web-group') + group('db-group', ['db-policy']) + policy('db-policy', DENY_TCP));
    const after = model(group('web-group') + group('db-group', ['db-policy']) + policy('db-policy', DENY_TCP + ALLOW_PG));
    expect(lines(before, after)).toEqual(['~ db-policy: web-group → db-group tcp/5432 becomes allowed']);
  });

  it('removing a policy: all traffic into its group becomes allowed', () => {
    const before = model(group('web-group') + group('cache-group', ['cache-policy']) + policy('cache-policy', '    - { id: "1", direction: in, protocol: any, action: deny }\n'));
    const after = model(group('web-group') + group('cache-group'));
    expect(lines(before, after)).toEqual(['- cache-policy: all traffic into cache-group becomes allowed (policy removed)']);
  });

  it('a new deny on one port names that port only', () => {
    const before = model(group('web-group') + group('db-group'));
    const after = model(group('web-group') + group('db-group', ['lock']) + policy('lock', '    - { id: "1", direction: in, protocol: udp, port: 1-1024, from: { group: web-group }, action: deny }\n'));
    expect(lines(before, after)).toEqual(['+ lock: web-group → db-group udp/1-1024 becomes denied (policy added)']);
  });

  it('re-prioritising a rule without changing any decision says nothing', () => {
    const before = model(group('web-group') + group('db-group', ['db-policy']) + policy('db-policy', DENY_TCP + ALLOW_PG));
    const after = model(group('web-group') + group('db-group', ['db-policy']) + policy('db-policy', DENY_TCP + ALLOW_PG.replace('priority: 10', 'priority: 20')));
    expect(lines(before, after)).toEqual([]);
  });

  it('an out rule: from its group, to everyone', () => {
    const before = model(group('web-group') + group('db-group'));
    const after = model(group('web-group', ['egress']) + group('db-group') + policy('egress', '    - { id: "1", direction: out, protocol: icmp, action: deny }\n'));
    expect(lines(before, after)).toEqual(['+ egress: icmp from web-group becomes denied (policy added)']);
  });
});
