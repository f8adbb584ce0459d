import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeContivBridges } from '../harness/contiv.js';
import { execIn } from '../harness/lab.js';
import { manifestRepo, ok } from '../harness/repo.js';

/*
 * Git as the source of truth, on the lab: the manifests in a repository of their own; each
 * host records the commit last applied to it, with its changes only; plan names hosts that are
 * behind; a commit that changes nothing for the hosts plans No changes; uncommitted manifests
 * are not applied without --allow-dirty.
 */
const { root, dir, git, run } = manifestRepo('commits');
const recorded = async (host: string): Promise<string> => (await execIn(host, ['ovs-vsctl', '--if-exists', 'get', 'bridge', 'contiv0', 'external_ids:contiv.commit'])).stdout.trim().replace(/"/g, '');

afterAll(async () => {
  await removeContivBridges();
  rmSync(root, { recursive: true, force: true });
});

describe('commits on the hosts', () => {
  it('each host records the commit applied to it; a commit that changes nothing for them plans No changes and names them behind', async () => {
    const first = git('rev-parse', 'HEAD');
    ok(run(['apply', dir, '--auto-approve']));
    for (const h of ['h1', 'h2', 'h3']) expect(await recorded(h)).toBe(first);
    expect(ok(run(['show', dir]))).toContain(`  at commit ${first} (the last applied to it)`);

    // A saved plan names its commit.
    writeFileSync(join(dir, 'policies.yaml'), readFileSync(join(dir, 'policies.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));
    git('commit', '-q', '-am', 'db on 5433');
    const second = git('rev-parse', 'HEAD');
    const saved = join(root, 'plan.json');
    ok(run(['plan', dir, '--out', saved]));
    expect(JSON.parse(readFileSync(saved, 'utf8')).source.commit).toBe(second);
    expect(ok(run(['apply', saved]))).toContain('Apply complete: 3 hosts changed.');
    for (const h of ['h1', 'h2', 'h3']) expect(await recorded(h)).toBe(second);

    // A commit of something else: nothing to change, and the hosts are one commit behind.
    writeFileSync(join(root, 'README.md'), 'the team\'s network\n');
    git('add', 'README.md');
    git('commit', '-q', '-m', 'docs');
    const third = git('rev-parse', 'HEAD');
    const plan = ok(run(['plan', dir]));
    expect(plan).toContain('No changes. The hosts match the manifests.');
    expect(plan).toContain(`Hosts not at commit ${third.slice(0, 12)}:\n  all 3 hosts at ${second.slice(0, 12)}, 1 commit behind`);
    expect(ok(run(['show', dir]))).toContain(`  at commit ${second}, 1 commit behind HEAD (the last applied to it)`);
    expect(ok(run(['apply', dir, '--auto-approve']))).not.toContain('Apply complete');
    expect(await recorded('h2')).toBe(second);

    // Uncommitted manifests: not applied, and nothing recorded.
    writeFileSync(join(dir, 'policies.yaml'), readFileSync(join(dir, 'policies.yaml'), 'utf8').replace('port: 5433', 'port: 5434'));
    const dirty = run(['apply', dir, '--auto-approve']);
    expect(dirty.status).toBe(1);
    expect(dirty.stderr).toContain(`apply of uncommitted manifests (content `);
    expect(dirty.stderr).toContain(`, on ${third.slice(0, 12)}; not as committed: ${join(dir, 'policies.yaml')}): no commit would say what was applied`);
    expect(await recorded('h1')).toBe(second);
    // Given anyway, the hosts say they are at no commit (not at the one before, which they no longer match).
    expect(ok(run(['apply', dir, '--auto-approve', '--allow-dirty']))).toContain('Apply complete: 3 hosts changed.');
    expect(await recorded('h1')).toBe('uncommitted');
    expect(ok(run(['show', dir]))).toContain('  applied last from uncommitted manifests (--allow-dirty)');
    git('commit', '-q', '-am', 'db on 5434');
    const plan4 = ok(run(['plan', dir]));
    expect(plan4).toContain(`Hosts not at commit ${git('rev-parse', 'HEAD').slice(0, 12)}:\n  all 3 hosts applied from uncommitted manifests (--allow-dirty)`);
    expect(plan4).toContain('No changes. The hosts match the manifests.');
  }, 300_000);
});
