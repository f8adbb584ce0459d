#!/usr/bin/env node
// bench/gather: contiv's gather of 1, 10 and 50 lab hosts (and of one host holding 10k flows):
// wall time, CPU time and peak RSS of the client, next to OpenSSH running the same gather
// script one host after another and 32 at a time (xargs -P 32).
// Needs root and `npm run build`; brings up its own lab "bgather" (50 hosts) and removes it.
// Usage: npm run bench:gather   (node bench/gather.mjs --smallest: 10 hosts, sizes 1 and 10)
import { execFileSync, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url));
const { GATHER_SCRIPT } = await dist('host/gather-script.js');
const { labPaths } = await dist('lab/paths.js');

const LAB = 'bgather';
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

/** The same script over OpenSSH: one after another, or through xargs -P 32. Wall and CPU (children) time. */
function openssh(addresses, parallel) {
  const p = labPaths(LAB);
  const ssh = `ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${p.knownHosts} -o KexAlgorithms=curve25519-sha256 -i ${p.key}`;
  const one = `${ssh} root@"$0" sh -s < ${process.env.GATHER_FILE} > /dev/null`;
  const cmd = parallel
    ? `printf '%s\\n' ${addresses.join(' ')} | xargs -P 32 -n 1 sh -c '${one}'`
    : `for a in ${addresses.join(' ')}; do sh -c '${one}' "$a"; done`;
  const res = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'bash', '-c', cmd], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  const [wall, user, sys] = res.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms: wall * 1000, cpuMs: (user + sys) * 1000 };
}

const fmt = (x) => x.toFixed(0).padStart(7);
try {
  contiv('lab', 'up', '--name', LAB, '--hosts', String(HOSTS), '--mgmt-subnet', '198.18.70.0/24', '--underlay-subnet', '198.19.70.0/24');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/bench-gather-');
  process.env.GATHER_FILE = `${dir}/gather.sh`;
  writeFileSync(process.env.GATHER_FILE, GATHER_SCRIPT);
  const addresses = Array.from({ length: HOSTS }, (_, i) => `198.18.70.${11 + i}`);

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

  // One host holding 10k flows of ours on a contiv bridge.
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
