import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../../src/render/diagnostics-text.js';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { renderShowText } from '../../../src/render/show-text.js';
import { codeSpan, fenceFor, visible } from '../../../src/render/visible.js';
import type { Plan, PortChange } from '../../../src/plan/types.js';
import type { LiveHost, PortState } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';

/*
 * Text from hosts (an endpoint's records, a namespace path) and from pull requests reaches
 * terminals and pull-request comments: shown, never obeyed. A host whose endpoint record holds
 * a newline and a code fence must not write its own markdown into the plan comment, nor an
 * escape sequence repaint the terminal.
 */

const HOSTILE_IP = '10.1.2.5\n```\n# Approved by security\n```diff';
const HOSTILE_NETNS = 'web\u001b[2J\u001b[1;1Hall good';

function endpoint(ip: string, netns: string): PortState {
  return { name: 'cv0123456789ab', type: 'system', ofport: 4096, options: {}, protected: false, externalIds: { ...ownerIds('endpoint', `h1/endpoint/${netns}`), 'contiv.tenant': 'default', 'contiv.network': 'web', 'contiv.ip': ip, 'contiv.netns': netns } };
}

function planOf(change: PortChange): Plan {
  return { format_version: 3, source: { dir: 'manifests' }, connections: [], hosts: [{ host: 'h1', fingerprint: '', changes: [change] }], meaning: [], addresses: [], diagnostics: [] };
}

const hostile = planOf({ type: 'port', action: 'delete', host: 'h1', address: 'h1/endpoint/x', bridge: 'contiv0', port: 'cv0123456789ab', before: endpoint(HOSTILE_IP, HOSTILE_NETNS), reason: 'namespace gone' });

describe('visible', () => {
  it('writes control characters as escapes and leaves the rest, accents and all', () => {
    expect(visible('a\nb\r\tc\u0000d\u001b[31me\u007ff\u009bg')).toBe('a\\nb\\r\\tc\\x00d\\x1b[31me\\x7ff\\x9bg');
    expect(visible('café ✓ 10.1.2.5 /proc/1/ns/net')).toBe('café ✓ 10.1.2.5 /proc/1/ns/net');
    expect(visible('a\tb\nc', { keepTabs: true })).toBe('a\tb\\nc');
  });

  it('a fence is longer than any run of backticks inside, three at least; a code span cannot be closed from inside', () => {
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('a ``` b')).toBe('````');
    expect(fenceFor('`````')).toBe('``````');
    expect(fenceFor('x', 1)).toBe('`');
    expect(codeSpan('manifests')).toBe('`manifests`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('dir\n# title')).toBe('`dir\\n# title`');
  });
});

describe('host text in the outputs', () => {
  it('the markdown plan: one fenced block, opened and closed by its own fence, nothing of the host\'s outside it', () => {
    const md = renderPlanMarkdown(hostile, { fullPlanCommand: 'contiv plan --full' });
    const lines = md.split('\n');
    const open = lines.findIndex((l) => /^`{3,}diff$/.test(l));
    const fence = lines[open]!.slice(0, -'diff'.length);
    expect(fence.length).toBeGreaterThan(3);
    const close = lines.findIndex((l, i) => i > open && l === fence);
    expect(lines.slice(close + 1).join('\n').trim()).toBe('');
    expect(lines.slice(0, open).join('\n')).not.toContain('Approved');
    expect(lines.filter((l) => l.startsWith('# '))).toEqual([]);
    expect(md).toContain('10.1.2.5\\n```\\n# Approved by security\\n```diff');
  });

  it('the text plan: no escape sequence, no line of the host\'s own', () => {
    const text = renderPlanText(hostile, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('web\\x1b[2J\\x1b[1;1Hall good');
    expect(text.split('\n').some((l) => l.startsWith('# Approved'))).toBe(false);
  });

  it('contiv show and diagnostics', () => {
    const live = { state: { host: 'h1', bridges: {} }, facts: { hostname: 'h1\u001b]0;pwned\u0007', ovsVersion: '3.1.0' }, unmanaged: { bridges: ['br\nx'], ports: [], flowCounts: {}, flowKeys: {} } } as unknown as LiveHost;
    const shown = renderShowText([{ host: 'h1', ok: true, value: live }]);
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(shown).toContain('hostname h1\\x1b]0;pwned\\x07');
    expect(shown).toContain('bridges: br\\nx');
    const d = renderDiagnostic({ severity: 'error', code: 'x', message: `endpoint ${HOSTILE_NETNS}`, address: 'h1', hint: 'a\u001b[0m' }, new Map(), { color: false });
    expect(d).toBe('h1: error x: endpoint web\\x1b[2J\\x1b[1;1Hall good\n  hint: a\\x1b[0m');
  });
});
