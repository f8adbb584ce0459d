import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UserError } from '../../cli/errors.js';

/** The contiv-cni bundle this contiv installs (dist/contiv-cni.cjs, made by the build), and its hash. */
export async function readCniBundle(): Promise<{ content: string; sha256: string }> {
  const path = new URL('../../contiv-cni.cjs', import.meta.url);
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${path.pathname} is missing: build contiv first (npm run build)`);
  }
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}
