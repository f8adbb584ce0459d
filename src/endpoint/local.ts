import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { shellQuote } from '../apply/quote.js';
import { HostError, stderrSummary, type HostTarget, type Transport } from '../host/transport.js';
import type { Endpoint } from '../state/endpoint.js';
import { normalizeNetns } from './names.js';
import { planLocalAttach, planLocalDetach, type DetachWhich, type LocalAttachRequest } from './plan.js';
import { attachScript, detachScript, EXIT_NO_NETNS } from './script.js';
import { withHostLock, type HostLock, type HostSession } from './session.js';

/*
 * The host-local endpoint path: given a connection to ONE host (SSH for `contiv attach`, a
 * local shell for the runtime plugins), attach or detach an endpoint there, under the host's
 * lock, from that host's records alone. Nothing here reaches another machine; when the host
 * has no free address left the result says so (`needsBlock`), and claiming a block is the
 * caller's (src/endpoint/claim.ts, which needs every host).
 */

export interface AttachedEndpoint {
  endpoint: Endpoint;
  /** `10.1.2.5/24` */
  address: string;
  prefix: number;
  gateway?: string;
  mtu: number;
}

export type AttachOutcome = { ok: true; attached: AttachedEndpoint } | { ok: false; diagnostic: Diagnostic; needsBlock?: string };

function missing(host: string, netns: string): AttachOutcome {
  return { ok: false, diagnostic: error('netns-missing', `no network namespace ${netns} on ${host}`) };
}

/** Attach inside a session the caller already holds (to compose with a claim under the same lock). */
export async function attachInSession(session: HostSession, req: LocalAttachRequest): Promise<AttachOutcome> {
  const live = await session.read();
  const planned = planLocalAttach(session.host.name, live, req);
  if (!planned.ok) {
    // Before anyone claims a block for it: a namespace path that is not there is the user's mistake.
    const path = normalizeNetns(req.netns);
    if (planned.needsBlock !== undefined && path?.startsWith('/') && (await session.run(`[ -e ${shellQuote(path)} ]`)).code !== 0) return missing(session.host.name, path);
    return planned;
  }
  const p = planned.plan;
  const r = await session.run(attachScript(p));
  if (r.code === EXIT_NO_NETNS) return missing(session.host.name, req.netns);
  if (r.code !== 0) throw new HostError(session.host.name, 'command', `attach failed (exit ${r.code}): ${stderrSummary(r)}`);
  return { ok: true, attached: { endpoint: p.endpoint, address: `${p.endpoint.ip}/${p.prefix}`, prefix: p.prefix, mtu: p.mtu, ...(p.gateway ? { gateway: p.gateway } : {}) } };
}

/** `lock`: who holds the host's lock meanwhile, as recorded for others (`contiv attach`), and how long to wait for it. */
export function attachLocal(transport: Transport, host: HostTarget, req: LocalAttachRequest, lock: HostLock = {}): Promise<AttachOutcome> {
  return withHostLock(transport, host, (session) => attachInSession(session, req), lock);
}

export type DetachOutcome = { ok: true; endpoint: Endpoint } | { ok: false; diagnostic: Diagnostic };

export function detachLocal(transport: Transport, host: HostTarget, which: DetachWhich, lock: HostLock = {}): Promise<DetachOutcome> {
  return withHostLock(
    transport,
    host,
    async (session) => {
      const planned = planLocalDetach(host.name, await session.read(), which);
      if (!planned.ok) return planned;
      const r = await session.run(detachScript(planned.plan.endpoint, planned.plan.changes));
      if (r.code !== 0) throw new HostError(host.name, 'command', `detach failed (exit ${r.code}): ${stderrSummary(r)}`);
      return { ok: true, endpoint: planned.plan.endpoint };
    },
    lock,
  );
}
