import { beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import type { Model } from '../../../src/model/types.js';
import { endpointMac, endpointPortName, isValidNetnsName, planAttach, planDetach, type AttachRequest } from '../../../src/plan/endpoint-plan.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { projectState } from '../../../src/plan/project.js';
import { countChanges, type Change } from '../../../src/plan/types.js';
import { endpointsOf } from '../../../src/state/endpoint.js';
import { flowKey, type HostState, type LiveHost } from '../../../src/state/host-state.js';
import { compileAll, defaultFacts, loadModel, withEndpoints, type EndpointSpec } from '../compile/case-support.js';

/*
 * planAttach / planDetach on a converged two-host fabric (attach-manifests/): network `net`
 * 10.1.2.0/24 with gateway .1, group `web` with ipPool .100-.150, group `db` without, network
 * `other` with group `ops`, and tenant blue's `bluenet` with the same subnet.
 */
let model: Model;

beforeAll(async () => {
  model = await loadModel('test/unit/plan/attach-manifests');
});

/** Hosts converged to the model, with these endpoints attached. */
function converged(endpoints: EndpointSpec[] = []): Record<string, HostState> {
  const { desired } = compileAll(model, withEndpoints({}, endpoints));
  return Object.fromEntries(Object.entries(desired).map(([h, c]) => [h, structuredClone(c.state)]));
}

function codes(r: { diagnostics: { code: string }[] }): string[] {
  return r.diagnostics.map((d) => d.code);
}

const req = (x: Partial<AttachRequest>): AttachRequest => ({ host: 'h1', netns: 'c1', tenant: 'default', network: 'net', ...x });

/** The host after attach made its changes: the port and the flow changes. */
function attached(live: Record<string, HostState>, host: string, plan: { port: Parameters<typeof projectPort>[1]; changes: Change[] }): Record<string, HostState> {
  return { ...live, [host]: projectState(projectPort(live[host]!, plan.port), plan.changes) };
}
function projectPort(state: HostState, port: HostState['bridges'][string]['ports'][string]): HostState {
  const next = structuredClone(state);
  next.bridges[BRIDGE]!.ports[port.name] = port;
  return next;
}

describe('planAttach: addresses', () => {
  it('takes the first free address of the host block, never the gateway', () => {
    const live = converged();
    const r = planAttach(model, live, req({}));
    expect(codes(r)).toEqual([]);
    const { allocations } = compileAll(model, live);
    const block = allocations.blocks['h1']!['default/net']!;
    expect(r.plan!.endpoint.ip).toBe(block.first);
    expect(r.plan!.endpoint.ip).not.toBe('10.1.2.1');
    expect(r.plan!.gateway).toBe('10.1.2.1');
    expect(r.plan!.prefix).toBe(24);
    expect(r.plan!.endpoint.mac).toBe(endpointMac('default', 'net', r.plan!.endpoint.ip));
    expect(r.plan!.endpoint.port).toBe(endpointPortName('h1', 'c1'));
    expect(r.plan!.endpoint.port.length).toBeLessThanOrEqual(14);
  });

  it('a group with an ipPool takes from the host block of the pool', () => {
    const live = converged();
    const r = planAttach(model, live, req({ group: 'web' }));
    const { allocations } = compileAll(model, live);
    expect(r.plan!.endpoint.ip).toBe(allocations.blocks['h1']!['default/net/web']!.first);
    expect(r.plan!.endpoint.group).toBe('web');
  });

  it('never an address used on any host, even one inside this host block (attached there with --ip)', () => {
    const { allocations } = compileAll(model, {});
    const first = allocations.blocks['h1']!['default/net']!.first;
    const live = converged([{ host: 'h2', netns: 'squatter', network: 'net', ip: first }]);
    const r = planAttach(model, live, req({}));
    expect(r.plan!.endpoint.ip).not.toBe(first);
    const used = Object.values(live).flatMap((s) => endpointsOf(s)).map((e) => e.ip);
    expect(used).not.toContain(r.plan!.endpoint.ip);
  });

  it('two hosts attaching at once take addresses from their own blocks: never the same', () => {
    const live = converged();
    const a = planAttach(model, live, req({ host: 'h1', netns: 'a' }));
    const b = planAttach(model, live, req({ host: 'h2', netns: 'b' }));
    expect(a.plan!.endpoint.ip).not.toBe(b.plan!.endpoint.ip);
    const wa = planAttach(model, live, req({ host: 'h1', netns: 'wa', group: 'web' }));
    const wb = planAttach(model, live, req({ host: 'h2', netns: 'wb', group: 'web' }));
    expect(wa.plan!.endpoint.ip).not.toBe(wb.plan!.endpoint.ip);
  });

  it('the same IP in two tenants gets two MACs', () => {
    expect(endpointMac('default', 'net', '10.1.2.2')).not.toBe(endpointMac('blue', 'bluenet', '10.1.2.2'));
  });

  it('--ip: accepted inside the subnet; refused outside it, outside the pool, in use (naming where), the gateway', () => {
    const live = converged([{ host: 'h2', netns: 'db-9', network: 'net', group: 'db', ip: '10.1.2.77' }]);
    expect(planAttach(model, live, req({ ip: '10.1.2.60' })).plan!.endpoint.ip).toBe('10.1.2.60');
    expect(codes(planAttach(model, live, req({ ip: '10.1.9.5' })))).toEqual(['ip-outside']);
    expect(codes(planAttach(model, live, req({ ip: '10.1.2.0' })))).toEqual(['ip-outside']);
    expect(codes(planAttach(model, live, req({ ip: '10.1.2.255' })))).toEqual(['ip-outside']);
    expect(codes(planAttach(model, live, req({ ip: '10.1.2.60', group: 'web' })))).toEqual(['ip-outside']);
    expect(codes(planAttach(model, live, req({ ip: '10.1.2.1' })))).toEqual(['ip-is-gateway']);
    expect(codes(planAttach(model, live, req({ ip: 'banana' })))).toEqual(['ip-invalid']);
    const inUse = planAttach(model, live, req({ ip: '10.1.2.77' }));
    expect(codes(inUse)).toEqual(['ip-in-use']);
    expect(inUse.diagnostics[0]!.message).toContain('db-9 on h2');
  });

  it('an address in use in another tenant is free here (tenants are isolated)', () => {
    const live = converged([{ host: 'h2', netns: 'b', tenant: 'blue', network: 'bluenet', ip: '10.1.2.60' }]);
    expect(codes(planAttach(model, live, req({ ip: '10.1.2.60' })))).toEqual([]);
  });
});

describe('planAttach: refusals', () => {
  it('unknown network (with a hint naming the tenant that has it), unknown group, group on another network', () => {
    const live = converged();
    const unknown = planAttach(model, live, req({ network: 'bluenet' }));
    expect(codes(unknown)).toEqual(['network-unknown']);
    expect(unknown.diagnostics[0]!.hint).toContain('blue');
    expect(codes(planAttach(model, live, req({ group: 'nope' })))).toEqual(['group-unknown']);
    expect(codes(planAttach(model, live, req({ group: 'ops' })))).toEqual(['group-network-mismatch']);
  });

  it('invalid netns names', () => {
    for (const bad of ['', '../etc', 'a b', 'x;rm -rf /', '$(id)', '-n', 'a'.repeat(64), "it's"]) {
      expect(isValidNetnsName(bad), bad).toBe(false);
      expect(codes(planAttach(model, converged(), req({ netns: bad }))), bad).toEqual(['netns-invalid']);
    }
    for (const good of ['c1', 'web-1', 'ctr_2.x', 'a'.repeat(63)]) expect(isValidNetnsName(good), good).toBe(true);
  });

  it('a host that does not match the manifests yet (a flow deleted by hand; no bridge at all), an unknown host', () => {
    const live = converged();
    const bridge = live['h1']!.bridges[BRIDGE]!;
    delete bridge.flows[Object.keys(bridge.flows)[0]!];
    expect(codes(planAttach(model, live, req({})))).toEqual(['host-not-converged']);
    expect(codes(planAttach(model, { ...converged(), h2: { host: 'h2', bridges: {} } }, req({ host: 'h2' })))).toEqual(['host-not-converged']);
    expect(codes(planAttach(model, converged(), req({ host: 'h9' })))).toEqual(['host-unknown']);
  });

  it('a namespace attached already', () => {
    const live = converged([{ host: 'h1', netns: 'c1', network: 'net', ip: '10.1.2.9' }]);
    expect(codes(planAttach(model, live, req({})))).toEqual(['netns-attached']);
  });
});

describe('attach and detach agree with plan', () => {
  it('after attach the host plans no changes; after detach again none; ofports and flows grow by one endpoint', () => {
    const live = converged();
    const r = planAttach(model, live, req({ group: 'web' }));
    const after = attached(live, 'h1', r.plan!);
    const facts = (h: string) => defaultFacts(h, model.fabric.hosts.find((x) => x.name === h));
    const asLive = (s: Record<string, HostState>): Record<string, LiveHost> =>
      Object.fromEntries(Object.entries(s).map(([h, st]) => [h, { state: st, facts: { ...facts(h), netns: endpointsOf(st).map((e) => e.netns) }, unmanaged: { bridges: ['br-phy'], ports: [], flowCounts: {}, flowKeys: {} } }]));
    const plan = makePlan({ model, live: asLive(after), source: { dir: '.' } });
    expect(plan.diagnostics).toEqual([]);
    expect(countChanges(plan.plan!)).toEqual({ add: 0, change: 0, destroy: 0 });
    // Only flows change on attach: no bridge or port change besides the endpoint's own port.
    expect(r.plan!.changes.every((c) => c.type === 'flows')).toBe(true);
    const added = Object.keys(after['h1']!.bridges[BRIDGE]!.flows).length - Object.keys(live['h1']!.bridges[BRIDGE]!.flows).length;
    expect(added).toBe(3);

    const d = planDetach(model, after, 'h1', 'c1');
    expect(d.diagnostics).toEqual([]);
    const back = structuredClone(after);
    delete back['h1']!.bridges[BRIDGE]!.ports[r.plan!.port.name];
    back['h1'] = projectState(back['h1']!, d.plan!.changes);
    expect(Object.keys(back['h1']!.bridges[BRIDGE]!.flows).sort()).toEqual(Object.keys(live['h1']!.bridges[BRIDGE]!.flows).sort());
    for (const k of Object.keys(live['h1']!.bridges[BRIDGE]!.flows)) expect(back['h1']!.bridges[BRIDGE]!.flows[k], k).toEqual(live['h1']!.bridges[BRIDGE]!.flows[k]);
    expect(codes(planDetach(model, live, 'h1', 'c1'))).toEqual(['netns-not-attached']);
    expect(flowKey).toBeDefined();
  });

  it('a second endpoint on the host takes the next ofport and the next address', () => {
    const live = converged();
    const one = planAttach(model, live, req({ netns: 'one' }));
    const after = attached(live, 'h1', one.plan!);
    const two = planAttach(model, after, req({ netns: 'two' }));
    expect(codes(two)).toEqual([]);
    expect(two.plan!.endpoint.ofport).toBe(one.plan!.endpoint.ofport + 1);
    expect(two.plan!.endpoint.ip).not.toBe(one.plan!.endpoint.ip);
  });
});
