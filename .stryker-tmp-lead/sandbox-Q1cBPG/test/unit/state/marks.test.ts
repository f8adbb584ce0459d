// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { cookieFor, decodeCookie } from '../../../src/state/marks.js';

describe('flow cookies', () => {
  it('are stable for an owner and differ between owners', () => {
    expect(cookieFor('rule', 'default/db-policy/2')).toBe(cookieFor('rule', 'default/db-policy/2'));
    expect(cookieFor('rule', 'default/db-policy/2')).not.toBe(cookieFor('rule', 'default/db-policy/1'));
    expect(cookieFor('network', 'default/contiv-net')).not.toBe(cookieFor('network', 'blue/contiv-net'));
  });

  it('decode to marker, kind and owner hash', () => {
    const cookie = cookieFor('endpoint', 'h1/endpoint/web-1');
    expect(cookie).toMatch(/^c104[0-9a-f]{12}$/);
    expect(decodeCookie(cookie)).toEqual({ ours: true, kind: 'endpoint', owner: cookie.slice(4) });
  });

  it('tell foreign cookies apart', () => {
    expect(decodeCookie('0000000000000001').ours).toBe(false);
    expect(decodeCookie('c1ff000000000001').ours).toBe(false); // our marker, unknown kind
    expect(decodeCookie('0').ours).toBe(false);
  });
});
