import { recordedSource, UNCOMMITTED } from '../plan/commit-record.js';
import type { PlanSource } from '../plan/types.js';
import type { LiveHost } from '../state/host-state.js';
import { describeHosts } from '../render/host-list.js';
import { gitOutput } from './git-process.js';

/*
 * Where the hosts are, by the commit each records (plan/commit-record.ts), said when some host is
 * not at the plan's commit: "h1–h3 at 1a2b3c4d5e6f, 3 commits behind". Counted by git in DIR's
 * repository; a commit it does not have is said so.
 */
export async function hostCommitsLines(source: PlanSource, live: Readonly<Record<string, LiveHost>>): Promise<string[]> {
  // A plan of uncommitted manifests is at no commit: there is nothing to be behind of.
  if (source.commit === undefined) return [];
  const target = source.commit;
  const byCommit = new Map<string, string[]>();
  for (const [host, l] of Object.entries(live)) {
    const at = recordedSource(l.state);
    if (at !== undefined && at !== source.commit) byCommit.set(at, [...(byCommit.get(at) ?? []), host]);
  }
  if (byCommit.size === 0) return [];
  const total = Object.keys(live).length;
  const lines: string[] = [];
  for (const [commit, hosts] of byCommit) {
    lines.push(commit === UNCOMMITTED ? `  ${describeHosts(hosts, total)} applied from uncommitted manifests (--allow-dirty)` : `  ${describeHosts(hosts, total)} at ${commit.slice(0, 12)}${await distance(source.dir, commit, target)}`);
  }
  return [`Hosts not at commit ${source.commit.slice(0, 12)}:`, ...lines];
}

/** `, 3 commits behind` (then `against`, e.g. ` HEAD`); ahead, or on another line; or not in the repository. */
async function distance(dir: string, commit: string, target: string, against = ''): Promise<string> {
  try {
    // One walk for both sides: commits only `commit` has, then only `target`.
    const [ahead, behind] = (await gitOutput(dir, ['rev-list', '--left-right', '--count', `${commit}...${target}`])).trim().split(/\s+/).map(Number) as [number, number];
    if (ahead === 0) return `, ${behind} commit${behind === 1 ? '' : 's'} behind${against}`;
    return behind === 0 ? `, ${ahead} commit${ahead === 1 ? '' : 's'} ahead${against ? ` of${against}` : ''}` : `, on another line of history than${against || ' it'} (${ahead} ahead, ${behind} behind)`;
  } catch {
    return ', a commit this repository does not have';
  }
}

/** For `show`: how far each commit the hosts record is from DIR's HEAD (`, 3 commits behind HEAD`; nothing when at it). */
export async function distancesFromHead(dir: string, commits: readonly string[]): Promise<Record<string, string>> {
  if (commits.length === 0) return {};
  const head = await gitOutput(dir, ['rev-parse', 'HEAD']).then((h) => h.trim(), () => undefined);
  const out: Record<string, string> = {};
  for (const c of new Set(commits)) out[c] = head === undefined || head === c ? '' : await distance(dir, c, head, ' HEAD');
  return out;
}
