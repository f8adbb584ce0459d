import { LOCK_FILE } from '../host/gather-script.js';

/*
 * The dead-man timer of `apply --confirm-timeout S`: before a host's change, the same script
 * that makes it first arms, on the host, a detached process that sleeps S seconds and then
 * restores the host's checkpoint (the objects the plan touches, as they were before) unless
 * contiv has confirmed in the meantime, over a NEW SSH connection, once the host passed its
 * checks. A change that cuts contiv off from the host, or a contiv killed mid-apply, is undone
 * by the host itself, with nothing there but sh, flock, setsid and the tools contiv already uses.
 *
 * Files, per arming (TOKEN is random per host and apply), all in DEADMAN_DIR (/run: a reboot
 * clears them, and with them a timer that would restore a host that was rebooted anyway):
 *   TOKEN.sh      the restore script (an idempotent hostScript: it works from the state before
 *                 the change, after it, or anywhere between)
 *   TOKEN.fire    the timer's own script; TOKEN.pid its pid, which is also its process group
 *   TOKEN.holder  the pid of the apply's lock session, when it recorded one
 *   TOKEN.armed   present while the timer is armed
 * Confirming and firing both begin by renaming TOKEN.armed (an atomic rename): exactly one of
 * them wins, so a host is never confirmed and restored both. A timer that fired leaves only its
 * report, TOKEN.fired, for the next confirmation (or the operator) to read.
 */
export const DEADMAN_DIR = '/run/contiv/deadman';

/** Where the timer keeps its files and which lock it takes (other places only in tests). */
export interface DeadmanPaths {
  dir: string;
  lock: string;
}

const ON_HOST: DeadmanPaths = { dir: DEADMAN_DIR, lock: LOCK_FILE };

/** What the confirmation found on the host. */
export type ConfirmOutcome = { status: 'confirmed' } | { status: 'fired'; report: string } | { status: 'unknown' };

/** How long the timer waits for the host's lock after it fired (the apply's own session is ended first). */
const FIRE_LOCK_WAIT = 60;
/** How long a confirmation waits for a timer that is restoring the host right now. */
const CONFIRM_WAITS_FOR_FIRING = 90;
/** Reports of timers that fired are kept this many days (a confirmation that never came reads none). */
const REPORT_DAYS = 7;

function checkToken(token: string): string {
  if (!/^[0-9a-f]{8,32}$/.test(token)) throw new Error(`bad dead-man token ${JSON.stringify(token)}`);
  return token;
}

/** The pid in the lock's holder record (lockPreamble's format), when that process holds the lock now. */
function lockHolderPid(lock: string): string[] {
  return [
    `hp=$(sed -n 's/.*, pid \\([0-9][0-9]*\\), since .*/\\1/p' ${lock}.holder 2>/dev/null || true)`,
    'holds=no',
    `if [ -n "$hp" ] && [ -d "/proc/$hp/fd" ]; then for fd in /proc/$hp/fd/*; do if [ "$(readlink "$fd" 2>/dev/null || true)" = ${lock} ]; then holds=yes; fi; done; fi`,
  ];
}

/** The timer's own script: sleep, then restore unless confirmed. Its report goes to TOKEN.fired. */
function fireScript(token: string, seconds: number, { dir, lock }: DeadmanPaths): string {
  const t = `${dir}/${token}`;
  return [
    `sleep ${seconds}`,
    // Confirmed (or disarmed) meanwhile: nothing to do.
    `mv -f ${t}.armed ${t}.firing 2>/dev/null || exit 0`,
    `exec >${t}.log 2>&1`,
    'echo "fired at $(date -u +%Y-%m-%dT%H:%M:%SZ): no confirmation within ' + `${seconds} s"`,
    // The apply that armed it still holds the host's lock only when it was cut off mid-way (its
    // session waits for a contiv that is gone): that session is ended, so the lock comes free.
    `hp=$(cat ${t}.holder 2>/dev/null || true)`,
    `if [ -n "$hp" ] && [ -d "/proc/$hp/fd" ]; then for fd in /proc/$hp/fd/*; do if [ "$(readlink "$fd" 2>/dev/null || true)" = ${lock} ]; then pkill -TERM -P "$hp" 2>/dev/null || true; kill -TERM "$hp" 2>/dev/null || true; echo "ended the apply session $hp that still held ${lock}"; break; fi; done; fi`,
    `exec 9>${lock}`,
    `if flock -w ${FIRE_LOCK_WAIT} 9; then`,
    `  printf '%s, pid %s, since %s\\n' 'contiv dead-man timer ${token}' "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${lock}.holder`,
    `  if sh ${t}.sh; then echo "restored the state before the apply"; else echo "RESTORE FAILED (exit $?): run contiv plan and apply"; fi`,
    'else',
    `  echo "RESTORE NOT RUN: ${lock} stayed held for ${FIRE_LOCK_WAIT} s"`,
    'fi',
    // The report appears once the rest is gone, and the firing mark goes last: a confirmation
    // waiting on it then finds the report.
    `rm -f ${t}.sh ${t}.holder ${t}.pid ${t}.fire`,
    `mv -f ${t}.log ${t}.fired`,
    `rm -f ${t}.firing`,
    '',
  ].join('\n');
}

/** A here-document that cannot end early: the body is base64, which has no line equal to the marker. */
function writeFile(path: string, content: string): string[] {
  const base64 = Buffer.from(content, 'utf8').toString('base64').replace(/(.{76})/g, '$1\n');
  return [`base64 -d > ${path} <<'CONTIV_DEADMAN_EOF'`, ...base64.split('\n').filter(Boolean), 'CONTIV_DEADMAN_EOF'];
}

/**
 * Lines that arm the timer, run at the start of the apply's script for the host (under its
 * lock, before any change): a failure here (no setsid) stops the script before it changes
 * anything. `restore` is the host's checkpoint as a script.
 */
export function armLines(token: string, seconds: number, restore: string, paths: DeadmanPaths = ON_HOST): string[] {
  const t = `${paths.dir}/${checkToken(token)}`;
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`bad dead-man timeout ${seconds}`);
  return [
    'command -v setsid >/dev/null 2>&1 || { echo "setsid is missing on this host (util-linux), needed by --confirm-timeout; nothing changed" >&2; exit 127; }',
    `mkdir -p ${paths.dir}`,
    `find ${paths.dir} -name '*.fired' -mtime +${REPORT_DAYS} -exec rm -f {} + 2>/dev/null || true`,
    ...writeFile(`${t}.sh`, restore),
    ...writeFile(`${t}.fire`, fireScript(token, seconds, paths)),
    ...lockHolderPid(paths.lock),
    `if [ "$holds" = yes ]; then echo "$hp" > ${t}.holder; fi`,
    `: > ${t}.armed`,
    // Its own session and process group (setsid without -f keeps the pid): the SSH session's
    // end does not reach it, and a confirmation ends it with its sleep by that group.
    `setsid sh ${t}.fire </dev/null >/dev/null 2>&1 &`,
    `echo $! > ${t}.pid`,
  ];
}

/**
 * Confirms the apply on the host (run over a new connection once its checks passed): disarms
 * the timer and ends it, then runs `after` (the removal of the copies a restore would have
 * used). Prints `confirmed`; `fired` and the timer's report when the timer won; `unknown` when
 * the host has no such timer (rebooted, or its /run cleared).
 */
export function confirmScript(token: string, after = '', paths: DeadmanPaths = ON_HOST): string {
  const t = `${paths.dir}/${checkToken(token)}`;
  return [
    'set -u',
    `if mv -f ${t}.armed ${t}.done 2>/dev/null; then`,
    `  pid=$(cat ${t}.pid 2>/dev/null || true)`,
    '  if [ -n "$pid" ]; then kill -9 -"$pid" 2>/dev/null || true; fi',
    `  rm -f ${t}.done ${t}.sh ${t}.fire ${t}.pid ${t}.holder`,
    ...(after ? [`  ${after.trim().split('\n').join('\n  ')}`] : []),
    '  echo confirmed',
    '  exit 0',
    'fi',
    // Restoring right now: its report is what happened.
    `i=0; while [ -e ${t}.firing ] && [ $i -lt ${CONFIRM_WAITS_FOR_FIRING} ]; do sleep 1; i=$((i+1)); done`,
    `if [ -e ${t}.fired ]; then echo fired; cat ${t}.fired; rm -f ${t}.fired; exit 0; fi`,
    'echo unknown',
    '',
  ].join('\n');
}

export function parseConfirm(stdout: string): ConfirmOutcome {
  const [first, ...rest] = stdout.split('\n');
  if (first === 'confirmed') return { status: 'confirmed' };
  if (first === 'fired') return { status: 'fired', report: rest.join(' ').replace(/\s+/g, ' ').trim() };
  return { status: 'unknown' };
}
