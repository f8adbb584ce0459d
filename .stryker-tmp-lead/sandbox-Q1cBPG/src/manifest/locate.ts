// @ts-nocheck
import { isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { SourcePos } from '../diagnostics/diagnostic.js';
import { positionAt, type ParsedDocument } from './parse-yaml.js';

export type DataPath = ReadonlyArray<string | number>;

/**
 * Position of the node at `path` in a document: its value, or with `key` its key (for
 * "unknown field" problems the key is what is wrong). When the path does not exist (a
 * missing field) the deepest existing ancestor is returned, pointing at its key where it has
 * one, so the caret lands on the mapping the field is missing from.
 */
export function locate(parsed: ParsedDocument, path: DataPath, options: { key?: boolean } = {}): SourcePos {
  const { doc } = parsed;
  let node: Node | null = resolve(parsed, doc.contents as Node | null);
  let keyNode: Node | null = null;
  for (const step of path) {
    if (node === null) break;
    const pair = findPair(parsed, node, step);
    if (pair === undefined) break;
    keyNode = pair.key;
    node = resolve(parsed, pair.value);
    if (node === null) {
      node = keyNode;
      break;
    }
  }
  const target = options.key && keyNode ? keyNode : (node ?? keyNode);
  const offset = target?.range?.[0] ?? 0;
  return positionAt(parsed.file, parsed.lineCounter, offset);
}

function findPair(parsed: ParsedDocument, node: Node, step: string | number, depth = 0): { key: Node | null; value: Node | null } | undefined {
  if (isMap(node)) {
    const pairs = node.items as Pair<Node | null, Node | null>[];
    const pair = pairs.find((p) => {
      const k = resolve(parsed, p.key);
      return !isMergeKey(k) && isScalar(k) && String(k.value) === String(step);
    });
    if (pair) return { key: pair.key, value: pair.value };
    // A field that comes from a merge key (`<<: *defaults`) is where the anchor wrote it.
    if (depth > 8 || typeof step !== 'string') return undefined;
    for (const merged of mergeSources(parsed, pairs)) {
      const found = findPair(parsed, merged, step, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (isSeq(node) && typeof step === 'number') {
    const item = node.items[step] as Node | null | undefined;
    return item === undefined ? undefined : { key: null, value: item };
  }
  return undefined;
}

/** A plain `<<` key: with the `merge` option yaml merges its value into the mapping. */
function isMergeKey(key: Node | null): boolean {
  return isScalar(key) && key.source === '<<' && key.type === 'PLAIN';
}

/** The mappings merged into a mapping by its `<<` keys, in precedence order (earlier wins). */
function mergeSources(parsed: ParsedDocument, pairs: Pair<Node | null, Node | null>[]): Node[] {
  const out: Node[] = [];
  for (const pair of pairs) {
    if (!isMergeKey(pair.key)) continue;
    const value = resolve(parsed, pair.value);
    if (isMap(value)) out.push(value);
    else if (isSeq(value)) for (const item of value.items) {
      const map = resolve(parsed, item as Node | null);
      if (isMap(map)) out.push(map);
    }
  }
  return out;
}

function resolve(parsed: ParsedDocument, node: Node | null | undefined): Node | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(parsed.doc) as Node | undefined) ?? node;
  return node;
}

/** Positions of every value in a document, keyed by dotted path (`spec.rules.1.port`). */
export function collectPositions(parsed: ParsedDocument): Record<string, SourcePos> {
  const out: Record<string, SourcePos> = {};
  const visit = (node: Node | null, prefix: string, depth: number): void => {
    if (node === null || depth > 32) return;
    if (prefix !== '' && node.range) out[prefix] = positionAt(parsed.file, parsed.lineCounter, node.range[0]);
    visitEntries(node, prefix, depth);
  };
  const visitEntries = (node: Node, prefix: string, depth: number): void => {
    if (isMap(node)) {
      const pairs = node.items as Pair<Node | null, Node | null>[];
      // Merged fields first, in reverse precedence, so explicit keys and earlier sources win;
      // the mapping's own position (set above) stays its own.
      for (const merged of mergeSources(parsed, pairs).reverse()) if (depth < 32) visitEntries(merged, prefix, depth + 1);
      for (const pair of pairs) {
        const k = resolve(parsed, pair.key);
        if (!isScalar(k) || isMergeKey(k)) continue;
        const name = String(k.value);
        const value = resolve(parsed, pair.value);
        const path = prefix === '' ? name : `${prefix}.${name}`;
        if (value === null) {
          if (pair.key && (pair.key as Node).range) out[path] = positionAt(parsed.file, parsed.lineCounter, (pair.key as Node).range![0]);
        } else {
          visit(value, path, depth + 1);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(resolve(parsed, item as Node), prefix === '' ? String(i) : `${prefix}.${i}`, depth + 1));
    }
  };
  visit(resolve(parsed, parsed.doc.contents as Node | null), '', 0);
  return out;
}
