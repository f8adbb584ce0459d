import { editModel } from '../../support/model-records.js';
import { describe, expect, it } from 'vitest';
import { BRIDGE, ENDPOINT_PORTS } from '../../../src/compile/pipeline.js';
import { normalizeNetns, isValidIfname, endpointPortName } from '../../../src/endpoint/names.js';
import { planLocalAttach, planLocalDetach, type LocalAttachRequest } from '../../../src/endpoint/plan.js';
import { blockKey, blockValue, lentKey } from '../../../src/ipam/records.js';
import { ipToInt } from '../../../src/manifest/ipv4.js';
import type { Model } from '../../../src/model/types.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { projectState } from '../../../src/plan/project.js';
import type { HostState, LiveHost } from '../../../src/state/host-state.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { endpointAddress } from '../../../src/state/endpoint.js';
import { cookieFor } from '../../../src/state/marks.js';
import { compileAll, defaultFacts, gatherText, loadModel } from '../compile/case-support.js';

/*
 * The host-local endpoint path, pure part: from one host's records alone. The test that
 * matters most: what it installs is exactly what a plan of the whole fleet expects afterwards
 * (No changes), for endpoints with and without group, on two tenants' same-named networks,
 * with a second interface in one namespace; and detach leaves the host as plan expects too.
 */

let model: Model;
let fleet: Record<string, HostState>;

const ip = (text: string) => ipToInt(text);
const block = (space: string, first: string, last: string, state: 'claimed' | 'pending' = 'claimed') => ({ [blockKey(space, ip(first))]: blockValue({ first: ip(first), last: ip(last), state }) });

function live(state: HostState, netns: string[] = ['a', 'b', 'c', 'd']): LiveHost {
  const facts = { ...defaultFacts(state.host, model.fabric.hosts.find((h) => h.name === state.host)), netns };
  return parseGatherOutput(state.host, gatherText({ state, facts }));
}

function withRecords(state: HostState, records: Record<string, string>): HostState {
  const next = structuredClone(state);
  Object.assign(next.bridges[BRIDGE]!.externalIds, records);
  return next;
}

/** The host after an attach plan ran: its port added, its flow changes applied. */
function applied(state: HostState, plan: { port: HostState['bridges'][string]['ports'][string]; changes: Parameters<typeof projectState>[1] }): HostState {
  const next = projectState(state, plan.changes);
  next.bridges[BRIDGE]!.ports[plan.port.name] = plan.port;
  return next;
}

function planOf(states: Record<string, HostState>) {
  const lives = Object.fromEntries(Object.entries(states).map(([h, s]) => [h, live(s)]));
  const r = makePlan({ model, live: lives, source: { dir: 'x' } });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.plan!;
}

const req = (extra: Partial<LocalAttachRequest> = {}): LocalAttachRequest => ({ tenant: 'default', network: 'contiv-net', netns: 'a', ifname: 'eth0', ...extra });

/**
 * Each test compiles its own converged fleet (a few ms), inside the test: code run in a
 * beforeAll belongs to no test, and Stryker would then have to run every test for it.
 */
async function setup(): Promise<void> {
  model = await loadModel('examples/quickstart');
  const { desired } = compileAll(model, {});
  fleet = Object.fromEntries(Object.entries(desired).map(([h, c]) => [h, c.state]));
}

describe('planLocalAttach', () => {
  it('attaches from the host records alone, and the fleet plan then says No changes', async () => {
    await setup();
    let h1 = withRecords(fleet['h1']!, { ...block('default/contiv-net', '10.1.2.16', '10.1.2.31'), ...block('blue/contiv-net', '10.1.2.16', '10.1.2.31') });
    const steps: Array<[LocalAttachRequest, string]> = [
      [req({ netns: 'a', group: 'web-group' }), '10.1.2.16'],
      [req({ netns: 'b', group: 'db-group' }), '10.1.2.17'],
      [req({ netns: 'c' }), '10.1.2.18'],
      [req({ netns: 'c', ifname: 'eth1', tenant: 'blue' }), '10.1.2.16'],
    ];
    for (const [request, expected] of steps) {
      const r = planLocalAttach('h1', live(h1), request);
      if (!r.ok) throw new Error(r.diagnostic.message);
      expect(r.plan.endpoint.ip).toBe(expected);
      expect(r.plan.mtu).toBe(1450);
      expect(r.plan.gateway).toBe('10.1.2.1');
      expect(r.plan.prefix).toBe(24);
      h1 = applied(h1, r.plan);
    }
    const plan = planOf({ ...fleet, h1 });
    expect(plan.hosts.flatMap((h) => h.changes)).toEqual([]);
    // Distinct port numbers and names, the second interface named apart from the first.
    const ports = Object.values(h1.bridges[BRIDGE]!.ports).filter((p) => p.externalIds['contiv.kind'] === 'endpoint');
    expect(new Set(ports.map((p) => p.ofport)).size).toBe(4);
    expect(ports.map((p) => p.ofport).sort()).toEqual([ENDPOINT_PORTS.first, ENDPOINT_PORTS.first + 1, ENDPOINT_PORTS.first + 2, ENDPOINT_PORTS.first + 3]);
    expect(endpointPortName('h1', 'c', 'eth1')).not.toBe(endpointPortName('h1', 'c'));

    // Detach them all: the host is as the plan expects (its empty blocks stay while the network has room).
    for (const [netns, ifname] of [['b', undefined], ['c', 'eth1'], ['a', undefined], ['c', undefined]] as const) {
      const d = planLocalDetach('h1', live(h1), { netns, ...(ifname ? { ifname } : {}) });
      if (!d.ok) throw new Error(d.diagnostic.message);
      // The script deletes every flow with the endpoint's cookie, then applies the flood flows.
      const cookie = cookieFor('endpoint', endpointAddress(d.plan.endpoint));
      h1 = projectState(h1, d.plan.changes);
      const bridge = h1.bridges[BRIDGE]!;
      delete bridge.ports[d.plan.endpoint.port];
      for (const [k, f] of Object.entries(bridge.flows)) if (f.cookie === cookie) delete bridge.flows[k];
    }
    const after = planOf({ ...fleet, h1 });
    const changes = after.hosts.flatMap((h) => h.changes);
    expect(changes).toEqual([]);
    expect(Object.values(h1.bridges[BRIDGE]!.flows).filter((f) => f.cookie.startsWith('c104'))).toEqual([]);
  });

  it('takes the lowest free address, skipping the gateway, addresses in use and addresses lent to other hosts', async () => {
    await setup();
    const h1 = withRecords(fleet['h1']!, { ...block('default/contiv-net', '10.1.2.0', '10.1.2.3'), [lentKey('default', 'contiv-net', ip('10.1.2.2'))]: 'h2' });
    const r = planLocalAttach('h1', live(h1), req());
    expect(r.ok && r.plan.endpoint.ip).toBe('10.1.2.0');
    // (A block never holds the network address in practice; the allocator itself only skips what it is told.)
    const gw = withRecords(fleet['h1']!, { ...block('default/contiv-net', '10.1.2.1', '10.1.2.3'), [lentKey('default', 'contiv-net', ip('10.1.2.2'))]: 'h2' });
    const g = planLocalAttach('h1', live(gw), req());
    expect(g.ok && g.plan.endpoint.ip).toBe('10.1.2.3');
  });

  it('uses confirmed blocks of the right space only: a pending block or another tenant’s is no address', async () => {
    await setup();
    const h1 = withRecords(fleet['h1']!, { ...block('default/contiv-net', '10.1.2.16', '10.1.2.31', 'pending'), ...block('blue/contiv-net', '10.1.2.32', '10.1.2.47') });
    const r = planLocalAttach('h1', live(h1), req());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic.code).toBe('no-free-address');
    expect(r.needsBlock).toBe('default/contiv-net');
    expect(r.diagnostic.hint).toContain('contiv attach claims another block');
  });

  it('refuses what the host records do not allow, each with its code', async () => {
    await setup();
    const h1 = withRecords(fleet['h1']!, block('default/contiv-net', '10.1.2.16', '10.1.2.31'));
    const cases: Array<[Partial<LocalAttachRequest>, string]> = [
      [{ network: 'nope' }, 'network-not-applied'],
      [{ tenant: 'red' }, 'network-not-applied'],
      [{ group: 'nope' }, 'group-not-applied'],
      [{ ip: '10.1.2.044' }, 'ip-invalid'],
      [{ ip: '999.1.1.1' }, 'ip-invalid'],
      [{ ip: '10.1.2.0' }, 'ip-outside'],
      [{ ip: '10.1.2.255' }, 'ip-outside'],
      [{ ip: '10.1.3.5' }, 'ip-outside'],
      [{ ip: '10.1.2.1' }, 'ip-is-gateway'],
      [{ ip: '10.1.2.40' }, 'ip-not-in-blocks'],
    ];
    for (const [extra, code] of cases) {
      const r = planLocalAttach('h1', live(h1), req(extra));
      expect(r.ok ? 'ok' : r.diagnostic.code, JSON.stringify(extra)).toBe(code);
    }
    const other = planLocalAttach('h1', live(h1), req({ tenant: 'red' }));
    expect(!other.ok && other.diagnostic.hint).toBe('tenant blue, default has one there: pass that tenant');
    const lent = planLocalAttach('h1', live(h1), req({ ip: '10.1.2.40', lentBy: 'h2' }));
    expect(lent.ok && lent.plan.endpoint.lender).toBe('h2');
    expect(lent.ok && lent.plan.port.externalIds['contiv.lender']).toBe('h2');
    expect(planLocalAttach('h1', live(h1), req({ ip: '10.1.2.20' })).ok).toBe(true);
  });

  it('refuses a namespace interface already attached, and an address already used here or lent away', async () => {
    await setup();
    let h1 = withRecords(fleet['h1']!, { ...block('default/contiv-net', '10.1.2.16', '10.1.2.31'), [lentKey('default', 'contiv-net', ip('10.1.2.20'))]: 'h3' });
    const first = planLocalAttach('h1', live(h1), req({ ip: '10.1.2.17' }));
    if (!first.ok) throw new Error(first.diagnostic.message);
    h1 = applied(h1, first.plan);
    const again = planLocalAttach('h1', live(h1), req());
    expect(!again.ok && again.diagnostic.code).toBe('netns-attached');
    const twin = planLocalAttach('h1', live(h1), req({ netns: 'b', ip: '10.1.2.17' }));
    expect(!twin.ok && twin.diagnostic.message).toBe('10.1.2.17 is already used by a on h1');
    const lentAway = planLocalAttach('h1', live(h1), req({ netns: 'b', ip: '10.1.2.20' }));
    expect(!lentAway.ok && lentAway.diagnostic.code).toBe('ip-in-use');
    // The same address on blue's network is another address.
    const blue = withRecords(h1, block('blue/contiv-net', '10.1.2.16', '10.1.2.31'));
    expect(planLocalAttach('h1', live(blue), req({ netns: 'b', tenant: 'blue', ip: '10.1.2.17' })).ok).toBe(true);
  });

  it('a host without contiv, or applied by an older contiv, is told to apply first', async () => {
    await setup();
    const bare: HostState = { host: 'h1', bridges: {} };
    const r = planLocalAttach('h1', live(bare), req());
    expect(!r.ok && r.diagnostic.code).toBe('host-not-applied');
    const old = structuredClone(fleet['h1']!);
    editModel(old.bridges[BRIDGE]!.externalIds, (model) => delete model['contiv.mtu']);
    const o = planLocalAttach('h1', live(withRecords(old, block('default/contiv-net', '10.1.2.16', '10.1.2.31'))), req());
    expect(!o.ok && o.diagnostic.message).toBe('h1 was applied by an older contiv (no MTU recorded)');
  });
});

describe('planLocalDetach', () => {
  it('names what is missing or ambiguous', async () => {
    await setup();
    let h1 = withRecords(fleet['h1']!, block('default/contiv-net', '10.1.2.16', '10.1.2.31'));
    for (const ifname of ['eth0', 'eth1']) {
      const r = planLocalAttach('h1', live(h1), req({ ifname }));
      if (!r.ok) throw new Error(r.diagnostic.message);
      h1 = applied(h1, r.plan);
    }
    expect(planLocalDetach('h1', live(h1), { netns: 'zz' }).ok).toBe(false);
    const both = planLocalDetach('h1', live(h1), { netns: 'a' });
    expect(!both.ok && both.diagnostic.code).toBe('netns-ambiguous');
    const one = planLocalDetach('h1', live(h1), { netns: 'a', ifname: 'eth1' });
    expect(one.ok && one.plan.endpoint.ifname).toBe('eth1');
    // The network's flood flows keep the other endpoint's port only.
    const flood = one.ok ? one.plan.changes[0]!.add.filter((f) => f.priority === 200 && f.match.includes('reg1=0')) : [];
    expect(flood.map((f) => f.actions)).toEqual([`output:${ENDPOINT_PORTS.first},goto_table:70`]);
  });
});

describe('endpoints of a runtime', () => {
  it("records the container id, finds the endpoint by it (its namespace may be gone), and refuses an id that is not one", async () => {
    await setup();
    let h1 = withRecords(fleet['h1']!, block('default/contiv-net', '10.1.2.16', '10.1.2.31'));
    const id = 'f00d'.repeat(16);
    const r = planLocalAttach('h1', live(h1, ['netns-1c34']), req({ netns: '/run/netns/netns-1c34', container: id }));
    if (!r.ok) throw new Error(r.diagnostic.message);
    expect(r.plan.endpoint).toMatchObject({ netns: 'netns-1c34', container: id });
    expect(r.plan.port.externalIds['contiv.container']).toBe(id);
    h1 = applied(h1, r.plan);
    // DEL after the namespace went: found by container and interface.
    const d = planLocalDetach('h1', live(h1, []), { container: id, ifname: 'eth0' });
    expect(d.ok && d.plan.endpoint.ip).toBe('10.1.2.16');
    const other = planLocalDetach('h1', live(h1, []), { container: 'other', ifname: 'eth0' });
    expect(!other.ok && other.diagnostic.message).toBe('no endpoint of container other (eth0) on h1');
    const bad = planLocalAttach('h1', live(h1, ['b']), req({ netns: 'b', container: '-x;reboot' }));
    expect(!bad.ok && bad.diagnostic.code).toBe('container-invalid');
  });
});

describe('namespace and interface names', () => {
  it('a path under /run/netns is the name; other absolute paths stay; anything else is refused', async () => {
    await setup();
    expect(normalizeNetns('web-1')).toBe('web-1');
    expect(normalizeNetns('/run/netns/web-1')).toBe('web-1');
    expect(normalizeNetns('/var/run/netns/web-1')).toBe('web-1');
    expect(normalizeNetns('/proc/1234/ns/net')).toBe('/proc/1234/ns/net');
    expect(normalizeNetns('/var/run/docker/netns/0f3a')).toBe('/var/run/docker/netns/0f3a');
    for (const bad of ['', '..', '/run/netns/..', '/proc/../etc', 'a b', 'x;rm', '-x', '/tmp/a b', 'relative/path']) expect(normalizeNetns(bad), bad).toBeUndefined();
    expect(isValidIfname('eth1')).toBe(true);
    for (const bad of ['', 'a-very-long-name0', 'e th', '-x', '..']) expect(isValidIfname(bad), bad).toBe(false);
  });
});
