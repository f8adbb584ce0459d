import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../../src/cli/plan-report.js';
import type { Plan } from '../../../src/plan/types.js';
import { approvalsSection } from '../../../src/render/plan-markdown.js';

/* The "Approvals" section of `plan --base REF --format markdown`: whose signature each part needs. */

describe('approvals in the markdown plan', () => {
  it('lists per tenant who may sign, the Fabric-wide part first, and says which tenants are open', () => {
    const text = approvalsSection({
      base: 'origin/main',
      parts: [
        { level: 'admins', signers: ['ops'], open: false, objects: ["Tenant blue's owners (update)"], refused: false },
        { tenant: 'blue', level: 'owners', signers: ['alice', 'ops'], open: false, objects: ['Network blue/web (update)'], refused: false },
        { tenant: 'default', level: 'owners', signers: [], open: true, objects: Array.from({ length: 10 }, (_, i) => `Network default/n${i} (create)`), refused: false },
      ],
    });
    expect(text).toBe(
      [
        '',
        '#### Approvals',
        '',
        'Every commit that changes a part is signed by one of these, as listed at `origin/main`:',
        '',
        "- the Fabric, admins and owners: an admin (`ops`): Tenant blue's owners (update)",
        '- tenant `blue`: an owner or an admin (`alice`, `ops`): Network blue/web (update)',
        `- tenant \`default\`: open to anyone (no owners at \`origin/main\`): ${Array.from({ length: 8 }, (_, i) => `Network default/n${i} (create)`).join(', ')} and 2 more`,
        '',
      ].join('\n'),
    );
  });

  it('says when nothing needing a signature changed', () => {
    expect(approvalsSection({ base: 'main', parts: [] })).toContain('Nothing that needs a signature changes since `main`.');
  });
});

describe('plan --format markdown with --base', () => {
  it('carries the approvals under the plan, and none without --base', () => {
    const approvals = { base: 'main', parts: [{ tenant: 'blue', level: 'owners' as const, signers: ['alice'], open: false, objects: ['Network blue/web (create)'], refused: false }] };
    const plan: Plan = { format_version: 1, source: { dir: 'm', commit: 'a'.repeat(40) }, connections: [], hosts: [], meaning: [], addresses: [], diagnostics: [] };
    const withBase = renderPlan(plan, 'markdown', { color: false, full: false, approvals });
    expect(withBase).toContain(approvalsSection(approvals));
    expect(renderPlan(plan, 'markdown', { color: false, full: false })).not.toContain('#### Approvals');
  });
});
