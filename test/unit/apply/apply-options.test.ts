import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIRM_TIMEOUT, failpointFromEnv, parseConfirmTimeout } from '../../../src/cli/apply-safety.js';
import { contiv } from '../../support/cli.js';

/* apply's safety options, as a user gives them: refused before any host is read. */

describe('--confirm-timeout', () => {
  it('0 turns the timer off; otherwise whole seconds from 5 to an hour; 120 by default', () => {
    expect(DEFAULT_CONFIRM_TIMEOUT).toBe(120);
    expect(parseConfirmTimeout('0')).toBe(0);
    expect(parseConfirmTimeout('5')).toBe(5);
    expect(parseConfirmTimeout('3600')).toBe(3600);
    for (const bad of ['1', '4', '3601', '-5', '1.5', 'x', '']) expect(() => parseConfirmTimeout(bad), bad).toThrow('0 (no timer), or a whole number of seconds from 5 to 3600');
  });

  it('a bad value is the user’s mistake, said as such', () => {
    const run = contiv(['apply', 'examples/quickstart', '--confirm-timeout', '3', '--auto-approve']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("option '--confirm-timeout <seconds>' argument '3' is invalid. 0 (no timer), or a whole number of seconds from 5 to 3600");
    expect(run.stderr).not.toMatch(/Internal error/);
  });
});

describe('--trust-host with a saved plan', () => {
  it('is refused: the plan already chose whose records it took', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contiv-apply-options-'));
    try {
      writeFileSync(join(dir, 'plan.json'), '{}');
      const run = contiv(['apply', join(dir, 'plan.json'), '--trust-host', 'h1']);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`--trust-host chooses whose records a plan takes; ${join(dir, 'plan.json')} is a plan already made (make it with contiv plan --trust-host h1 --out FILE)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CONTIV_FAILPOINT', () => {
  it('stops only at its point and host; anything else in the variable is refused', async () => {
    expect(failpointFromEnv(undefined)).toBeUndefined();
    expect(failpointFromEnv('')).toBeUndefined();
    const at = failpointFromEnv('after-change:h2:stop')!;
    // Another host: returns at once, without stopping this process.
    await expect(at('after-change', 'h1')).resolves.toBeUndefined();
    for (const bad of ['after-change:h2', 'before-change:h2:stop', 'after-change::stop', 'after-change:h2:kill']) expect(() => failpointFromEnv(bad), bad).toThrow(`CONTIV_FAILPOINT=${JSON.stringify(bad)}: expected after-change:HOST:stop`);
  });
});
