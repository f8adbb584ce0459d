// @ts-nocheck
import type { ProbeResult } from '../verify/run.js';
import { shouldHaveDecided } from '../verify/expectations.js';

function who(e: ProbeResult['from']): string {
  return `${e.netns} (${e.host}${e.group ? `, ${e.group}` : ''})`;
}

function what(p: ProbeResult): string {
  return p.probe.protocol === 'tcp' || p.probe.protocol === 'udp' ? `${p.probe.protocol}/${p.probe.port}` : String(p.probe.protocol);
}

/** The reachability matrix: expected, observed, and for every mismatch the rule that should have decided. */
export function renderVerifyText(results: readonly ProbeResult[]): string {
  const rows = results.map((r) => [
    who(r.from),
    `${who(r.to)} ${r.to.ip}`,
    what(r),
    r.expected.allowed ? 'allowed' : 'blocked',
    r.observed === 'reachable' ? 'allowed' : r.observed,
    r.agree ? 'ok' : `MISMATCH: ${r.error ?? shouldHaveDecided(r.expected)}`,
  ]);
  const head = ['from', 'to', 'probe', 'expected', 'observed', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const mismatches = results.filter((r) => !r.agree).length;
  const summary = mismatches
    ? `${mismatches} of ${results.length} probes disagree with the manifests.`
    : `All ${results.length} probes agree with the manifests.`;
  return [line(head), ...rows.map(line), '', summary].join('\n');
}
