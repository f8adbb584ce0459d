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

/** Manifest files as the loader reads them: *.yaml / *.yml, no hidden file or folder, no node_modules. */
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

/**
 * `git status` of DIR for worktreeAgainstHead. v2 names HEAD's commit (`# branch.oid`,
 * "(initial)" before the first) in the same call; --ignored=matching lists an ignored folder
 * once, not every file in it (node_modules).
 */
export const WORKTREE_STATUS_ARGS: readonly string[] = ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--ignored=matching', '--no-renames', '--', '.'];

/**
 * HEAD's commit (undefined before the first commit) and the manifest files that differ from it,
 * read from DIR's prefix in the repository (`git rev-parse --show-prefix`) and the output of
 * WORKTREE_STATUS_ARGS run in DIR. As the loader sees them: `loaded` are the paths it read below
 * DIR, '/'-separated. A file differs when it is modified, staged, deleted or untracked, and also
 * when Git ignores it or it lies in a folder Git does not track (an ignored or untracked folder,
 * an untracked nested repository): the loader reads those all the same, and no commit vouches
 * for them. A clean submodule gives no entry: the loader marks its files instead
 * (SourceFile.inNestedRepository). Paths are made relative to DIR before the loader's rule (no
 * hidden file or folder, no node_modules) is applied, so a DIR inside a hidden folder is checked
 * like any other.
 */
export function worktreeAgainstHead(prefix: string, status: string, loaded: readonly string[]): { head: string | undefined; uncommitted: string[] } {
  let head: string | undefined;
  const differing = new Set<string>();
  const read = new Set(loaded);
  for (const entry of status.split('\0')) {
    if (entry.startsWith('# branch.oid ')) {
      const oid = entry.slice('# branch.oid '.length);
      head = /^[0-9a-f]{40,64}$/.test(oid) ? oid : undefined;
      continue;
    }
    const path = statusPath(entry);
    if (path === undefined) continue;
    // DIR itself lies in a folder Git does not track: nothing the loader read is committed.
    if (path.endsWith('/') && prefix.startsWith(path)) {
      for (const file of loaded) differing.add(file);
      continue;
    }
    if (!path.startsWith(prefix)) continue;
    const below = path.slice(prefix.length);
    // A folder (untracked, ignored, a nested repository): what the loader read in it.
    if (below.endsWith('/')) {
      for (const file of loaded) if (file.startsWith(below)) differing.add(file);
      continue;
    }
    // Ignored entries are not the repository's files: they count only when the loader read them.
    if (read.has(below) || (!entry.startsWith('!') && isManifest(below))) differing.add(below);
  }
  return { head, uncommitted: [...differing].sort() };
}

/** The path of one `git status --porcelain=v2 -z` entry (renames are off), or undefined for a header. */
function statusPath(entry: string): string | undefined {
  // Fields before the path: "1 XY sub mH mI mW hH hI", "u XY sub m1 m2 m3 mW h1 h2 h3", "?", "!".
  const fieldsBefore = { '1': 8, u: 10, '?': 1, '!': 1 }[entry[0] ?? ''];
  if (fieldsBefore === undefined) return undefined;
  let at = 0;
  for (let i = 0; i < fieldsBefore; i += 1) at = entry.indexOf(' ', at) + 1;
  return at > 0 ? entry.slice(at) : undefined;
}
