// @ts-nocheck
import { homedir } from 'node:os';
import { stat } from 'node:fs/promises';
import { loadManifests, type LoadResult } from '../manifest/load.js';
import { readManifestDir, readManifestRef, readSourceFile } from '../manifest/read-sources.js';
import type { SourceFile } from '../manifest/source-file.js';
import type { Model } from '../model/types.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { UserError } from './errors.js';

export interface ManifestOptions {
  ref?: string;
  fabric?: string;
}

export interface LoadedManifests extends LoadResult {
  files: SourceFile[];
  /** Display path → text, for printing source lines under diagnostics. */
  sources: Map<string, string>;
}

/** Reads DIR (or DIR at --ref) and --fabric, then runs the pure loader. */
export async function loadFromCli(dir: string, options: ManifestOptions): Promise<LoadedManifests> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`${dir}: no such directory (the manifest directory)`);
  let files: SourceFile[];
  if (options.ref !== undefined) {
    try {
      files = await readManifestRef(dir, options.ref);
    } catch (e) {
      const message = e instanceof Error ? e.message.trim().split('\n')[0] : String(e);
      throw new UserError(`cannot read ${dir} at Git ref "${options.ref}": ${message}`);
    }
  } else {
    files = await readManifestDir(dir);
  }
  let fabricFile: SourceFile | undefined;
  if (options.fabric !== undefined) {
    fabricFile = await readSourceFile(options.fabric).catch(() => {
      throw new UserError(`--fabric ${options.fabric}: cannot read the file`);
    });
  }
  if (files.length === 0 && !fabricFile) {
    throw new UserError(`${dir}${options.ref ? ` at ${options.ref}` : ''}: no *.yaml or *.yml manifest files found`);
  }
  const result = loadManifests({ files, ...(fabricFile ? { fabricFile } : {}), home: homedir() });
  const all = fabricFile ? [...files, fabricFile] : files;
  return { ...result, files: all, sources: new Map(all.map((f) => [f.path, f.text])) };
}

/** Colour only on a terminal, and never when NO_COLOR is set or --no-color was given. */
export function useColor(flag: boolean | undefined): boolean {
  return flag !== false && process.stdout.isTTY === true && !process.env['NO_COLOR'];
}

/**
 * For commands that need a valid model: the loaded manifests, or, when they have problems,
 * the problems printed (file:line:col, source line, caret) and exit status 1 set.
 */
export async function loadModelOrReport(dir: string, options: ManifestOptions & { color?: boolean }, setStatus: (code: number) => void): Promise<(LoadedManifests & { model: Model }) | undefined> {
  const loaded = await loadFromCli(dir, options);
  if (loaded.model) return loaded as LoadedManifests & { model: Model };
  process.stdout.write(`${renderDiagnostics(loaded.diagnostics, loaded.sources, { color: useColor(options.color) })}\n`);
  setStatus(1);
  return undefined;
}
