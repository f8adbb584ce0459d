// @ts-nocheck
import { isAlias, isCollection, isMap, isScalar, LineCounter, parseAllDocuments, visit, type Document, type YAMLError } from 'yaml';
import { error, type Diagnostic, type SourcePos } from '../diagnostics/diagnostic.js';
import type { SourceFile } from './source-file.js';

/** A YAML document of a manifest file, with what is needed to point back into it. */
export interface ParsedDocument {
  file: SourceFile;
  /** 0-based index of the document within its file. */
  index: number;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data (aliases expanded, within limits). */
  value: unknown;
}

/**
 * Alias expansion limit: a "billion laughs" document expands aliases exponentially. A
 * manifest legitimately reuses a few anchors (ssh settings, label sets), never thousands.
 */
export const MAX_ALIAS_COUNT = 200;
/** Files larger than this are refused before parsing (a manifest set is hand-written text). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'yaml-duplicate-key',
  TAB_AS_INDENT: 'yaml-tab-indent',
};

export function positionAt(file: SourceFile, lineCounter: LineCounter, offset: number): SourcePos {
  const { line, col } = lineCounter.linePos(offset);
  return { file: file.path, line, col };
}

/** Parses every document of every file; YAML problems become diagnostics, never exceptions. */
export function parseYamlFiles(files: readonly SourceFile[]): { documents: ParsedDocument[]; diagnostics: Diagnostic[] } {
  const documents: ParsedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    if (Buffer.byteLength(file.text, 'utf8') > MAX_FILE_BYTES) {
      diagnostics.push(
        error('file-too-large', `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`, { file: file.path, line: 1, col: 1 }),
      );
      continue;
    }
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(file.text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
      strict: true,
      // yaml reports some oddities (a list used as a key) with process.emitWarning, which would
      // print to stderr beside our diagnostics; the schema reports the resulting key instead.
      logLevel: 'error',
    });
    // parseAllDocuments returns an EmptyStream (no documents) for an empty file.
    const list = Array.isArray(docs) ? docs : [];
    list.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        // One mistake often trips several parser errors at the same spot; the first says it best.
        const places = new Set<number>();
        for (const e of doc.errors) {
          if (places.has(e.pos[0])) continue;
          places.add(e.pos[0]);
          const unclosed = unclosedFlowCollection(doc, e);
          diagnostics.push(
            unclosed
              ? error('yaml-syntax', `this ${unclosed.what} is never closed: "${unclosed.close}" is missing`, positionAt(file, lineCounter, unclosed.offset))
              : error(YAML_CODES[e.code] ?? 'yaml-syntax', firstLine(e.message), positionAt(file, lineCounter, e.pos[0])),
          );
        }
        return;
      }
      if (isEmptyDocument(doc)) return;
      const unknownAliases = unresolvedAliases(doc);
      if (unknownAliases.length > 0) {
        for (const { name, offset } of unknownAliases) {
          diagnostics.push(
            error('yaml-alias-unknown', `alias *${name} has no anchor &${name} before it in this document`, positionAt(file, lineCounter, offset)),
          );
        }
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        const start = doc.contents?.range[0] ?? 0;
        // Unknown aliases were reported above, so an alias error here is the expansion limit.
        const isAliasBomb = e instanceof ReferenceError || /alias/i.test(String(e));
        diagnostics.push(
          error(
            isAliasBomb ? 'yaml-alias-limit' : 'yaml-syntax',
            isAliasBomb
              ? `aliases expand to too many nodes (limit ${MAX_ALIAS_COUNT}); is this an alias bomb?`
              : firstLine(e instanceof Error ? e.message : String(e)),
            positionAt(file, lineCounter, start),
          ),
        );
        return;
      }
      documents.push({ file, index, doc, lineCounter, value });
    });
  }
  return { documents, diagnostics };
}

/**
 * yaml reports an unclosed `{` or `[` where it gave up, usually the start of the next line,
 * which points at an innocent key. The collection it could not close ends exactly there; its
 * opening bracket is the place to show.
 */
function unclosedFlowCollection(doc: Document.Parsed, e: YAMLError): { what: string; close: string; offset: number } | undefined {
  if (e.code !== 'BAD_INDENT' || !/^Flow (map|sequence)/.test(e.message)) return undefined;
  let found: { what: string; close: string; offset: number } | undefined;
  visit(doc, {
    Node(_key, node) {
      if (!isCollection(node) || !node.flow || node.range?.[1] !== e.pos[0]) return;
      const offset = node.range[0];
      // The innermost one (the latest opening bracket) is the unclosed one.
      if (found === undefined || offset > found.offset) {
        found = isMap(node) ? { what: 'flow mapping', close: '}', offset } : { what: 'flow sequence', close: ']', offset };
      }
    },
  });
  return found;
}

/**
 * A document with nothing in it: an empty or comments-only file has no contents, but a `---`
 * followed by nothing (a trailing `---`, or only comments up to the next one) parses as an
 * empty null scalar. Both are skipped; a null written out (`--- null`) is not empty.
 */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null && contents.source === '');
}

/**
 * Aliases whose anchor is not defined earlier in the document. yaml's toJS would throw a
 * ReferenceError for them, the same error type as for an alias bomb; finding them first gives
 * the right message at the alias itself. One pass in document order (an anchor must precede
 * its alias), so a file full of aliases stays linear.
 */
function unresolvedAliases(doc: Document.Parsed): Array<{ name: string; offset: number }> {
  const anchors = new Set<string>();
  const out: Array<{ name: string; offset: number }> = [];
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) out.push({ name: node.source, offset: node.range?.[0] ?? 0 });
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
    },
  });
  return out;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  // yaml appends " at line L, column C" which our file:line:col prefix already says.
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
