#!/usr/bin/env node
// bench/gather: contiv's gather of 1, 10 and 50 lab hosts (and of one host holding 10k flows):
// wall time, CPU time and peak RSS of the client, next to OpenSSH running the same gather
// script one host after another and 32 at a time (xargs -P 32). Then, with examples/quickstart
// applied: what the gather script costs a host (processes it starts, wall and CPU ms, run inside
// the host without SSH; the same for RECORDS_SCRIPT), and the whole `contiv plan` process next
// to OpenSSH running `true` and the gather script on every host (xargs -P 32).
// Needs root and `npm run build`; brings up its own lab (50 hosts) and removes it.
// Usage: npm run bench:gather   (node bench/gather.mjs --smallest: 10 hosts, sizes 1 and 10)
//   BENCH_LAB, BENCH_MGMT_SUBNET, BENCH_UNDERLAY_SUBNET: another lab name and /24 subnets;
//   BENCH_COMPARE=FILE[,FILE…]: gather scripts saved from other builds, measured beside this one
//   on the host (e.g. `node -e "import('./dist/host/gather-script.js').then(m =>
//   process.stdout.write(m.GATHER_SCRIPT))" > /tmp/old.sh` on the old build);
//   BENCH_COMPARE_CONTIV=PATH: the bin/contiv.js of another build, whose `contiv plan` is timed too.
import { execFileSync, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url));
const { GATHER_SCRIPT, RECORDS_SCRIPT } = await dist('host/gather-script.js');
const { labPaths } = await dist('lab/paths.js');

const LAB = process.env.BENCH_LAB ?? 'bgather';
const MGMT = process.env.BENCH_MGMT_SUBNET ?? '198.18.70.0/24';
const UNDERLAY = process.env.BENCH_UNDERLAY_SUBNET ?? '198.19.70.0/24';
const smallest = process.argv.includes('--smallest');
const HOSTS = smallest ? 10 : 50;
const SIZES = smallest ? [1, 10] : [1, 10, 50];
const contiv = (...args) => execFileSync(process.execPath, ['bin/contiv.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

/** One contiv gather of the first `n` hosts, in a fresh process: wall, CPU and peak RSS of that process. */
function contivGather(n) {
  const script = `
    const { homedir } = await import('node:os');
    const { loadManifests } = await import('./dist/manifest/load.js');
    const { readManifestDir, readSourceFile } = await import('./dist/manifest/read-sources.js');
    const { gatherFleet } = await import('./dist/host/gather.js');
    const { SshTransport } = await import('./dist/host/ssh-transport.js');
    const r = loadManifests({ files: await readManifestDir('examples/quickstart'), fabricFile: await readSourceFile(${JSON.stringify(labPaths(LAB).fabric)}), home: homedir() });
    const hosts = r.model.fabric.hosts.slice(0, ${n});
    const cpu0 = process.cpuUsage(); const t0 = performance.now();
    const t = new SshTransport();
    const out = await gatherFleet(t, hosts, 32);
    await t.close();
    const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
    const flows = out.reduce((a, o) => a + (o.ok ? Object.values(o.value.state.bridges).reduce((b, x) => b + Object.keys(x.flows).length, 0) : 0), 0);
    const failed = out.filter((o) => !o.ok).map((o) => o.error.message);
    process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, flows, failed }));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout);
}

const sshCommand = () => {
  const p = labPaths(LAB);
  return `ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${p.knownHosts} -o KexAlgorithms=curve25519-sha256 -i ${p.key}`;
};

/** The same script over OpenSSH: one after another, or through xargs -P 32. Wall and CPU (children) time. */
function openssh(addresses, parallel, scriptFile = process.env.GATHER_FILE) {
  const ssh = sshCommand();
  const one = scriptFile ? `${ssh} root@"$0" sh -s < ${scriptFile} > /dev/null` : `${ssh} root@"$0" true < /dev/null`;
  const cmd = parallel
    ? `printf '%s\\n' ${addresses.join(' ')} | xargs -P 32 -n 1 sh -c '${one}'`
    : `for a in ${addresses.join(' ')}; do sh -c '${one}' "$a"; done`;
  const res = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'bash', '-c', cmd], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  const [wall, user, sys] = res.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms: wall * 1000, cpuMs: (user + sys) * 1000 };
}

/**
 * Runs inside one host (over one SSH exec, its time not counted): each script `runs` times,
 * interleaved so that the machine's load falls on all alike. Median wall ms, CPU ms (the script
 * and its children, from the shell's /proc stat) per run, and the processes one run starts
 * (execve under strace, when strace is there).
 */
function hostSide(address, files, runs = 30) {
  const body = `
    files="${files.join(' ')}"; runs=${runs}
    for f in $files; do sh "$f" >/dev/null; done
    for i in $(seq $runs); do for f in $files; do
      s=$EPOCHREALTIME; sh "$f" >/dev/null; e=$EPOCHREALTIME; echo "wall $f $(( \${e/./} - \${s/./} ))"
    done; done
    for f in $files; do
      read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ c0 d0 _ < /proc/$$/stat
      for i in $(seq $runs); do sh "$f" >/dev/null; done
      read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ c1 d1 _ < /proc/$$/stat
      echo "cpu $f $(( (c1 + d1 - c0 - d0) * 10000 / runs ))"
      if command -v strace >/dev/null; then
        strace -f -qq -e trace=execve -o /tmp/bench-gather-trace sh "$f" >/dev/null
        echo "procs $f $(( $(grep -c 'execve(' /tmp/bench-gather-trace) - 1 ))"; rm -f /tmp/bench-gather-trace
      fi
    done`;
  const res = spawnSync('bash', ['-c', `${sshCommand()} root@${address} bash -s`], { input: body, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  const out = {};
  for (const line of res.stdout.trim().split('\n')) {
    const [what, file, value] = line.split(' ');
    const o = (out[file] ??= { wall: [] });
    if (what === 'wall') o.wall.push(Number(value) / 1000);
    else o[what] = Number(value) / 1000;
    if (what === 'procs') o.procs = Number(value);
  }
  for (const o of Object.values(out)) o.median = o.wall.sort((a, b) => a - b)[Math.floor(o.wall.length / 2)];
  return out;
}

/** Median wall ms of `runs` runs of a shell command (whole processes). */
function wallOf(command, runs = 3) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = spawnSync('bash', ['-c', command], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    if (res.status !== 0 && res.status !== 2) throw new Error(`${command}: ${res.stderr}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const fmt = (x) => x.toFixed(0).padStart(7);
try {
  contiv('lab', 'up', '--name', LAB, '--hosts', String(HOSTS), '--mgmt-subnet', MGMT, '--underlay-subnet', UNDERLAY);
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/bench-gather-');
  process.env.GATHER_FILE = `${dir}/gather.sh`;
  writeFileSync(process.env.GATHER_FILE, GATHER_SCRIPT);
  const recordsFile = `${dir}/records.sh`;
  writeFileSync(recordsFile, RECORDS_SCRIPT);
  const net = MGMT.split('.').slice(0, 3).join('.');
  const addresses = Array.from({ length: HOSTS }, (_, i) => `${net}.${11 + i}`);
  const compare = (process.env.BENCH_COMPARE ?? '').split(',').filter(Boolean);

  console.log(`gather (contiv: wall, client CPU, client peak RSS; OpenSSH: wall, CPU of all ssh processes)`);
  console.log(`hosts  contiv ms  cpu ms  rss MB | ssh seq ms  cpu ms | ssh -P32 ms  cpu ms | contiv / ssh -P32`);
  for (const n of SIZES) {
    contivGather(n); // warm the page cache and the hosts' sshd
    const c = contivGather(n);
    if (c.failed.length) throw new Error(c.failed.join('\n'));
    const seq = openssh(addresses.slice(0, n), false);
    const par = openssh(addresses.slice(0, n), true);
    console.log(`${String(n).padStart(5)} ${fmt(c.ms)}   ${fmt(c.cpuMs)} ${c.maxRssMb.toFixed(0).padStart(6)} | ${fmt(seq.ms)}  ${fmt(seq.cpuMs)} | ${fmt(par.ms)}   ${fmt(par.cpuMs)} | ${(c.ms / par.ms).toFixed(2)}`);
  }

  // examples/quickstart applied: every host has contiv's bridge, 49 tunnels and their flows.
  const fabric = labPaths(LAB).fabric;
  contiv('apply', 'examples/quickstart', '--fabric', fabric, '--auto-approve', '--allow-dirty');
  const side = hostSide(addresses[1], [process.env.GATHER_FILE, recordsFile, ...compare]);
  console.log(`\none host of ${HOSTS}, quickstart applied: the script run inside the host (no SSH), median of 30 interleaved runs`);
  console.log('script                         processes  wall ms  cpu ms');
  const row = (name, o) => console.log(`${name.padEnd(30)} ${String(o.procs ?? '?').padStart(9)} ${o.median.toFixed(1).padStart(8)} ${o.cpu.toFixed(1).padStart(7)}`);
  row('GATHER_SCRIPT', side[process.env.GATHER_FILE]);
  row('RECORDS_SCRIPT', side[recordsFile]);
  for (const f of compare) row(f, side[f]);
  const plan = `node bin/contiv.js plan examples/quickstart --fabric ${fabric} --detailed-exitcode`;
  console.log(`\n${HOSTS} hosts, quickstart applied, whole processes (median of 3):`);
  console.log(`  contiv plan                          ${wallOf(plan).toFixed(0).padStart(6)} ms`);
  const other = process.env.BENCH_COMPARE_CONTIV;
  if (other) console.log(`  contiv plan of ${other}  ${wallOf(plan.replace('bin/contiv.js', other)).toFixed(0).padStart(6)} ms`);
  console.log(`  OpenSSH true, xargs -P 32            ${openssh(addresses, true, '').ms.toFixed(0).padStart(6)} ms`);
  console.log(`  OpenSSH gather script, xargs -P 32   ${openssh(addresses, true).ms.toFixed(0).padStart(6)} ms`);
  for (const f of compare) console.log(`  OpenSSH ${f}, xargs -P 32  ${openssh(addresses, true, f).ms.toFixed(0).padStart(6)} ms`);

  // One host holding 10k flows of ours on a contiv bridge (h1's own contiv0 replaced).
  contiv('lab', 'exec', '--name', LAB, 'h1', '--', 'ovs-vsctl', 'del-br', 'contiv0');
  const flows = Array.from({ length: 10_000 }, (_, i) =>
    `add cookie=0xc1040000000${i.toString(16).padStart(5, '0')},table=10,priority=100,metadata=${i % 7},dl_dst=02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')} actions=set_field:${4096 + (i % 100)}->reg3,goto_table:20`,
  ).join('\n');
  contiv('lab', 'exec', '--name', LAB, 'h1', '--', 'ovs-vsctl', 'add-br', 'contiv0', '--', 'set', 'bridge', 'contiv0', 'datapath_type=netdev', 'fail_mode=secure', 'external_ids:contiv.owner=contiv');
  execFileSync(process.execPath, ['bin/contiv.js', 'lab', 'exec', '--name', LAB, 'h1', '--', 'ovs-ofctl', '--bundle', 'add-flows', 'contiv0', '-'], { cwd: root, input: `${flows}\n` });
  contivGather(1);
  const big = contivGather(1);
  const seq = openssh(addresses.slice(0, 1), false);
  console.log(`1 host, ${big.flows} flows: contiv ${big.ms.toFixed(0)} ms, cpu ${big.cpuMs.toFixed(0)} ms, rss ${big.maxRssMb.toFixed(0)} MB | ssh ${seq.ms.toFixed(0)} ms`);
} finally {
  contiv('lab', 'down', '--name', LAB);
}
