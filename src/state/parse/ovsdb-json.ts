/*
 * `ovs-vsctl -f json list TABLE` output: {"headings": [...], "data": [[cell, ...], ...]}
 * with OVSDB's JSON encoding of values: a bare atom, ["uuid", u], ["set", [atoms]] (a set
 * of one element may be written as the bare atom) and ["map", [[k, v], ...]].
 */

type Cell = unknown;

export type Row = Record<string, Cell>;

export function parseOvsdbTable(text: string): Row[] {
  const parsed = JSON.parse(text) as { headings: string[]; data: Cell[][] };
  return parsed.data.map((cells) => Object.fromEntries(parsed.headings.map((h, i) => [h, cells[i]])));
}

/**
 * `ovs-vsctl -f json CMD -- CMD …`: one table per list/find command, each a JSON object on a
 * line of its own, in the commands' order. Lines that are not tables (a warning ovs-vsctl
 * printed on its standard error, which gather sends ahead of the tables) are left out.
 */
export function parseOvsdbTables(text: string): Row[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(parseOvsdbTable);
}

function isTagged(value: Cell, tag: string): value is [string, unknown] {
  return Array.isArray(value) && value.length === 2 && value[0] === tag;
}

function atom(value: Cell): string | number | boolean {
  if (isTagged(value, 'uuid')) return value[1] as string;
  return value as string | number | boolean;
}

/** A set column as a list of atoms (a one-element set may come as the bare atom). */
export function setOf(value: Cell): Array<string | number | boolean> {
  if (isTagged(value, 'set')) return (value[1] as Cell[]).map(atom);
  return [atom(value)];
}

/** An optional column (a set of zero or one atoms). */
export function optional(value: Cell): string | number | boolean | undefined {
  return setOf(value)[0];
}

export function mapOf(value: Cell): Record<string, string> {
  if (!isTagged(value, 'map')) return {};
  return Object.fromEntries((value[1] as Array<[Cell, Cell]>).map(([k, v]) => [String(atom(k)), String(atom(v))]));
}

export function str(value: Cell): string {
  return String(atom(value));
}
