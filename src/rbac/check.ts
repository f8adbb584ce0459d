import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { displayPath } from '../manifest/read-sources.js';
import type { Model } from '../model/types.js';
import { accessAt, allowedSigners } from './access.js';
import { changedObjects } from './changes.js';
import { decide, type CommitCheck, type Decision } from './decide.js';
import { commitOf, commitsInRange, openGit } from './history.js';
import { signaturesInRange } from './signatures.js';

/*
 * `plan --base REF`: who may change what, checked before any host is contacted. The two models
 * are loaded by the caller (REF's with the same --fabric/--fabric-ref as the tree's, so only
 * what the repository changes is compared); git gives the commits, what they touched and their
 * signatures; decide.ts decides.
 */

export interface RbacInput {
  /** The manifest directory (inside the repository). */
  dir: string;
  /** --base, as given. */
  base: string;
  /** --ref, when the tree is a commit; absent: the working tree, which must then be committed. */
  ref?: string;
  /** The working tree's manifest files that are not as HEAD holds them, as paths below `dir` (source-commit.ts notAsCommitted). */
  uncommitted: readonly string[];
  baseModel: Model;
  tree: Model;
}

export async function checkRbac(input: RbacInput): Promise<Decision> {
  const git = await openGit(input.dir);
  const base = await commitOf(git, input.base, '--base');
  const head = await commitOf(git, input.ref ?? 'HEAD', input.ref === undefined ? 'HEAD' : '--ref');
  const diagnostics: Diagnostic[] = [];
  if (input.ref === undefined) {
    for (const below of input.uncommitted) {
      const path = displayPath(input.dir, below);
      diagnostics.push(error('rbac-uncommitted', `${path} has changes that are not committed: with --base, every change must come from a signed commit`, { file: path, line: 1, col: 1 }, 'commit (signed) or stash them, or plan a commit with --ref'));
    }
  }
  const changes = changedObjects(input.baseModel, input.tree);
  if (changes.length === 0) return { diagnostics, approvals: [] };
  const access = accessAt(input.baseModel);
  const commits = await commitsInRange(git, base, head);
  const signatures = await signaturesInRange(git, base, head, allowedSigners(access));
  const checks: CommitCheck[] = commits.map((c) => {
    const s = signatures.get(c.hash) ?? { short: c.hash.slice(0, 7), result: '', signer: '', key: '' };
    return { hash: c.hash, ...s, touched: c.touched };
  });
  const decision = decide({ base: input.base, changes, commits: checks, access });
  return { diagnostics: [...diagnostics, ...decision.diagnostics], approvals: decision.approvals };
}
