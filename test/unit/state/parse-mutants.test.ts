import { describe, expect, it } from 'vitest';
import { splitSections } from '../../../src/state/parse/sections.js';
import { canonicalActions, splitTopLevel } from '../../../src/state/flow-canonical.js';

/*
 * The gather output's sections and long action lists as the faster readers of issue 14 read
 * them: bodies cut by a status line, outputs that end without a newline, and lists read
 * against the last one that differ where the shortcut must not be taken.
 */

describe('splitSections: bodies in runs', () => {
  it('joins the lines before and after a status line into one body', () => {
    const out = '@@contiv files\nfirst line\n@@contiv status 0\nsecond line\n@@contiv links\n[]\n';
    expect(splitSections(out)).toStrictEqual([
      { name: 'files', arg: '', body: 'first line\nsecond line', status: 0 },
      { name: 'links', arg: '', body: '[]' },
    ]);
  });

  it('drops blank runs at either end, keeps a blank line between two runs', () => {
    const out = '@@contiv netns\n  \n@@contiv status 0\n\nweb-1\n\n@@contiv status 0\ndb-2\n \n@@contiv status 0\n\n\n@@contiv links\n';
    expect(splitSections(out)[0]!.body).toBe('web-1\n\ndb-2');
  });

  it('reads an output that ends without a newline: in a body, or on a marker line', () => {
    expect(splitSections('@@contiv hostname\nh1')).toStrictEqual([{ name: 'hostname', arg: '', body: 'h1' }]);
    expect(splitSections('@@contiv hostname\nh1\n@@contiv status 3')).toStrictEqual([{ name: 'hostname', arg: '', body: 'h1', status: 3 }]);
    expect(splitSections('@@contiv hostname\nh1\n@@contiv missing')).toStrictEqual([
      { name: 'hostname', arg: '', body: 'h1' },
      { name: 'missing', arg: '', body: '' },
    ]);
    expect(splitSections('@@contiv missing')).toStrictEqual([{ name: 'missing', arg: '', body: '' }]);
  });

  it('finds a marker at the very start, after a marker-like text inside a line, and after text that only starts like one', () => {
    const out = '@@contiv hostname\nx @@contiv status 1\n@@contiv  status 2\n@@contiv links\nl\n';
    const sections = splitSections(out);
    expect(sections.map((s) => [s.name, s.arg, s.body, s.status])).toStrictEqual([
      ['hostname', '', 'x @@contiv status 1', 2],
      ['links', '', 'l', undefined],
    ]);
  });

  it('gives each section a body of its own, long or short, equal to its text', () => {
    const long = 'x'.repeat(40);
    const sections = splitSections(`@@contiv files\n${long}\n@@contiv flows br\n${long}\n@@contiv hostname\nh\n`);
    expect(sections.map((s) => s.body)).toStrictEqual([long, long, 'h']);
  });
});

describe('canonicalActions: long lists read against the last one', () => {
  const plain = (n: number, edit?: (i: number) => string | undefined) => Array.from({ length: n }, (_, i) => edit?.(i) ?? `output:${i + 1}`).join(',');
  const expected = (text: string) => splitTopLevel(text).map((a) => canonicalActions(a)).join(',');

  it('does not take the shortcut for an empty action at the start of a list without brackets', () => {
    const a = plain(400);
    expect(canonicalActions(a)).toBe(a);
    const b = `,${a}`;
    expect(canonicalActions(b)).toBe(expected(b));
    expect(canonicalActions(b)).not.toBe(b);
  });

  it('does not read a list against a last one that was not canonical as printed', () => {
    // Not canonical: a bare port number (written output:N).
    const a = plain(400, (i) => (i === 0 ? '1' : undefined));
    expect(canonicalActions(a)).toBe(expected(a));
    expect(canonicalActions(a)).not.toBe(a);
    const b = plain(400, (i) => (i === 0 ? '1' : i === 200 ? 'output:999' : undefined));
    expect(canonicalActions(b)).toBe(expected(b));
    expect(canonicalActions(b)).not.toBe(b);
  });

  it('does not read a stretch inside brackets as actions of their own', () => {
    // The last list is canonical, its brackets all closed; the next differs inside a bracket.
    const inner = Array.from({ length: 300 }, (_, i) => `NXM_NX_REG${i % 8}[]`).join(',');
    const a = `output:1,learn(table=10,${inner}),output:2`;
    const once = expected(a);
    canonicalActions(a);
    const b = a.replace('NXM_NX_REG3[],NXM_NX_REG4[]', 'NXM_NX_REG3[], 7 ,NXM_NX_REG4[]');
    expect(canonicalActions(b)).toBe(expected(b));
    expect(once).toBe(canonicalActions(a));
  });

  it('reads the next list against one read by the shortcut', () => {
    const a = plain(400);
    const b = plain(400, (i) => (i === 100 ? 'output:1000' : undefined));
    const c = plain(400, (i) => (i === 100 ? 'output:1000' : i === 300 ? ' output:5' : undefined));
    expect(canonicalActions(a)).toBe(a);
    expect(canonicalActions(b)).toBe(b);
    expect(canonicalActions(c)).toBe(expected(c));
    expect(canonicalActions(c)).not.toBe(c);
  });
});

describe('canonicalActions: drop', () => {
  it('is drop for no actions or drop alone, and keeps drop among others as it is', () => {
    expect(canonicalActions('')).toBe('drop');
    expect(canonicalActions('drop')).toBe('drop');
    expect(canonicalActions('drop,output:1')).toBe('drop,output:1');
    expect(canonicalActions('output:1,drop')).toBe('output:1,drop');
  });
});
