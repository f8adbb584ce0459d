import type { Plan } from '../plan/types.js';
import type { Approval } from '../rbac/decide.js';
import { describeHosts } from './host-list.js';
import { codeSpan, fenceFor, visible } from './visible.js';
import { planTextSections, type PlanTextSections } from './plan-text.js';

/*
 * The plan as a pull-request comment (`plan --format markdown`): the grouped text in a diff
 * block, never longer than GitHub takes in one comment. When the plan does not fit, what goes
 * first is what a reviewer needs least: the per-host detail lines, then whole host sections
 * (from the last), then the shared changes' detail lines, then lines from the end; the comment
 * says what was left out and which command prints everything. The summary line always stays.
 */

/** GitHub's limit for a pull-request comment, in characters. */
export const MARKDOWN_LIMIT = 65_536;

export interface MarkdownOptions {
  /** What prints the whole plan: `contiv show PLANFILE --full`, or `contiv plan --full`. */
  fullPlanCommand: string;
  limit?: number;
  /** A line under the title (a shard's: which hosts the plan covers). */
  note?: string;
  /** `plan --base`: whose signatures each part of the change needs (section "Approvals"). */
  approvals?: Approvals;
}

export interface Approvals {
  base: string;
  parts: Approval[];
}

export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const title = `### contiv plan: ${codeSpan(plan.source.dir)}${plan.source.ref ? ` at ${codeSpan(plan.source.ref)}` : ''}\n\n${options.note ? `${visible(options.note)}\n\n` : ''}`;
  // The fence is longer than any run of backticks in the plan, which a host's text may hold.
  const comment = (body: string[], leftOut: string[]) => {
    const text = body.join('\n');
    const fence = fenceFor(text);
    return `${title}${fence}diff\n${text}\n${fence}\n${options.approvals ? approvalsSection(options.approvals) : ''}${leftOut.length ? `\nLeft out to fit a pull-request comment: ${leftOut.join('; ')}. The full plan: ${codeSpan(options.fullPlanCommand)}\n` : ''}`;
  };
  const body = (s: PlanTextSections, hosts = s.hosts) => [...s.head, ...s.shared, ...hosts.flatMap((h) => h.lines), s.summary];

  const whole = planTextSections(plan, { color: false });
  const first = comment(body(whole), []);
  if (first.length <= limit) return first;

  const leftOut = ['the detail lines (fields, flows) of the changes under each host'];
  const brief = planTextSections(plan, { color: false, hostDetails: false });
  const second = comment(body(brief), leftOut);
  if (second.length <= limit) return second;

  // Whole host sections, from the last, until the rest fits (with the note naming them).
  const names = plan.hosts.map((h) => h.host);
  const fixed = comment(body(brief, []), [...leftOut, hostsNote(brief.hosts.map((h) => h.host), names.length)]).length;
  let room = limit - fixed;
  const kept: PlanTextSections['hosts'] = [];
  for (const h of brief.hosts) {
    const size = h.lines.join('\n').length + 1;
    if (size > room) break;
    kept.push(h);
    room -= size;
  }
  const cut = brief.hosts.slice(kept.length).map((h) => h.host);
  const third = comment(body(brief, kept), [...leftOut, hostsNote(cut, names.length)]);
  if (third.length <= limit) return third;

  // Even without host sections it is too long: the shared changes lose their detail lines,
  // then lines go from the end of what is left (the summary line stays).
  const bare = planTextSections(plan, { color: false, hostDetails: false, sharedDetails: false });
  const notes = [...leftOut, hostsNote(brief.hosts.map((h) => h.host), names.length), 'the detail lines of the changes on several hosts'];
  const lines = [...bare.head, ...bare.shared];
  const fourth = comment([...lines, bare.summary], notes);
  if (fourth.length <= limit) return fourth;
  let keep = lines.length;
  const truncated = (n: number) => comment([...lines.slice(0, n), `… ${lines.length - n} more lines`, '', bare.summary], notes);
  let size = truncated(keep).length;
  while (keep > 0 && size > limit) {
    size -= lines[keep - 1]!.length + 1;
    keep--;
  }
  // The count in "… N more lines" may have gained a digit meanwhile.
  while (keep > 0 && truncated(keep).length > limit) keep--;
  return truncated(keep);
}

function hostsNote(hosts: string[], total: number): string {
  return hosts.length ? `the sections of ${describeHosts(hosts, total)}` : 'no host sections';
}

/** Most objects named per part; the rest are counted. */
const OBJECTS_SHOWN = 8;

/** Whose signatures each part of the change needs, as listed at the base; parts open to anyone said so. */
export function approvalsSection(approvals: Approvals): string {
  const base = codeSpan(approvals.base);
  if (approvals.parts.length === 0) return `\n#### Approvals\n\nNothing that needs a signature changes since ${base}.\n`;
  const lines = approvals.parts.map((a) => {
    const part = a.tenant === undefined ? 'the Fabric, admins and owners' : `tenant ${codeSpan(a.tenant)}`;
    const who = a.open
      ? `open to anyone (${a.tenant === undefined ? 'no admins' : 'no owners'} at ${base})`
      : a.level === 'admins'
        ? `an admin (${a.signers.map(codeSpan).join(', ')})`
        : `an owner or an admin (${a.signers.map(codeSpan).join(', ')})`;
    const shown = a.objects.slice(0, OBJECTS_SHOWN).map((o) => visible(o)).join(', ');
    const more = a.objects.length > OBJECTS_SHOWN ? ` and ${a.objects.length - OBJECTS_SHOWN} more` : '';
    return `- ${part}: ${who}: ${shown}${more}`;
  });
  return `\n#### Approvals\n\nEvery commit that changes a part is signed by one of these, as listed at ${base}:\n\n${lines.join('\n')}\n`;
}
