/** One manifest file's text, as read from the working tree or from a Git commit. */
// @ts-nocheck

export interface SourceFile {
  /** Path shown in diagnostics: as the user would type it (the manifest dir joined with the relative path). */
  path: string;
  /** Absolute path of the file in the working tree (for a Git ref: where it would be). */
  absPath: string;
  text: string;
}

/** Manifest files are `*.yaml` and `*.yml`. */
export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
