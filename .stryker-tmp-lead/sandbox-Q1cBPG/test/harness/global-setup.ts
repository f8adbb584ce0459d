/**
 * vitest globalSetup of the `lab` project: one lab (`ctest`, 3 hosts, its own subnets) for the
 * whole run, always torn down — after the run, on failure, and on SIGINT/SIGTERM. Without root or
 * a package the run FAILS with the reason; it never skips.
 */
// @ts-nocheck

import { findLabProcesses, labDown } from '../../src/lab/down.js';
import { checkPackages, checkRoot } from '../../src/lab/preflight.js';
import { labUp } from '../../src/lab/up.js';
import { labsDir } from '../../src/lab/paths.js';
import { pidAlive } from '../../src/lab/proc.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CTEST, leftovers, readRecordFile } from './lab.js';

const log = (line: string): void => {
  process.stderr.write(`[lab ${CTEST.name}] ${line}\n`);
};

let torndown: Promise<void> | undefined;

/** Marks the lab as this test run's, so a second run on the same machine fails instead of tearing it down. */
const runFile = (): string => join(labsDir(), `.${CTEST.name}.test-run`);

function claimLab(): void {
  const path = runFile();
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (pid !== process.pid && pidAlive(pid)) {
      throw new Error(`another lab test run (pid ${pid}) is using lab ${CTEST.name}; wait for it to finish`);
    }
  }
  mkdirSync(labsDir(), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${process.pid}\n`);
}

async function teardown(): Promise<void> {
  torndown ??= (async () => {
    const rec = readRecordFile(CTEST.name);
    const procs = rec ? findLabProcesses(rec) : [];
    await labDown(CTEST.name, log);
    const left = await leftovers(CTEST, rec, procs);
    if (left.length) throw new Error(`lab ${CTEST.name}: down left behind: ${left.join(', ')}`);
    log('down: nothing left behind');
  })().finally(() => rmSync(runFile(), { force: true }));
  return torndown;
}

function onSignal(sig: NodeJS.Signals): void {
  log(`${sig}: tearing the lab down`);
  teardown()
    .catch((err: unknown) => log(String(err)))
    .finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
}

export default async function setup(): Promise<() => Promise<void>> {
  try {
    checkRoot();
    checkPackages();
  } catch (err) {
    throw new Error(`the lab tests cannot run: ${(err as Error).message}`);
  }
  claimLab();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // A lab left by an earlier, killed run: remove it by its record, then start fresh.
    await labDown(CTEST.name, log);
    const res = await labUp(CTEST, log);
    log(`up: ${CTEST.hosts} hosts in ${res.ms} ms`);
  } catch (err) {
    await teardown().catch((e: unknown) => log(String(e)));
    throw err;
  }
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await teardown();
  };
}
