import { visible } from './visible.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export interface TextStyle {
  color: boolean;
}

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const DIM = '\u001b[2m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/**
 * One diagnostic as `file:line:col: code: message`, then the source line and a caret under
 * the offending value (like yaml's prettifyError), then the hint. `sources` maps a file's
 * display path to its text.
 */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>, style: TextStyle): string {
  const paint = (code: string, text: string) => (style.color ? `${code}${text}${RESET}` : text);
  // Messages quote hosts and manifests: control characters are shown, not obeyed (visible).
  const where = visible(d.source && d.source.line > 0 ? `${d.source.file}:${d.source.line}:${d.source.col}: ` : d.address ? `${d.address}: ` : '');
  const severity = paint(d.severity === 'error' ? RED : YELLOW, d.severity);
  const lines = [`${paint(BOLD, where)}${severity} ${d.code}: ${visible(d.message)}`];
  const text = d.source ? sources.get(d.source.file) : undefined;
  if (d.source && text !== undefined) {
    const line = text.split(/\r?\n/)[d.source.line - 1];
    if (line !== undefined) {
      const gutter = String(d.source.line);
      // Tabs are kept in the caret line so the caret stays under the same column.
      const pad = line.slice(0, d.source.col - 1).replace(/[^\t]/g, ' ');
      lines.push(`${paint(DIM, `${gutter} |`)} ${visible(line, { keepTabs: true })}`);
      lines.push(`${' '.repeat(gutter.length)} ${paint(DIM, '|')} ${pad}${paint(RED, '^')}`);
    }
  }
  if (d.hint) lines.push(`  hint: ${visible(d.hint)}`);
  return lines.join('\n');
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, style: TextStyle): string {
  return diagnostics.map((d) => renderDiagnostic(d, sources, style)).join('\n\n');
}

/** The closing line of `contiv validate`. */
export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`];
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}
