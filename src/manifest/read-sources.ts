import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isManifestPath, type SourceFile } from './source-file.js';

/*
 * The I/O half of loading: manifest files from the working tree or from a Git commit.
 * Paths shown to the user are `dir` joined with the file's path below it, as typed.
 */

/**
 * Every *.yaml / *.yml under `dir`, recursively, in a stable order. Hidden files and folders and
 * node_modules are skipped, as a commit is read (readManifestRef). A folder below `dir` holding
 * a repository of its own (`.git`) is read, its files marked (SourceFile.inNestedRepository).
 */
export async function readManifestDir(dir: string): Promise<SourceFile[]> {
  const root = resolve(dir);
  const out: SourceFile[] = [];
  const walk = async (folder: string, nested: boolean): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const inNested = nested || (folder !== root && entries.some((e) => e.name === '.git'));
    for (const entry of entries) {
      const abs = join(folder, entry.name);
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(abs, inNested);
      } else if (entry.isFile() && isManifestPath(entry.name)) {
        out.push({ path: displayPath(dir, relative(root, abs)), absPath: abs, text: await readFile(abs, 'utf8'), ...(inNested ? { inNestedRepository: true as const } : {}) });
      }
    }
  };
  await walk(root, false);
  return out;
}

/**
 * The same files as of commit `ref` of the repository containing `dir`, read with
 * `git show`: the working tree and the index are never touched.
 */
export async function readManifestRef(dir: string, ref: string): Promise<SourceFile[]> {
  const root = resolve(dir);
  // Loaded only for --ref: every other command starts without it.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit(root);
  // git's reason is kept here: it may be something else, such as safe.directory ownership.
  const top = await gitOr(git.revparse(['--show-toplevel']), (why) => `${dir} is not inside a usable Git repository${why ? ` (${why})` : ''}`);
  // git's own message for an unknown ref ("Needed a single revision") says little.
  const commit = await gitOr(
    git.revparse(['--verify', '--end-of-options', `${ref}^{commit}`]),
    () => `"${ref}" is not a commit of the repository at ${top} (no branch, tag or commit id by that name)`,
  );
  // Git's own idea of where DIR sits in the repository: relative(top, root) would be wrong when
  // DIR is reached through a symlink (top is a real path, root may not be).
  const prefix = showPrefix(await git.raw(['rev-parse', '--show-prefix'])).replace(/\/$/, '');
  const listing = await git.raw(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit, '--', prefix === '' ? '.' : prefix]);
  // The loader's rule (no hidden file or folder, no node_modules) holds below DIR, as readManifestDir
  // walks: a DIR inside a hidden folder (.deploy/net) is read like any other.
  const paths = listing
    .split('\0')
    .filter((p) => p !== '' && isManifestPath(p))
    .map((p) => ({ p, below: prefix === '' ? p : p.slice(prefix.length + 1) }))
    .filter(({ below }) => !below.split('/').some((part) => part.startsWith('.') || part === 'node_modules'))
    .sort((a, b) => (a.p < b.p ? -1 : a.p > b.p ? 1 : 0));
  const out: SourceFile[] = [];
  for (const { p, below } of paths) {
    const text = await git.show([`${commit}:${p}`]);
    out.push({ path: displayPath(dir, below), absPath: join(top, p), text });
  }
  return out;
}

/**
 * DIR's place in its repository from `git rev-parse --show-prefix`: `net/blue/`, or '' at the
 * root. Only the line's end is cut: a folder's name may begin or end with a space.
 */
export function showPrefix(output: string): string {
  return output.replace(/\n$/, '');
}

/** The trimmed output of a git command that prints one line, or an Error with `message` when it fails. */
async function gitOr(output: Promise<string>, message: (why: string) => string): Promise<string> {
  let text: string;
  try {
    text = (await output).trim();
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).trim().split('\n')[0] ?? '';
    throw new Error(message(why.replace(/^fatal: /, '')));
  }
  // simple-git resolves a failed command that wrote nothing to stderr with empty output.
  if (text === '') throw new Error(message(''));
  return text;
}

export async function readSourceFile(path: string): Promise<SourceFile> {
  return { path, absPath: resolve(path), text: await readFile(path, 'utf8') };
}

/** A file below DIR as the user would type it: DIR joined with its path below. */
export function displayPath(dir: string, below: string): string {
  const rel = below.split(sep).join('/');
  return dir === '.' || dir === '' ? rel : `${dir.replace(/\/+$/, '')}/${rel}`;
}
