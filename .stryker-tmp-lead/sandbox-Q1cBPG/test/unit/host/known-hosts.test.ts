// @ts-nocheck
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryMatches, fingerprint, keyTypeOf, lookupName, parseKnownHosts, verifyHostKey } from '../../../src/host/known-hosts.js';

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
});
