/** One section of the gather output: its name, optional argument, body and exit status. */
// @ts-nocheck

export interface Section {
  name: string;
  arg: string;
  body: string;
  /** Exit status of the section's command; undefined for sections without one. */
  status?: number;
}

/** Splits the gather script's output at its `@@contiv` marker lines. */
export function splitSections(output: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let lines: string[] = [];
  const close = () => {
    if (current) {
      current.body = lines.join('\n').trim();
      sections.push(current);
    }
    lines = [];
  };
  for (const line of output.split('\n')) {
    if (line.startsWith('@@contiv ')) {
      const [name = '', ...rest] = line.slice('@@contiv '.length).trim().split(' ');
      if (name === 'status' && current) {
        current.status = Number(rest[0]);
        continue;
      }
      close();
      current = { name, arg: rest.join(' '), body: '' };
    } else {
      lines.push(line);
    }
  }
  close();
  return sections;
}
