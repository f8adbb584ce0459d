import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import { planLocalAttach, planLocalDetach, type LocalAttachPlan } from '../../../src/endpoint/plan.js';
import { attachScript, detachScript } from '../../../src/endpoint/script.js';
import { blockKey, blockValue } from '../../../src/ipam/records.js';
import { ipToInt } from '../../../src/manifest/ipv4.js';
import { projectState } from '../../../src/plan/project.js';
import type { HostState, LiveHost } from '../../../src/state/host-state.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { compileAll, defaultFacts, gatherText, loadModel } from '../compile/case-support.js';
import { expectGolden } from '../golden.js';

/*
 * The host-local path's scripts, on an attach of a second interface into a namespace given as a
 * path: goldens of the whole scripts (reviewed), valid sh, and the lines that carry the
 * decisions (the namespace path through nsenter, the port number checked after add-port, the
 * default route only when the namespace has none, the flows by the endpoint's cookie on detach).
 */

let h1: HostState;
let plan: LocalAttachPlan;

function live(state: HostState): LiveHost {
  return parseGatherOutput('h1', gatherText({ state, facts: { ...defaultFacts('h1', { address: '198.18.0.11', vtep: '198.19.0.11' }), netns: [] } }));
}

/** Inside each test (not a beforeAll): code that runs outside any test makes Stryker run them all. */
async function setup(): Promise<void> {
  const model = await loadModel('examples/quickstart');
  const { desired } = compileAll(model, {});
  h1 = structuredClone(desired['h1']!.state);
  h1.bridges[BRIDGE]!.externalIds[blockKey('default/contiv-net', ipToInt('10.1.2.16'))] = blockValue({ first: ipToInt('10.1.2.16'), last: ipToInt('10.1.2.31'), state: 'claimed' });
  const r = planLocalAttach('h1', live(h1), { tenant: 'default', network: 'contiv-net', group: 'db-group', netns: '/proc/4242/ns/net', ifname: 'eth1' });
  if (!r.ok) throw new Error(r.diagnostic.message);
  plan = r.plan;
}

describe('endpoint scripts', () => {
  it('attach: golden, valid sh, the namespace by its path, the port number checked', async () => {
    await setup();
    const script = attachScript(plan);
    expectGolden('test/unit/endpoint/golden/attach.sh', script);
    execFileSync('sh', ['-n', '-c', script]);
    expect(script).toContain("[ -e '/proc/4242/ns/net' ] || {");
    // One shell in the container's namespace, given the host's shell pid for the veth's host side.
    expect(script).toContain(`'nsenter' '--net=/proc/4242/ns/net' '--' 'sh' '-s' "$$" <<'CONTIV_NS_EOF'\nset -eu\n`);
    expect(script).toMatch(/\n'ip' 'link' 'add' 'eth1' 'mtu' '1450' 'type' 'veth' 'peer' 'name' 'cv[0-9a-f]{12}' 'mtu' '1450' 'netns' "\$1"\n/);
    expect(script).toContain(`[ "$(ovs-vsctl get interface '${plan.endpoint.port}' ofport)" = ${plan.endpoint.ofport} ]`);
    expect(script).toContain(`[ -n "$(ip -4 route show default)" ] || 'ip' 'route' 'add' 'default' 'via' '10.1.2.1' 'dev' 'eth1'`);
  });

  it('detach: golden, valid sh, every flow of the endpoint by its cookie, then port and veth', async () => {
    await setup();
    const attached = projectState(h1, plan.changes);
    attached.bridges[BRIDGE]!.ports[plan.port.name] = plan.port;
    const d = planLocalDetach('h1', live(attached), { netns: '/proc/4242/ns/net', ifname: 'eth1' });
    if (!d.ok) throw new Error(d.diagnostic.message);
    const script = detachScript(d.plan.endpoint, d.plan.changes);
    expectGolden('test/unit/endpoint/golden/detach.sh', script);
    execFileSync('sh', ['-n', '-c', script]);
    const cookie = plan.changes[0]!.add[0]!.cookie;
    const lines = script.split('\n');
    expect(lines.indexOf(`delete cookie=0x${cookie}/-1`)).toBeGreaterThan(lines.findIndex((l) => l.startsWith('ovs-ofctl')));
    expect(lines.findIndex((l) => l.includes('del-port'))).toBeGreaterThan(lines.indexOf(`delete cookie=0x${cookie}/-1`));
  });
});
