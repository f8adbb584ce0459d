import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acceptKey,
  appendKnownHost,
  entriesFor,
  entryMatches,
  fingerprint,
  keyTypeOf,
  knownKeyTypes,
  lookupName,
  parseKnownHosts,
  readKnownHosts,
  verifyHostKey,
} from '../../../src/host/known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const b = Buffer.from(body);
  const len = (n: number) => {
    const x = Buffer.alloc(4);
    x.writeUInt32BE(n);
    return x;
  };
  return Buffer.concat([len(t.length), t, len(b.length), b]);
}

const KEY_A = blob('ssh-ed25519', 'key-a-32-bytes-of-public-key....');
const KEY_B = blob('ssh-ed25519', 'key-b-32-bytes-of-public-key....');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('reads plain, listed, port and hashed entries', () => {
    const text = [
      '# comment',
      `198.18.0.11 ssh-ed25519 ${KEY_A.toString('base64')}`,
      `h2.example,198.18.0.12 ssh-ed25519 ${KEY_A.toString('base64')} comment`,
      `[198.18.0.13]:2222 ssh-ed25519 ${KEY_A.toString('base64')}`,
      `${hashed('198.18.0.14')} ssh-ed25519 ${KEY_A.toString('base64')}`,
      `@cert-authority *.example ssh-ed25519 ${KEY_B.toString('base64')}`,
    ].join('\r\n');
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(4);
    for (const name of ['198.18.0.11', '198.18.0.12', 'h2.example', lookupName('198.18.0.13', 2222), '198.18.0.14']) {
      expect(verifyHostKey(entries, name, KEY_A)).toEqual({ status: 'match' });
    }
    expect(verifyHostKey(entries, '198.18.0.13', KEY_A).status).toBe('unknown'); // port 22 is another entry
  });

  it('refuses a changed key, naming both fingerprints', () => {
    const entries = parseKnownHosts(`198.18.0.11 ssh-ed25519 ${KEY_A.toString('base64')}\n`);
    const verdict = verifyHostKey(entries, '198.18.0.11', KEY_B);
    expect(verdict).toEqual({ status: 'changed', presented: fingerprint(KEY_B), expected: [`ssh-ed25519 ${fingerprint(KEY_A)}`] });
  });

  it('refuses a revoked key even when another line accepts it', () => {
    const entries = parseKnownHosts(`@revoked * ssh-ed25519 ${KEY_A.toString('base64')}\n198.18.0.11 ssh-ed25519 ${KEY_A.toString('base64')}\n`);
    expect(verifyHostKey(entries, '198.18.0.11', KEY_A).status).toBe('revoked');
  });

  it('honours wildcards and negation', () => {
    const [entry] = parseKnownHosts(`198.18.0.*,!198.18.0.99 ssh-ed25519 ${KEY_A.toString('base64')}\n`);
    expect(entryMatches(entry!, '198.18.0.11')).toBe(true);
    expect(entryMatches(entry!, '198.18.0.99')).toBe(false);
    expect(entryMatches(entry!, '198.18.1.1')).toBe(false);
  });

  it('reads the key type from the blob and prints OpenSSH fingerprints', () => {
    expect(keyTypeOf(KEY_A)).toBe('ssh-ed25519');
    expect(fingerprint(KEY_A)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads the fingerprint OpenSSH prints for a real key', () => {
    // ssh-keygen -t ed25519 / -t ecdsa, then ssh-keygen -lf on the .pub files.
    const ed25519 = Buffer.from(REAL_ED25519, 'base64');
    const ecdsa = Buffer.from(REAL_ECDSA, 'base64');
    expect(keyTypeOf(ed25519)).toBe('ssh-ed25519');
    expect(fingerprint(ed25519)).toBe('SHA256:ujaK2lbdcnDiQPN2WWrVLV8tsSKkscWPZzakackThVU');
    expect(keyTypeOf(ecdsa)).toBe('ecdsa-sha2-nistp256');
    expect(fingerprint(ecdsa)).toBe('SHA256:gJtch3JAHnS+kiBzTdY0QZwa4euyr/tKcqDBagaFZMA');
  });
});

// A real ed25519 and ecdsa host key (public halves), made by ssh-keygen for these tests.
const REAL_ED25519 = 'AAAAC3NzaC1lZDI1NTE5AAAAIASPNzFslP7rUSIoinx7tyur5O2882gjOKXFXITcT33V';
const REAL_ECDSA = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPoUDWfmPlXW6QTd813jgH/GMdFvce0eSgJRnEROwQZXHtN+zCBowAQg2ZEIvueyBdWlNqZ9Gmbbmg5mmxQNJGE=';

describe('known_hosts lines', () => {
  const a = KEY_A.toString('base64');

  it('skips blank lines, comments, @cert-authority lines and lines missing the key, and reads the fields around any whitespace', () => {
    const text = [
      '',
      '   ',
      '  # indented comment',
      `# 198.18.0.1 ssh-ed25519 ${a}`,
      '198.18.0.2 ssh-ed25519',
      '198.18.0.3',
      `@cert-authority 198.18.0.4 ssh-ed25519 ${a}`,
      `  198.18.0.5\tssh-ed25519   ${a}  a comment  `,
      `@revoked 198.18.0.6 ssh-rsa ${a}`,
    ].join('\n');
    expect(parseKnownHosts(text)).toEqual([
      { patterns: ['198.18.0.5'], keyType: 'ssh-ed25519', key: a, revoked: false },
      { patterns: ['198.18.0.6'], keyType: 'ssh-rsa', key: a, revoked: true },
    ]);
  });

  it('lets a negated pattern win wherever it stands on the line', () => {
    const cases: Array<[line: string, name: string, matches: boolean]> = [
      [`198.18.0.*,!198.18.0.99 ssh-ed25519 ${a}`, '198.18.0.99', false], // negation after the match
      [`!198.18.0.99,198.18.0.* ssh-ed25519 ${a}`, '198.18.0.99', false], // negation before the match
      [`!198.18.0.99,198.18.0.99 ssh-ed25519 ${a}`, '198.18.0.99', false],
      [`!198.18.0.99,198.18.0.* ssh-ed25519 ${a}`, '198.18.0.11', true], // a negation that does not match changes nothing
      [`198.18.0.*,!198.18.0.99 ssh-ed25519 ${a}`, '198.18.0.11', true],
      [`!198.18.0.99 ssh-ed25519 ${a}`, '198.18.0.11', false], // a negation alone accepts nothing
    ];
    for (const [line, name, matches] of cases) {
      const entries = parseKnownHosts(line);
      expect(entryMatches(entries[0]!, name), `${line} / ${name}`).toBe(matches);
      expect(verifyHostKey(entries, name, KEY_A).status, `${line} / ${name}`).toBe(matches ? 'match' : 'unknown');
    }
  });

  it('treats the dot of a wildcard pattern literally and matches the whole name', () => {
    const [ip] = parseKnownHosts(`198.18.0.1? ssh-ed25519 ${a}`);
    expect(entryMatches(ip!, '198.18.0.12')).toBe(true);
    expect(entryMatches(ip!, '198x18x0x12')).toBe(false);
    expect(entryMatches(ip!, '198.18.0.1')).toBe(false); // ? is exactly one character
    expect(entryMatches(ip!, '198.18.0.123')).toBe(false);
    const [domain] = parseKnownHosts(`*.example ssh-ed25519 ${a}`);
    expect(entryMatches(domain!, 'foo.example')).toBe(true);
    expect(entryMatches(domain!, 'a.b.example')).toBe(true);
    expect(entryMatches(domain!, 'fooXexample')).toBe(false);
    expect(entryMatches(domain!, 'foo.example.org')).toBe(false);
    const [plain] = parseKnownHosts(`18.0.1 ssh-ed25519 ${a}`);
    expect(entryMatches(plain!, '18.0.1')).toBe(true);
    expect(entryMatches(plain!, '198.18.0.1')).toBe(false);
    expect(entryMatches(plain!, '18.0.11')).toBe(false);
    // Other regular-expression characters are literal too.
    const [odd] = parseKnownHosts(`h+1.example,(h2).example ssh-ed25519 ${a}`);
    expect(entryMatches(odd!, 'h+1.example')).toBe(true);
    expect(entryMatches(odd!, 'hh1.example')).toBe(false);
    expect(entryMatches(odd!, '(h2).example')).toBe(true);
    expect(entryMatches(odd!, 'h2.example')).toBe(false);
  });

  it('finds a hashed entry whatever the case of the Fabric address (OpenSSH hashes the lowercase name)', () => {
    // Made by `ssh-keygen -H` from lines for h1.example.com and [h1.example.com]:2222.
    const text = [
      `|1|MREwVP7h0A6Ve0xTbYozqxnPjNY=|Zj3ngOASYu9jqoMdznXM/V5tlZU= ssh-ed25519 ${REAL_ED25519}`,
      `|1|9w5nLPAn5SEvLR1g7fAeashCMoY=|2+iVzmaR9FmnnaG+xTW7XSxsPm8= ssh-ed25519 ${REAL_ED25519}`,
    ].join('\n');
    const entries = parseKnownHosts(text);
    const key = Buffer.from(REAL_ED25519, 'base64');
    for (const address of ['h1.example.com', 'H1.Example.COM', 'H1.EXAMPLE.COM']) {
      expect(verifyHostKey(entries, lookupName(address, 22), key), address).toEqual({ status: 'match' });
      expect(verifyHostKey(entries, lookupName(address, 2222), key), address).toEqual({ status: 'match' });
      expect(knownKeyTypes(entries, lookupName(address, 22)), address).toEqual(['ssh-ed25519']);
    }
    expect(verifyHostKey(entries, lookupName('h2.example.com', 22), key).status).toBe('unknown');
    expect(verifyHostKey(entries, lookupName('h1.example.com', 2223), key).status).toBe('unknown');
  });

  it('matches plain and wildcard patterns whatever their case or the address case', () => {
    const entries = parseKnownHosts(`H1.Example.COM,*.LAB.example ssh-ed25519 ${a}`);
    for (const address of ['h1.example.com', 'H1.EXAMPLE.COM', 'h9.lab.example', 'H9.Lab.Example']) {
      expect(verifyHostKey(entries, lookupName(address, 22), KEY_A), address).toEqual({ status: 'match' });
    }
  });

  it('looks up host on port 22 and [host]:port otherwise, lowercased', () => {
    expect(lookupName('198.18.0.11', 22)).toBe('198.18.0.11');
    expect(lookupName('H1.Example.COM', 22)).toBe('h1.example.com');
    expect(lookupName('H1.Example.COM', 2222)).toBe('[h1.example.com]:2222');
  });

  it('never matches a hashed entry without a salt or a hash (OpenSSH needs a 20-byte salt)', () => {
    const name = '198.18.0.11';
    const emptySalt = `|1||${createHmac('sha1', Buffer.alloc(0)).update(name).digest('base64')}`;
    const salt = randomBytes(20).toString('base64');
    for (const pattern of [emptySalt, `|1|${salt}|`, `|1|${salt}`, '|1|']) {
      const entries = parseKnownHosts(`${pattern} ssh-ed25519 ${a}`);
      expect(entryMatches(entries[0]!, name), pattern).toBe(false);
    }
    // The same name hashed with a salt is found: the empty-salt case fails for the salt alone.
    expect(entryMatches(parseKnownHosts(`${hashed(name)} ssh-ed25519 ${a}`)[0]!, name)).toBe(true);
    expect(entryMatches(parseKnownHosts(`${hashed(name)} ssh-ed25519 ${a}`)[0]!, '198.18.0.12')).toBe(false);
  });

  it('tells a revoked key apart from a revoked line for another key', () => {
    const b = KEY_B.toString('base64');
    const entries = parseKnownHosts(`@revoked 198.18.0.11 ssh-ed25519 ${b}\n198.18.0.11 ssh-ed25519 ${a}\n`);
    expect(verifyHostKey(entries, '198.18.0.11', KEY_A)).toEqual({ status: 'match' });
    expect(verifyHostKey(entries, '198.18.0.11', KEY_B)).toEqual({ status: 'revoked', presented: fingerprint(KEY_B) });
    // A host known only by a revoked line is unknown for any other key, not "changed".
    const onlyRevoked = parseKnownHosts(`@revoked 198.18.0.12 ssh-ed25519 ${b}\n`);
    expect(verifyHostKey(onlyRevoked, '198.18.0.12', KEY_A)).toEqual({ status: 'unknown', presented: fingerprint(KEY_A) });
    expect(knownKeyTypes(onlyRevoked, '198.18.0.12')).toEqual([]);
  });

  it('lists every accepted key of a changed host, and offers each known key type once', () => {
    const real = Buffer.from(REAL_ECDSA, 'base64');
    const entries = parseKnownHosts(
      [`198.18.0.11 ssh-ed25519 ${a}`, `198.18.0.11 ecdsa-sha2-nistp256 ${REAL_ECDSA}`, `198.18.0.* ssh-ed25519 ${a}`, `198.18.0.12 ssh-rsa ${a}`].join('\n'),
    );
    expect(verifyHostKey(entries, '198.18.0.11', KEY_B)).toEqual({
      status: 'changed',
      presented: fingerprint(KEY_B),
      expected: [`ssh-ed25519 ${fingerprint(KEY_A)}`, 'ecdsa-sha2-nistp256 SHA256:gJtch3JAHnS+kiBzTdY0QZwa4euyr/tKcqDBagaFZMA', `ssh-ed25519 ${fingerprint(KEY_A)}`],
    });
    expect(verifyHostKey(entries, '198.18.0.11', real)).toEqual({ status: 'match' });
    expect(knownKeyTypes(entries, '198.18.0.11')).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
    expect(knownKeyTypes(entries, '198.18.0.13')).toEqual(['ssh-ed25519']);
    expect(verifyHostKey(entries, '198.18.1.1', KEY_A)).toEqual({ status: 'unknown', presented: fingerprint(KEY_A) });
  });
});

describe('a key accepted during a run', () => {
  it('is known at once: the same key matches, another key for that name is changed, in every form of the name', () => {
    const entries = parseKnownHosts(`other.example ssh-ed25519 ${KEY_B.toString('base64')}`);
    const name = lookupName('H1.Example.COM', 2222);
    expect(verifyHostKey(entries, name, KEY_A).status).toBe('unknown');
    acceptKey(entries, name, KEY_A);
    expect(verifyHostKey(entries, name, KEY_A)).toEqual({ status: 'match' });
    expect(verifyHostKey(entries, lookupName('h1.example.com', 2222), KEY_B)).toMatchObject({ status: 'changed', expected: [`ssh-ed25519 ${fingerprint(KEY_A)}`] });
    expect(verifyHostKey(entries, lookupName('h1.example.com', 22), KEY_B).status).toBe('unknown');
    expect(knownKeyTypes(entries, name)).toEqual(['ssh-ed25519']);
  });
});

describe('known_hosts file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'contiv-known-hosts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a missing file as empty, but refuses one it cannot read', async () => {
    expect(await readKnownHosts(join(dir, 'absent'))).toEqual([]);
    await expect(readKnownHosts(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('records a new key under the lowercase name, in a private file it creates, after the keys already there', async () => {
    const path = join(dir, 'ssh', 'known_hosts');
    const key = Buffer.from(REAL_ED25519, 'base64');
    await appendKnownHost(path, lookupName('H1.Example.COM', 2222), key);
    await appendKnownHost(path, lookupName('198.18.0.11', 22), KEY_A);
    expect(await readFile(path, 'utf8')).toBe(`[h1.example.com]:2222 ssh-ed25519 ${REAL_ED25519}\n198.18.0.11 ssh-ed25519 ${KEY_A.toString('base64')}\n`);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const entries = await readKnownHosts(path);
    expect(verifyHostKey(entries, lookupName('h1.EXAMPLE.com', 2222), key)).toEqual({ status: 'match' });
  });

  it('finds by name what testing every line finds, in the file order, and the lines added since', () => {
    const a = KEY_A.toString('base64');
    const b = KEY_B.toString('base64');
    const entries = parseKnownHosts(
      [
        `198.18.0.11 ssh-ed25519 ${a}`,
        `H2.Example,198.18.0.12,h2.example ssh-ed25519 ${a}`,
        `[198.18.0.13]:2222 ssh-ed25519 ${a}`,
        `198.18.0.* ssh-rsa ${b}`,
        `198.18.0.1?,!198.18.0.12 ssh-ed25519 ${b}`,
        `${hashed('198.18.0.14')} ssh-ed25519 ${a}`,
        `@revoked 198.18.0.11 ssh-ed25519 ${b}`,
        `198.18.0.11,198.18.0.12 ecdsa-sha2-nistp256 ${b}`,
      ].join('\n'),
    );
    const names = ['198.18.0.11', '198.18.0.12', 'h2.example', 'H2.EXAMPLE', '[198.18.0.13]:2222', '198.18.0.13', '198.18.0.14', '198.18.0.99', '198.18.1.1', 'other'];
    const check = () => {
      for (const name of names) expect([name, entriesFor(entries, name)]).toEqual([name, entries.filter((e) => entryMatches(e, name))]);
    };
    check();
    expect(entriesFor(entries, '198.18.0.11').map((e) => e.keyType)).toEqual(['ssh-ed25519', 'ssh-rsa', 'ssh-ed25519', 'ssh-ed25519', 'ecdsa-sha2-nistp256']);
    // A key accepted during the run: found from then on, by the index made before it.
    acceptKey(entries, '198.18.1.1', KEY_A);
    acceptKey(entries, 'other', KEY_B);
    check();
    expect(verifyHostKey(entries, '198.18.1.1', KEY_A)).toEqual({ status: 'match' });
    expect(verifyHostKey(entries, 'other', KEY_A).status).toBe('changed');
  });
});
