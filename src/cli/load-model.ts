import { homedir } from 'node:os';
import { stat } from 'node:fs/promises';
import { loadManifests, type LoadResult } from '../manifest/load.js';
import { readManifestDir, readManifestRef, readSourceFile } from '../manifest/read-sources.js';
import type { SourceFile } from '../manifest/source-file.js';
import type { Model } from '../model/types.js';
import { checkRbac } from '../rbac/check.js';
import type { Approval } from '../rbac/decide.js';
import { GitProblem } from '../rbac/history.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { UserError } from './errors.js';
import { notAsCommitted, type GitAnswer } from './source-commit.js';

export interface ManifestOptions {
  ref?: string;
  fabric?: string;
  fabricRef?: string;
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
  if (options.fabric !== undefined && options.fabricRef !== undefined) throw new UserError('--fabric and --fabric-ref both say where the Fabric comes from: give one');
  if (options.fabric !== undefined) {
    fabricFile = await readSourceFile(options.fabric).catch(() => {
      throw new UserError(`--fabric ${options.fabric}: cannot read the file`);
    });
  }
  if (options.fabricRef !== undefined) fabricFile = await fabricAtRef(dir, options.fabricRef);
  if (files.length === 0 && !fabricFile) {
    throw new UserError(`${dir}${options.ref ? ` at ${options.ref}` : ''}: no *.yaml or *.yml manifest files found`);
  }
  // A Fabric from DIR may come from a pull request: it does not choose the trust anchors.
  const result = loadManifests({ files, ...(fabricFile ? { fabricFile } : { confineFabricPaths: true }), home: homedir() });
  const all = fabricFile ? [...files, fabricFile] : files;
  return { ...result, files: all, sources: new Map(all.map((f) => [f.path, f.text])) };
}

/** DIR's one file holding the Fabric, as of a Git commit (the trusted branch): `--fabric-ref`. */
async function fabricAtRef(dir: string, ref: string): Promise<SourceFile> {
  let files: SourceFile[];
  try {
    files = await readManifestRef(dir, ref);
  } catch (e) {
    const message = e instanceof Error ? e.message.trim().split('\n')[0] : String(e);
    throw new UserError(`--fabric-ref: cannot read ${dir} at Git ref "${ref}": ${message}`);
  }
  const fabrics = files.filter((f) => /^kind:\s*Fabric\s*$/m.test(f.text));
  if (fabrics.length !== 1) throw new UserError(`--fabric-ref: ${dir} at "${ref}" has ${fabrics.length === 0 ? 'no file' : `${fabrics.length} files`} with a Fabric (${fabrics.map((f) => f.path).join(', ') || 'kind: Fabric'}); it needs exactly one`);
  return { ...fabrics[0]!, path: `${fabrics[0]!.path}@${ref}` };
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

/**
 * `--base REF`: who may change what (src/rbac/), before any host is contacted. REF's manifests
 * are read with the same --fabric/--fabric-ref as the tree's, so only what the repository
 * changes is compared. A refusal is printed like the loader's problems (REF's files named
 * `FILE@REF`) with exit status 1, and undefined returned; warnings go to stderr and the
 * approvals each part needs are returned. `git` is what the plan asked Git of DIR (askGit): the
 * working tree's uncommitted files come from it, not from a second git status.
 */
export async function checkBaseOrReport(dir: string, base: string, loaded: LoadedManifests & { model: Model }, git: GitAnswer, options: ManifestOptions & { color?: boolean }, setStatus: (code: number) => void): Promise<{ base: string; parts: Approval[] } | undefined> {
  let atBase: LoadedManifests;
  try {
    atBase = await loadFromCli(dir, { ...options, ref: base });
  } catch (e) {
    throw new UserError(`--base: ${e instanceof Error ? e.message : String(e)}`);
  }
  const sources = new Map([...loaded.sources, ...[...atBase.sources].map(([path, text]) => [`${path}@${base}`, text] as const)]);
  const color = useColor(options.color);
  if (!atBase.model) {
    const problems = atBase.diagnostics.map((d) => (d.source ? { ...d, source: { ...d.source, file: `${d.source.file}@${base}` } } : d));
    process.stdout.write(`${renderDiagnostics(problems, sources, { color })}\n\nNo plan: the manifests at --base ${base} do not load, so who may change what cannot be read from them.\n`);
    setStatus(1);
    return undefined;
  }
  let decision;
  try {
    decision = await checkRbac({ dir, base, ...(options.ref !== undefined ? { ref: options.ref } : {}), uncommitted: 'status' in git ? notAsCommitted(dir, git, loaded.files).files : [], baseModel: atBase.model, tree: loaded.model });
  } catch (e) {
    if (e instanceof GitProblem) throw new UserError(`--base: ${e.message}`);
    throw e;
  }
  if (hasErrors(decision.diagnostics)) {
    process.stdout.write(`${renderDiagnostics(decision.diagnostics, sources, { color })}\n\nNo plan: these changes need signatures they do not have (who may change what, as listed at ${base}).\n`);
    setStatus(1);
    return undefined;
  }
  if (decision.diagnostics.length) process.stderr.write(`${renderDiagnostics(decision.diagnostics, sources, { color: false })}\n`);
  return { base, parts: decision.approvals };
}
