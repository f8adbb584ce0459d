import { describe, expect, it } from 'vitest';
import { MARKDOWN_LIMIT, renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import { planTextSections, renderPlanText } from '../../../src/render/plan-text.js';
import { generatePlan } from '../plan/generated-plan.js';

/*
 * The pull-request comment never passes GitHub's limit: the grouped text when it fits; else
 * without per-host detail lines; else without whole host sections (from the last); always with
 * the summary line and a note of what was left out and where the full plan is.
 */

const command = 'contiv show plan.json --full';
const body = (md: string) => md.slice(md.indexOf('```diff\n') + 8, md.lastIndexOf('\n```\n'));

describe('plan as markdown', () => {
  it('a plan that fits is the grouped text, whole, with no note', () => {
    const plan = generatePlan({ hosts: 20, seed: 1 });
    const md = renderPlanMarkdown(plan, { fullPlanCommand: command });
    expect(md).toBe(`### contiv plan: \`manifests\`\n\n\`\`\`diff\n${renderPlanText(plan, { color: false })}\n\`\`\`\n`);
  });

  it('1000 hosts: within 65,536 characters, shared changes and the summary kept, what was left out and where the full plan is said', () => {
    const plan = generatePlan({ hosts: 1000, seed: 2, flowsPerNetwork: 40 });
    expect(renderPlanText(plan, { color: false }).length).toBeGreaterThan(MARKDOWN_LIMIT);
    const md = renderPlanMarkdown(plan, { fullPlanCommand: command });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    const text = body(md);
    const sections = planTextSections(plan, { color: false, hostDetails: false });
    expect(text.startsWith(sections.shared.join('\n'))).toBe(true);
    expect(text.split('\n').at(-1)).toBe(sections.summary);
    expect(sections.summary).toMatch(/^Plan: \d+ to add, \d+ to change, \d+ to destroy\.$/);
    expect(md).toMatch(/\nLeft out to fit a pull-request comment: the detail lines \(fields, flows\) of the changes under each host; the sections of \d+ hosts \(.*\)\. The full plan: `contiv show plan\.json --full`\n$/);
    // Host sections are whole and in order: the first ones, each exactly as without details.
    const kept = sections.hosts.filter((h) => text.includes(`\n${h.host}:\n`));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(sections.hosts.slice(0, kept.length));
    expect(text).toContain(kept.map((h) => h.lines.join('\n')).join('\n'));
    const cut = Number(/the sections of (\d+) hosts/.exec(md)![1]);
    expect(kept.length + cut).toBe(sections.hosts.length);
    // Nothing of a per-host detail line is there.
    for (const h of kept) expect(h.lines.some((l) => l.startsWith('        '))).toBe(false);
  }, 60_000);

  it('when leaving out the per-host details is enough, every host section stays, whole but for them', () => {
    const plan = generatePlan({ hosts: 60, seed: 3 });
    // Each host's tunnel moved to another address: a detail line of its own per host.
    for (const h of plan.hosts) {
      const tunnel = h.changes.find((c) => c.type === 'port' && c.action === 'create');
      if (tunnel?.type !== 'port') continue;
      h.changes.push({ ...tunnel, action: 'update', address: `${h.host}/tunnel/moved`, port: 'vx-moved', before: { ...tunnel.after!, options: { remote_ip: '192.0.2.1' } }, after: { ...tunnel.after!, options: { remote_ip: '192.0.2.2' } } });
    }
    const whole = renderPlanMarkdown(plan, { fullPlanCommand: command, limit: 1e9 });
    expect(whole).toContain('        ~ options.remote_ip: 192.0.2.1 → 192.0.2.2');
    const md = renderPlanMarkdown(plan, { fullPlanCommand: 'contiv plan --full', limit: whole.length - 1 });
    const brief = planTextSections(plan, { color: false, hostDetails: false });
    expect(body(md)).toBe([...brief.head, ...brief.shared, ...brief.hosts.flatMap((h) => h.lines), brief.summary].join('\n'));
    expect(md).toContain('\nLeft out to fit a pull-request comment: the detail lines (fields, flows) of the changes under each host. The full plan: `contiv plan --full`\n');
    expect(brief.hosts).toHaveLength(60);
  });

  it('however small the limit, the comment stays within it and keeps the summary line', () => {
    const plan = generatePlan({ hosts: 200, seed: 4 });
    for (const limit of [20_000, 5_000, 2_000, 900]) {
      const md = renderPlanMarkdown(plan, { fullPlanCommand: command, limit });
      expect(md.length, String(limit)).toBeLessThanOrEqual(limit);
      expect(body(md).split('\n').at(-1)).toMatch(/^Plan: /);
      expect(md).toContain('The full plan: `contiv show plan.json --full`');
    }
  });
});
