#!/usr/bin/env node
// bench/plan-fleet: `contiv plan` of a whole lab (quickstart applied, nothing to change) as a
// user runs it, next to what the same read costs other ways, at 10, 50 and 150 hosts:
//   plan      `contiv plan` (a fresh process; wall time and the client's peak RSS)
//   floor     OpenSSH connecting to every host and running `true`, 32 at a time (xargs -P 32)
//   gather    OpenSSH running contiv's gather script (GATHER_SCRIPT) on every host, 32 at a time
//   playbook  an Ansible playbook reading the same state with `raw` tasks (one task per command
//             of the gather script), forks 50, gather_facts off
//   setup     `ansible all -m setup -f 50` (Ansible's own facts)
// Each figure is the median of several runs (interleaved: plan, floor, gather, playbook, setup,
// then again), after one warm-up round. Ansible uses the lab's key and known_hosts (host key
// checking on), its default SSH multiplexing within a run and a fresh ControlPath directory per
// run (masters stopped after each), so no run reuses another's connections.
// Needs root, `npm run build` and Debian's ansible (scripts/install-deps.sh). Brings up its own
// labs bp10, bp50, bp150 and removes each one after its size.
// Usage: node bench/plan-fleet.mjs [--smallest] [--runs N] [SIZES...]   (default 10 50 150)
//   --smallest: 10 hosts, one run of each (CI: figures printed, not asserted).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url));
const { GATHER_SCRIPT, REQUIRED_BINARIES } = await dist('host/gather-script.js');
const { labPaths } = await dist('lab/paths.js');

const argv = process.argv.slice(2);
const smallest = argv.includes('--smallest');
const runsArg = argv.indexOf('--runs');
const runsOpt = runsArg >= 0 ? Number(argv[runsArg + 1]) : undefined;
let sizes = argv.filter((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--runs').map(Number);
if (sizes.length === 0) sizes = smallest ? [10] : [10, 50, 150];
/** Each size's own lab and subnets (198.18.12x / 198.19.12x). */
const SUBNET = { 10: 120, 50: 121, 150: 122 };

const contivSync = (...args) => {
  const r = spawnSync(process.execPath, ['bin/contiv.js', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`contiv ${args.join(' ')} (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
};

/** Runs a command; wall ms (from here), and fails loudly on a non-zero exit. */
function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} (${r.status ?? r.signal}):\n${r.stdout?.slice(-2000)}\n${r.stderr?.slice(-2000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The playbook: the gather script's reads, one `raw` task each, results registered as a gather would keep them. */
function playbook() {
  const raw = (name, cmd, extra = {}) => ({ name, raw: cmd, register: name.replace(/[^a-z0-9]+/g, '_'), changed_when: false, ...extra });
  const vsctl = '/usr/bin/ovs-vsctl --timeout=10 -f json';
  return [{
    name: 'gather the state contiv reads',
    hosts: 'all',
    gather_facts: false,
    tasks: [
      raw('hostname', 'cat /proc/sys/kernel/hostname'),
      raw('missing', `for b in ${REQUIRED_BINARIES.join(' ')}; do command -v "$b" >/dev/null 2>&1 || echo "$b"; done`),
      raw('ovs version', 'ovs-appctl -t ovs-vswitchd version'),
      raw('open vswitch', `${vsctl} --columns=datapath_types,iface_types list Open_vSwitch`),
      raw('bridges', `${vsctl} --columns=_uuid,name,datapath_type,fail_mode,external_ids,ports list Bridge`),
      raw('ports', `${vsctl} --columns=_uuid,name,interfaces,external_ids,protected list Port`),
      raw('interfaces', `${vsctl} --columns=_uuid,name,type,options,ofport,ofport_request,external_ids,mtu,mtu_request,mac_in_use list Interface`),
      raw('contiv bridges', 'ovs-vsctl --timeout=10 --bare --columns=name find Bridge external_ids:contiv.owner=contiv'),
      raw('flows', 'ovs-ofctl -O OpenFlow14 --timeout=10 dump-flows --no-stats {{ item }}', { loop: '{{ contiv_bridges.stdout_lines }}' }),
      raw('links', 'ip -d -j addr show'),
      raw('netns', 'ls -1 /run/netns 2>/dev/null || true'),
      raw('files', `for f in /opt/cni/bin/contiv /etc/cni/net.d/*.conflist /usr/local/lib/contiv/contiv-docker /etc/systemd/system/contiv-docker.service; do [ -f "$f" ] && printf '%s %s %s\\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$(stat -c %a "$f")" "$f"; done; true`),
      raw('docker', 'if command -v docker >/dev/null 2>&1; then ids=$(timeout 20 docker network ls -q --no-trunc --filter driver=contiv) && [ -n "$ids" ] && timeout 20 docker network inspect $ids; fi; true'),
      raw('docker plugin', 'cat /run/contiv-docker.pid 2>/dev/null; true'),
      raw('netns paths', `ovs-vsctl --timeout=10 --bare --columns=external_ids find Port external_ids:contiv.kind=endpoint | tr ' ' '\\n' | grep '^contiv.netns=/' | cut -d= -f2- | tr -d '"' | while IFS= read -r p; do [ -e "$p" ] && printf '%s\\n' "$p"; done; true`),
    ],
  }];
}

function measureSize(n) {
  const lab = `bp${n}`;
  const net = SUBNET[n] ?? 124;
  const paths = labPaths(lab);
  const tmp = mkdtempSync(join(tmpdir(), `bench-plan-fleet-${n}-`));
  const runs = runsOpt ?? (smallest ? 1 : n >= 150 ? 3 : 5);
  spawnSync(process.execPath, ['bin/contiv.js', 'lab', 'down', '--name', lab], { cwd: root, stdio: 'ignore' }); // a leftover of an interrupted bench
  try {
    const t0 = performance.now();
    contivSync('lab', 'up', '--name', lab, '--hosts', String(n), '--mgmt-subnet', `198.18.${net}.0/24`, '--underlay-subnet', `198.19.${net}.0/24`);
    contivSync('apply', 'examples/quickstart', '--fabric', paths.fabric, '--auto-approve', '--allow-dirty');
    const upS = (performance.now() - t0) / 1000;
    const addresses = parse(readFileSync(paths.fabric, 'utf8')).spec.hosts.map((h) => h.address);
    if (addresses.length !== n) throw new Error(`the lab's Fabric has ${addresses.length} hosts, not ${n}`);

    // OpenSSH, as bench/gather does it: the lab's key and known_hosts, no user config.
    const gatherFile = join(tmp, 'gather.sh');
    writeFileSync(gatherFile, GATHER_SCRIPT);
    const addrFile = join(tmp, 'addresses');
    writeFileSync(addrFile, `${addresses.join('\n')}\n`);
    const ssh = `ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${paths.knownHosts} -o KexAlgorithms=curve25519-sha256 -i ${paths.key}`;
    const xargs = (remote) => ['-c', `xargs -P 32 -n 1 sh -c '${ssh} root@"$0" ${remote}' < ${addrFile}`];

    // Ansible: inventory and ansible.cfg from the lab, in the temp dir.
    writeFileSync(join(tmp, 'hosts.ini'), `[lab]\n${addresses.map((a, i) => `h${i + 1} ansible_host=${a}`).join('\n')}\n`);
    writeFileSync(join(tmp, 'gather.yml'), JSON.stringify(playbook(), null, 1));
    const ansibleCfg = (cp) => [
      '[defaults]',
      `inventory = ${join(tmp, 'hosts.ini')}`,
      'forks = 50',
      'remote_user = root',
      `private_key_file = ${paths.key}`,
      'host_key_checking = True',
      'interpreter_python = /usr/bin/python3',
      'gathering = explicit',
      'retry_files_enabled = False',
      '[ssh_connection]',
      // Ansible's own defaults (-C, ControlMaster auto, ControlPersist 60s) plus the lab's known_hosts.
      `ssh_args = -F /dev/null -C -o ControlMaster=auto -o ControlPersist=60s -o BatchMode=yes -o UserKnownHostsFile=${paths.knownHosts} -o KexAlgorithms=curve25519-sha256`,
      `control_path_dir = ${cp}`,
      '',
    ].join('\n');
    let round = 0;
    const ansible = (cmd, args) => {
      const cp = join(tmp, `cp${round++}`);
      mkdirSync(cp);
      writeFileSync(join(tmp, 'ansible.cfg'), ansibleCfg(cp));
      try {
        const r = timed(cmd, args, { cwd: tmp, env: { ...process.env, ANSIBLE_CONFIG: join(tmp, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1' } });
        const recap = /ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)/g;
        for (const m of r.stdout.matchAll(recap)) if (m[1] !== '0' || m[2] !== '0') throw new Error(`ansible: a host failed:\n${r.stdout.slice(-3000)}`);
        return r.ms;
      } finally {
        // Stop this run's SSH masters (ControlPersist): the next run starts cold, and nothing lingers.
        for (const s of readdirSync(cp)) spawnSync('ssh', ['-O', 'exit', '-o', `ControlPath=${join(cp, s)}`, 'x'], { stdio: 'ignore' });
      }
    };

    const one = {
      plan: () => {
        const r = timed('/usr/bin/time', ['-f', 'BENCHRSS %M', process.execPath, 'bin/contiv.js', 'plan', 'examples/quickstart', '--fabric', paths.fabric], { cwd: root });
        if (!r.stdout.includes('No changes')) throw new Error(`contiv plan found changes:\n${r.stdout.slice(-3000)}`);
        return { ms: r.ms, rssKb: Number(/BENCHRSS (\d+)/.exec(r.stderr)[1]) };
      },
      floor: () => ({ ms: timed('bash', xargs('true')).ms }),
      gather: () => {
        const r = timed('bash', xargs(`sh -s < ${gatherFile}`));
        if ((r.stdout.match(/@@contiv flows contiv0/g) ?? []).length !== n) throw new Error('the gather script did not list contiv0 flows on every host');
        return { ms: r.ms };
      },
      playbook: () => ({ ms: ansible('ansible-playbook', ['gather.yml']) }),
      setup: () => ({ ms: ansible('ansible', ['all', '-m', 'setup', '-f', '50']) }),
    };
    const kinds = Object.keys(one);
    // Warm-up round (page cache, every host's sshd); --smallest warms with the floor only.
    for (const k of smallest ? ['floor'] : kinds) one[k]();
    const got = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let i = 0; i < runs; i++) for (const k of kinds) got[k].push(one[k]());
    const ms = Object.fromEntries(kinds.map((k) => [k, median(got[k].map((r) => r.ms))]));
    const rssMb = Math.max(...got.plan.map((r) => r.rssKb)) / 1024;
    return {
      bench: 'plan-fleet', hosts: n, runs, labUpAndApplyS: +upS.toFixed(1),
      planMs: Math.round(ms.plan), floorMs: Math.round(ms.floor), gatherMs: Math.round(ms.gather), playbookMs: Math.round(ms.playbook), setupMs: Math.round(ms.setup),
      planPeakRssMb: +rssMb.toFixed(1),
      planOverFloor: +(ms.plan / ms.floor).toFixed(2), gatherOverFloor: +(ms.gather / ms.floor).toFixed(2),
      playbookOverPlan: +(ms.playbook / ms.plan).toFixed(2), setupOverPlan: +(ms.setup / ms.plan).toFixed(2),
      allMs: Object.fromEntries(kinds.map((k) => [k, got[k].map((r) => Math.round(r.ms))])),
    };
  } finally {
    spawnSync(process.execPath, ['bin/contiv.js', 'lab', 'down', '--name', lab], { cwd: root, stdio: 'inherit' });
    rmSync(tmp, { recursive: true, force: true });
  }
}

const results = [];
for (const n of sizes) {
  const r = measureSize(n);
  results.push(r);
  console.log(`${n} hosts done (${r.runs} runs each): plan ${r.planMs} ms, floor ${r.floorMs} ms, gather ${r.gatherMs} ms, playbook ${r.playbookMs} ms, setup ${r.setupMs} ms, plan peak RSS ${r.planPeakRssMb} MB`);
}

const pad = (x, w) => String(x).padStart(w);
console.log('\ncontiv plan of a whole lab (quickstart applied, "No changes"), medians, wall ms; 2 vCPU');
console.log('hosts   plan  rss MB | ssh true -P32  gather -P32 | playbook forks50  setup forks50 | plan/floor  playbook/plan  setup/plan');
for (const r of results) {
  console.log(`${pad(r.hosts, 5)} ${pad(r.planMs, 6)} ${pad(r.planPeakRssMb.toFixed(0), 7)} | ${pad(r.floorMs, 13)} ${pad(r.gatherMs, 12)} | ${pad(r.playbookMs, 16)} ${pad(r.setupMs, 14)} | ${pad(r.planOverFloor.toFixed(2), 10)} ${pad(r.playbookOverPlan.toFixed(2), 14)} ${pad(r.setupOverPlan.toFixed(2), 11)}`);
}
console.log('targets: plan/floor ≤ 1.5, playbook/plan ≥ 3, setup/plan ≥ 15, peak RSS at 150 hosts ≤ 200 MB');
for (const r of results) {
  const verdict = [`plan/floor ${r.planOverFloor <= 1.5 ? 'met' : 'missed'}`, `playbook/plan ${r.playbookOverPlan >= 3 ? 'met' : 'missed'}`, `setup/plan ${r.setupOverPlan >= 15 ? 'met' : 'missed'}`];
  if (r.hosts === 150) verdict.push(`RSS ${r.planPeakRssMb <= 200 ? 'met' : 'missed'}`);
  console.log(`  ${r.hosts} hosts: ${verdict.join(', ')}`);
}
for (const r of results) console.log(JSON.stringify(r));
