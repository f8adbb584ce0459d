import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { displayPath, showPrefix } from '../manifest/read-sources.js';
import type { SourceFile } from '../manifest/source-file.js';
import { commitOf, GitProblem, openGit, WORKTREE_STATUS_ARGS, worktreeAgainstHead } from '../rbac/history.js';
import type { PlanSource } from '../plan/types.js';
import { UserError } from './errors.js';
import { gitOutput } from './git-process.js';

/*
 * Which commit a plan is made from (issue 16: Git is the source of truth). The manifests as of
 * `--ref`, or DIR's checkout when no manifest file there differs from HEAD: that commit, in
 * full. Otherwise the plan is of uncommitted manifests, named by a hash of their content (and
 * the commit they sit on, if DIR is in a repository at all); `plan --out` and `apply` refuse
 * such a plan unless --allow-dirty, since no commit says what was applied.
 */

/** What Git says of DIR, asked before the manifests are read (askGit), so that it runs alongside. */
export type GitAnswer =
  | { ref: string; commit: string }
  | { prefix: string; status: string }
  /** Not in a repository, or one Git refuses to read (safe.directory). */
  | { none: true };

/**
 * Starts asking Git about DIR. Without --ref: `rev-parse --show-prefix` and one `status
 * --porcelain=v2`, run at once (git-process.ts).
 */
export async function askGit(dir: string, ref: string | undefined): Promise<GitAnswer> {
  if (ref !== undefined) {
    try {
      return { ref, commit: await commitOf(await openGit(dir), ref, '--ref') };
    } catch (e) {
      throw new UserError(e instanceof GitProblem ? e.message : String(e));
    }
  }
  const prefix = gitOutput(dir, ['rev-parse', '--show-prefix']);
  const status = gitOutput(dir, WORKTREE_STATUS_ARGS);
  status.catch(() => undefined);
  // Not in a repository (or one Git refuses to read: safe.directory): no commit to name.
  const at = await prefix.then(showPrefix, () => undefined);
  if (at === undefined) return { none: true };
  // In one, a status Git cannot give (a damaged index) is said, not taken for "no repository".
  const text = await status.catch((e: unknown) => {
    throw new UserError(`git status in ${dir} failed: ${e instanceof Error ? e.message : String(e)}`);
  });
  return { prefix: at, status: text };
}

/** The plan's source: what Git said of DIR, with the manifests the loader read from it. */
export function sourceOf(dir: string, answer: GitAnswer, loaded: { files: readonly SourceFile[]; sources: ReadonlyMap<string, string> }): PlanSource {
  if ('commit' in answer) return { dir, ref: answer.ref, commit: answer.commit };
  const sha256 = contentHash(loaded.sources);
  if ('none' in answer) return { dir, uncommitted: { sha256 } };
  const { head, files } = notAsCommitted(dir, answer, loaded.files);
  // Before the first commit there is nothing to name.
  if (head === undefined) return { dir, uncommitted: { sha256 } };
  if (files.length > 0) return { dir, uncommitted: { sha256, head, files: files.map((below) => displayPath(dir, below)) } };
  return { dir, commit: head };
}

/**
 * HEAD, and the files the loader read that are not as HEAD holds them (paths below DIR, sorted):
 * what git status says (rbac/history.ts worktreeAgainstHead), and every file of a repository
 * nested in DIR's, which a clean submodule's status does not show. Used by the plan's source
 * and by --base's check alike.
 */
export function notAsCommitted(dir: string, answer: { prefix: string; status: string }, files: readonly SourceFile[]): { head: string | undefined; files: string[] } {
  const state = worktreeAgainstHead(answer.prefix, answer.status, filesBelow(dir, files));
  const nested = filesBelow(dir, files.filter((f) => f.inNestedRepository));
  return { head: state.head, files: [...new Set([...state.uncommitted, ...nested])].sort() };
}

/** The loaded files that lie below DIR, as paths below it ('/'-separated): a --fabric file elsewhere is not DIR's. */
export function filesBelow(dir: string, files: readonly SourceFile[]): string[] {
  const root = resolve(dir);
  return files
    .map((f) => relative(root, f.absPath))
    .filter((rel) => rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
    .map((rel) => rel.split(sep).join('/'));
}

/** The manifests' content, by path: the same files give the same hash, wherever they are read. */
export function contentHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) hash.update(`${path}\0${files.get(path)}\0`);
  return hash.digest('hex');
}

/** In words, for messages: `commit 1a2b3c4d5e6f`, or `uncommitted manifests (content 9f8e…, on 1a2b3c4d5e6f)`. */
export function describeSource(source: PlanSource): string {
  if (source.commit) return `commit ${source.commit.slice(0, 12)}`;
  const u = source.uncommitted;
  return `uncommitted manifests${u ? ` (content ${u.sha256.slice(0, 12)}${u.head ? `, on ${u.head.slice(0, 12)}` : ', not in a Git repository'}${u.files?.length ? `; not as committed: ${namedFiles(u.files)}` : ''})` : ''}`;
}

/** The first few files, then how many more: a refusal names what to commit without a wall of paths. */
function namedFiles(files: readonly string[]): string {
  const SHOWN = 5;
  return `${files.slice(0, SHOWN).join(', ')}${files.length > SHOWN ? ` and ${files.length - SHOWN} more` : ''}`;
}

/** `plan --out` and `apply` of uncommitted manifests: refused unless --allow-dirty. */
export function refuseDirty(source: PlanSource, what: string, allowDirty: boolean | undefined): void {
  if (allowDirty || source.commit !== undefined) return;
  throw new UserError(`${what} of ${describeSource(source)}: no commit would say what was applied. Commit them (or plan a commit with --ref REV), or pass --allow-dirty`);
}
