// @ts-nocheck
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ovsString, shellQuote } from '../../../src/apply/quote.js';

const NASTY = ["it's", 'two words', '$(touch /tmp/contiv-pwned)', '`id`', '$HOME', 'a"b', 'back\\slash', 'new\nline', "'", "''", '', ' ', '*', '; rm -rf /', '--help', 'é ü', '!event', '\t'];

describe('shellQuote', () => {
  it('sh reads every value back literally (printf %s <quoted>)', () => {
    for (const value of NASTY) {
      const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(out, JSON.stringify(value)).toBe(value);
    }
  });

  it('several quoted words stay several words', () => {
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${NASTY.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(NASTY);
  });

  it('is always one single-quoted word', () => {
    for (const value of NASTY) expect(shellQuote(value)).toMatch(/^'([^']|'\\'')*'$/);
  });
});

describe('ovsString', () => {
  it('double-quotes so : = , stay literal, escaping quotes and backslashes', () => {
    expect(ovsString('a:b=c,d')).toBe('"a:b=c,d"');
    expect(ovsString('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(JSON.parse(ovsString("it's $(x)"))).toBe("it's $(x)");
  });
});
