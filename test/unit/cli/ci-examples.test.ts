import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contiv } from '../../support/cli.js';

/*
 * examples/ci are meant to be copied: they must parse, and every contiv command in them must use
 * options the CLI has (their steps run for real in scripts/ci-pipeline.sh, test/lab/pipeline.test.ts).
 */
const EXAMPLES = ['examples/ci/github-actions.yml', 'examples/ci/gitlab-ci.yml'];

function contivCommands(text: string): string[][] {
  // Shell lines continued with a backslash are one command.
  return [...text.replace(/\\\n\s*/g, ' ').matchAll(/(?:^|[\s;&|-]) ?contiv ((?:plan|apply|show|validate) [^\n|>]*)/g)].map((m) => m[1]!.replace(/\\$/, '').trim().split(/\s+/));
}

describe('the CI examples', () => {
  for (const file of EXAMPLES) {
    it(`${file} parses and uses only options contiv has`, () => {
      const text = readFileSync(file, 'utf8');
      expect(() => parse(text)).not.toThrow();
      const commands = contivCommands(text);
      expect(commands.length).toBeGreaterThanOrEqual(4);
      for (const [command, ...args] of commands) {
        const help = contiv([command!, '--help']).stdout;
        for (const option of args.filter((a) => a.startsWith('--'))) expect(help, `${file}: contiv ${command} ${option}`).toContain(`${option}`);
      }
    });
  }

  it('the pull request plans against its base, the merge applies a saved plan, the schedule repairs', () => {
    for (const file of EXAMPLES) {
      const lines = contivCommands(readFileSync(file, 'utf8')).map((c) => c.join(' '));
      expect(lines.some((l) => /^plan network --base \S+ --fabric-ref \S+ --format markdown --out plan.json/.test(l)), file).toBe(true);
      expect(lines, file).toContain('apply plan.json');
      expect(lines, file).toContain('apply network --repair --auto-approve');
    }
  });
});
