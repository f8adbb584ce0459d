import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir, readManifestRef } from '../../../src/manifest/read-sources.js';
import type { Model } from '../../../src/model/types.js';
import { checkRbac } from '../../../src/rbac/check.js';
import { changedObjects } from '../../../src/rbac/changes.js';
import { describeId } from '../../../src/rbac/identity.js';
import { expectGolden } from '../golden.js';
import { makeKeys, overlay, PEOPLE, Repo, type Keys, type Person } from './repo.js';

/*
 * Who may change what, end to end on real repositories: one folder per case under
 * fixtures/rbac/ (folders starting with _ are shared). `_shared/base/` is the manifest set at
 * the base (REF = main), with a case's own `base/` written over it; `main/N-WHO/` are commits
 * on main after the branch forked (REF's own history), `branch/N-WHO/` the pull request's
 * commits, each written over the tree before it (`.remove` lists files to delete) and signed
 * by WHO (alice, bob, carol, ops, mallory: real SSH keys; `unsigned`). `N-merge-WHO` merges main
 * first. `expected.txt`: what changed, whose approval each part needs, and the diagnostics,
 * commits named by their folder.
 *
 * At the base: ops is the admin; alice owns tenant blue, bob owns red; default has no owners;
 * carol and mallory are listed nowhere.
 */

const ROOT = 'fixtures/rbac';
const HOME = '/home/user';

function load(files: Awaited<ReturnType<typeof readManifestDir>>, dir: string): Model {
  const result = loadManifests({ files: files.map((f) => ({ ...f, path: f.path.slice(dir.length + 1) })), home: HOME });
  if (!result.model) throw new Error(`manifests do not load: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return result.model;
}

function steps(folder: string): Array<{ name: string; who: Person | 'unsigned'; merge: boolean; files: Record<string, string | null> }> {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((name) => {
      const m = /^\d+-(merge-)?(\w+)$/.exec(name);
      if (!m || !([...PEOPLE, 'unsigned'] as string[]).includes(m[2]!)) throw new Error(`${folder}/${name}: not N-WHO or N-merge-WHO`);
      return { name, who: m[2] as Person | 'unsigned', merge: m[1] !== undefined, files: overlay(join(folder, name)) };
    });
}

describe('who may change what (golden, real git and SSH signatures)', () => {
  let keys: Keys;
  beforeAll(() => {
    keys = makeKeys();
  });
  const cases = readdirSync(ROOT).filter((c) => !c.startsWith('_')).sort();
  it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(7));

  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README (one line: what this case checks)`);
      const repo = new Repo(keys);
      try {
        repo.write(overlay(join(ROOT, '_shared', 'base')));
        if (existsSync(join(dir, 'base'))) repo.write(overlay(join(dir, 'base')));
        repo.commit('unsigned', 'base');
        const labels = new Map<string, string>();
        repo.git('branch', 'pr');
        for (const step of steps(join(dir, 'main'))) {
          repo.write(step.files);
          labels.set(repo.commit(step.who, step.name), `main/${step.name}`);
        }
        repo.git('checkout', '-q', 'pr');
        for (const step of steps(join(dir, 'branch'))) {
          if (step.merge) repo.git('merge', '-q', '--no-ff', '--no-commit', 'main');
          repo.write(step.files);
          labels.set(repo.commit(step.who, step.name), step.name);
        }

        const m = join(repo.root, 'm');
        const baseModel = load(await readManifestRef(m, 'main'), m);
        const tree = load(await readManifestDir(m), m);
        const decision = await checkRbac({ dir: m, base: 'main', uncommitted: [], baseModel, tree });

        const named = (text: string) => {
          let out = text;
          for (const [hash, label] of labels) out = out.replace(new RegExp(`\\b${hash.slice(0, 7)}[0-9a-f]*\\b`, 'g'), `<${label}>`);
          for (const who of PEOPLE) out = out.replaceAll(keys.fingerprint[who], `<key of ${who}>`);
          return out;
        };
        const lines = [
          'changes:',
          ...changedObjects(baseModel, tree).map((c) => `  ${c.action} ${describeId(c.id)}${c.ownersChanged ? ' (owners)' : ''}`),
          'approvals:',
          ...decision.approvals.map((a) => `  ${a.tenant === undefined ? 'fabric-wide' : `tenant ${a.tenant}`}: ${a.open ? 'open to anyone' : `${a.level} (${a.signers.join(', ')})`}${a.refused ? ' REFUSED' : ''}: ${a.objects.join(', ')}`),
          'diagnostics:',
          ...decision.diagnostics.map((d) => named(`  ${d.source ? `${d.source.file}:${d.source.line}` : '-'} ${d.severity} ${d.code}: ${d.message}`)),
        ];
        expectGolden(join(dir, 'expected.txt'), `${lines.join('\n')}\n`);
      } finally {
        repo.remove();
      }
    });
  }
});
