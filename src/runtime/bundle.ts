import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UserError } from '../cli/errors.js';
import type { BundleName } from '../state/host-state.js';

export interface Bundle {
  content: string;
  sha256: string;
}

export type Bundles = Record<BundleName, Bundle>;

/** A runtime plugin this contiv installs (dist/NAME.cjs, made by the build), and its hash. */
async function readBundle(name: BundleName): Promise<Bundle> {
  const path = new URL(`../${name}.cjs`, import.meta.url);
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${path.pathname} is missing: build contiv first (npm run build)`);
  }
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Every runtime plugin of this contiv. */
export async function readBundles(): Promise<Bundles> {
  const [cni, docker] = await Promise.all([readBundle('contiv-cni'), readBundle('contiv-docker')]);
  return { 'contiv-cni': cni, 'contiv-docker': docker };
}
