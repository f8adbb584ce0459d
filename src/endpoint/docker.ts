import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { shellQuote, ovsString } from '../apply/quote.js';
import { BRIDGE } from '../compile/pipeline.js';
import { readHostRecords } from '../host/gather.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from '../host/transport.js';
import { heldKey, parseHeld, HELD_BY_DOCKER } from '../ipam/records.js';
import { ipToInt } from '../manifest/ipv4.js';
import type { LiveHost } from '../state/host-state.js';
import { detachLocal, type DetachOutcome } from './local.js';
import { planLocalAttach, planLocalHold, type LocalHold } from './plan.js';
import { dockerAttachScript } from './script.js';
import { withHostLock, type HostSession } from './session.js';

/*
 * Docker's endpoints on the host-local endpoint path. Docker asks its IPAM driver for an
 * address before the endpoint exists (RequestAddress), then makes the endpoint (CreateEndpoint)
 * and gives it a namespace (Join): the address is held on the host in between, in the host's
 * own records under its lock (contiv.held.*, src/ipam/records.ts), so no other endpoint of any
 * runtime takes it. CreateEndpoint binds the hold to Docker's endpoint id; Join turns it into
 * the endpoint in one OVSDB transaction; Leave removes the endpoint; ReleaseAddress drops a hold
 * that never became one. Everything here reads and writes this host only.
 */

export interface DockerNetwork {
  tenant: string;
  network: string;
  group?: string;
}

export type HoldOutcome = { ok: true; hold: LocalHold } | { ok: false; diagnostic: Diagnostic };

function setRecord(key: string, value: string): string {
  return ['ovs-vsctl', '--timeout=30', 'set', 'bridge', BRIDGE, `external_ids:${ovsString(key)}=${ovsString(value)}`].map(shellQuote).join(' ');
}

function removeRecord(key: string): string {
  return ['ovs-vsctl', '--timeout=30', 'remove', 'bridge', BRIDGE, 'external_ids', ovsString(key)].map(shellQuote).join(' ');
}

async function run(session: HostSession, script: string, what: string): Promise<void> {
  const r = await session.run(script);
  if (r.code !== 0) throw new HostError(session.host.name, 'command', `${what} failed (exit ${r.code}): ${stderrSummary(r)}`);
}

/** The hold of `endpointId`, or of an address held for Docker and not yet bound. */
function holdOf(live: LiveHost, n: DockerNetwork, endpointId: string): { key: string; ip: string } | undefined {
  const ids = live.state.bridges[BRIDGE]?.externalIds ?? {};
  const h = parseHeld(ids).find((x) => x.tenant === n.tenant && x.network === n.network && x.holder === endpointId);
  return h ? { key: heldKey(h.tenant, h.network, h.address), ip: h.ip } : undefined;
}

/** RequestAddress: an address of this host's blocks held for Docker (the one asked for, or the lowest free one). */
export function holdAddress(transport: Transport, host: HostTarget, n: DockerNetwork, ip?: string): Promise<HoldOutcome> {
  return withHostLock(transport, host, async (session) => {
    const planned = planLocalHold(host.name, await session.read(), { ...n, ...(ip !== undefined ? { ip } : {}) });
    if (!planned.ok) return { ok: false, diagnostic: planned.diagnostic };
    await run(session, setRecord(heldKey(n.tenant, n.network, ipToInt(planned.hold.ip)), HELD_BY_DOCKER), 'holding an address');
    return planned;
  });
}

/**
 * ReleaseAddress: the hold of that address, if it is still one (an endpoint's address is freed
 * by its Leave, the gateway is never held). With nothing to release it never waits for the
 * host's lock: Docker releases a network's gateway during `docker network rm`, which `contiv
 * apply` runs while it holds that lock.
 */
export async function releaseHold(transport: Transport, host: HostTarget, n: Pick<DockerNetwork, 'tenant' | 'network'>, ip: string): Promise<void> {
  const key = heldKey(n.tenant, n.network, ipToInt(ip));
  const held = (live: LiveHost) => live.state.bridges[BRIDGE]?.externalIds[key] !== undefined;
  if (!held(await readHostRecords(transport, host))) return;
  await withHostLock(transport, host, async (session) => {
    if (held(await session.read())) await run(session, removeRecord(key), 'releasing an address');
  });
}

/** CreateEndpoint: the address Docker got from RequestAddress is now this endpoint's. */
export function bindHold(transport: Transport, host: HostTarget, n: DockerNetwork, ip: string, endpointId: string): Promise<{ ok: true } | { ok: false; diagnostic: Diagnostic }> {
  return withHostLock(transport, host, async (session) => {
    const live = await session.read();
    const key = heldKey(n.tenant, n.network, ipToInt(ip));
    const holder = live.state.bridges[BRIDGE]?.externalIds[key];
    if (holder === endpointId) return { ok: true };
    if (holder !== HELD_BY_DOCKER) {
      return { ok: false, diagnostic: error('address-not-held', `${ip} of ${n.tenant}/${n.network} is not held for Docker on ${host.name}${holder ? ` (held for ${holder.slice(0, 12)})` : ''}`, undefined, 'Docker asks contiv for the address first; if contiv-docker restarted in between, run the container again') };
    }
    await run(session, setRecord(key, endpointId), 'binding an address');
    return { ok: true };
  });
}

export type JoinOutcome = { ok: true; srcName: string; gateway?: string; mac: string } | { ok: false; diagnostic: Diagnostic };

/** The container side of the veth until Docker moves it into the container and renames it. */
export function dockerSrcName(endpointId: string): string {
  return `ct${endpointId.slice(0, 12)}`;
}

/** Join: the endpoint made, with the address held for it, in Docker's namespace. */
export function joinDocker(transport: Transport, host: HostTarget, n: DockerNetwork, endpointId: string, sandboxKey: string): Promise<JoinOutcome> {
  return withHostLock(transport, host, async (session) => {
    const live = await session.read();
    const hold = holdOf(live, n, endpointId);
    if (!hold) return { ok: false, diagnostic: error('address-not-held', `no address is held for Docker endpoint ${endpointId.slice(0, 12)} on ${host.name}`, undefined, 'run the container again') };
    // The held address is this endpoint's: free for its attach.
    delete live.state.bridges[BRIDGE]!.externalIds[hold.key];
    const planned = planLocalAttach(host.name, live, { ...n, netns: sandboxKey, container: endpointId, ip: hold.ip });
    if (!planned.ok) return { ok: false, diagnostic: planned.diagnostic };
    const srcName = dockerSrcName(endpointId);
    const r = await session.run(dockerAttachScript(planned.plan, srcName, hold.key));
    if (r.code !== 0) throw new HostError(host.name, 'command', `join failed (exit ${r.code}): ${stderrSummary(r)}`);
    return { ok: true, srcName, mac: planned.plan.endpoint.mac, ...(planned.plan.gateway ? { gateway: planned.plan.gateway } : {}) };
  });
}

/** Leave and DeleteEndpoint: the endpoint's flows, port and veth go (Docker never deletes the veth); a second call finds nothing. */
export async function leaveDocker(transport: Transport, host: HostTarget, endpointId: string): Promise<DetachOutcome> {
  return detachLocal(transport, host, { container: endpointId });
}
