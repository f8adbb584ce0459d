// @ts-nocheck
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/compile/allocate.js';
import { FlowSet } from '../../../src/compile/flow-builder.js';
import { policyFlows } from '../../../src/compile/policy.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir } from '../../../src/manifest/read-sources.js';
import { formatFlow } from '../../../src/state/flow-canonical.js';
import { expectGolden } from '../golden.js';

/*
 * Golden tests of the policy compiler, one folder per case under fixtures/policy/:
 * `manifests/` (a manifest set) → `flows.txt`, the policy tables' flows (T40 in-rules, T50
 * out-rules) with the owner of each, in table and priority order. `README` says what the
 * case checks; an optional `expect.json` {"flowsPerOwner": {...}} pins flow counts.
 */
const ROOT = 'fixtures/policy';

describe('policy compiler (golden)', () => {
  for (const name of readdirSync(ROOT).sort()) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const result = loadManifests({ files: await readManifestDir(join(dir, 'manifests')), home: '/home/user' });
      if (!result.model) throw new Error(`${name}: manifests do not load: ${result.diagnostics.map((d) => d.code).join(', ')}`);
      const { allocations } = allocate(result.model, []);
      const set = new FlowSet();
      policyFlows(set, result.model, allocations);
      const flows = Object.values(set.flows).sort((a, b) => a.table - b.table || b.priority - a.priority || (a.match < b.match ? -1 : 1));
      const lines = flows.map((f) => `${formatFlow(f).replace(/^cookie=0x[0-9a-f]+,/, '')}    # ${set.owners[f.cookie]}`);
      const ids = Object.entries(allocations.group).map(([g, id]) => `# group ${g} = ${id}`);
      const vnis = Object.entries(allocations.vni).map(([n, v]) => `# network ${n} = metadata ${v}`);
      expectGolden(join(dir, 'flows.txt'), `${[...vnis, ...ids, ...lines].join('\n')}\n`);
      const expectFile = join(dir, 'expect.json');
      if (existsSync(expectFile)) {
        const { flowsPerOwner } = JSON.parse(readFileSync(expectFile, 'utf8')) as { flowsPerOwner: Record<string, number> };
        const counts: Record<string, number> = {};
        for (const f of flows) counts[set.owners[f.cookie]!] = (counts[set.owners[f.cookie]!] ?? 0) + 1;
        expect(counts).toEqual(flowsPerOwner);
      }
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README`);
    });
  }
});
