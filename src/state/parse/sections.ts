/** One section of the gather output: its name, optional argument, body and exit status. */
export interface Section {
  name: string;
  arg: string;
  body: string;
  /** Exit status of the section's command; undefined for sections without one. */
  status?: number;
}

const MARKER = '@@contiv ';

/**
 * Splits the gather script's output at its `@@contiv` marker lines (a line that starts with
 * `@@contiv ` and a space). A section's body is the text between its marker line and the next
 * one, a `status` line within it left out, trimmed at both ends. Found by searching for the
 * markers, not line by line: a host prints 1,600 flow lines and a dozen markers. Bodies are
 * copies, except the flows' (read line by line, and large): a body kept by a caller must not
 * keep the host's whole output alive.
 */
export function splitSections(output: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  // The current section's body: runs of lines between its marker and status lines.
  // Stryker disable next-line ArrayDeclaration: the first marker's close empties it before any section is made
  let runs: string[] = [];
  let runStart = 0;
  const endRun = (end: number) => {
    // A marker right after a marker ends a run of no lines: nothing to join.
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: what precedes the first marker is dropped by the close it makes, and a run of no lines is an empty one, which the trim drops
    if (current && end > runStart) runs.push(output.slice(runStart, end - 1));
  };
  const close = () => {
    if (current) {
      // Runs of blanks at either end go as the trim would take them: no joining (and copying)
      // of a long body only to end it with a newline that the trim then drops.
      // Stryker disable next-line MethodExpression,StringLiteral: a blank run left in place is dropped by the trim
      while (runs.length > 1 && runs[runs.length - 1]!.trim() === '') runs.pop();
      // Stryker disable next-line MethodExpression,StringLiteral: a blank run left in place is dropped by the trim
      while (runs.length > 1 && runs[0]!.trim() === '') runs.shift();
      const body = (runs.length === 1 ? runs[0]! : runs.join('\n')).trim();
      // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: which bodies are copied; a copy is equal to its text
      current.body = current.name === 'flows' ? body : copy(body);
      sections.push(current);
    }
    runs = [];
  };
  let at = nextMarker(output, 0);
  while (at !== -1) {
    endRun(at);
    const eol = output.indexOf('\n', at);
    const line = output.slice(at + MARKER.length, eol === -1 ? output.length : eol);
    // Stryker disable next-line StringLiteral: split gives at least one name, '' for a bare marker: the default is never used
    const [name = '', ...rest] = line.trim().split(' ');
    if (name === 'status' && current) current.status = Number(rest[0]);
    else {
      close();
      // Stryker disable next-line StringLiteral: the body is set when the section closes
      current = { name, arg: rest.join(' '), body: '' };
    }
    runStart = eol === -1 ? output.length + 1 : eol + 1;
    // Stryker disable next-line ArithmeticOperator: from the marker line's last character a marker can start only after its newline: the same marker found
    at = eol === -1 ? -1 : nextMarker(output, eol + 1);
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a run past the end is empty, which the trim drops, and runs with no section are never closed into one
  if (current && runStart <= output.length) runs.push(output.slice(runStart));
  close();
  return sections;
}

/** The next marker line from `from` (a line start) on; -1 when there is none. */
function nextMarker(output: string, from: number): number {
  // Searched for as itself, not after a newline: a search is fast on a rare first character.
  for (let at = output.indexOf(MARKER, from); at !== -1; at = output.indexOf(MARKER, at + 1)) {
    if (at === from || output.charCodeAt(at - 1) === 10) return at;
  }
  return -1;
}

function copy(text: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: which texts are copied; a copy is equal to its text
  return text.length < 13 ? text : Buffer.from(text).toString();
}
