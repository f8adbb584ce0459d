import { describe, expect, it } from 'vitest';
import { DOCKER_PLUGIN_PATH, DOCKER_UNIT_PATH, dockerFiles, dockerNetworkName, dockerNetworks, dockerUnit } from '../../../src/compile/docker-runtime.js';
import type { Host, Model } from '../../../src/model/types.js';
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
});
