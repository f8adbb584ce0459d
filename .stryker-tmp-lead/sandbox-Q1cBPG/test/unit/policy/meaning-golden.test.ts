// @ts-nocheck
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir } from '../../../src/manifest/read-sources.js';
import { policyMeaning } from '../../../src/policy/meaning.js';
import { expectGolden } from '../golden.js';

/*
 * Golden tests of the plan's policy-meaning lines, one folder per case under fixtures/meaning/:
 * `before/` and `after/` are manifest sets; `meaning.txt` is what the plan says about the change.
 */
const ROOT = 'fixtures/meaning';

async function load(dir: string) {
  const r = loadManifests({ files: await readManifestDir(dir), home: '/home/user' });
  if (!r.model) throw new Error(`${dir}: ${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return r.model;
}

describe('policy meaning (golden)', () => {
  for (const name of readdirSync(ROOT).sort()) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const lines = policyMeaning(await load(join(dir, 'before')), await load(join(dir, 'after'))).map((l) => `${l.symbol} ${l.subject}: ${l.text}`);
      expectGolden(join(dir, 'meaning.txt'), lines.length ? `${lines.join('\n')}\n` : '');
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README`);
    });
  }
});
