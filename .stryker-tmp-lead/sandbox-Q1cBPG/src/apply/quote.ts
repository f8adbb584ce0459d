/**
 * A word for sh: single-quoted, with embedded single quotes closed and escaped. Every value in
 * an apply script passes through here, although they are validated already (names are DNS
 * labels, addresses parsed): defence in depth for a manifest that reaches a root shell.
 */
// @ts-nocheck

export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An OVSDB string in ovs-vsctl syntax (JSON-style double quotes), so `:`, `=` and `,` stay literal. */
export function ovsString(value: string): string {
  return JSON.stringify(value);
}
