#!/usr/bin/env node
// bench/plan-scale: what a plan costs on a generated fleet, without SSH. For 100, 500 and 1,000
// hosts and two manifest sets (the quickstart; 20 tenants × 10 networks × 50 groups), three
// cases: (a) the first apply (every host as a captured empty host: fixtures/probes/gather/
// empty-host.txt, renamed and re-addressed per host, parsed by gather's parser); (b) adding one
// network and (c) changing one rule, each on a fleet converged to the manifests (the first
// plan projected onto the hosts, as apply leaves them). A setup process writes each host's
// gather output (src/state/parse/gather-text.ts); a fresh process per case measures what
// `contiv plan` does once SSH has brought those back: parse them, makePlan, the text and JSON
// renderings. Wall time (and the parse's part), peak RSS of the measuring process, text lines
// and JSON bytes. Prints a table, then one JSON line per case, e.g.
//   {"hosts":1000,"model":"quickstart","case":"add-network","ms":…,"parseMs":…,"planMs":…,"rssMb":…,"textLines":…,"jsonBytes":…}
// (ms = parseMs + planMs; contiv parses each host's output as it arrives, while others are still in flight)
// Needs `npm run build`. Usage: node bench/plan-scale.mjs [--hosts 100,500,1000] [--models quickstart,tenants] [--smallest]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CASES = ['first-apply', 'add-network', 'change-rule'];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** A Fabric of n hosts: management 10.0.0.0/8 style addresses and VTEPs numbered in sequence. */
function fabricYaml(n) {
  const hosts = Array.from({ length: n }, (_, i) => {
    const k = i + 11;
    return `    - name: h${i + 1}\n      address: 198.18.${k >> 8}.${k & 255}\n      vtep: 198.19.${k >> 8}.${k & 255}\n      datapath: netdev`;
  });
  return `apiVersion: contiv.io/v1\nkind: Fabric\nmetadata:\n  name: bench\nspec:\n  vxlanPort: 4789\n  vniRange: 1-10000\n  mtu: 1446\n  ssh:\n    user: root\n    port: 22\n    knownHostsFile: /dev/null\n  hosts:\n${hosts.join('\n')}\n`;
}

/** 20 tenants, each with 10 networks and 50 groups (5 per network), a policy per group of two rules. */
function tenantsYaml() {
  const docs = [];
  for (let t = 0; t < 20; t++) {
    const tenant = `t${t}`;
    docs.push(`apiVersion: contiv.io/v1\nkind: Tenant\nmetadata:\n  name: ${tenant}\n`);
    for (let n = 0; n < 10; n++) docs.push(`apiVersion: contiv.io/v1\nkind: Network\nmetadata:\n  name: n${n}\n  tenant: ${tenant}\nspec:\n  subnet: 10.${t}.${n * 16}.0/20\n`);
    for (let g = 0; g < 50; g++) {
      const peer = `g${(g + 49) % 50}`;
      docs.push(`apiVersion: contiv.io/v1\nkind: Policy\nmetadata:\n  name: p${g}\n  tenant: ${tenant}\nspec:\n  rules:\n    - { id: "1", direction: in, priority: 10, protocol: tcp, port: ${8000 + g}, from: { group: ${peer} }, action: allow }\n    - { id: "2", direction: in, priority: 1, protocol: tcp, action: deny }\n`);
      docs.push(`apiVersion: contiv.io/v1\nkind: EndpointGroup\nmetadata:\n  name: g${g}\n  tenant: ${tenant}\nspec:\n  network: n${g % 10}\n  policies: [p${g}]\n`);
    }
  }
  return docs.join('---\n');
}

const dist = (p) => import(join(root, 'dist', p));

/** The manifests of a model and case: the base set, and the edited set the measured plan reads (each loaded when asked: the measured process loads only the one it plans, as `contiv plan` does). */
async function manifests(hosts, modelName, caseName) {
  const { loadManifests } = await dist('manifest/load.js');
  const qs = join(root, 'examples/quickstart');
  const quickstart = readdirSync(qs).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('fabric')).map((f) => ({ path: `quickstart/${f}`, absPath: join(qs, f), text: readFileSync(join(qs, f), 'utf8') }));
  const base = modelName === 'quickstart' ? quickstart : [{ path: 'tenants.yaml', absPath: '/bench/tenants.yaml', text: tenantsYaml() }];
  const fabricFile = { path: 'fabric.yaml', absPath: '/bench/fabric.yaml', text: fabricYaml(hosts) };
  const load = (files) => {
    const r = loadManifests({ files, fabricFile, home: '/root' });
    if (!r.model) throw new Error(JSON.stringify(r.diagnostics.slice(0, 3)));
    return r.model;
  };
  if (caseName === 'first-apply') return { base: () => load(base), next: () => load(base) };
  const extra = caseName === 'add-network'
    ? [{ path: 'added.yaml', absPath: '/bench/added.yaml', text: `apiVersion: contiv.io/v1\nkind: Network\nmetadata:\n  name: added-net\n  tenant: ${modelName === 'quickstart' ? 'blue' : 't3'}\nspec:\n  subnet: 10.250.0.0/24\n` }]
    : [];
  const files = caseName === 'change-rule'
    ? base.map((f) => ({ ...f, text: modelName === 'quickstart' ? f.text.replace('port: 5432', 'port: 5433') : f.text.replace('port: 8007,', 'port: 9007,') }))
    : [...base, ...extra];
  if (caseName === 'change-rule' && files.every((f, i) => f.text === base[i].text)) throw new Error('the rule to change was not found');
  return { base: () => load(base), next: () => load(files) };
}

/**
 * The fleet before the measured plan, as the text gather prints for each host, written to
 * `dir` (one file per host). Made in a process of its own: the first plan that converges the
 * fleet holds every host's desired state, and must not count in the measured process's peak.
 */
async function setup(hosts, modelName, caseName, dir) {
  const { parseGatherOutput } = await dist('state/parse/live-host.js');
  const { gatherText } = await dist('state/parse/gather-text.js');
  const { makePlan } = await dist('plan/make-plan.js');
  const { projectState } = await dist('plan/project.js');
  const model = (await manifests(hosts, modelName, caseName)).base();
  // Every host as the captured empty host, renamed and re-addressed.
  const capture = readFileSync(join(root, 'fixtures/probes/gather/empty-host.txt'), 'utf8');
  const live = {};
  for (const h of model.fabric.hosts) {
    live[h.name] = parseGatherOutput(h.name, capture.replaceAll('198.19.110.11', h.vtep).replace(/@@contiv hostname\nh1\n/, `@@contiv hostname\n${h.name}\n`));
  }
  if (caseName !== 'first-apply') {
    // Converged: the first plan as apply leaves the hosts.
    const first = makePlan({ model, live, source: { dir: 'bench' } });
    if (!first.plan) throw new Error(JSON.stringify(first.diagnostics.slice(0, 3)));
    for (const hp of first.plan.hosts) live[hp.host] = { ...live[hp.host], state: projectState(live[hp.host].state, hp.changes) };
  }
  for (const [name, l] of Object.entries(live)) writeFileSync(join(dir, `${name}.txt`), gatherText(l));
}

/** The measured part, as `contiv plan` does it after SSH: parse every host's gather output, plan, render text and JSON. */
async function one(hosts, modelName, caseName) {
  const { parseGatherOutput } = await dist('state/parse/live-host.js');
  const { makePlan } = await dist('plan/make-plan.js');
  const { renderPlanText } = await dist('render/plan-text.js');
  const { serializePlan } = await dist('plan/plan-file.js');
  const dir = mkdtempSync(join(tmpdir(), 'contiv-plan-scale-'));
  try {
    const made = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), 'setup', String(hosts), modelName, caseName, dir], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`setup failed: ${made.stderr}`);
    const next = (await manifests(hosts, modelName, caseName)).next();
    global.gc?.();
    const t0 = performance.now();
    const live = {};
    for (const h of next.fabric.hosts) live[h.name] = parseGatherOutput(h.name, readFileSync(join(dir, `${h.name}.txt`), 'utf8'));
    const parseMs = performance.now() - t0;
    const result = makePlan({ model: next, live, source: { dir: 'bench' } });
    if (!result.plan) throw new Error(JSON.stringify(result.diagnostics.slice(0, 3)));
    const text = renderPlanText(result.plan, { color: false });
    const json = serializePlan(result.plan);
    const ms = performance.now() - t0;
    return { hosts, model: modelName, case: caseName, ms: Math.round(ms), parseMs: Math.round(parseMs), planMs: Math.round(ms - parseMs), rssMb: Math.round(process.resourceUsage().maxRSS / 1024), textLines: text.split('\n').length, jsonBytes: Buffer.byteLength(json) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'setup') {
  const [hosts, modelName, caseName, dir] = process.argv.slice(3);
  await setup(Number(hosts), modelName, caseName, dir);
} else if (process.argv[2] === 'one') {
  const [hosts, modelName, caseName] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await one(Number(hosts), modelName, caseName)));
} else {
  const sizes = process.argv.includes('--smallest') ? [100] : arg('--hosts', '100,500,1000').split(',').map(Number);
  const models = process.argv.includes('--smallest') ? ['quickstart'] : arg('--models', 'quickstart,tenants').split(',');
  const rows = [];
  console.log('hosts  model       case          total ms  parse ms  plan ms   peak RSS MB   text lines   JSON bytes');
  for (const model of models) {
    for (const hosts of sizes) {
      for (const c of CASES) {
        const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--expose-gc', fileURLToPath(import.meta.url), 'one', String(hosts), model, c], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (r.status !== 0) {
          process.stderr.write(r.stderr);
          process.exit(1);
        }
        const row = JSON.parse(r.stdout);
        rows.push(row);
        console.log(`${String(hosts).padStart(5)}  ${model.padEnd(10)}  ${c.padEnd(12)}  ${String(row.ms).padStart(8)}  ${String(row.parseMs).padStart(8)}  ${String(row.planMs).padStart(7)}  ${String(row.rssMb).padStart(12)}  ${String(row.textLines).padStart(11)}  ${String(row.jsonBytes).padStart(11)}`);
      }
    }
  }
  for (const row of rows) console.log(JSON.stringify(row));
}
