// @ts-nocheck
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir, readSourceFile } from '../../../src/manifest/read-sources.js';
import type { Model } from '../../../src/model/types.js';
import { expectGolden } from '../golden.js';

/*
 * One folder per case under fixtures/load/: `manifests/` is the manifest directory,
 * an optional `fabric.yaml` beside it is passed as --fabric, `diagnostics.txt` lists the
 * expected problems as `file:line:col code` (codes and positions, not prose), and for a
 * valid case `model.json` is the normalized model without source positions.
 */
const ROOT = 'fixtures/load';
const HOME = '/home/user';

function stripPositions(model: Model): unknown {
  return JSON.parse(JSON.stringify(model, (key, value) => (key === 'source' || key === 'at' ? undefined : value)));
}

describe('manifest loading (golden)', () => {
  const cases = readdirSync(ROOT).sort();
  it('has the cases', () => {
    if (cases.length < 40) throw new Error(`only ${cases.length} cases under ${ROOT}`);
  });
  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const manifests = join(dir, 'manifests');
      // Paths relative to the case's manifest folder, so goldens do not depend on where the repo is.
      const files = (await readManifestDir(manifests)).map((f) => ({ ...f, path: f.path.slice(manifests.length + 1) }));
      const fabricPath = join(dir, 'fabric.yaml');
      const fabricFile = existsSync(fabricPath) ? { ...(await readSourceFile(fabricPath)), path: '../fabric.yaml' } : undefined;
      const result = loadManifests({ files, ...(fabricFile ? { fabricFile } : {}), home: HOME });
      const lines = result.diagnostics.map((d) => `${d.source ? `${d.source.file}:${d.source.line}:${d.source.col}` : '-'} ${d.code}`);
      expectGolden(join(dir, 'diagnostics.txt'), lines.length ? `${lines.join('\n')}\n` : '');
      if (result.model) {
        const model = JSON.stringify(stripPositions(result.model), null, 2).replaceAll(process.cwd(), '<repo>');
        expectGolden(join(dir, 'model.json'), `${model}\n`);
      } else if (existsSync(join(dir, 'model.json'))) {
        throw new Error(`${name}: model.json exists but the case no longer loads`);
      }
      // Every case says what it checks: a golden without intent cannot be reviewed.
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README (one line: what this case checks)`);
    });
  }
});
