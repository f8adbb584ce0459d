#!/usr/bin/env node
// Runs every benchmark in bench/, one after another, each in its own process (each brings up
// its own lab and removes it). Figures are printed, never asserted; a benchmark that crashes
// (exits non-zero) makes this exit 1, after the others have run.
// Needs root and `npm run build`. Usage: npm run bench [-- --smallest]
//   --smallest: each benchmark at its smallest size (what .ci/run runs, as npm run bench:ci).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['compile', 'plan-scale', 'lab-up', 'gather', 'attach', 'plan-fleet', 'apply-flows'];
const smallest = process.argv.includes('--smallest');
const failed = [];
const took = [];
const t00 = performance.now();
for (const name of BENCHES) {
  const file = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  console.log(`\n=== bench/${name}${smallest ? ' --smallest' : ''}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [file, ...(smallest ? ['--smallest'] : [])], { stdio: 'inherit' });
  const s = (performance.now() - t0) / 1000;
  took.push(`${name} ${s.toFixed(0)} s`);
  if (r.status !== 0) failed.push(`${name} (${r.status ?? r.signal})`);
}
console.log(`\nbenchmarks: ${took.join(', ')}; ${((performance.now() - t00) / 1000).toFixed(0)} s in all`);
if (failed.length) {
  console.error(`benchmarks that crashed: ${failed.join(', ')}`);
  process.exit(1);
}
