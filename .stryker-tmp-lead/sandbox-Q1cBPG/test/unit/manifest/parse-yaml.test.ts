// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseYamlFiles } from '../../../src/manifest/parse-yaml.js';

/*
 * Hostile or broken YAML ends as diagnostics, quickly: a manifest is untrusted input (it may
 * come from any branch a CI job validates). The golden cases cover positions; these cover
 * limits and time.
 */

function parse(text: string) {
  return parseYamlFiles([{ path: 'f.yaml', absPath: '/m/f.yaml', text }]);
}

function codes(text: string): string[] {
  return parse(text).diagnostics.map((d) => `${d.source?.line}:${d.source?.col} ${d.code}`);
}

/** A billion-laughs document with `levels` levels of 10 aliases each (10^levels leaves). */
function laughs(levels: number): string {
  const names = 'abcdefghijklmnop';
  const lines = [`a: &a [${Array(10).fill('"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++) lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

describe('parseYamlFiles limits', () => {
  it('refuses a billion-laughs document fast', () => {
    const started = performance.now();
    expect(codes(laughs(12))).toEqual(['1:1 yaml-alias-limit']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('accepts a few aliases of a small anchor', () => {
    const result = parse(`base: &b { user: ops, port: 22 }\nhosts:\n${Array.from({ length: 50 }, (_, i) => `  - { name: h${i}, ssh: *b }`).join('\n')}\n`);
    expect(result.diagnostics).toEqual([]);
    expect((result.documents[0]?.value as { hosts: unknown[] }).hosts).toHaveLength(50);
  });

  it('refuses a file over the size limit before parsing it', () => {
    const started = performance.now();
    expect(codes(`a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`)).toEqual(['1:1 file-too-large']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('survives deep nesting without a stack overflow', () => {
    const depth = 20_000;
    expect(() => parse(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)).not.toThrow();
    expect(() => parse(`a: ${'{b: '.repeat(depth)}1${'}'.repeat(depth)}\n`)).not.toThrow();
  });

  it('reports a duplicate key, a tab indent and a syntax error as diagnostics', () => {
    expect(codes('a: 1\na: 2\n')).toEqual(['2:1 yaml-duplicate-key']);
    expect(codes('a:\n\tb: 1\n')).toEqual(['2:1 yaml-tab-indent']);
    expect(codes('a: [1, 2\nb: 3\n')).toEqual(['1:4 yaml-syntax']);
  });

  it('skips empty documents: an empty file, comments only, a leading and a trailing ---', () => {
    for (const text of ['', '# only a comment\n', '---\n', '---\na: 1\n---\n', 'a: 1\n---\n# c\n---\n']) {
      const result = parse(text);
      expect(result.diagnostics).toEqual([]);
      expect(result.documents.every((d) => d.value !== null)).toBe(true);
    }
  });

  it('keeps an explicit null document (it is not empty: it is a mistake the loader reports)', () => {
    expect(parse('--- null\n').documents.map((d) => d.value)).toEqual([null]);
  });

  it('reports an alias without an anchor at the alias, not as an alias bomb', () => {
    expect(codes('a: 1\nb: *nope\n')).toEqual(['2:4 yaml-alias-unknown']);
  });

  it('prints no process warnings for a collection used as a key', async () => {
    const warnings: unknown[] = [];
    const listener = (w: unknown) => warnings.push(w);
    process.on('warning', listener);
    try {
      expect(parse('[1]: 2\n').diagnostics).toEqual([]);
      // process.emitWarning delivers on a later tick.
      await new Promise((done) => setImmediate(done));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([]);
  });
});
