import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFromCli } from '../../../src/cli/load-model.js';
import { contentHash } from '../../../src/cli/source-commit.js';
import { describe, expect, it } from 'vitest';
import { DRIFT_THEN, driftSection, findDrift, repairPlan, withOrigins, type Drift } from '../../../src/cli/drift.js';
import type { LiveHost } from '../../../src/state/host-state.js';
import { planDocument } from '../../../src/plan/plan-file.js';
import type { Change, FlowsChange, HostPlan, Plan } from '../../../src/plan/types.js';

/* The drift section and the repair plan, from drift plans as findDrift makes them (its lab test: test/lab/drift.test.ts). */

const flows = (host: string): FlowsChange => ({ type: 'flows', action: 'update', host, address: `${host}/flows/pipeline`, bridge: 'contiv0', owner: 'pipeline', add: [{ cookie: 'c101000000000001', table: 0, priority: 1, match: '', actions: 'drop' }], modify: [], modifyBefore: [], remove: [], reason: 'missing on the host' });
const host = (name: string, ...changes: Change[]): HostPlan => ({ host: name, fingerprint: `sha256:${name}`, changes });
const plan = (hosts: HostPlan[], over: Partial<Plan> = {}): Plan => ({ format_version: 1, source: { dir: 'd' }, connections: [], hosts, meaning: [], addresses: [], diagnostics: [], ...over });

describe('drift', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const drift: Drift = {
    plans: [
      { commit: A, hosts: ['h1', 'h2'], plan: plan([host('h1'), host('h2', flows('h2'))]) },
      { commit: B, hosts: ['h3'], plan: plan([host('h3', flows('h3'))]) },
    ],
    unknown: [],
  };

  it('is said per commit the hosts record, with the changes that put it back', () => {
    const lines = driftSection(drift, 3);
    expect(lines[0]).toBe(`Changed outside contiv since ${A.slice(0, 12)} (the commit 2 hosts (h1, h2) record); contiv apply --repair puts back:`);
    expect(lines).toContain(`Changed outside contiv since ${B.slice(0, 12)} (the commit 1 host (h3) records); contiv apply --repair puts back:`);
    expect(lines.join('\n')).toContain('h2:');
    expect(lines.join('\n')).not.toContain('h1:');
    expect(driftSection({ plans: [], unknown: [] }, 3)).toEqual([]);
    expect(DRIFT_THEN).toMatch(/^What apply does/);
  });

  it('is repaired by one plan of the hosts that drifted, with nothing of the current plan but how to reach them', () => {
    const current = plan([host('h1', flows('h1'))], { connections: [{ name: 'h1' } as Plan['connections'][number]], meaning: [{ subject: 'x', symbol: '+', text: 't' }] as Plan['meaning'], destroys: { hosts: ['h1'], tenants: [] }, shard: { target: [], exclude: [], hosts: ['h1'] } });
    const repair = repairPlan(current, drift);
    expect(repair.hosts.map((h) => h.host)).toEqual(['h2', 'h3']);
    expect(repair.hosts[0]!.fingerprint).toBe('sha256:h2');
    expect(repair.connections).toBe(current.connections);
    expect(repair.meaning).toEqual([]);
    expect(repair.destroys).toBeUndefined();
    expect(repair.shard).toBeUndefined();
    expect(repair.source).toEqual({ dir: 'd' });
  });

  it('marks each change of the JSON plan as drift (on every host that makes it) or as the manifests\'', () => {
    const policy = (h: string): Change => ({ ...flows(h), address: `${h}/flows/rule/default/p/1`, owner: 'rule/default/p/1' });
    const doc = withOrigins(planDocument(plan([host('h1', policy('h1')), host('h2', flows('h2'), policy('h2')), host('h3', flows('h3'))])), drift);
    expect(doc.changes.map((g) => [g.change.address, g.hosts, g.origin])).toEqual([
      ['{host}/flows/rule/default/p/1', ['h1', 'h2'], 'manifests'],
      ['{host}/flows/pipeline', ['h2', 'h3'], 'drift'],
    ]);
  });

  it('needs no second plan for hosts at the commit just planned: its changes on them are their drift', async () => {
    const at = (commit: string | undefined): LiveHost => ({ state: { host: 'h', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: commit ? { 'contiv.commit': commit } : {}, ports: {}, flows: {} } } } } as unknown as LiveHost);
    const record = { type: 'address', action: 'update', host: 'h2', address: 'h2/block/x/10.1.2.16', bridge: 'contiv0', key: 'contiv.block.x.y.10-1-2-16', before: 'a', after: 'b', reason: '' } as Change;
    const current = plan([host('h1', flows('h1')), host('h2', flows('h2'), record), host('h3', flows('h3'))], { source: { dir: '/nonexistent', commit: A } });
    // h3 records nothing: unknown; the directory is never read (no second plan).
    const drift = await findDrift('/nonexistent', {}, { h1: at(A), h2: at(A), h3: at(undefined) }, { plan: current, content: 'not read' });
    expect(drift.plans).toHaveLength(1);
    expect(drift.plans[0]!.hosts).toEqual(['h1', 'h2']);
    expect(drift.plans[0]!.plan.hosts.map((h) => h.changes.map((c) => c.type))).toEqual([['flows'], ['flows']]);
    expect(drift.unknown).toEqual([{ hosts: ['h3'], why: expect.stringContaining('no commit recorded') }]);
  });

  it('needs no second plan for hosts at an older commit with the same manifests; plans again where they differ', async () => {
    const root = mkdtempSync(join(tmpdir(), 'contiv-drift-'));
    try {
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
      cpSync('examples/quickstart', join(root, 'm'), { recursive: true });
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'manifests');
      const older = git('rev-parse', 'HEAD');
      // A commit that changes nothing the hosts get: hosts keep recording the older one.
      writeFileSync(join(root, 'README'), 'docs\n');
      git('add', '.');
      git('commit', '-q', '-m', 'docs');
      const dir = join(root, 'm');
      const loaded = await loadFromCli(dir, {});
      const at = (commit: string): LiveHost => ({ state: { host: 'h', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { 'contiv.commit': commit }, ports: {}, flows: {} } } } } as unknown as LiveHost);
      // The current plan's changes stand for the drift: a second plan of these hosts' states would not give them.
      const current = plan([host('h1', flows('h1')), host('h2', flows('h2'))], { source: { dir, commit: git('rev-parse', 'HEAD') } });
      const reused = [[older, ['h1', 'h2'], [['h1/flows/pipeline'], ['h2/flows/pipeline']]]];
      const drifts = (d: Drift) => d.plans.map((p) => [p.commit, p.hosts, p.plan.hosts.map((h) => h.changes.map((c) => c.address))]);
      // A plan of a commit: DIR's tree at both commits tells, and the content is not read.
      const same = await findDrift(dir, {}, { h1: at(older), h2: at(older) }, { plan: current, content: 'not read' });
      expect(drifts(same)).toEqual(reused);
      expect(same.unknown).toEqual([]);
      // A plan of uncommitted manifests: their content, against the files at the hosts' commit.
      const dirty = { ...current, source: { dir, uncommitted: { sha256: 'c'.repeat(64) } } };
      expect(drifts(await findDrift(dir, {}, { h1: at(older), h2: at(older) }, { plan: dirty, content: contentHash(loaded.sources) }))).toEqual(reused);
      // Other manifests at that commit: planned again, which needs the runtime bundles (built only in dist/, not beside src/).
      await expect(findDrift(dir, {}, { h1: at(older), h2: at(older) }, { plan: dirty, content: 'other content' })).rejects.toThrow(/contiv-(cni|docker)\.cjs is missing/);
      // A commit that changes a manifest: another tree, planned again.
      writeFileSync(join(dir, 'extra.yaml'), 'apiVersion: contiv.io/v1\nkind: Tenant\nmetadata:\n  name: extra\n');
      git('add', '.');
      git('commit', '-q', '-m', 'a tenant');
      const changed = { ...current, source: { dir, commit: git('rev-parse', 'HEAD') } };
      await expect(findDrift(dir, {}, { h1: at(older), h2: at(older) }, { plan: changed, content: 'not read' })).rejects.toThrow(/contiv-(cni|docker)\.cjs is missing/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
