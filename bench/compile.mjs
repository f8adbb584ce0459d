#!/usr/bin/env node
// bench/compile: compile time, flows per host and peak memory for E endpoints × R rules,
// from 100 × 1,000 up to 1,000 × 10,000. Each size runs in a fresh process (clean peak RSS).
// The endpoints sit on one host (the worst host); 50 groups on one network; rules in
// policies of 10, one policy per group in turn; a mix of protocols, ports, ranges and peers.
// Needs `npm run build`. Usage: npm run bench:compile   (node bench/compile.mjs --smallest: 100 × 1,000 only)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SIZES = process.argv.includes('--smallest') ? [[100, 1000]] : [[100, 1000], [1000, 1000], [100, 10000], [1000, 10000]];

if (process.argv[2] === 'one') {
  const [E, R] = process.argv.slice(3).map(Number);
  const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url));
  const { allocate } = await dist('compile/allocate.js');
  const { compileHost, fabricShared } = await dist('compile/compile.js');
  const { endpointExternalIds } = await dist('state/endpoint.js');
  const pos = { file: 'bench', line: 1, col: 1 };
  const loc = { source: pos, at: {} };
  const GROUPS = 50;
  const hosts = ['h1', 'h2', 'h3'].map((name, i) => ({ name, address: `198.18.0.${11 + i}`, vtep: `198.19.0.${11 + i}`, datapath: 'netdev', runtimes: [], labels: {}, ssh: { user: 'root', port: 22, knownHostsFile: '/x' }, ...loc }));
  const policies = [];
  for (let p = 0; p < R / 10; p++) {
    policies.push({ tenant: 'default', name: `p${p}`, ...loc, rules: Array.from({ length: 10 }, (_, i) => {
      const k = p * 10 + i;
      const rule = { id: String(i), direction: k % 3 === 0 ? 'out' : 'in', priority: 1 + (k % 100), protocol: ['tcp', 'udp', 'icmp', 'any'][k % 4], action: k % 2 ? 'allow' : 'deny', source: pos };
      // Every rule distinct (no two compile to the same flow): a port of its own for tcp/udp,
      // one port range in 16, a CIDR of its own for the others; some peers are groups.
      if (rule.protocol === 'tcp' || rule.protocol === 'udp') rule.ports = k % 16 === 0 ? { first: 8000, last: 8080 + (k % 1000) } : { first: 1 + (k % 65000), last: 1 + (k % 65000) };
      else rule.peer = { kind: 'cidr', value: `10.${(k >> 8) & 255}.${k & 255}.0/24` };
      if (k % 5 === 1 && rule.ports) rule.peer = { kind: 'group', value: `g${k % GROUPS}` };
      return rule;
    }) });
  }
  const groups = Array.from({ length: GROUPS }, (_, g) => ({ tenant: 'default', name: `g${g}`, network: 'net', policies: policies.filter((_, p) => p % GROUPS === g).map((p) => p.name), ...loc }));
  const model = {
    fabric: { name: 'f', file: '/f', vxlanPort: 4789, vniRange: { first: 1, last: 10000 }, mtu: 1450, hosts, ...loc },
    tenants: [{ name: 'default', description: '', implicit: true, ...loc }],
    networks: [{ tenant: 'default', name: 'net', subnet: { address: '10.128.0.0', prefix: 16 }, ...loc }],
    groups,
    policies,
  };
  const ports = {};
  for (let e = 0; e < E; e++) {
    const ep = { host: 'h1', port: `cv${e.toString(16).padStart(12, '0')}`, ofport: 4096 + e, tenant: 'default', network: 'net', group: `g${e % GROUPS}`, ip: `10.128.${e >> 8}.${(e & 255) + 1}`, mac: `02:00:00:00:${((e >> 8) & 255).toString(16).padStart(2, '0')}:${(e & 255).toString(16).padStart(2, '0')}`, netns: `c${e}` };
    ports[ep.port] = { name: ep.port, type: 'system', ofport: ep.ofport, options: {}, externalIds: endpointExternalIds(ep), protected: false };
  }
  const live = { h1: { host: 'h1', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {}, ports, flows: {} } } } };
  const t0 = performance.now();
  const { allocations } = allocate(model, Object.values(live));
  const input = { model, allocations, live };
  const compiled = compileHost(input, hosts[0], fabricShared(input));
  const ms = performance.now() - t0;
  const all = Object.values(compiled.state.bridges.contiv0.flows);
  const ruleFlows = all.filter((f) => f.cookie.startsWith('c106')).length;
  process.stdout.write(JSON.stringify({ ms, flows: all.length, ruleFlows, rssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  console.log('endpoints  rules   compile ms   flows on the host   endpoint flows   rule flows   per rule   peak RSS MB');
  for (const [E, R] of SIZES) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'one', String(E), String(R)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const { ms, flows, ruleFlows, rssMb } = JSON.parse(r.stdout);
    console.log(`${String(E).padStart(9)} ${String(R).padStart(6)} ${ms.toFixed(0).padStart(12)} ${String(flows).padStart(19)} ${String(flows - ruleFlows).padStart(16)} ${String(ruleFlows).padStart(12)} ${(ruleFlows / R).toFixed(2).padStart(10)} ${rssMb.toFixed(0).padStart(13)}`);
  }
}
