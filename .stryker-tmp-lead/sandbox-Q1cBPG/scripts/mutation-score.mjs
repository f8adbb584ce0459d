#!/usr/bin/env node
// @ts-nocheck
/*
 * Prints the mutation score of each core folder from Stryker's JSON report and exits 1 when
 * one is below the bar. Score = (killed + timeout) / valid mutants (killed, timeout,
 * survived, no coverage); compile and runtime errors and ignored mutants are not valid.
 */
import { readFileSync } from 'node:fs';

const REPORT = process.argv[2] ?? 'reports/mutation/mutation.json';
const BAR = 85;
const FOLDERS = ['src/policy', 'src/compile', 'src/plan', 'src/state', 'src/ipam', 'src/endpoint', 'src/manifest/rules', 'src/host/known-hosts.ts'];

const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const tally = new Map(FOLDERS.map((f) => [f, { killed: 0, timeout: 0, survived: 0, noCoverage: 0 }]));
for (const [file, { mutants }] of Object.entries(report.files)) {
  const folder = FOLDERS.find((f) => file === f || file.startsWith(`${f}/`));
  if (!folder) continue;
  const t = tally.get(folder);
  for (const m of mutants) {
    if (m.status === 'Killed') t.killed++;
    else if (m.status === 'Timeout') t.timeout++;
    else if (m.status === 'Survived') t.survived++;
    else if (m.status === 'NoCoverage') t.noCoverage++;
  }
}

let failed = false;
console.log(`${'folder'.padEnd(26)} ${'score'.padStart(7)}  killed timeout survived no-cov`);
for (const [folder, t] of tally) {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  if (valid === 0) continue;
  const score = (100 * (t.killed + t.timeout)) / valid;
  const low = score < BAR;
  failed ||= low;
  console.log(`${folder.padEnd(26)} ${score.toFixed(1).padStart(6)}%  ${String(t.killed).padStart(6)} ${String(t.timeout).padStart(7)} ${String(t.survived).padStart(8)} ${String(t.noCoverage).padStart(6)}${low ? `  below ${BAR} %` : ''}`);
}
process.exit(failed ? 1 : 0);
