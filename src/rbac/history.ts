import { resolve } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { isManifestPath } from '../manifest/source-file.js';
import { touchedByCommit, type FileAt } from './touched.js';

/*
 * The commits of REF..HEAD and the objects each touched, read with git (simple-git, loaded only
 * for --base). REF..HEAD is every commit HEAD has and REF has not: what REF's own history
 * holds (a merge of the base into the branch brings it in) is left out by git itself, and
 * nothing else is. Each commit is compared with each of its parents over the manifest files
 * below DIR that differ, both names of a moved file included (--no-renames): touched.ts says
 * which objects that touched.
 */

export interface RangeCommit {
  hash: string;
  touched: string[];
}

export class GitProblem extends Error {}

export async function openGit(dir: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit(resolve(dir));
}

/** The commit a revision names, or GitProblem saying which is not one. */
export async function commitOf(git: SimpleGit, rev: string, what: string): Promise<string> {
  try {
    const hash = (await git.revparse(['--verify', '--end-of-options', `${rev}^{commit}`])).trim();
    if (hash !== '') return hash;
  } catch {
    // reported below
  }
  throw new GitProblem(`${what} "${rev}" is not a commit of the repository (no branch, tag or commit id by that name)`);
}

/** Manifest files as the loader reads them: *.yaml / *.yml, no hidden folder, no node_modules. */
function isManifest(path: string): boolean {
  return isManifestPath(path) && !path.split('/').some((part) => part.startsWith('.') || part === 'node_modules');
}

/** Every commit of base..head (hashes resolved), oldest first, with the objects below the repository's cwd it touched. */
export async function commitsInRange(git: SimpleGit, base: string, head: string): Promise<RangeCommit[]> {
  const listing = await git.raw(['rev-list', '--parents', '--reverse', `${base}..${head}`, '--']);
  const out: RangeCommit[] = [];
  for (const line of listing.split('\n')) {
    const [hash, ...parents] = line.trim().split(' ').filter((w) => w !== '');
    if (hash === undefined) continue;
    const sides: Array<{ before: FileAt[]; after: FileAt[] }> = [];
    for (const parent of parents.length ? parents : [undefined]) sides.push(await side(git, parent, hash));
    out.push({ hash, touched: [...touchedByCommit(sides)].sort() });
  }
  return out;
}

/** The manifest files below cwd that differ between parent (none: the empty tree) and commit, on both sides. */
async function side(git: SimpleGit, parent: string | undefined, commit: string): Promise<{ before: FileAt[]; after: FileAt[] }> {
  const args = ['diff-tree', '-r', '--no-renames', '--name-status', '-z', '--relative', ...(parent === undefined ? ['--root', commit] : [parent, commit]), '--'];
  const fields = (await git.raw(args)).split('\0');
  const before: FileAt[] = [];
  const after: FileAt[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!;
    const path = fields[i + 1]!;
    if (status === '' || !isManifest(path)) continue;
    if (!status.startsWith('A') && parent !== undefined) before.push({ path, text: await git.show([`${parent}:./${path}`]) });
    if (!status.startsWith('D')) after.push({ path, text: await git.show([`${commit}:./${path}`]) });
  }
  return { before, after };
}

/** Manifest files below cwd that differ from HEAD (modified, staged, untracked): no commit vouches for them. */
export async function uncommittedManifests(git: SimpleGit): Promise<string[]> {
  const out = await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', '.']);
  return out
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3))
    .filter(isManifest)
    .sort();
}
