/** One manifest file's text, as read from the working tree or from a Git commit. */
export interface SourceFile {
  /** Path shown in diagnostics: as the user would type it (the manifest dir joined with the relative path). */
  path: string;
  /** Absolute path of the file in the working tree (for a Git ref: where it would be). */
  absPath: string;
  text: string;
  /**
   * Read from a folder below DIR that holds a Git repository of its own (a submodule, a nested
   * clone): no commit of DIR's repository holds this text, so a plan of it names no commit.
   */
  inNestedRepository?: true;
}

/** Manifest files are `*.yaml` and `*.yml`. */
export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
