import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * OpenSSH known_hosts: plain names, comma-separated lists, `[host]:port` for other ports,
 * hashed names (`|1|salt|hmac`), `*`/`?` wildcards, `!` negation, and the @revoked marker
 * (@cert-authority lines are ignored: contiv does not accept host certificates).
 */

export interface KnownHostEntry {
  patterns: string[];
  keyType: string;
  /** Base64 of the public key blob, as in the file. */
  key: string;
  revoked: boolean;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) marker = fields.shift();
    if (marker === '@cert-authority') continue;
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) continue;
    out.push({ patterns: hosts.split(','), keyType, key, revoked: marker === '@revoked' });
  }
  return out;
}

/**
 * The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise, lowercased. OpenSSH
 * lowercases the host name before it matches patterns and before it hashes it (a hashed entry
 * holds the HMAC of the lowercase name), so `H1.Example.COM` must find an entry recorded for
 * `h1.example.com`; and the name recorded for a new key is this one, lowercase too.
 */
export function lookupName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

// Each pattern's expression, made once (a Fabric of 1,000 hosts checks each name against every wildcard line).
const wildcards = new Map<string, RegExp>();

function wildcardMatch(pattern: string, name: string): boolean {
  let re = wildcards.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache
    if (wildcards.size >= 10_000) wildcards.clear();
    wildcards.set(pattern, re);
  }
  return re.test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return wildcardMatch(pattern, name);
}

export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let matched = false;
  for (const p of entry.patterns) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) {
      matched = true;
    }
  }
  return matched;
}

/** `SHA256:…` as OpenSSH prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('ascii');
}

export type HostKeyVerdict =
  | { status: 'match' }
  | { status: 'unknown'; presented: string }
  | { status: 'changed'; presented: string; expected: string[] }
  | { status: 'revoked'; presented: string };

/*
 * The entries for a name without testing every line: a line of plain names (no wildcard,
 * negation or hash; what contiv and `ssh-keyscan` write) is found by name, the others are
 * tested one by one. A plan of 1,000 hosts against a known_hosts of 1,000 lines tested a
 * million patterns, each a new regular expression. Entries only grow (acceptKey appends), so
 * an index takes the lines added since it was made.
 */
interface KnownHostsIndex {
  count: number;
  byName: Map<string, number[]>;
  others: number[];
}

const indexes = new WeakMap<readonly KnownHostEntry[], KnownHostsIndex>();

function isPlainName(pattern: string): boolean {
  return !/[*?]/.test(pattern) && !pattern.startsWith('!') && !pattern.startsWith('|1|');
}

/** The entries that match `name`, in the file's order. */
export function entriesFor(entries: readonly KnownHostEntry[], name: string): KnownHostEntry[] {
  let index = indexes.get(entries);
  if (!index) indexes.set(entries, (index = { count: 0, byName: new Map(), others: [] }));
  for (; index.count < entries.length; index.count++) {
    const patterns = entries[index.count]!.patterns;
    if (!patterns.every(isPlainName)) {
      index.others.push(index.count);
      continue;
    }
    for (const p of new Set(patterns.map((q) => q.toLowerCase()))) {
      const list = index.byName.get(p);
      if (list) list.push(index.count);
      else index.byName.set(p, [index.count]);
    }
  }
  const named = index.byName.get(name.toLowerCase()) ?? [];
  const tested = index.others.filter((i) => entryMatches(entries[i]!, name));
  return [...named, ...tested].sort((a, b) => a - b).map((i) => entries[i]!);
}

export function verifyHostKey(entries: readonly KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const presented = keyBlob.toString('base64');
  const mine = entriesFor(entries, name);
  if (mine.some((e) => e.revoked && e.key === presented)) return { status: 'revoked', presented: fingerprint(keyBlob) };
  const valid = mine.filter((e) => !e.revoked);
  if (valid.some((e) => e.key === presented)) return { status: 'match' };
  if (valid.length === 0) return { status: 'unknown', presented: fingerprint(keyBlob) };
  return { status: 'changed', presented: fingerprint(keyBlob), expected: valid.map((e) => `${e.keyType} ${fingerprint(Buffer.from(e.key, 'base64'))}`) };
}

/** Key types known for a host, to offer them first (as OpenSSH does) so a known key is the one presented. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entriesFor(entries, name).filter((e) => !e.revoked).map((e) => e.keyType))];
}

export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Takes a new key for `name` into the entries a run checks against, at once (before the file
 * is written): a second connection to that name in the same run, presenting another key, is
 * then "changed", not "new" again.
 */
export function acceptKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): void {
  entries.push({ patterns: [name], keyType: keyTypeOf(keyBlob), key: keyBlob.toString('base64'), revoked: false });
}

/** Records a host key never seen before (never replaces one: a changed key is always refused). */
export async function appendKnownHost(path: string, name: string, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}
