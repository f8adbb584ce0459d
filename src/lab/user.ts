import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contivHome, labsDir } from './paths.js';
import { runOk } from './proc.js';
import { LAB_USER } from './texts.js';
import { userHome } from './host.js';

/**
 * The non-root lab user (`contivlab`, passwordless sudo) is a machine-wide object shared by every
 * lab. Whether contiv created it is recorded in ~/.contiv/lab-user.json *before* it is created;
 * the last lab to go down removes it, and only if contiv created it.
 */
const SUDOERS_FILE = '/etc/sudoers.d/contiv-lab';

interface UserRecord {
  user: string;
  sudoersFile: string;
  /** False when the user already existed: then contiv never removes it. */
  createdUser: boolean;
  createdSudoers: boolean;
}

function userRecordPath(): string {
  return join(contivHome(), 'lab-user.json');
}

/** Makes sure the lab user exists with passwordless sudo; returns its home directory. */
export async function ensureLabUser(): Promise<string> {
  let home = userHome(LAB_USER);
  const recPath = userRecordPath();
  const rec: UserRecord = existsSync(recPath)
    ? (JSON.parse(readFileSync(recPath, 'utf8')) as UserRecord)
    : { user: LAB_USER, sudoersFile: SUDOERS_FILE, createdUser: false, createdSudoers: false };
  // Record what is about to be created before creating it.
  if (home === undefined) rec.createdUser = true;
  if (!existsSync(SUDOERS_FILE)) rec.createdSudoers = true;
  writeFileSync(recPath, JSON.stringify(rec, null, 2) + '\n');
  if (home === undefined) {
    // Password '*': no password login, but not "locked" (sshd without PAM refuses locked accounts).
    await runOk(['useradd', '--create-home', '--shell', '/bin/bash', '--password', '*', '--comment', 'contiv lab user', LAB_USER]);
    home = userHome(LAB_USER);
    if (home === undefined) throw new Error(`useradd ${LAB_USER} did not create the user`);
  }
  if (!existsSync(home)) throw new Error(`the home directory of ${LAB_USER} (${home}) does not exist`);
  if (!existsSync(SUDOERS_FILE)) {
    writeFileSync(SUDOERS_FILE, `# Written by contiv lab: the lab user may sudo without a password.\n${LAB_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  }
  return home;
}

/** Called by `down` after a lab's own record is gone: removes the user when no lab is left. */
export async function releaseLabUser(): Promise<string[]> {
  const recPath = userRecordPath();
  if (!existsSync(recPath)) return [];
  if (anyLabRecord() || anyLabNamespace()) return [];
  const rec = JSON.parse(readFileSync(recPath, 'utf8')) as UserRecord;
  const removed: string[] = [];
  if (rec.createdSudoers && existsSync(rec.sudoersFile)) {
    rmSync(rec.sudoersFile, { force: true });
    removed.push(rec.sudoersFile);
  }
  if (rec.createdUser && userHome(rec.user) !== undefined) {
    await runOk(['userdel', '--remove', rec.user]).catch(async () => runOk(['userdel', rec.user]));
    removed.push(`user ${rec.user}`);
  }
  rmSync(recPath, { force: true });
  return removed;
}

/**
 * A lab recorded under another CONTIV_HOME (the test harness keeps its own) still uses the user:
 * its hosts' namespaces (`contiv-LAB-hN`, src/lab/plan.ts) say so whatever home recorded them.
 */
function anyLabNamespace(): boolean {
  if (!existsSync('/run/netns')) return false;
  return readdirSync('/run/netns').some((name) => /^contiv-[a-z0-9-]+-h\d+$/.test(name));
}

function anyLabRecord(): boolean {
  const dir = labsDir();
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((name) => existsSync(join(dir, name, 'record.json')));
}
