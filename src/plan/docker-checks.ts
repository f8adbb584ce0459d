import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { CompiledHost } from '../compile/compile.js';
import type { Model } from '../model/types.js';
import type { LiveHost } from '../state/host-state.js';
import { sameDockerNetwork } from './diff.js';

/*
 * Checks of hosts that run Docker for contiv (`runtimes: [docker]`), before any change: a
 * dockerd that answers, a gateway on every network (Docker gives a network without one a second
 * interface through docker_gwbridge), and no Docker network taken away from running containers.
 */

function hostError(host: string, code: string, message: string, hint?: string): Diagnostic {
  return { ...error(code, message, undefined, hint), address: host };
}

/** Every host with the docker runtime has a dockerd that answers. */
export function dockerHostsReady(model: Model, live: Record<string, LiveHost>): Diagnostic[] {
  return model.fabric.hosts.flatMap((h) => {
    const docker = live[h.name]?.facts.docker;
    if (!h.runtimes.includes('docker') || !live[h.name] || docker === undefined || docker.state === 'up') return [];
    return docker.state === 'absent'
      ? [hostError(h.name, 'docker-missing', `${h.name}: its Fabric entry lists runtimes: [docker], but it has no docker command`, 'install Docker (dockerd and its client) there, or take docker out of its runtimes')]
      : [hostError(h.name, 'docker-down', `${h.name}: dockerd does not answer (${docker.problem})`, 'start dockerd there; contiv makes its networks through it')];
  });
}

/** With Docker on any host, every network has a gateway: Join must give Docker one. */
export function dockerNetworksHaveGateways(model: Model): Diagnostic[] {
  const dockerHosts = model.fabric.hosts.filter((h) => h.runtimes.includes('docker')).map((h) => h.name);
  if (dockerHosts.length === 0) return [];
  return model.networks
    .filter((n) => !n.gateway)
    .map((n) =>
      error(
        'docker-network-without-gateway',
        `network ${n.tenant}/${n.name} has no gateway, and ${dockerHosts.join(', ')} run${dockerHosts.length === 1 ? 's' : ''} Docker: Docker gives a network without a gateway's containers a second interface (docker_gwbridge)`,
        n.source,
        'set spec.gateway',
      ),
    );
}

/** A Docker network to remove or to make again (its subnet, gateway or group changed) has no running container. */
export function dockerNetworksFreeToGo(desired: Record<string, CompiledHost>, live: Record<string, LiveHost>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [host, l] of Object.entries(live)) {
    const have = l.state.docker?.networks ?? {};
    const want = desired[host]?.state.docker?.networks ?? {};
    for (const [name, n] of Object.entries(have)) {
      const wanted = want[name];
      if (wanted && sameDockerNetwork(wanted, n)) continue;
      const containers = l.facts.dockerContainers?.[name] ?? [];
      if (containers.length === 0) continue;
      const what = wanted ? 'would be made again (it changed in the manifests)' : 'would be removed';
      out.push(hostError(host, 'docker-network-in-use', `${host}: Docker network ${name} ${what}, but containers use it: ${containers.join(', ')}`, 'stop those containers (or docker network disconnect them) first'));
    }
  }
  return out;
}
