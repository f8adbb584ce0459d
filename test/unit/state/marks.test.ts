import { describe, expect, it } from 'vitest';
import { cookieFor, decodeCookie, isOwned, ownerIds } from '../../../src/state/marks.js';

// The 48-bit owner hashes below are the first 12 hex digits of `printf %s ADDRESS | sha256sum`.
const WEB1 = 'd98e90c3ec75'; // h1/endpoint/web-1
const TUNNEL = '021b9f11338b'; // h2/tunnel/h1

describe('ownership marks on OVSDB rows', () => {
  it('mark a row with owner, kind and address', () => {
    expect(ownerIds('tunnel', 'h2/tunnel/h1')).toStrictEqual({
      'contiv.owner': 'contiv',
      'contiv.kind': 'tunnel',
      'contiv.addr': 'h2/tunnel/h1',
    });
  });

  it('a row is ours only when contiv.owner is exactly "contiv"', () => {
    expect(isOwned(ownerIds('bridge', 'h1/bridge/contiv0'))).toBe(true);
    expect(isOwned({ 'contiv.owner': 'contiv' })).toBe(true);
    expect(isOwned({})).toBe(false);
    expect(isOwned({ 'contiv.owner': 'someone-else', 'contiv.kind': 'bridge' })).toBe(false);
    expect(isOwned({ owner: 'contiv' })).toBe(false);
  });
});

describe('flow cookies', () => {
  it('are stable for an owner and differ between owners', () => {
    expect(cookieFor('rule', 'default/db-policy/2')).toBe(cookieFor('rule', 'default/db-policy/2'));
    expect(cookieFor('rule', 'default/db-policy/2')).not.toBe(cookieFor('rule', 'default/db-policy/1'));
    expect(cookieFor('network', 'default/contiv-net')).not.toBe(cookieFor('network', 'blue/contiv-net'));
  });

  it('are marker 0xc1, the kind number, then the first 48 bits of SHA-256 of the address', () => {
    expect(cookieFor('endpoint', 'h1/endpoint/web-1')).toBe(`c104${WEB1}`);
    expect(cookieFor('tunnel', 'h2/tunnel/h1')).toBe(`c103${TUNNEL}`);
    expect(cookieFor('rule', 'default/db-policy/2')).toBe('c1066be2f30df167');
  });

  it('carry one kind number per kind of owner', () => {
    const kinds = ['pipeline', 'network', 'tunnel', 'endpoint', 'group', 'rule', 'learned'] as const;
    expect(kinds.map((k) => cookieFor(k, 'h1/endpoint/web-1'))).toStrictEqual([
      `c101${WEB1}`,
      `c102${WEB1}`,
      `c103${WEB1}`,
      `c104${WEB1}`,
      `c105${WEB1}`,
      `c106${WEB1}`,
      `c107${WEB1}`,
    ]);
  });

  it('decode to marker, kind and owner hash', () => {
    expect(decodeCookie(`c104${WEB1}`)).toStrictEqual({ ours: true, kind: 'endpoint', owner: WEB1 });
    expect(decodeCookie('c101000000000000')).toStrictEqual({ ours: true, kind: 'pipeline', owner: '000000000000' });
    expect(decodeCookie('c102aabbccddeeff')).toStrictEqual({ ours: true, kind: 'network', owner: 'aabbccddeeff' });
    expect(decodeCookie('c105000000000001')).toStrictEqual({ ours: true, kind: 'group', owner: '000000000001' });
    expect(decodeCookie('c106000000000001')).toStrictEqual({ ours: true, kind: 'rule', owner: '000000000001' });
    expect(decodeCookie('c107000000000001')).toStrictEqual({ ours: true, kind: 'learned', owner: '000000000001' });
    expect(decodeCookie(`c103${TUNNEL}`)).toStrictEqual({ ours: true, kind: 'tunnel', owner: TUNNEL });
  });

  it('tell foreign cookies apart', () => {
    expect(decodeCookie('0000000000000001')).toStrictEqual({ ours: false });
    expect(decodeCookie('0')).toStrictEqual({ ours: false });
    expect(decodeCookie('c0ff000000000001')).toStrictEqual({ ours: false });
    // Another controller's cookies whose second byte happens to be one of our kind numbers.
    expect(decodeCookie('0103000000000000')).toStrictEqual({ ours: false });
    expect(decodeCookie('2004000000000005')).toStrictEqual({ ours: false });
    expect(decodeCookie('c204000000000005')).toStrictEqual({ ours: false });
    expect(decodeCookie('c1ff000000000001')).toStrictEqual({ ours: false }); // our marker, unknown kind
    expect(decodeCookie('c100000000000001')).toStrictEqual({ ours: false }); // our marker, kind 0
    expect(decodeCookie('c108000000000001')).toStrictEqual({ ours: false }); // our marker, kind after the last
  });

  it('read a cookie of fewer than 16 digits as a number: 0xc104… of 14 digits is not ours', () => {
    // The top byte of 0x00c1040000000007 is 0: a foreign flow, whatever its lower bytes look like.
    expect(decodeCookie('c1040000000007')).toStrictEqual({ ours: false });
  });
});
