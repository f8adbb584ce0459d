import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/plan/plan-file.js';
import { contiv as runCli } from '../../support/cli.js';

/*
 * `contiv show PLANFILE` end to end (the built CLI): a saved plan printed as `plan` printed it,
 * grouped, per host with every line (--full), as markdown or as JSON; a plan of an older
 * contiv refused as a user's error. No host is contacted.
 */

const CASE = 'fixtures/plan-text/many-hosts-some-differ';
let tmp: string;
let file: string;

const contiv = (...args: string[]) => runCli(args, { env: { HOME: '/home/user' }, timeoutMs: 30_000 });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'contiv-show-plan-'));
  file = join(tmp, 'plan.json');
  writeFileSync(file, readFileSync(join(CASE, 'plan.json')));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('contiv show PLANFILE', () => {
  it('prints the grouped plan; --full every host with every line', () => {
    const grouped = contiv('show', file);
    expect(grouped.stderr).toBe('');
    expect(grouped.status).toBe(0);
    expect(grouped.stdout).toBe(readFileSync(join(CASE, 'plan.txt'), 'utf8'));
    const full = contiv('show', file, '--full');
    expect(full.stdout).toBe(readFileSync(join(CASE, 'full.txt'), 'utf8'));
    expect(full.stdout).not.toContain('On several hosts:');
  });

  it('as markdown, pointing at itself for the full plan; as JSON, the saved plan again', () => {
    const md = contiv('show', file, '--format', 'markdown');
    expect(md.stdout).toBe(`${readFileSync(join(CASE, 'plan.md'), 'utf8').replace('contiv show plan.json --full', `contiv show ${file} --full`)}\n`);
    const json = JSON.parse(contiv('show', file, '--json').stdout) as { kind: string; plan: unknown; summary: unknown };
    expect(json.kind).toBe('plan');
    expect(parsePlan(JSON.stringify(json.plan))).toEqual(parsePlan(readFileSync(file, 'utf8')));
  });

  it('--host: only those hosts\' changes', () => {
    const one = contiv('show', file, '--host', 'h6', '--full');
    expect(one.stdout.split('\n').filter((l) => /^\S.*:$/.test(l))).toEqual(['h6:']);
    expect(contiv('show', file, '--host', 'nope').stderr).toMatch(/^Error: unknown host nope; the plan has h1, h2/);
  });

  it('--full and markdown are for a saved plan: with a manifest directory they are refused, saying so', () => {
    expect(contiv('show', 'examples/quickstart', '--full').stderr).toBe('Error: --full prints a saved plan per host (contiv show PLANFILE --full); the live state is always shown whole\n');
    expect(contiv('show', 'examples/quickstart', '--format', 'markdown').stderr).toMatch(/^Error: --format markdown prints a saved plan/);
  });

  it('a plan saved by an older contiv is refused as such, a user\'s error, not an internal one', () => {
    const old = join(tmp, 'old.json');
    writeFileSync(old, JSON.stringify({ format_version: 2, source: { dir: 'm' }, connections: [], hosts: [{ host: 'h1', fingerprint: 'f', changes: [] }], meaning: [], addresses: [], diagnostics: [] }));
    for (const command of ['show', 'apply']) {
      const run = contiv(command, old);
      expect(run.status, command).toBe(1);
      expect(run.stderr).toBe(`Error: ${old}: made by an older contiv (plan format 2; this contiv reads 3); run contiv plan again\n`);
    }
  });
});
