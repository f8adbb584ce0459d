#!/usr/bin/env node
// bench/apply-flows: what a flow change costs a host, on a 2-host lab with the quickstart applied.
//   a. 10,000 flows added on one host contiv's way — one `ovs-ofctl --bundle add-flows` of all
//      the lines, as src/apply/script.ts bundleBlock writes it — against one `ovs-ofctl add-flow`
//      per flow. Both timed on the host (one SSH exec each, the clock read around the ovs-ofctl
//      calls, so SSH is not counted), on a scratch netdev bridge bench0 removed afterwards. The
//      one-at-a-time run is a sample (the first 1,000 flows; 100 with --smallest) extrapolated
//      to 10,000: said so in the output.
//   b. a one-rule change (rule 3 added to the quickstart's db-policy, `contiv apply`): the flows
//      the plan touches (added / modified / removed, from `contiv plan --json`) out of all the
//      flows on the hosts, and what an unrelated stream loses while the apply runs: two
//      containers of tenant blue on h1 and h2, 100 pings a second and a TCP stream between them
//      (packets lost, TCP retransmission timeouts, as test/lab/policy.test.ts counts them).
// Needs root and `npm run build`; brings up its own lab "bap" and removes it.
// Usage: node bench/apply-flows.mjs [--smallest]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { labPaths } = await import(new URL('../dist/lab/paths.js', import.meta.url));

const smallest = process.argv.includes('--smallest');
const LAB = 'bap';
const FLOWS = 10_000;
const SAMPLE = smallest ? 100 : 1_000;
const BUNDLE_RUNS = smallest ? 1 : 3;
const paths = labPaths(LAB);
const tmp = mkdtempSync(join(tmpdir(), 'bench-apply-flows-'));
const dir = join(tmp, 'quickstart');

function contiv(...args) {
  const r = spawnSync(process.execPath, ['bin/contiv.js', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`contiv ${args.join(' ')} (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** `contiv lab exec` in a container or host, in the background: resolves with its status and output. */
function execIn(target, cmd, input) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/contiv.js', 'lab', 'exec', '--name', LAB, target, '--', ...cmd], { cwd: root, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
    if (input) child.stdin.end(input);
  });
}

/** One SSH exec of a script on a lab host (the lab's key and known_hosts), as contiv runs its scripts. */
function onHost(address, script) {
  const r = spawnSync('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${paths.knownHosts}`, '-i', paths.key, `root@${address}`, 'sh -s'], { input: script, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ssh ${address} (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

// The flows of part a: what one of contiv's tables holds for 10k endpoints (gather's bench shape).
const flow = (i) => `cookie=0xc1040000000${i.toString(16).padStart(5, '0')},table=10,priority=100,metadata=${i % 7},dl_dst=02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')} actions=set_field:${4096 + (i % 100)}->reg3,goto_table:20`;

function partA(address) {
  const bundleFile = join(tmp, 'bundle.flows');
  const plainFile = join(tmp, 'plain.flows');
  writeFileSync(bundleFile, Array.from({ length: FLOWS }, (_, i) => `add ${flow(i)}\n`).join(''));
  writeFileSync(plainFile, Array.from({ length: SAMPLE }, (_, i) => `${flow(i)}\n`).join(''));
  const ns = 'date +%s%N';
  const count = `ovs-ofctl -O OpenFlow14 dump-aggregate bench0 | sed -n 's/.*flow_count=\\([0-9]*\\).*/\\1/p'`;
  // The lab's hosts share this machine's file system: the host reads the files where we wrote them.
  const out = onHost(address, `set -e
ovs-vsctl --may-exist add-br bench0 -- set bridge bench0 datapath_type=netdev fail_mode=secure
for i in $(seq ${BUNDLE_RUNS}); do
  ovs-ofctl -O OpenFlow14 del-flows bench0
  t0=$(${ns}); ovs-ofctl -O OpenFlow14 --bundle add-flows bench0 ${bundleFile}; t1=$(${ns})
  echo "bundle $(( (t1 - t0) / 1000 )) $(${count})"
done
ovs-ofctl -O OpenFlow14 del-flows bench0
t0=$(${ns})
while IFS= read -r f; do ovs-ofctl -O OpenFlow14 add-flow bench0 "$f"; done < ${plainFile}
t1=$(${ns})
echo "single $(( (t1 - t0) / 1000 )) $(${count})"
ovs-vsctl del-br bench0
`);
  const bundles = [...out.matchAll(/^bundle (\d+) (\d+)$/gm)].map((m) => ({ ms: Number(m[1]) / 1000, flows: Number(m[2]) }));
  const single = /^single (\d+) (\d+)$/m.exec(out);
  if (bundles.length !== BUNDLE_RUNS || bundles.some((b) => b.flows !== FLOWS) || !single || Number(single[2]) !== SAMPLE) throw new Error(`part a: unexpected output:\n${out}`);
  const singleMs = Number(single[1]) / 1000;
  return { bundleMs: median(bundles.map((b) => b.ms)), bundleRunsMs: bundles.map((b) => Math.round(b.ms)), singleSampleFlows: SAMPLE, singleSampleMs: singleMs, singlePerFlowMs: singleMs / SAMPLE, singleExtrapolatedMs: (singleMs / SAMPLE) * FLOWS };
}

/** Reads and counts one connection, then exits (as test/lab/policy.test.ts). */
const SINK = `let n=0;require('net').createServer(s=>{s.on('data',d=>n+=d.length);s.on('end',()=>{console.log('received '+n+' bytes');process.exit(0)});s.on('error',()=>process.exit(1))}).listen(9000);setTimeout(()=>process.exit(2),30000);`;
const stream = (to, ms) => `const s=require('net').connect(9000,'${to}');const b=Buffer.alloc(4096);let t;s.on('connect',()=>{t=setInterval(()=>s.write(b),5);setTimeout(()=>{clearInterval(t);s.end();process.exit(0)},${ms})});s.on('error',e=>{console.error(e.code);process.exit(1)});`;

async function tcpCounters(container) {
  const table = (text, prefix) => {
    const [names, values] = text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.trim().split(/\s+/));
    return (name) => Number(values[names.indexOf(name)]);
  };
  const snmp = table((await execIn(container, ['cat', '/proc/net/snmp'])).stdout, 'Tcp:');
  const ext = table((await execIn(container, ['cat', '/proc/net/netstat'])).stdout, 'TcpExt:');
  return { retransmitted: snmp('RetransSegs'), spurious: ext('TCPDSACKRecvSegs'), timeouts: ext('TCPTimeouts') };
}

async function partB(addresses) {
  const ip = {};
  for (const [host, name] of [['h1', 'blue1'], ['h2', 'blue2']]) {
    contiv('lab', 'run', '--name', LAB, host, name);
    const out = contiv('attach', dir, '--fabric', paths.fabric, '--host', host, '--netns', name, '--tenant', 'blue', '--network', 'contiv-net');
    ip[name] = /: (\d+\.\d+\.\d+\.\d+)\//.exec(out)[1];
  }
  // Prime the tunnel (the first packet to a peer is dropped while OVS resolves it).
  await execIn('blue1', ['ping', '-c', '3', '-W', '1', ip.blue2]);

  const policies = join(dir, 'policies.yaml');
  writeFileSync(policies, readFileSync(policies, 'utf8').replace('      action: allow\n', '      action: allow\n    - id: "3"\n      direction: in\n      priority: 20\n      protocol: udp\n      port: 53\n      action: allow\n'));
  const plan = JSON.parse(contiv('plan', dir, '--fabric', paths.fabric, '--json'));
  // The JSON plan lists each change once (plan.changes) and each host by the indexes of its changes.
  if (!Array.isArray(plan.plan?.changes)) throw new Error('contiv plan --json: no plan.changes (has the plan\'s JSON form changed?)');
  const touched = { added: 0, modified: 0, removed: 0 };
  for (const h of plan.plan.hosts) for (const i of h.changes) {
    const c = plan.plan.changes[i].change;
    if (c.type !== 'flows') continue;
    touched.added += c.add.length;
    touched.modified += c.modify.length;
    touched.removed += c.remove.length;
  }
  const flowsOnHosts = addresses.reduce((a, addr) => a + Number(/flow_count=(\d+)/.exec(onHost(addr, 'ovs-ofctl -O OpenFlow14 dump-aggregate contiv0'))[1]), 0);

  const PINGS = 600;
  const sink = execIn('blue2', ['node', '-e', SINK]);
  await new Promise((r) => setTimeout(r, 1000));
  const before = await tcpCounters('blue1');
  const streamed = execIn('blue1', ['node', '-e', stream(ip.blue2, 5000)]);
  const ping = execIn('blue1', ['ping', '-q', '-i', '0.01', '-c', String(PINGS), '-W', '1', ip.blue2]);
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  const applied = await new Promise((done) => {
    const child = spawn(process.execPath, ['bin/contiv.js', 'apply', dir, '--fabric', paths.fabric, '--auto-approve', '--allow-dirty'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => done({ code, out, ms: performance.now() - t0 }));
  });
  const [pinged, tcp, received] = await Promise.all([ping, streamed, sink]);
  const after = await tcpCounters('blue1');
  if (applied.code !== 0 || !applied.out.includes('Apply complete')) throw new Error(`apply failed:\n${applied.out}`);
  const m = /(\d+) packets transmitted, (\d+) received/.exec(pinged.stdout);
  if (!m) throw new Error(`ping: ${pinged.stdout}${pinged.stderr}`);
  const after2 = JSON.parse(contiv('plan', dir, '--fabric', paths.fabric, '--json')).summary;
  return {
    flowsTouched: touched, flowsOnHosts, applyMs: Math.round(applied.ms),
    pingSent: Number(m[1]), pingLost: Number(m[1]) - Number(m[2]),
    tcpOk: tcp.code === 0 && /^received \d+ bytes/.test(received.stdout), tcpBytes: Number(/received (\d+)/.exec(received.stdout)?.[1] ?? 0),
    tcpRetransmitted: after.retransmitted - before.retransmitted, tcpSpurious: after.spurious - before.spurious, tcpTimeouts: after.timeouts - before.timeouts,
    planAfter: after2,
  };
}

try {
  spawnSync(process.execPath, ['bin/contiv.js', 'lab', 'down', '--name', LAB], { cwd: root, stdio: 'ignore' }); // a leftover
  contiv('lab', 'up', '--name', LAB, '--hosts', '2', '--mgmt-subnet', '198.18.123.0/24', '--underlay-subnet', '198.19.123.0/24');
  cpSync(join(root, 'examples/quickstart'), dir, { recursive: true });
  contiv('apply', dir, '--fabric', paths.fabric, '--auto-approve', '--allow-dirty');
  const addresses = ['198.18.123.11', '198.18.123.12'];

  const a = partA(addresses[0]);
  console.log(`a. ${FLOWS} flows onto an empty netdev bridge on h1 (timed on the host; 2 vCPU, shared)`);
  console.log(`   contiv's way, one ovs-ofctl --bundle add-flows: ${a.bundleMs.toFixed(0)} ms (median of ${a.bundleRunsMs.length}: ${a.bundleRunsMs.join(', ')} ms)`);
  console.log(`   one ovs-ofctl add-flow per flow: ${a.singleSampleMs.toFixed(0)} ms for a sample of ${a.singleSampleFlows} (${a.singlePerFlowMs.toFixed(1)} ms each), extrapolated to ${FLOWS}: ${(a.singleExtrapolatedMs / 1000).toFixed(1)} s — ${(a.singleExtrapolatedMs / a.bundleMs).toFixed(0)}× the bundle`);

  const b = await partB(addresses);
  console.log(`b. one rule added to db-policy, contiv apply on 2 hosts (${b.applyMs} ms):`);
  console.log(`   flows touched: ${b.flowsTouched.added} added, ${b.flowsTouched.modified} modified, ${b.flowsTouched.removed} removed, of ${b.flowsOnHosts} flows on the hosts`);
  console.log(`   unrelated stream (tenant blue, h1 → h2) across the apply: ping ${b.pingLost} lost of ${b.pingSent}; TCP ${b.tcpOk ? 'ok' : 'FAILED'} (${b.tcpBytes} bytes), ${b.tcpTimeouts} retransmission timeouts, ${b.tcpRetransmitted} retransmitted of which ${b.tcpSpurious} reported duplicate (DSACK)`);
  console.log(`   plan afterwards: ${JSON.stringify(b.planAfter)}`);
  console.log(JSON.stringify({ bench: 'apply-flows', flows: FLOWS, ...a, ...b }));
} finally {
  spawnSync(process.execPath, ['bin/contiv.js', 'lab', 'down', '--name', LAB], { cwd: root, stdio: 'inherit' });
  rmSync(tmp, { recursive: true, force: true });
}
