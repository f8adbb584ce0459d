import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { ENCAP_OVERHEAD } from '../compile/pipeline.js';
import type { CompiledHost } from '../compile/compile.js';
import type { Model } from '../model/types.js';
import { endpointsOf } from '../state/endpoint.js';
import type { LiveHost } from '../state/host-state.js';
import { KIND_KEY } from '../state/marks.js';

/*
 * Checks across the fleet, before any change: each returns diagnostics naming hosts (and
 * endpoints); one error stops the plan, so nothing is applied half-way on a wrong premise.
 */

function hostError(host: string, code: string, message: string, hint?: string): Diagnostic {
  return { ...error(code, message, undefined, hint), address: host };
}

/** Removing a network while endpoints use it would cut them off silently: refused, naming them. */
export function endpointsKeepTheirNetwork(model: Model, live: Record<string, LiveHost>): Diagnostic[] {
  const networks = new Set(model.networks.map((n) => `${n.tenant}/${n.name}`));
  const orphans = new Map<string, string[]>();
  for (const l of Object.values(live)) {
    for (const e of endpointsOf(l.state)) {
      const key = `${e.tenant}/${e.network}`;
      if (networks.has(key)) continue;
      orphans.set(key, [...(orphans.get(key) ?? []), `${e.netns} on ${e.host} (${e.ip})`]);
    }
  }
  return [...orphans.entries()].map(([key, list]) =>
    error('network-in-use', `network ${key} is not in the manifests but endpoints still use it: ${list.join(', ')}`, undefined, `detach them first (contiv detach --host H --netns NS), or keep the network`),
  );
}

/**
 * On a userspace (netdev) host the VXLAN source address must sit on an OVS bridge (LAB-NOTES)
 * and must not be the SSH address (a dead ovs-vswitchd would cut contiv off); the underlay
 * must carry an endpoint's full frame plus VXLAN and the group tag.
 */
export function underlayReady(model: Model, live: Record<string, LiveHost>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const host of model.fabric.hosts) {
    const l = live[host.name];
    if (!l) continue;
    const link = l.facts.links.find((k) => k.addresses.some((a) => a.split('/')[0] === host.vtep));
    if (!link) {
      out.push(hostError(host.name, 'vtep-missing', `${host.name}: no interface holds its vtep ${host.vtep}`, 'configure the underlay address on the host first'));
      continue;
    }
    if (host.datapath === 'netdev') {
      const ovsBridges = new Set([...l.unmanaged.bridges, ...Object.keys(l.state.bridges)]);
      if (!ovsBridges.has(link.name)) {
        out.push(hostError(host.name, 'vtep-not-on-ovs', `${host.name}: vtep ${host.vtep} is on ${link.name}, not on an OVS bridge; userspace VXLAN needs its source address on an OVS bridge's internal port`));
      }
      if (host.vtep === host.address) {
        out.push(hostError(host.name, 'vtep-is-ssh-address', `${host.name}: vtep ${host.vtep} is also the SSH address; with the userspace datapath a restarting ovs-vswitchd would cut SSH off`, 'give SSH its own management interface'));
      }
    }
    const needed = model.fabric.mtu + ENCAP_OVERHEAD;
    if (link.mtu < needed) {
      out.push(hostError(host.name, 'underlay-mtu', `${host.name}: underlay ${link.name} has MTU ${link.mtu}; endpoints with MTU ${model.fabric.mtu} need ${needed} (VXLAN and the group tag add ${ENCAP_OVERHEAD} bytes)`, `raise the underlay MTU, or set the Fabric's mtu to ${link.mtu - ENCAP_OVERHEAD}`));
    }
  }
  return out;
}

/** Every host has a tunnel to every other host (the mesh is what carries every network). */
export function fullTunnelMesh(model: Model, desired: Record<string, CompiledHost>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const host of model.fabric.hosts) {
    const ports = Object.values(desired[host.name]?.state.bridges ?? {}).flatMap((b) => Object.values(b.ports));
    const peers = new Set(ports.filter((p) => p.externalIds[KIND_KEY] === 'tunnel').map((p) => p.externalIds['contiv.peer']));
    const missing = model.fabric.hosts.filter((h) => h.name !== host.name && !peers.has(h.name)).map((h) => h.name);
    if (missing.length) out.push(hostError(host.name, 'tunnel-mesh-incomplete', `${host.name}: no tunnel to ${missing.join(', ')}`));
  }
  return out;
}
