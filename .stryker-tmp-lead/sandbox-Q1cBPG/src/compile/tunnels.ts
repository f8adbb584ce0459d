// @ts-nocheck
import { createHash } from 'node:crypto';
import type { Host } from '../model/types.js';
import { TUNNEL_PORTS } from './pipeline.js';

/**
 * The tunnel port to a peer: `vx-<peer>` while that fits Linux's 15 characters, else `vx-` and
 * a hash of the peer's name. (Contiv named them after the peer's IP without dots, which made
 * 10.1.11.2 and 10.11.1.2 the same port.)
 */
export function tunnelPortName(peer: string): string {
  const plain = `vx-${peer}`;
  if (plain.length <= 15) return plain;
  return `vx-${createHash('sha256').update(peer).digest('hex').slice(0, 12)}`;
}

/**
 * OpenFlow port numbers of the tunnels of one host: a tunnel keeps the number it has, new
 * tunnels get the lowest numbers no port on the bridge holds, so adding a host never renumbers
 * another's tunnel (which would rewrite every flow naming it). A number still held by a port
 * this plan deletes (a removed peer's tunnel) is not handed out in the same plan: the new port
 * would ask for it while the old one still holds it, and the old tunnel's flows and the new
 * one's would share their match; it is free again in the next plan.
 */
export function tunnelOfports(peers: readonly Host[], live: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const used = new Set<number>();
  const held = new Set(Object.values(live));
  for (const peer of peers) {
    const n = live[tunnelPortName(peer.name)];
    if (n !== undefined && n >= TUNNEL_PORTS.first && n <= TUNNEL_PORTS.last && !used.has(n)) {
      out[peer.name] = n;
      used.add(n);
    }
  }
  let next = TUNNEL_PORTS.first;
  for (const peer of peers) {
    if (out[peer.name] !== undefined) continue;
    while (used.has(next) || held.has(next)) next++;
    if (next > TUNNEL_PORTS.last) throw new Error(`more than ${TUNNEL_PORTS.last - TUNNEL_PORTS.first + 1} peers`);
    out[peer.name] = next;
    used.add(next);
  }
  return out;
}
