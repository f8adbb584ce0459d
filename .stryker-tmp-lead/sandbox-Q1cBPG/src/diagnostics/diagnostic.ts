/** Where something sits in a manifest: 1-based line and column, file relative to the manifest root. */
// @ts-nocheck

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export type Severity = 'error' | 'warning';

/**
 * A problem found in the input, as data. Stages collect these and keep going, so a user
 * sees every problem of a manifest set at once. Tests assert on `code`, never on prose.
 */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  source?: SourcePos;
  /** A short suggestion printed under the message. */
  hint?: string;
  /** Resource address the problem concerns, when there is one (e.g. a host name). */
  address?: string;
}

export function error(code: string, message: string, source?: SourcePos, hint?: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', code, message };
  if (source) d.source = source;
  if (hint) d.hint = hint;
  return d;
}

export function warning(code: string, message: string, source?: SourcePos, hint?: string): Diagnostic {
  return { ...error(code, message, source, hint), severity: 'warning' };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for printing and golden files: by file, line, column, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.source?.file ?? '';
    const fb = b.source?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.source?.line ?? 0;
    const lb = b.source?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.source?.col ?? 0;
    const cb = b.source?.col ?? 0;
    if (ca !== cb) return ca - cb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
