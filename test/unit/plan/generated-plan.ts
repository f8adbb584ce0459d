import { PLAN_FORMAT_VERSION, type Change, type HostConnection, type Plan } from '../../../src/plan/types.js';
import type { Flow } from '../../../src/state/host-state.js';
import { cookieFor, ownerIds } from '../../../src/state/marks.js';
import { rng } from '../../support/rng.js';

/*
 * Plans of many hosts for tests of grouping, saved plans and markdown: most changes the same on
 * every host (the bridge, the pipeline and network flows, a policy's flows), some on a subset
 * (a CNI file on the hosts with runtimes), and some different per host (tunnels, a host whose
 * flows drifted, an endpoint gone, an address block). Seeded: the same seed, the same plan.
 */

export interface GeneratedPlanOptions {
  hosts: number;
  seed: number;
  /** Host names: `h1 … hN` by default. */
  name?: (i: number) => string;
  /** Flows per network flow change (default 3). */
  flowsPerNetwork?: number;
}


const vtep = (i: number) => `198.19.${Math.floor(i / 200)}.${(i % 200) + 1}`;
const flow = (owner: string, kind: 'network' | 'rule' | 'pipeline' | 'tunnel', table: number, priority: number, match: string, actions: string): Flow => ({ cookie: cookieFor(kind, owner), table, priority, match, actions });

export function generatePlan(o: GeneratedPlanOptions): Plan {
  const random = rng(o.seed);
  const name = o.name ?? ((i: number) => `h${i + 1}`);
  const names = Array.from({ length: o.hosts }, (_, i) => name(i));
  const networks = ['net/default/contiv-net', 'net/blue/contiv-net', 'net/default/other'];
  const perNetwork = o.flowsPerNetwork ?? 3;
  const hosts = names.map((host, i) => {
    const changes: Change[] = [];
    const fresh = random() < 0.7;
    if (fresh) {
      changes.push({ type: 'bridge', action: 'create', host, address: `${host}/bridge/contiv0`, bridge: 'contiv0', after: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: { ...ownerIds('bridge', `${host}/bridge/contiv0`), 'contiv.vni.default.contiv-net': '2' } }, reason: 'not on the host yet' });
    } else {
      changes.push({ type: 'bridge', action: 'update', host, address: `${host}/bridge/contiv0`, bridge: 'contiv0', before: { externalIds: {} }, after: { externalIds: { 'contiv.vni.default.other': '3' } }, reason: 'externalIds.contiv.vni.default.other differ' });
    }
    // Tunnels differ per host: the local address and the peer.
    for (const p of [(i + 1) % o.hosts, (i + 2) % o.hosts]) {
      const peer = names[p]!;
      if (peer === host) continue;
      changes.push({
        type: 'port', action: 'create', host, address: `${host}/tunnel/${peer}`, bridge: 'contiv0', port: `vx-${peer}`.slice(0, 15),
        after: { name: `vx-${peer}`.slice(0, 15), type: 'vxlan', ofport: 10, options: { remote_ip: vtep(p), local_ip: vtep(i) }, externalIds: { ...ownerIds('tunnel', `${host}/tunnel/${peer}`), 'contiv.peer': peer }, protected: true },
        reason: 'not on the host yet',
      });
    }
    if (fresh) changes.push({ type: 'flows', action: 'create', host, address: `${host}/flows/pipeline`, bridge: 'contiv0', owner: 'pipeline', add: Array.from({ length: 8 }, (_, t) => flow('pipeline', 'pipeline', t * 10, 0, '', 'drop')), modify: [], modifyBefore: [], remove: [], reason: 'not on the host yet' });
    for (const net of networks) {
      if (net === 'net/default/other' && fresh) continue;
      changes.push({ type: 'flows', action: 'create', host, address: `${host}/flows/${net}`, bridge: 'contiv0', owner: net, add: Array.from({ length: perNetwork }, (_, k) => flow(net, 'network', 5, 100 + k, `metadata=${k + 1}`, 'goto_table:10')), modify: [], modifyBefore: [], remove: [], reason: 'not on the host yet' });
    }
    // A policy change, the same everywhere, except on hosts whose flows drifted by hand.
    const drifted = random() < 0.15;
    const rule = 'rule/default/db-policy/2';
    changes.push({
      type: 'flows', action: 'update', host, address: `${host}/flows/${rule}`, bridge: 'contiv0', owner: rule,
      add: [flow(rule, 'rule', 40, 30, 'tcp,reg2=2,tp_dst=5432', 'goto_table:50')],
      modify: drifted ? [flow(rule, 'rule', 40, 31, 'tcp,reg2=3', 'goto_table:50')] : [],
      modifyBefore: drifted ? [flow(rule, 'rule', 40, 31, 'tcp,reg2=3', 'drop')] : [],
      remove: [], reason: drifted ? '1 to add, 1 to change' : '1 to add',
    });
    if (random() < 0.3) changes.push({ type: 'file', action: 'create', host, address: `${host}/file/etc/cni/net.d/50-contiv-contiv-net.conflist`, path: '/etc/cni/net.d/50-contiv-contiv-net.conflist', after: { path: '/etc/cni/net.d/50-contiv-contiv-net.conflist', sha256: 'ab'.repeat(32), mode: '644', content: '{"cniVersion":"1.0.0"}' }, reason: 'not on the host yet' });
    if (random() < 0.1) {
      const ip = `10.1.${Math.floor(i / 250)}.${(i % 250) + 2}`;
      changes.push({ type: 'port', action: 'delete', host, address: `${host}/endpoint/web-${i}`, bridge: 'contiv0', port: `cv${i}`, before: { name: `cv${i}`, type: 'system', ofport: 4096, options: {}, externalIds: { ...ownerIds('endpoint', `${host}/endpoint/web-${i}`), 'contiv.tenant': 'default', 'contiv.network': 'contiv-net', 'contiv.ip': ip, 'contiv.netns': `web-${i}` }, protected: false }, reason: 'namespace gone' });
    }
    if (random() < 0.2) changes.push({ type: 'address', action: 'create', host, address: `${host}/block/default/contiv-net/10.1.${i % 250}.0`, bridge: 'contiv0', key: `contiv.block.default.contiv-net.10-1-${i % 250}-0`, after: `10.1.${i % 250}.0-10.1.${i % 250}.15 pending`, reason: 'reserve for the host\'s runtimes' });
    return { host, fingerprint: `sha256:${i}`, changes };
  });
  const connections = names.map((n, i) => ({ name: n, address: `198.18.${Math.floor(i / 200)}.${(i % 200) + 1}`, vtep: vtep(i), datapath: 'netdev', runtimes: [], labels: {}, ssh: { user: 'root', port: 22, knownHostsFile: '/k/known_hosts' } }) as unknown as HostConnection);
  return { format_version: PLAN_FORMAT_VERSION, source: { dir: 'manifests' }, connections, hosts, meaning: [], addresses: [], diagnostics: [] };
}
