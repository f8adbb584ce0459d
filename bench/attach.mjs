#!/usr/bin/env node
// bench/attach: contiv attach on a 50-host lab, as a user runs it (a fresh process each time).
//   1. wall time per attach and SSH connections opened (counted in every host's sshd log):
//      the first attach on a host claims a block (it reads every host), the next ones do not;
//   2. 120 containers on h1, 60 on h2, 20 on h3 in one /24: all attached, all addresses
//      distinct, blocks per host, and `contiv plan` says No changes;
//   3. 20 attaches at once over 5 hosts while an apply runs: no address twice, none lost.
// Needs root and `npm run build`; brings up its own lab "battach" and removes it.
// Usage: npm run bench:attach   (node bench/attach.mjs --smallest: 6 hosts, 4 attaches on h6, 6/3/1
// containers on h1/h2/h3, 4 attaches at once on h4 and h5 with the apply)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { labPaths } = await import(new URL('../dist/lab/paths.js', import.meta.url));

const LAB = 'battach';
const smallest = process.argv.includes('--smallest');
const HOSTS = smallest ? 6 : 50;
const ONE_HOST = smallest ? 'h6' : 'h7';
const ONE_COUNT = smallest ? 4 : 20;
const PACK = smallest ? [['h1', 6], ['h2', 3], ['h3', 1]] : [['h1', 120], ['h2', 60], ['h3', 20]];
const PACKED = PACK.reduce((a, [, n]) => a + n, 0);
const AT_ONCE = smallest ? [['h4', 'h5'], 2] : [['h10', 'h11', 'h12', 'h13', 'h14'], 4];
const paths = labPaths(LAB);
const fabric = paths.fabric;
const tmp = mkdtempSync(join(tmpdir(), 'bench-attach-'));
const dir = join(tmp, 'quickstart');
const contiv = (...args) => execFileSync(process.execPath, ['bin/contiv.js', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });

/** SSH logins accepted so far, over every host of the lab (each connection authenticates once). */
function logins() {
  let n = 0;
  for (const host of readdirSync(join(paths.dir, 'hosts'))) {
    try {
      n += readFileSync(paths.host(host).sshdLog, 'utf8').split('\n').filter((l) => l.includes('Accepted publickey')).length;
    } catch {
      // a host whose sshd has not logged yet
    }
  }
  return n;
}

function timed(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/contiv.js', ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`contiv ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return { ms: performance.now() - t0, stdout: r.stdout };
}

function spawnContiv(args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/contiv.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => done({ status, out }));
  });
}

const attachArgs = (host, netns, tenant = 'default') => ['attach', dir, '--fabric', fabric, '--host', host, '--netns', netns, '--tenant', tenant, '--network', 'contiv-net'];
const run = (host, name) => contiv('lab', 'run', '--name', LAB, host, name);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

function endpoints() {
  const show = JSON.parse(contiv('show', dir, '--fabric', fabric, '--json'));
  return show.hosts.flatMap((h) =>
    Object.values(h.state.bridges.contiv0?.ports ?? {})
      .map((p) => p.externalIds)
      .filter((x) => x['contiv.kind'] === 'endpoint')
      .map((x) => ({ host: h.host, tenant: x['contiv.tenant'], ip: x['contiv.ip'] })),
  );
}

function blocks() {
  const show = JSON.parse(contiv('show', dir, '--fabric', fabric, '--json'));
  return Object.fromEntries(show.hosts.map((h) => [h.host, Object.keys(h.state.bridges.contiv0?.externalIds ?? {}).filter((k) => k.startsWith('contiv.block.default.')).length]));
}

try {
  const up0 = performance.now();
  contiv('lab', 'up', '--name', LAB, '--hosts', String(HOSTS), '--mgmt-subnet', '198.18.71.0/24', '--underlay-subnet', '198.19.71.0/24');
  cpSync(join(root, 'examples/quickstart'), dir, { recursive: true });
  contiv('apply', dir, '--fabric', fabric, '--auto-approve', '--allow-dirty');
  console.log(`lab of ${HOSTS} hosts up and applied in ${((performance.now() - up0) / 1000).toFixed(1)} s\n`);

  // 1. One attach at a time on h7 (tenant blue): the first claims a block, the others do not.
  const rows = [];
  for (let i = 0; i < ONE_COUNT; i++) {
    run(ONE_HOST, `one-${i}`);
    const before = logins();
    const { ms, stdout } = timed(attachArgs(ONE_HOST, `one-${i}`, 'blue'));
    rows.push({ ms, connections: logins() - before, claimed: stdout.includes('Claimed address block') });
  }
  const steady = rows.filter((r) => !r.claimed);
  const claiming = rows.filter((r) => r.claimed);
  console.log(`1. contiv attach on ${ONE_HOST} of ${HOSTS} hosts, one at a time (fresh process each)`);
  console.log(`   without a claim (${steady.length}): median ${quantile(steady.map((r) => r.ms), 0.5).toFixed(0)} ms, p90 ${quantile(steady.map((r) => r.ms), 0.9).toFixed(0)} ms, SSH connections per attach: ${[...new Set(steady.map((r) => r.connections))].join('/')}`);
  console.log(`   claiming a block (${claiming.length}): ${claiming.map((r) => `${r.ms.toFixed(0)} ms, ${r.connections} connections`).join('; ')}`);

  // 2. 120 / 60 / 20 containers in default's contiv-net (one /24).
  const t2 = performance.now();
  const plan2 = PACK;
  for (const [host, n] of plan2) for (let i = 0; i < n; i++) {
    run(host, `pk-${host}-${i}`);
    timed(attachArgs(host, `pk-${host}-${i}`));
  }
  const mine = endpoints().filter((e) => e.tenant === 'default');
  const distinct = new Set(mine.map((e) => e.ip)).size;
  const planText = contiv('plan', dir, '--fabric', fabric).trim();
  console.log(`\n2. ${PACK.map(([h, n]) => `${n} on ${h}`).join(', ')} in 10.1.2.0/24: ${mine.length} attached in ${((performance.now() - t2) / 1000).toFixed(1)} s, ${distinct} distinct addresses; blocks h1 ${blocks().h1}, h2 ${blocks().h2}, h3 ${blocks().h3}; plan: ${planText.split('\n').at(-1)}`);
  if (mine.length !== PACKED || distinct !== PACKED || !planText.endsWith('No changes. The hosts match the manifests.')) throw new Error('packing failed');

  // 3. 20 attaches at once over 5 hosts (tenant blue) while an apply runs.
  const variant = join(tmp, 'with-rule');
  cpSync(dir, variant, { recursive: true });
  const policies = join(variant, 'policies.yaml');
  writeFileSync(policies, readFileSync(policies, 'utf8').replace('      action: allow\n', '      action: allow\n    - id: "3"\n      direction: in\n      priority: 20\n      protocol: udp\n      port: 53\n      action: allow\n'));
  const [hosts5, perHost] = AT_ONCE;
  const names = hosts5.flatMap((h) => Array.from({ length: perHost }, (_, i) => [h, `at-${h}-${i}`]));
  for (const [h, n] of names) run(h, n);
  const before3 = endpoints().filter((e) => e.tenant === 'blue').length;
  const t3 = performance.now();
  const results = await Promise.all([spawnContiv(['apply', variant, '--fabric', fabric, '--auto-approve', '--allow-dirty']), ...names.map(([h, n]) => spawnContiv(attachArgs(h, n, 'blue')))]);
  const ms3 = performance.now() - t3;
  const failed = results.filter((r) => r.status !== 0);
  const blue = endpoints().filter((e) => e.tenant === 'blue');
  const plan3 = contiv('plan', variant, '--fabric', fabric).trim().split('\n').at(-1);
  console.log(`\n3. ${names.length} attaches at once over ${hosts5.length} hosts + an apply: ${ms3.toFixed(0)} ms; failed: ${failed.length}; endpoints of blue ${before3} → ${blue.length}, distinct addresses ${new Set(blue.map((e) => e.ip)).size}; plan: ${plan3}`);
  if (failed.length) console.log(failed.map((f) => f.out).join('\n'));
} finally {
  spawnSync(process.execPath, ['bin/contiv.js', 'lab', 'down', '--name', LAB], { cwd: root, stdio: 'inherit' });
  rmSync(tmp, { recursive: true, force: true });
}
