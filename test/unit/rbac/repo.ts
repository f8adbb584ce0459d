import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/*
 * Real repositories with real SSH signatures for the RBAC tests: keys made by ssh-keygen,
 * commits signed by git (gpg.format ssh, commit -S). Nothing is mocked.
 */

export const PEOPLE = ['alice', 'bob', 'carol', 'ops', 'mallory'] as const;
export type Person = (typeof PEOPLE)[number];

export interface Keys {
  folder: string;
  /** Public key lines (`ssh-ed25519 AAAA… name`). */
  pub: Record<Person, string>;
  /** Fingerprints as git prints them (%GK). */
  fingerprint: Record<Person, string>;
}

const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

export function makeKeys(): Keys {
  const folder = mkdtempSync(join(tmpdir(), 'contiv-rbac-keys-'));
  const pub = {} as Record<Person, string>;
  const fingerprint = {} as Record<Person, string>;
  for (const name of PEOPLE) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(folder, name)]);
    pub[name] = readFileSync(join(folder, `${name}.pub`), 'utf8').trim();
    fingerprint[name] = execFileSync('ssh-keygen', ['-lf', join(folder, `${name}.pub`)], { encoding: 'utf8' }).split(' ')[1]!;
  }
  return { folder, pub, fingerprint };
}

/** `{{alice}}` → alice's public key. */
export function withKeys(text: string, keys: Keys): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => keys.pub[name as Person] ?? m);
}

export class Repo {
  readonly root = mkdtempSync(join(tmpdir(), 'contiv-rbac-'));
  constructor(readonly keys: Keys) {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'contiv test');
    this.git('config', 'user.email', 'test@contiv.invalid');
    this.git('config', 'gpg.format', 'ssh');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8', env: ENV });
  }

  /** Writes `files` (path → text, keys filled in; null removes the file). */
  write(files: Record<string, string | null>): void {
    for (const [path, text] of Object.entries(files)) {
      const abs = join(this.root, path);
      if (text === null) rmSync(abs, { force: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, withKeys(text, this.keys));
      }
    }
  }

  /** Commits everything, signed by `signer` (or not signed); returns the hash. */
  commit(signer: Person | 'unsigned', message: string): string {
    this.git('add', '-A');
    if (signer === 'unsigned') this.git('commit', '-q', '--allow-empty', '--no-gpg-sign', '-m', message);
    else this.git('-c', `user.signingkey=${join(this.keys.folder, signer)}`, 'commit', '-q', '--allow-empty', '-S', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A fixture folder's files (path → text), `.remove` aside: that lists paths to delete, one a line. */
export function overlay(folder: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else if (rel !== '.remove') out[rel] = readFileSync(join(dir, e.name), 'utf8');
    }
  };
  walk(folder, '');
  const remove = join(folder, '.remove');
  if (existsSync(remove)) for (const line of readFileSync(remove, 'utf8').split('\n')) if (line.trim()) out[line.trim()] = null;
  return out;
}
