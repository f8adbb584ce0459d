import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';

/*
 * What git says of each commit's signature: git verifies SSH signatures itself (ssh-keygen -Y),
 * against an allowed-signers file made of REF's owners and admins; contiv reads its verdict
 * (%G?), the principal the file gives the key (%GS) and the key's fingerprint (%GK). Nothing
 * here reads a signature. The file lives in a private temporary folder, removed afterwards.
 */

export interface Signature {
  short: string;
  result: string;
  signer: string;
  key: string;
}

const FIELD = '\x1f';

export async function signaturesInRange(git: SimpleGit, base: string, head: string, allowedSigners: string): Promise<Map<string, Signature>> {
  const folder = await mkdtemp(join(tmpdir(), 'contiv-signers-'));
  try {
    const file = join(folder, 'allowed_signers');
    await writeFile(file, allowedSigners, { mode: 0o600 });
    const text = await git.raw([
      '-c', 'gpg.format=ssh',
      '-c', `gpg.ssh.allowedSignersFile=${file}`,
      // A user's log.showSignature would add git's verification lines to the output.
      '-c', 'log.showSignature=false',
      'log', `--format=%H${FIELD}%h${FIELD}%G?${FIELD}%GS${FIELD}%GK`, `${base}..${head}`, '--',
    ]);
    const out = new Map<string, Signature>();
    for (const line of text.split('\n')) {
      const [hash, short, result, signer, key] = line.split(FIELD);
      if (!hash || short === undefined) continue;
      out.set(hash, { short, result: result ?? '', signer: signer ?? '', key: key ?? '' });
    }
    return out;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
