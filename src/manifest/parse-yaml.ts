import { LineCounter, parseAllDocuments, type Document } from 'yaml';
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
    });
    // parseAllDocuments returns an EmptyStream (no documents) for an empty file.
    const list = Array.isArray(docs) ? docs : [];
    list.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          diagnostics.push(
            error(YAML_CODES[e.code] ?? 'yaml-syntax', firstLine(e.message), positionAt(file, lineCounter, e.pos[0])),
          );
        }
        return;
      }
      if (doc.contents === null) return; // an empty document (comments only, or a trailing ---)
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        const start = doc.contents.range[0];
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

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  // yaml appends " at line L, column C" which our file:line:col prefix already says.
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
