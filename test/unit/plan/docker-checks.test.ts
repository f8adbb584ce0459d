import { describe, expect, it } from 'vitest';
import type { CompiledHost } from '../../../src/compile/compile.js';
import type { Model } from '../../../src/model/types.js';
import { dockerHostsReady, dockerNetworksFreeToGo, dockerNetworksHaveGateways } from '../../../src/plan/docker-checks.js';
import type { DockerNetworkState, HostFacts, LiveHost } from '../../../src/state/host-state.js';
import { loadModel } from '../compile/case-support.js';

/* What a plan refuses on hosts that run Docker for contiv, naming the host and what to do. */

function live(host: string, facts: Partial<HostFacts> = {}, networks?: Record<string, DockerNetworkState>): LiveHost {
  return {
    state: { host, bridges: {}, ...(networks ? { docker: { networks } } : {}) },
    facts: { hostname: host, ovsVersion: '3.1.0', vswitchdRunning: true, links: [], missing: [], netns: [], ...facts },
    unmanaged: { bridges: [], ports: [], flowCounts: {}, flowKeys: {} },
  };
}

function withDocker(model: Model, hosts: string[]): Model {
  return { ...model, fabric: { ...model.fabric, hosts: model.fabric.hosts.map((h) => (hosts.includes(h.name) ? { ...h, runtimes: ['docker' as const] } : h)) } };
}

const net = (name: string, over: Partial<DockerNetworkState> = {}): DockerNetworkState => ({ name, tenant: 'default', network: 'contiv-net', subnet: '10.1.2.0/24', gateway: '10.1.2.1', ...over });
const desired = (networks: Record<string, DockerNetworkState>): Record<string, CompiledHost> => ({ h1: { state: { host: 'h1', bridges: {}, docker: { networks } }, owners: {} } });

describe('docker checks', () => {
  it('a docker host without docker, or whose dockerd does not answer, is refused by name; other hosts are not asked', async () => {
    const model = withDocker(await loadModel('examples/quickstart'), ['h1', 'h2']);
    const out = dockerHostsReady(model, {
      h1: live('h1', { docker: { state: 'absent' } }),
      h2: live('h2', { docker: { state: 'down', problem: 'Cannot connect to the Docker daemon' } }),
      h3: live('h3', { docker: { state: 'absent' } }),
    });
    expect(out.map((d) => [d.code, d.address, d.message])).toEqual([
      ['docker-missing', 'h1', 'h1: its Fabric entry lists runtimes: [docker], but it has no docker command'],
      ['docker-down', 'h2', 'h2: dockerd does not answer (Cannot connect to the Docker daemon)'],
    ]);
    expect(dockerHostsReady(model, { h1: live('h1', { docker: { state: 'up' } }), h2: live('h2', { docker: { state: 'up' } }) })).toEqual([]);
  });

  it('a network without gateway is refused at its manifest line once any host runs Docker', async () => {
    const base = await loadModel('examples/quickstart');
    const model = { ...base, networks: base.networks.map((n) => (n.tenant === 'blue' ? { ...n, gateway: undefined } : n)) } as Model;
    expect(dockerNetworksHaveGateways(model)).toEqual([]);
    const [d, ...rest] = dockerNetworksHaveGateways(withDocker(model, ['h2']));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'docker-network-without-gateway', hint: 'set spec.gateway' });
    expect(d!.message).toContain('network blue/contiv-net has no gateway, and h2 runs Docker');
    expect(d!.source?.file).toMatch(/\.yaml$/);
  });

  it('a Docker network with running containers is neither removed nor made again; an unchanged one, or one without containers, passes', () => {
    const have = { 'contiv-net': net('contiv-net'), 'db-group': net('db-group', { group: 'db-group' }), old: net('old') };
    const containers = { 'contiv-net': ['web (0123456789ab)'], 'db-group': ['db (ba9876543210)'], old: [] };
    const l = { h1: live('h1', { dockerContainers: containers }, have) };
    // contiv-net unchanged; db-group's subnet changes; old goes, but has no container.
    const out = dockerNetworksFreeToGo(desired({ 'contiv-net': net('contiv-net'), 'db-group': net('db-group', { group: 'db-group', subnet: '10.1.3.0/24' }) }), l);
    expect(out.map((d) => [d.code, d.address, d.message])).toEqual([['docker-network-in-use', 'h1', 'h1: Docker network db-group would be made again (it changed in the manifests), but containers use it: db (ba9876543210)']]);
    const gone = dockerNetworksFreeToGo(desired({}), l);
    expect(gone.map((d) => d.message)).toEqual([
      'h1: Docker network contiv-net would be removed, but containers use it: web (0123456789ab)',
      'h1: Docker network db-group would be removed, but containers use it: db (ba9876543210)',
    ]);
  });
});
