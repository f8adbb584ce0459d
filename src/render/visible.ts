/*
 * Text that came from a host (an endpoint's records, a namespace path, a file path) or from a
 * pull request reaches terminals and pull-request comments. Control characters are shown, not
 * obeyed: a newline cannot start a line of its own, an escape sequence cannot repaint the
 * terminal. And a fenced block's fence is longer than any run of backticks inside it.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The text with every control character written as an escape (`\n`, `\x1b`); tabs kept if asked (a source line under which a caret is aligned). */
export function visible(text: string, options: { keepTabs?: boolean } = {}): string {
  return text.replace(CONTROL, (c) => (c === '\t' && options.keepTabs ? c : (NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)));
}

/** Backticks enough to fence `body` (CommonMark: longer than any run of backticks in it), at least `min`. */
export function fenceFor(body: string, min = 3): string {
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(min, longest + 1));
}

/** `text` as an inline code span that nothing in it can close. */
export function codeSpan(text: string): string {
  const shown = visible(text);
  const ticks = fenceFor(shown, 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${shown}${pad}${ticks}`;
}
