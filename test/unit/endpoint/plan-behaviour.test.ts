import { editModel, isModelKey } from '../../support/model-records.js';
import { describe, expect, it } from 'vitest';
import { networkOwner } from '../../../src/compile/endpoint-flows.js';
import { BRIDGE, ENDPOINT_PORTS } from '../../../src/compile/pipeline.js';
import { recordKey } from '../../../src/compile/records.js';
import { checkRequest, type AttachAsk } from '../../../src/endpoint/request.js';
import { planLocalAttach, planLocalDetach, type LocalAttachPlan, type LocalAttachRequest } from '../../../src/endpoint/plan.js';
import { blockKey, blockValue, lentKey } from '../../../src/ipam/records.js';
import { ipToInt } from '../../../src/manifest/ipv4.js';
import { projectState } from '../../../src/plan/project.js';
import { endpointExternalIds } from '../../../src/state/endpoint.js';
import type { HostState, LiveHost } from '../../../src/state/host-state.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { compileAll, defaultFacts, gatherText, loadModel, withEndpoints } from '../compile/case-support.js';

/*
 * What attach and detach decide from one host's records, case by case: which tenant's network
 * and group the records name, pools, a network without gateway, port numbers, the flood lists
 * of the endpoint's own network, and errors that say what is wrong and what to do.
 * Each test builds its host (quickstart, converged) inside the test.
 */

const ip = (text: string) => ipToInt(text);
const block = (space: string, first: string, last: string) => ({ [blockKey(space, ip(first))]: blockValue({ first: ip(first), last: ip(last), state: 'claimed' }) });
const NET_BLOCK = block('default/contiv-net', '10.1.2.16', '10.1.2.31');
const APPLY = 'contiv apply the manifests first';

/** h1 of the quickstart as an apply leaves it, with `records` added to contiv0's external_ids and `drop` removed. */
async function host(records: Record<string, string> = {}, drop: string[] = []): Promise<HostState> {
  const model = await loadModel('examples/quickstart');
  const { desired } = compileAll(model, {});
  const state = structuredClone(desired['h1']!.state);
  const ids = state.bridges[BRIDGE]!.externalIds;
  Object.assign(ids, Object.fromEntries(Object.entries(records).filter(([k]) => !isModelKey(k))));
  editModel(ids, (model) => {
    Object.assign(model, Object.fromEntries(Object.entries(records).filter(([k]) => isModelKey(k))));
    for (const k of drop) {
      expect(model[k], k).toBeDefined();
      delete model[k];
    }
  });
  return state;
}

function live(state: HostState, netns: string[] = ['a', 'b', 'c', 'd']): LiveHost {
  const facts = { ...defaultFacts('h1', { address: '198.18.0.11', vtep: '198.19.0.11' }), netns };
  return parseGatherOutput('h1', gatherText({ state, facts }));
}

function attached(state: HostState, plan: LocalAttachPlan): HostState {
  const next = projectState(state, plan.changes);
  next.bridges[BRIDGE]!.ports[plan.port.name] = plan.port;
  return next;
}

function attach(state: HostState, request: Partial<LocalAttachRequest>): LocalAttachPlan {
  const r = planLocalAttach('h1', live(state), req(request));
  if (!r.ok) throw new Error(`${r.diagnostic.code}: ${r.diagnostic.message}`);
  return r.plan;
}

function refusal(state: HostState, request: Partial<LocalAttachRequest>): { code: string; message: string; hint?: string } {
  const r = planLocalAttach('h1', live(state), req(request));
  if (r.ok) throw new Error(`attach ${JSON.stringify(request)} was not refused`);
  return { code: r.diagnostic.code, message: r.diagnostic.message, ...(r.diagnostic.hint !== undefined ? { hint: r.diagnostic.hint } : {}) };
}

const req = (extra: Partial<LocalAttachRequest> = {}): LocalAttachRequest => ({ tenant: 'default', network: 'contiv-net', netns: 'a', ifname: 'eth0', ...extra });

/** The actions of the network's flood flow for local traffic (reg1=0): the ports it outputs to. */
function floodPorts(plan: { changes: LocalAttachPlan['changes'] }): string[] {
  return plan.changes.flatMap((c) => c.add).filter((f) => f.priority === 200 && f.match.includes('reg1=0')).map((f) => f.actions);
}

describe('attach: which records it reads', () => {
  it("each tenant's network by its own record: two tenants' same-named networks with different subnets", async () => {
    const h1 = await host({
      [recordKey('net', 'blue', 'contiv-net')]: '10.9.0.0/16 10.9.0.1',
      ...NET_BLOCK,
      ...block('blue/contiv-net', '10.9.0.16', '10.9.0.31'),
    });
    const plain = attach(h1, {});
    expect([plain.endpoint.ip, plain.gateway, plain.prefix]).toEqual(['10.1.2.16', '10.1.2.1', 24]);
    expect(plain.changes[1]!.address).toBe(networkOwner('default', 'contiv-net').address);
    const blue = attach(h1, { tenant: 'blue' });
    expect([blue.endpoint.ip, blue.gateway, blue.prefix]).toEqual(['10.9.0.16', '10.9.0.1', 16]);
    expect(blue.changes[1]!.address).toBe(networkOwner('blue', 'contiv-net').address);
  });

  it('a network whose records are incomplete (no VNI, no tenant zone, no subnet) is not applied: apply first', async () => {
    for (const missing of [recordKey('vni', 'default', 'contiv-net'), recordKey('zone', 'default'), recordKey('net', 'default', 'contiv-net')]) {
      const h1 = await host(NET_BLOCK, [missing]);
      // The hint names the other tenant that has one, never the tenant asked.
      expect(refusal(h1, {}), missing).toEqual({ code: 'network-not-applied', message: 'h1 has no network contiv-net of tenant default (as applied)', hint: 'tenant blue has one there: pass that tenant' });
    }
    // A network no tenant has here: nothing to name but apply.
    const h1 = await host(NET_BLOCK);
    expect(refusal(h1, { network: 'nope' })).toEqual({ code: 'network-not-applied', message: 'h1 has no network nope of tenant default (as applied)', hint: APPLY });
  });

  it('a host without contiv or applied by an older contiv is told to apply, with the reason', async () => {
    const bare: HostState = { host: 'h1', bridges: {} };
    expect(refusal(bare, {})).toEqual({ code: 'host-not-applied', message: 'h1 has no contiv bridge yet', hint: APPLY });
    const old = await host(NET_BLOCK, [recordKey('mtu')]);
    expect(refusal(old, {})).toEqual({ code: 'host-not-applied', message: 'h1 was applied by an older contiv (no MTU recorded)', hint: APPLY });
  });

  it('a group needs both its record and its id; it is looked up by tenant and name', async () => {
    for (const missing of [recordKey('gid', 'default', 'web-group'), recordKey('grp', 'default', 'web-group')]) {
      const h1 = await host(NET_BLOCK, [missing]);
      expect(refusal(h1, { group: 'web-group' }), missing).toEqual({ code: 'group-not-applied', message: 'h1 has no endpoint group web-group of tenant default (as applied)', hint: APPLY });
    }
    // Another tenant's web-group on another network, and a pooled db-group next to web-group: neither is web-group.
    const h1 = await host({
      ...NET_BLOCK,
      [recordKey('grp', 'blue', 'web-group')]: 'elsewhere-net',
      [recordKey('gid', 'blue', 'web-group')]: '7',
      [recordKey('pool', 'default', 'db-group')]: '10.1.2.100-10.1.2.150',
    });
    const web = attach(h1, { group: 'web-group' });
    expect(web.endpoint).toMatchObject({ ip: '10.1.2.16', group: 'web-group' });
  });

  it('a group on another network than asked is refused, naming both', async () => {
    const h1 = await host({ ...NET_BLOCK, [recordKey('grp', 'default', 'far-group')]: 'far-net', [recordKey('gid', 'default', 'far-group')]: '9' });
    const r = refusal(h1, { group: 'far-group' });
    expect(r.code).toBe('group-network-mismatch');
    expect(r.message).toBe('group far-group is on network far-net, not contiv-net');
  });
});

describe('attach: addresses', () => {
  it("a pooled group takes addresses of its pool's blocks, and --ip must lie in its pool (bounds included)", async () => {
    const h1 = await host({
      ...NET_BLOCK,
      [recordKey('pool', 'default', 'db-group')]: '10.1.2.100-10.1.2.150',
      ...block('default/contiv-net/db-group', '10.1.2.100', '10.1.2.111'),
      ...block('default/contiv-net/db-group', '10.1.2.144', '10.1.2.150'),
    });
    expect(attach(h1, { group: 'db-group' }).endpoint.ip).toBe('10.1.2.100');
    expect(attach(h1, { group: 'db-group', ip: '10.1.2.150' }).endpoint.ip).toBe('10.1.2.150');
    expect(attach(h1, { group: 'db-group', ip: '10.1.2.100' }).endpoint.ip).toBe('10.1.2.100');
    for (const outside of ['10.1.2.99', '10.1.2.151', '10.1.2.20']) {
      expect(refusal(h1, { group: 'db-group', ip: outside }), outside).toEqual({ code: 'ip-outside', message: `${outside} is outside group db-group's ipPool 10.1.2.100-10.1.2.150` });
    }
    // Without the group, the same host hands out the network's addresses.
    expect(attach(h1, {}).endpoint.ip).toBe('10.1.2.16');
  });

  it('a network without a gateway: no gateway in the plan, and its first address is an address', async () => {
    const h1 = await host({ [recordKey('net', 'default', 'contiv-net')]: '10.1.2.0/24', ...block('default/contiv-net', '10.1.2.1', '10.1.2.3') });
    const p = attach(h1, {});
    expect(p.endpoint.ip).toBe('10.1.2.1');
    expect('gateway' in p).toBe(false);
    expect(attach(h1, { ip: '10.1.2.1' }).endpoint.ip).toBe('10.1.2.1');
  });

  it('--ip mistakes are named with the address and what it conflicts with', async () => {
    let h1 = await host({ ...NET_BLOCK, [lentKey('default', 'contiv-net', ip('10.1.2.20'))]: 'h3' });
    expect(refusal(h1, { ip: '10.1.2.044' })).toEqual({ code: 'ip-invalid', message: '10.1.2.044 is not an IPv4 address (four numbers 0-255, no leading zeros)' });
    expect(refusal(h1, { ip: '10.1.3.5' })).toEqual({ code: 'ip-outside', message: '10.1.3.5 is outside the usable addresses of 10.1.2.0/24' });
    expect(refusal(h1, { ip: '10.1.2.1' })).toEqual({ code: 'ip-is-gateway', message: '10.1.2.1 is the gateway of contiv-net' });
    expect(refusal(h1, { ip: '10.1.2.20' })).toEqual({ code: 'ip-in-use', message: '10.1.2.20 is lent by h1 to an endpoint on another host' });
    expect(refusal(h1, { ip: '10.1.2.40' })).toEqual({
      code: 'ip-not-in-blocks',
      message: '10.1.2.40 is not in an address block of h1',
      hint: 'contiv attach --ip takes any free address (it checks every host); a runtime on the host takes addresses of its own blocks only',
    });
    h1 = attached(h1, attach(h1, { ip: '10.1.2.17' }));
    expect(refusal(h1, { netns: 'b', ip: '10.1.2.17' })).toEqual({ code: 'ip-in-use', message: '10.1.2.17 is already used by a on h1' });
    // Another free address of the block is fine next to it.
    expect(attach(h1, { netns: 'b', ip: '10.1.2.18' }).endpoint.ip).toBe('10.1.2.18');
  });

  it("a tenant's second network: its own record, its own addresses, its own flood list", async () => {
    let h1 = await host({
      ...NET_BLOCK,
      [recordKey('net', 'default', 'other-net')]: '10.1.2.0/25 10.1.2.126',
      [recordKey('vni', 'default', 'other-net')]: '4000',
      ...block('default/other-net', '10.1.2.16', '10.1.2.31'),
    });
    const first = ENDPOINT_PORTS.first;
    h1 = attached(h1, attach(h1, { ip: '10.1.2.17' }));
    // The same address is free on the other network, whose subnet and gateway are its own.
    const other = attach(h1, { netns: 'b', network: 'other-net', ip: '10.1.2.17' });
    expect(other.endpoint).toMatchObject({ network: 'other-net', ip: '10.1.2.17', ofport: first + 1 });
    expect([other.gateway, other.prefix]).toEqual(['10.1.2.126', 25]);
    expect(other.changes[1]!.address).toBe(networkOwner('default', 'other-net').address);
    expect(floodPorts(other)).toEqual([`output:${first + 1},goto_table:70`]);
    h1 = attached(h1, other);
    h1 = attached(h1, attach(h1, { netns: 'c', network: 'other-net' }));
    const d = planLocalDetach('h1', live(h1), { netns: 'b' });
    if (!d.ok) throw new Error(d.diagnostic.message);
    expect(floodPorts(d.plan)).toEqual([`output:${first + 2},goto_table:70`]);
  });

  it('a host out of addresses says which space and what to do', async () => {
    const h1 = await host(block('default/contiv-net', '10.1.2.16', '10.1.2.16'));
    const first = attach(h1, {});
    const r = planLocalAttach('h1', live(attached(h1, first)), req({ netns: 'b' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.needsBlock).toBe('default/contiv-net');
    expect(r.diagnostic.message).toBe('h1 has no free address left in its blocks of default/contiv-net');
    expect(r.diagnostic.hint).toBe('contiv attach claims another block (it reads every host); contiv apply keeps a reserve on hosts with runtimes; or detach endpoints');
  });
});

describe('attach: names at the door, namespaces, ports', () => {
  it('refuses a namespace, interface or container id that is not one, quoting it', async () => {
    const h1 = await host(NET_BLOCK);
    expect(refusal(h1, { netns: 'a b' })).toEqual({ code: 'netns-invalid', message: '"a b" is neither a network namespace name nor an absolute path' });
    expect(refusal(h1, { ifname: 'x;y' })).toEqual({ code: 'ifname-invalid', message: '"x;y" is not an interface name' });
    expect(refusal(h1, { container: '-x' })).toEqual({ code: 'container-invalid', message: '"-x" is not a container id' });
  });

  it('a named namespace must exist on the host; a path is left to the script', async () => {
    const h1 = await host(NET_BLOCK);
    expect(refusal(h1, { netns: 'zz' })).toEqual({ code: 'netns-missing', message: 'no network namespace zz on h1' });
    expect(attach(h1, { netns: '/proc/99/ns/net' }).endpoint.netns).toBe('/proc/99/ns/net');
  });

  it('an interface already attached is refused with what it is attached to; an endpoint from before --ifname is eth0', async () => {
    let h1 = await host(NET_BLOCK);
    h1 = attached(h1, attach(h1, {}));
    h1 = attached(h1, attach(h1, { ifname: 'eth1' }));
    expect(refusal(h1, {})).toEqual({ code: 'netns-attached', message: 'namespace a on h1 is already attached (default/contiv-net, 10.1.2.16)', hint: 'detach it first' });
    expect(refusal(h1, { ifname: 'eth1' })).toEqual({ code: 'netns-attached', message: 'eth1 of namespace a on h1 is already attached (default/contiv-net, 10.1.2.17)', hint: 'detach it first' });
    // An endpoint recorded without an interface name (attached before --ifname) holds eth0 of its namespace.
    const legacy = withEndpoints({ h1 }, [{ host: 'h1', netns: 'b', network: 'contiv-net', ip: '10.1.2.25' }])['h1']!;
    expect(refusal(legacy, { netns: 'b' }).code).toBe('netns-attached');
    expect(attach(legacy, { netns: 'b', ifname: 'eth1' }).endpoint.ifname).toBe('eth1');
  });

  it('takes the lowest free endpoint port number, up to the last one, then refuses', async () => {
    const h1 = await host(NET_BLOCK);
    const l = live(h1);
    const ports = l.state.bridges[BRIDGE]!.ports;
    for (let n = ENDPOINT_PORTS.first; n < ENDPOINT_PORTS.last; n++) ports[`p${n}`] = { name: `p${n}`, type: 'system', ofport: n, options: {}, externalIds: {}, protected: false };
    const last = planLocalAttach('h1', l, req());
    expect(last.ok && last.plan.endpoint.ofport).toBe(ENDPOINT_PORTS.last);
    ports['plast'] = { name: 'plast', type: 'system', ofport: ENDPOINT_PORTS.last, options: {}, externalIds: {}, protected: false };
    const full = planLocalAttach('h1', l, req());
    expect(!full.ok && [full.diagnostic.code, full.diagnostic.message]).toEqual(['ports-full', 'h1 has no free OpenFlow port number left for endpoints']);
  });

  it('the port is a plain system port carrying the endpoint; attach only adds flows', async () => {
    const h1 = await host(NET_BLOCK);
    const p = attach(h1, { group: 'web-group' });
    expect(p.port).toEqual({ name: p.endpoint.port, type: 'system', ofport: ENDPOINT_PORTS.first, options: {}, externalIds: endpointExternalIds(p.endpoint), protected: false });
    for (const c of p.changes) expect([c.type, c.action, c.bridge, c.remove, c.modify, c.modifyBefore]).toEqual(['flows', 'update', BRIDGE, [], [], []]);
  });

  it("the flood list names the local endpoints of the endpoint's own network only", async () => {
    let h1 = await host({ ...NET_BLOCK, ...block('blue/contiv-net', '10.1.2.16', '10.1.2.31') });
    h1 = attached(h1, attach(h1, { tenant: 'blue' }));
    const first = ENDPOINT_PORTS.first;
    const p = attach(h1, { netns: 'b' });
    expect(p.endpoint.ofport).toBe(first + 1);
    expect(floodPorts(p)).toEqual([`output:${first + 1},goto_table:70`]);
  });
});

describe('detach', () => {
  it('names what it did not find, with the interface when one was given', async () => {
    const h1 = await host(NET_BLOCK);
    const miss = (which: Parameters<typeof planLocalDetach>[2]) => {
      const r = planLocalDetach('h1', live(h1), which);
      return r.ok ? 'ok' : [r.diagnostic.code, r.diagnostic.message];
    };
    expect(miss({ netns: 'zz' })).toEqual(['netns-not-attached', 'no endpoint of namespace zz on h1']);
    expect(miss({ netns: 'zz', ifname: 'eth1' })).toEqual(['netns-not-attached', 'no endpoint of namespace zz (eth1) on h1']);
    expect(miss({ container: 'c0ffee' })).toEqual(['netns-not-attached', 'no endpoint of container c0ffee on h1']);
    expect(miss({ netns: 'a b' })).toEqual(['netns-invalid', '"a b" is neither a network namespace name nor an absolute path']);
  });

  it("several interfaces of one namespace: lists them (one from before --ifname as eth0) and asks for --ifname", async () => {
    let h1 = await host(NET_BLOCK);
    h1 = withEndpoints({ h1 }, [{ host: 'h1', netns: 'a', network: 'contiv-net', ip: '10.1.2.25' }])['h1']!;
    h1 = attached(h1, attach(h1, { ifname: 'eth1' }));
    const r = planLocalDetach('h1', live(h1), { netns: 'a' });
    expect(!r.ok && [r.diagnostic.code, r.diagnostic.message, r.diagnostic.hint]).toEqual(['netns-ambiguous', 'namespace a has 2 endpoints on h1 (eth0, eth1)', 'pass --ifname']);
    const legacy = planLocalDetach('h1', live(h1), { netns: 'a', ifname: 'eth0' });
    expect(legacy.ok && legacy.plan.endpoint.ip).toBe('10.1.2.25');
  });

  it("the flood list keeps the network's other endpoints, not another tenant's", async () => {
    let h1 = await host({ ...NET_BLOCK, ...block('blue/contiv-net', '10.1.2.16', '10.1.2.31') });
    h1 = attached(h1, attach(h1, { tenant: 'blue' }));
    h1 = attached(h1, attach(h1, { netns: 'b' }));
    h1 = attached(h1, attach(h1, { netns: 'c' }));
    const first = ENDPOINT_PORTS.first;
    const d = planLocalDetach('h1', live(h1), { netns: 'b' });
    if (!d.ok) throw new Error(d.diagnostic.message);
    expect(d.plan.endpoint.ofport).toBe(first + 1);
    expect(floodPorts(d.plan)).toEqual([`output:${first + 2},goto_table:70`]);
  });

  it('an endpoint whose network is no longer applied goes with its own flows only', async () => {
    let h1 = await host(NET_BLOCK);
    h1 = attached(h1, attach(h1, {}));
    editModel(h1.bridges[BRIDGE]!.externalIds, (model) => delete model[recordKey('net', 'default', 'contiv-net')]);
    const d = planLocalDetach('h1', live(h1), { netns: 'a' });
    expect(d.ok && d.plan).toMatchObject({ endpoint: { netns: 'a', ip: '10.1.2.16' }, changes: [] });
    expect(d.ok).toBe(true);
  });
});

describe('contiv attach: the request against the manifests', () => {
  const ask = (extra: Partial<AttachAsk>): AttachAsk => ({ host: 'h1', netns: 'web-1', ifname: 'eth0', tenant: 'default', network: 'app-net', ...extra });
  const refused = (r: ReturnType<typeof checkRequest>) => {
    expect(r.checked).toBeUndefined();
    return r.diagnostics.map((d) => ({ code: d.code, message: d.message, ...(d.hint !== undefined ? { hint: d.hint } : {}) }));
  };

  it('a network of another tenant is named in the hint; one no tenant has is not', async () => {
    const model = await loadModel('fixtures/compile/multi-tenant/manifests');
    expect(refused(checkRequest(model, ask({ network: 'web-net' })))).toEqual([{ code: 'network-unknown', message: 'tenant default has no network web-net', hint: 'tenant blue, red has one: pass --tenant' }]);
    expect(refused(checkRequest(model, ask({ network: 'nope' })))).toEqual([{ code: 'network-unknown', message: 'tenant default has no network nope' }]);
  });

  it("a group of the tenant on another network is refused, naming both networks", async () => {
    const model = await loadModel('fixtures/compile/multi-tenant/manifests');
    expect(refused(checkRequest(model, ask({ group: 'db' })))).toEqual([{ code: 'group-network-mismatch', message: 'group db is on network data-net, not app-net' }]);
    // Another tenant's group of that name is not the tenant's.
    expect(refused(checkRequest(model, ask({ group: 'frontend' })))).toEqual([{ code: 'group-unknown', message: 'tenant default has no endpoint group frontend' }]);
  });

  it("an address in another group's pool names that group; one outside the group's own pool names the pool", async () => {
    const model = await loadModel('fixtures/compile/multi-tenant/manifests');
    expect(refused(checkRequest(model, ask({ group: 'api', ip: '10.10.1.120' })))).toEqual([
      { code: 'ip-in-pool', message: "--ip 10.10.1.120 is in group web's ipPool: only its endpoints take addresses there", hint: 'pass --group web, or an address outside the pool' },
    ]);
    expect(refused(checkRequest(model, ask({ group: 'api', ip: '10.10.1.10' })))).toEqual([{ code: 'ip-outside', message: '--ip 10.10.1.10 is outside group api\'s ipPool 10.10.1.150-10.10.1.199' }]);
    const inPool = checkRequest(model, ask({ group: 'api', ip: '10.10.1.199' }));
    expect(inPool.diagnostics).toEqual([]);
    expect(inPool.checked?.space.key).toBe('default/app-net/api');
    expect(inPool.checked?.request).toEqual({ tenant: 'default', network: 'app-net', netns: 'web-1', ifname: 'eth0', group: 'api', ip: '10.10.1.199' });
  });

  it("a group without a pool takes the network's addresses; a network without gateway has its first address free", async () => {
    const model = await loadModel('fixtures/compile/multi-tenant/manifests');
    const frontend = checkRequest(model, ask({ tenant: 'blue', network: 'web-net', group: 'frontend' }));
    expect(frontend.diagnostics).toEqual([]);
    expect(frontend.checked?.space.key).toBe('blue/web-net');
    expect(frontend.checked?.host.name).toBe('h1');
    expect(frontend.checked?.request).toEqual({ tenant: 'blue', network: 'web-net', netns: 'web-1', ifname: 'eth0', group: 'frontend' });
    const mgmt = checkRequest(model, ask({ tenant: 'red', network: 'mgmt-net', ip: '172.16.0.1' }));
    expect(mgmt.diagnostics).toEqual([]);
    expect(mgmt.checked?.request.ip).toBe('172.16.0.1');
  });

  it('names the rules of a namespace and an interface name in the refusal', async () => {
    const model = await loadModel('fixtures/compile/multi-tenant/manifests');
    expect(refused(checkRequest(model, ask({ netns: 'a b' })))).toEqual([
      { code: 'netns-invalid', message: `--netns "a b" is neither a namespace name (letters, digits, '.', '_', '-'; at most 63) nor an absolute path` },
    ]);
    expect(refused(checkRequest(model, ask({ ifname: 'x;y' })))).toEqual([{ code: 'ifname-invalid', message: `--ifname "x;y" is not an interface name (letters, digits, '.', '_', '-'; at most 15)` }]);
    expect(refused(checkRequest(model, ask({ ip: '10.10.1.1' })))).toEqual([{ code: 'ip-is-gateway', message: '--ip 10.10.1.1 is the gateway of app-net' }]);
  });
});
