import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctestFabric, removeContivBridges } from '../harness/contiv.js';

/*
 * The pipeline of examples/ci, end to end (scripts/ci-pipeline.sh): a local bare repository, an
 * admin's and two tenant owners' signed commits, a pull request planned against its base (a
 * stranger's commit refused), the merge applied as a saved plan with every host recording the
 * merge, and the scheduled repair.
 */
beforeAll(removeContivBridges);
afterAll(removeContivBridges);

describe('the CI pipeline', () => {
  it('runs from a pull request to every host and back', () => {
    const run = spawnSync('bash', ['scripts/ci-pipeline.sh', ctestFabric], { encoding: 'utf8', timeout: 400_000, env: { ...process.env, NO_COLOR: '1' } });
    if (run.status !== 0) throw new Error(`the pipeline failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toMatch(/the pull request's comment: \d+ characters/);
    expect(run.stdout).toMatch(/refused: .*rbac-refused/);
    expect(run.stdout).toContain("with alice's commit dropped from the branch: accepted");
    expect(run.stdout).toMatch(/every host at [0-9a-f]{40}/);
    expect(run.stdout).toContain('Apply complete: 1 host changed.');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('pipeline: every step as expected');
  }, 420_000);
});
