import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import { planLocalAttach, planLocalHold, type LocalAttachRequest } from '../../../src/endpoint/plan.js';
import { blockKey, blockValue, heldKey, HELD_BY_DOCKER, isAddressRecord, isHeldRecord, parseHeld } from '../../../src/ipam/records.js';
import { takenAddresses } from '../../../src/ipam/host.js';
import { ipToInt } from '../../../src/manifest/ipv4.js';
import { endpointAddress } from '../../../src/state/endpoint.js';
import type { HostState, LiveHost } from '../../../src/state/host-state.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { compileAll, defaultFacts, gatherText, loadModel } from '../compile/case-support.js';

/*
 * Docker's endpoints on one host: an address held before the endpoint exists (RequestAddress),
 * taken by nothing else meanwhile, then the endpoint made with it, known by Docker's endpoint id.
 */

const ip = (text: string) => ipToInt(text);
const EP = '4a0936b29e26d8d0396f320676976a4b649efcb6c518ec2610d7170d13591bc2';
const EP2 = '69a4d9e3cb65b4dde2371462b7384e763ca02f8ad38c519c740c83de59c0607e';
const SANDBOX = '/run/docker/netns/0a1b2c3d4e5f';

async function host(records: Record<string, string>): Promise<HostState> {
  const { desired } = compileAll(await loadModel('examples/quickstart'), {});
  const state = structuredClone(desired['h1']!.state);
  Object.assign(state.bridges[BRIDGE]!.externalIds, { [blockKey('default/contiv-net', ip('10.1.2.16'))]: blockValue({ first: ip('10.1.2.16'), last: ip('10.1.2.19'), state: 'claimed' }) }, records);
  return state;
}

function live(state: HostState): LiveHost {
  return parseGatherOutput('h1', gatherText({ state, facts: { ...defaultFacts('h1', { address: '198.18.0.11', vtep: '198.19.0.11' }), netns: [] } }));
}

const ask = { tenant: 'default', network: 'contiv-net' };

describe('held addresses', () => {
  it('are address records of their tenant and network, read back with their holder; malformed ones are skipped', () => {
    const key = heldKey('blue', 'contiv-net', ip('10.1.2.17'));
    expect(key).toBe('contiv.held.blue.contiv-net.10-1-2-17');
    expect(isAddressRecord(key) && isHeldRecord(key)).toBe(true);
    expect(isHeldRecord('contiv.lent.blue.contiv-net.10-1-2-17')).toBe(false);
    expect(parseHeld({ [key]: EP, 'contiv.held.blue.contiv-net.10-1-2-999': 'docker', 'contiv.held.blue.10-1-2-5': 'docker', 'contiv.held.a.b.10-1-2-6.x': 'docker', [heldKey('a', 'b', ip('10.1.2.2'))]: '' })).toEqual([
      { tenant: 'blue', network: 'contiv-net', address: ip('10.1.2.17'), ip: '10.1.2.17', holder: EP },
    ]);
  });

  it('are taken, like endpoints’ and lent addresses, for their own tenant and network only', () => {
    const ids = { [heldKey('default', 'contiv-net', ip('10.1.2.16'))]: HELD_BY_DOCKER, [heldKey('blue', 'contiv-net', ip('10.1.2.17'))]: HELD_BY_DOCKER };
    expect([...takenAddresses(ids, [], 'default', 'contiv-net')]).toEqual([ip('10.1.2.16')]);
  });
});

describe('planLocalHold', () => {
  it('holds the lowest free address of the host’s blocks, skipping held ones, or the one asked for', async () => {
    expect(planLocalHold('h1', live(await host({})), ask)).toEqual({ ok: true, hold: { ip: '10.1.2.16', prefix: 24, gateway: '10.1.2.1' } });
    const held = await host({ [heldKey('default', 'contiv-net', ip('10.1.2.16'))]: HELD_BY_DOCKER });
    expect(planLocalHold('h1', live(held), ask)).toMatchObject({ ok: true, hold: { ip: '10.1.2.17' } });
    expect(planLocalHold('h1', live(held), { ...ask, ip: '10.1.2.18' })).toMatchObject({ ok: true, hold: { ip: '10.1.2.18' } });
  });

  it('refuses a held address, an address outside its blocks, a full host and a network not applied, each by code', async () => {
    const full = await host(Object.fromEntries(['10.1.2.16', '10.1.2.17', '10.1.2.18', '10.1.2.19'].map((a) => [heldKey('default', 'contiv-net', ip(a)), HELD_BY_DOCKER])));
    const code = (r: ReturnType<typeof planLocalHold>) => (r.ok ? 'ok' : r.diagnostic.code);
    expect(code(planLocalHold('h1', live(full), { ...ask, ip: '10.1.2.17' }))).toBe('ip-in-use');
    expect(code(planLocalHold('h1', live(await host({})), { ...ask, ip: '10.1.2.40' }))).toBe('ip-not-in-blocks');
    const none = planLocalHold('h1', live(full), ask);
    expect(none).toMatchObject({ ok: false, needsBlock: 'default/contiv-net', diagnostic: { code: 'no-free-address' } });
    expect(code(planLocalHold('h1', live(await host({})), { tenant: 'default', network: 'nope' }))).toBe('network-not-applied');
  });
});

describe('planLocalAttach of a Docker endpoint', () => {
  const docker = (extra: Partial<LocalAttachRequest> = {}): LocalAttachRequest => ({ ...ask, netns: SANDBOX, container: EP, ip: '10.1.2.16', ...extra });

  it('has no interface name of contiv’s: Docker’s endpoint id names it, its port and its flows’ owner', async () => {
    const r = planLocalAttach('h1', live(await host({})), docker());
    if (!r.ok) throw new Error(r.diagnostic.message);
    expect(r.plan.endpoint).not.toHaveProperty('ifname');
    expect(r.plan.endpoint).toMatchObject({ netns: SANDBOX, container: EP, ip: '10.1.2.16' });
    expect(endpointAddress(r.plan.endpoint)).toBe(`h1/endpoint/${SANDBOX}#${EP.slice(0, 12)}`);
    const other = planLocalAttach('h1', live(await host({})), docker({ container: EP2, ip: '10.1.2.17' }));
    if (!other.ok) throw new Error(other.diagnostic.message);
    // Two endpoints of one container (docker network connect): two ports.
    expect(other.plan.endpoint.port).not.toBe(r.plan.endpoint.port);
  });

  it('needs an interface name or a container id, and refuses the same Docker endpoint twice', async () => {
    const state = await host({});
    const first = planLocalAttach('h1', live(state), docker());
    if (!first.ok) throw new Error(first.diagnostic.message);
    const withIt = structuredClone(state);
    withIt.bridges[BRIDGE]!.ports[first.plan.port.name] = first.plan.port;
    const again = planLocalAttach('h1', live(withIt), docker({ ip: '10.1.2.17' }));
    expect(again).toMatchObject({ ok: false, diagnostic: { code: 'netns-attached', message: `endpoint ${EP} on h1 is already attached (default/contiv-net, 10.1.2.16)` } });
    const { container: _c, ...noId } = docker();
    expect(planLocalAttach('h1', live(state), noId)).toMatchObject({ ok: false, diagnostic: { code: 'ifname-invalid' } });
  });
});

describe('held addresses across a plan', () => {
  it('a plan keeps them as they are, and a block holding one is never released', async () => {
    const { diffHost } = await import('../../../src/plan/diff.js');
    const { unmetAssumptions } = await import('../../../src/plan/scope.js');
    const model = await loadModel('examples/quickstart');
    const key = heldKey('default', 'contiv-net', ip('10.1.2.17'));
    const { desired: first } = compileAll(model, {});
    const state = structuredClone(first['h1']!.state);
    const blockRecord = { [blockKey('default/contiv-net', ip('10.1.2.16'))]: blockValue({ first: ip('10.1.2.16'), last: ip('10.1.2.31'), state: 'claimed' }) };
    Object.assign(state.bridges[BRIDGE]!.externalIds, blockRecord, { [key]: EP });
    // Compiled against the host holding the address: the hold is in the desired state, so no change.
    const { desired } = compileAll(model, { h1: state });
    expect(desired['h1']!.state.bridges[BRIDGE]!.externalIds[key]).toBe(EP);
    expect(diffHost(desired['h1']!, state).filter((c) => c.type === 'address' && c.key === key)).toEqual([]);
    // A release of the block planned when it was empty is refused once an address in it is held.
    const release = { type: 'address' as const, action: 'delete' as const, host: 'h1', address: 'h1/block/default/contiv-net/10.1.2.16', bridge: BRIDGE, key: Object.keys(blockRecord)[0]!, before: Object.values(blockRecord)[0]!, reason: 'empty' };
    expect(unmetAssumptions(state, [release])).toEqual(['h1/block/default/contiv-net/10.1.2.16']);
    delete state.bridges[BRIDGE]!.externalIds[key];
    expect(unmetAssumptions(state, [release])).toEqual([]);
  });
});
