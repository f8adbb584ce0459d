import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullStyle } from '../../../src/cli/plan-report.js';
import { parsePlan } from '../../../src/plan/plan-file.js';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { expectGolden } from '../golden.js';

/*
 * One folder per case under fixtures/plan-text/: `plan.json` (a saved plan, the input) and
 * README (one line: what the case shows). Goldens: `plan.txt` (the grouped text `plan` prints),
 * `full.txt` (`--full`: per host, every line), `plan.md` (the pull-request comment).
 * `npm run golden:update` rewrites them; review the diff.
 */
const ROOT = 'fixtures/plan-text';

describe('plan text (golden)', () => {
  const cases = readdirSync(ROOT).sort();
  it('has the cases', () => {
    expect(cases).toEqual(expect.arrayContaining(['all-hosts-alike', 'many-hosts-some-differ', 'named-hosts', 'one-host']));
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(ROOT, name);
      const files = readdirSync(dir);
      for (const f of files) if (!['README', 'plan.json', 'plan.txt', 'full.txt', 'plan.md'].includes(f)) throw new Error(`${name}: unexpected file ${f}`);
      if (!files.includes('README')) throw new Error(`${name}: missing README`);
      const { plan, problem } = parsePlan(readFileSync(join(dir, 'plan.json'), 'utf8'));
      expect(problem).toBeUndefined();
      const grouped = renderPlanText(plan!, { color: false });
      const full = renderPlanText(plan!, fullStyle(false, true));
      expectGolden(join(dir, 'plan.txt'), `${grouped}\n`);
      expectGolden(join(dir, 'full.txt'), `${full}\n`);
      expectGolden(join(dir, 'plan.md'), renderPlanMarkdown(plan!, { fullPlanCommand: 'contiv show plan.json --full' }));
      // Both count every host's changes.
      expect(grouped.split('\n').at(-1)).toBe(full.split('\n').at(-1));
    });
  }
});
