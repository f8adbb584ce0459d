#!/usr/bin/env node
// bench/lab-up: wall time and memory of `contiv lab up` for 3, 20 and 50 hosts (and of `down`).
// Each size gets its own lab name and subnets and is torn down after. Needs root and `npm run build`.
// Usage: npm run bench:lab-up [-- 3 20 50]   (--smallest: 3 hosts only)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { findLabProcesses } = await import(new URL('../dist/lab/down.js', import.meta.url));
const { readRecord } = await import(new URL('../dist/lab/record.js', import.meta.url));

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(...(process.argv.includes('--smallest') ? [3] : [3, 20, 50]));

/** Runs `contiv <args>` in a fresh node process; returns wall ms, exit code and the client's peak RSS. */
function contiv(args) {
  const script = `
    const { main } = await import(${JSON.stringify(new URL('../dist/cli/main.js', import.meta.url).href)});
    const code = await main(['node', 'contiv', ...${JSON.stringify(args)}]);
    process.stderr.write('\\nBENCH ' + JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }) + '\\n');
    process.exitCode = code;`;
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /BENCH (.*)/.exec(err);
      resolve({ code, ms, maxRssKb: m ? JSON.parse(m[1]).maxRssKb : NaN, out, err: err.replace(/\nBENCH .*\n?/, '') });
    });
  });
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

const rows = [];
for (const [i, n] of sizes.entries()) {
  const name = `bench${n}`;
  const opts = ['--name', name, '--hosts', String(n), '--mgmt-subnet', `198.18.${200 + i}.0/24`, '--underlay-subnet', `198.19.${200 + i}.0/24`];
  await contiv(['lab', 'down', '--name', name]); // a leftover of an interrupted bench
  const up = await contiv(['lab', 'up', ...opts]);
  try {
    if (up.code !== 0) throw new Error(`lab up --hosts ${n} failed:\n${up.err}`);
    await new Promise((r) => setTimeout(r, 1000)); // let the daemons settle
    const rec = readRecord(name);
    const byComm = {};
    let total = 0;
    for (const pid of findLabProcesses(rec)) {
      const kb = rssKb(pid);
      total += kb;
      const c = comm(pid);
      byComm[c] = (byComm[c] ?? 0) + kb;
    }
    rows.push({ n, upMs: up.ms, clientPeakKb: up.maxRssKb, labRssKb: total, byComm });
  } finally {
    const down = await contiv(['lab', 'down', '--name', name]);
    const row = rows.find((r) => r.n === n);
    if (row) row.downMs = down.ms;
    if (down.code !== 0) console.error(`lab down --name ${name} failed:\n${down.err}`);
  }
}

const mb = (kb) => (kb / 1024).toFixed(0);
console.log('hosts  lab up (s)  lab down (s)  client peak RSS (MB)  lab processes RSS (MB)  per host (MB)  [ovs-vswitchd / ovsdb-server / sshd MB]');
for (const r of rows) {
  console.log(
    [
      String(r.n).padStart(5),
      (r.upMs / 1000).toFixed(2).padStart(11),
      ((r.downMs ?? NaN) / 1000).toFixed(2).padStart(13),
      mb(r.clientPeakKb).padStart(21),
      mb(r.labRssKb).padStart(23),
      (r.labRssKb / 1024 / r.n).toFixed(1).padStart(14),
      `  [${mb(r.byComm['ovs-vswitchd'] ?? 0)} / ${mb(r.byComm['ovsdb-server'] ?? 0)} / ${mb(r.byComm.sshd ?? 0)}]`,
    ].join(''),
  );
}
