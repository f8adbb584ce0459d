import { describe, expect, it } from 'vitest';
import { DOCKER_PLUGIN_PATH, DOCKER_UNIT_PATH, dockerFiles, dockerNetworkName, dockerNetworks, dockerUnit } from '../../../src/compile/docker-runtime.js';
import type { Host, Model } from '../../../src/model/types.js';
import { allocate } from '../../../src/compile/allocate.js';
import { compileFabric } from '../../../src/compile/compile.js';
import { CNI_PLUGIN_PATH } from '../../../src/compile/cni-files.js';
import type { HostState } from '../../../src/state/host-state.js';
import { loadModel } from './case-support.js';

/* What a host with runtimes: [docker] gets: Contiv's Docker network names, one per network and per group, and the plugin's files. */

function withRuntimes(model: Model, runtimes: Host['runtimes']): Host {
  return { ...model.fabric.hosts[0]!, runtimes };
}

describe('docker runtime of a host', () => {
  it('names networks as Contiv did: the name in tenant default, NAME/TENANT elsewhere', () => {
    expect(dockerNetworkName('default', 'contiv-net')).toBe('contiv-net');
    expect(dockerNetworkName('blue', 'contiv-net')).toBe('contiv-net/blue');
    expect(dockerNetworkName('blue', 'db-group')).toBe('db-group/blue');
  });

  it('gives a docker host one network per network and per group, with subnet, gateway and the group; none without docker', async () => {
    const model = await loadModel('examples/quickstart');
    const nets = dockerNetworks(model, withRuntimes(model, ['docker']));
    expect(Object.keys(nets).sort()).toEqual(['contiv-net', 'contiv-net/blue', 'db-group', 'web-group']);
    expect(nets['contiv-net/blue']).toEqual({ name: 'contiv-net/blue', tenant: 'blue', network: 'contiv-net', subnet: '10.1.2.0/24', gateway: '10.1.2.1' });
    expect(nets['db-group']).toEqual({ name: 'db-group', tenant: 'default', network: 'contiv-net', group: 'db-group', subnet: '10.1.2.0/24', gateway: '10.1.2.1' });
    expect(dockerNetworks(model, withRuntimes(model, ['cni']))).toEqual({});
  });

  it('installs the plugin bundle and a systemd unit that runs it for this host; nothing without docker', async () => {
    const model = await loadModel('examples/quickstart');
    const files = dockerFiles(withRuntimes(model, ['cni', 'docker']), 'a'.repeat(64));
    expect(files[DOCKER_PLUGIN_PATH]).toEqual({ path: DOCKER_PLUGIN_PATH, sha256: 'a'.repeat(64), mode: '755', bundle: 'contiv-docker' });
    const unit = files[DOCKER_UNIT_PATH]!;
    expect(unit.mode).toBe('644');
    expect(unit.content).toBe(dockerUnit(model.fabric.hosts[0]!.name));
    expect(unit.content).toContain(`ExecStart=${DOCKER_PLUGIN_PATH} --host ${model.fabric.hosts[0]!.name}\n`);
    expect(unit.content).toContain('Restart=always\n');
    expect(unit.content!.split('\n')[0]).toContain('contiv-docker: installed by contiv apply');
    expect(dockerFiles(withRuntimes(model, ['cni']), 'a'.repeat(64))).toEqual({});
  });

  it('compiles a docker host to its networks and the plugin running this build; a host that left docker to none of them', async () => {
    const base = await loadModel('examples/quickstart');
    const model: Model = { ...base, fabric: { ...base.fabric, hosts: base.fabric.hosts.map((h, i) => ({ ...h, runtimes: i === 0 ? ['cni', 'docker'] : [] })) } };
    const [h1, h2, h3] = model.fabric.hosts.map((h) => h.name) as [string, string, string];
    const sha = { cni: 'c'.repeat(64), docker: 'd'.repeat(64) };
    // h2 ran Docker for contiv before; h3 never did.
    const live: Record<string, HostState> = {
      [h2]: { host: h2, bridges: {}, files: {}, docker: { networks: dockerNetworks(model, { ...model.fabric.hosts[1]!, runtimes: ['docker'] }), plugin: { build: 'e'.repeat(64) } } },
      [h3]: { host: h3, bridges: {}, files: {} },
    };
    const { allocations } = allocate(model, Object.values(live));
    const out = compileFabric({ model, allocations, live, cni: { pluginSha256: sha.cni }, docker: { pluginSha256: sha.docker } });
    expect(out[h1]!.state.docker).toEqual({ networks: dockerNetworks(model, model.fabric.hosts[0]!), plugin: { build: sha.docker } });
    expect(Object.keys(out[h1]!.state.files!).sort()).toEqual(expect.arrayContaining([CNI_PLUGIN_PATH, DOCKER_PLUGIN_PATH, DOCKER_UNIT_PATH]));
    expect(out[h2]!.state.docker).toEqual({ networks: {} });
    expect(out[h2]!.state.files).toEqual({});
    expect(out[h3]!.state.docker).toBeUndefined();
    // Without the docker bundle, a host's Docker side and its plugin files stay as they are.
    const liveWithFiles: Record<string, HostState> = { [h1]: { host: h1, bridges: {}, files: { [DOCKER_PLUGIN_PATH]: { path: DOCKER_PLUGIN_PATH, sha256: 'e'.repeat(64), mode: '755' } }, docker: { networks: {}, plugin: { build: 'e'.repeat(64) } } } };
    const kept = compileFabric({ model, allocations, live: liveWithFiles, cni: { pluginSha256: sha.cni } })[h1]!.state;
    expect(kept.docker).toEqual({ networks: {}, plugin: { build: 'e'.repeat(64) } });
    expect(kept.files![DOCKER_PLUGIN_PATH]).toEqual({ path: DOCKER_PLUGIN_PATH, sha256: 'e'.repeat(64), mode: '755' });
    expect(kept.files![CNI_PLUGIN_PATH]?.sha256).toBe(sha.cni);
  });
});
