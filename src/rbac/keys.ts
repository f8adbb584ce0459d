import { fingerprint as blobFingerprint } from '../host/known-hosts.js';

/*
 * SSH public keys as the manifests write them (`keytype base64 [comment]`). Nothing here reads
 * a signature: git verifies those (signatures.ts). This only says whether a key is one, and
 * which fingerprint git will report for it (`%GK`), so a signer is matched by key, not by name.
 */

export const KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;

/** The key's wire blob, or why it is not a key of its named type. */
export function keyBlob(key: string): { blob: Buffer } | { problem: string } {
  const [type, data] = key.split(' ');
  if (type === undefined || !(KEY_TYPES as readonly string[]).includes(type)) return { problem: `key type "${type ?? ''}" is not one of ${KEY_TYPES.join(', ')}` };
  if (data === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return { problem: 'the key is not base64' };
  const blob = Buffer.from(data, 'base64');
  // The blob starts with its own type as an SSH string (uint32 length, then the name).
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const inner = length >= 0 && blob.length >= 4 + length ? blob.subarray(4, 4 + length).toString('latin1') : undefined;
  if (inner !== type) return { problem: inner === undefined ? 'the key is cut short' : `the key says "${type}" but holds a ${inner} key` };
  if (type === 'ssh-ed25519' && blob.length !== 4 + 11 + 4 + 32) return { problem: 'an ssh-ed25519 key is 32 bytes' };
  return { blob };
}

/** `SHA256:…` as ssh-keygen -l and git's %GK print it; undefined for what is not a key. */
export function fingerprint(key: string): string | undefined {
  const parsed = keyBlob(key);
  if (!('blob' in parsed)) return undefined;
  return blobFingerprint(parsed.blob);
}
