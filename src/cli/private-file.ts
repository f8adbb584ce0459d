import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.js';

/*
 * A saved plan names every host and how to reach it, and `contiv apply FILE` runs exactly what
 * it says: it is written readable by its owner only (0600), whole or not at all (a temporary
 * file in the same directory, synced, then renamed over the target), and never through a
 * symbolic link (the rename replaces a link at that path; the file it pointed at is untouched).
 */

/** Refuses, before any host is read, a path whose directory is not there or that is a directory. */
export function checkWritablePath(path: string, what: string): void {
  const dir = dirname(path);
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    throw new UserError(`${what} ${path}: the directory ${dir} does not exist`);
  }
  if (!stat.isDirectory()) throw new UserError(`${what} ${path}: ${dir} is not a directory`);
  try {
    if (lstatSync(path).isDirectory()) throw new UserError(`${what} ${path}: is a directory`);
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
}

/** Writes `content` to `path` as described above; a failure leaves `path` as it was. */
export async function writePrivateFile(path: string, content: string, what: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (e) {
    throw new UserError(`${what} ${path}: cannot create a file in ${dirname(path)} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw new UserError(`${what} ${path}: not written (${(e as NodeJS.ErrnoException).code ?? String(e)}); the file there, if any, is as it was`);
  }
}
