import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCall } from '../../../src/runtime/docker/protocol.js';
import { parseDockerSections } from '../../../src/state/parse/docker.js';

/*
 * Requests and outputs captured from a real dockerd 20.10 on this machine
 * (scripts/research/docker-plugin/FINDINGS.md): every request Docker sent reads as the call it
 * is, and `docker network inspect` reads back as the network contiv made.
 */

const DIR = 'fixtures/docker/requests';
const read = (file: string): string => readFileSync(`${DIR}/${file}`, 'utf8');

describe('requests captured from dockerd', () => {
  it('reads every request of a contiv network as its call; the ones without contiv options are refused', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) {
      const path = `/${file.replace(/(-[a-z-]+)?\.json$/, '')}`;
      const parsed = parseCall(path, read(file));
      if (file.includes('no-options')) {
        expect('bad' in parsed && parsed.bad.message, file).toContain('contiv networks are made by contiv apply');
      } else {
        expect('call' in parsed, `${file}: ${JSON.stringify(parsed)}`).toBe(true);
      }
    }
  });

  it('gets what the driver needs from each: ids, the sandbox, the address asked for, the gateway request', () => {
    const call = (file: string) => {
      const parsed = parseCall(`/${file.replace(/(-[a-z-]+)?\.json$/, '')}`, read(file));
      if (!('call' in parsed)) throw new Error(parsed.bad.message);
      return parsed.call;
    };
    expect(call('NetworkDriver.CreateNetwork.json')).toEqual({
      api: 'NetworkDriver',
      op: 'CreateNetwork',
      networkId: 'cab66fe7058afb1e6c98f62e8c5da732ff6dcfa4fd84976e0699e0cbd58580b4',
      options: { tenant: 'blue', network: 'contiv-net' },
      pool: '10.1.2.0/24',
      gateway: '10.1.2.1/24',
    });
    expect(call('NetworkDriver.CreateNetwork-group.json')).toMatchObject({ options: { group: expect.stringMatching(/./) } });
    expect(call('IpamDriver.RequestPool.json')).toMatchObject({ op: 'RequestPool', pool: '10.1.2.0/24', options: { tenant: 'blue', network: 'contiv-net' } });
    expect(call('IpamDriver.RequestAddress.json')).toEqual({ api: 'IpamDriver', op: 'RequestAddress', poolId: 'contiv/blue/contiv-net', gateway: false });
    expect(call('IpamDriver.RequestAddress-gateway.json')).toMatchObject({ gateway: true });
    expect(call('IpamDriver.RequestAddress-ip.json')).toMatchObject({ gateway: false, address: expect.stringMatching(/^10\.1\.2\.\d+$/) });
    expect(call('NetworkDriver.CreateEndpoint.json')).toMatchObject({ op: 'CreateEndpoint', address: expect.stringMatching(/^10\.1\.2\.\d+\/24$/) });
    expect(call('NetworkDriver.CreateEndpoint.json')).not.toHaveProperty('mac');
    expect(call('NetworkDriver.CreateEndpoint-mac-ports.json')).toMatchObject({ mac: '02:aa:bb:cc:dd:ee' });
    expect(call('NetworkDriver.Join.json')).toMatchObject({ op: 'Join', sandboxKey: expect.stringMatching(/^\/(var\/)?run\/docker\/netns\/[0-9a-f]{12}$/) });
  });
});

describe('docker network inspect captured from dockerd', () => {
  it('reads back the network, its subnet and gateway, and the containers on it', () => {
    const body = readFileSync('fixtures/docker/inspect/network-inspect.json', 'utf8');
    const parsed = parseDockerSections({ name: 'docker', arg: '', body, status: 0 }, { name: 'docker-plugin', arg: '', body: `${'e'.repeat(64)}\n` });
    expect(parsed).toEqual({
      daemon: { state: 'up' },
      containers: { 'contiv-net/blue': ['c1 (9cce4f23d527)'] },
      docker: {
        networks: { 'contiv-net/blue': { name: 'contiv-net/blue', tenant: 'blue', network: 'contiv-net', subnet: '10.1.2.0/24', gateway: '10.1.2.1' } },
        plugin: { build: 'e'.repeat(64) },
      },
    });
  });

  it('tells a host without docker from one whose dockerd does not answer, and neither from one without contiv networks', () => {
    expect(parseDockerSections({ name: 'docker', arg: '', body: '' }, { name: 'docker-plugin', arg: '', body: '' })).toEqual({ daemon: { state: 'absent' }, containers: {} });
    const down = parseDockerSections({ name: 'docker', arg: '', body: 'Cannot connect to the Docker daemon at unix:///run/docker.sock. Is the docker daemon running?\n', status: 1 }, undefined);
    expect(down).toEqual({ daemon: { state: 'down', problem: 'Cannot connect to the Docker daemon at unix:///run/docker.sock. Is the docker daemon running?' }, containers: {} });
    expect(parseDockerSections({ name: 'docker', arg: '', body: '[]', status: 0 }, { name: 'docker-plugin', arg: '', body: '' })).toEqual({ daemon: { state: 'up' }, containers: {} });
    // The plugin runs although Docker has no network of contiv's yet.
    expect(parseDockerSections({ name: 'docker', arg: '', body: '[]', status: 0 }, { name: 'docker-plugin', arg: '', body: 'f'.repeat(64) })).toEqual({ daemon: { state: 'up' }, containers: {}, docker: { networks: {}, plugin: { build: 'f'.repeat(64) } } });
  });

  it('skips networks of other drivers and networks without contiv options', () => {
    const body = JSON.stringify([
      { Name: 'bridge', Driver: 'bridge', IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] }, Options: {} },
      { Name: 'hand-made', Driver: 'contiv', IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] }, Options: {} },
      { Name: 'db-group', Driver: 'contiv', IPAM: { Config: [{ Subnet: '10.1.2.0/24', Gateway: '10.1.2.1/24' }] }, Options: { 'contiv.tenant': 'default', 'contiv.network': 'contiv-net', 'contiv.group': 'db-group' }, Containers: null },
    ]);
    const parsed = parseDockerSections({ name: 'docker', arg: '', body, status: 0 }, undefined);
    expect(parsed.docker?.networks).toEqual({ 'db-group': { name: 'db-group', tenant: 'default', network: 'contiv-net', group: 'db-group', subnet: '10.1.2.0/24', gateway: '10.1.2.1' } });
    expect(parsed.containers).toEqual({ 'db-group': [] });
  });
});
