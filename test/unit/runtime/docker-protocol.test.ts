import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCall, parsePoolId, poolId, refusalBody, type Call } from '../../../src/runtime/docker/protocol.js';
import { DriverRefusal, serve } from '../../../src/runtime/docker/server.js';

/* Docker's remote plugin protocol as contiv reads it: what each POST asks, and every bad request named. */

const NET = 'a'.repeat(64);
const EP = 'b'.repeat(64);
const generic = { 'com.docker.network.generic': { 'contiv.tenant': 'blue', 'contiv.network': 'contiv-net' } };

function call(path: string, body: object | string = ''): Call {
  const parsed = parseCall(path, typeof body === 'string' ? body : JSON.stringify(body));
  if ('bad' in parsed) throw new Error(`refused: ${parsed.bad.message}`);
  return parsed.call;
}

function bad(path: string, body: object | string): { status: number; api: string; message: string } {
  const parsed = parseCall(path, typeof body === 'string' ? body : JSON.stringify(body));
  if ('call' in parsed) throw new Error(`accepted: ${JSON.stringify(parsed.call)}`);
  return parsed.bad;
}

describe('parseCall', () => {
  it('reads the network driver calls Docker makes for docker network create and docker run', () => {
    expect(call('/Plugin.Activate')).toEqual({ api: 'Plugin', op: 'Activate' });
    expect(call('/NetworkDriver.CreateNetwork', { NetworkID: NET, Options: { 'com.docker.network.enable_ipv6': false, ...generic }, IPv4Data: [{ AddressSpace: 'contiv', Gateway: '10.1.2.1/24', Pool: '10.1.2.0/24' }], IPv6Data: [] })).toEqual({
      api: 'NetworkDriver',
      op: 'CreateNetwork',
      networkId: NET,
      options: { tenant: 'blue', network: 'contiv-net' },
      pool: '10.1.2.0/24',
      gateway: '10.1.2.1/24',
    });
    expect(call('/NetworkDriver.CreateEndpoint', { NetworkID: NET, EndpointID: EP, Interface: { Address: '10.1.2.7/24', AddressIPv6: '', MacAddress: '' }, Options: {} })).toEqual({
      api: 'NetworkDriver',
      op: 'CreateEndpoint',
      networkId: NET,
      endpointId: EP,
      address: '10.1.2.7/24',
    });
    expect(call('/NetworkDriver.Join', { NetworkID: NET, EndpointID: EP, SandboxKey: '/var/run/docker/netns/0a1b2c3d4e5f', Options: {} })).toEqual({
      api: 'NetworkDriver',
      op: 'Join',
      networkId: NET,
      endpointId: EP,
      sandboxKey: '/var/run/docker/netns/0a1b2c3d4e5f',
    });
    for (const op of ['Leave', 'DeleteEndpoint', 'EndpointOperInfo'] as const) expect(call(`/NetworkDriver.${op}`, { NetworkID: NET, EndpointID: EP })).toEqual({ api: 'NetworkDriver', op, networkId: NET, endpointId: EP });
    expect(call('/NetworkDriver.DeleteNetwork', { NetworkID: NET })).toEqual({ api: 'NetworkDriver', op: 'DeleteNetwork', networkId: NET });
  });

  it('reads the IPAM calls, telling the gateway request from a container address', () => {
    expect(call('/IpamDriver.RequestPool', { AddressSpace: 'contiv', Pool: '10.1.2.0/24', SubPool: '', Options: { 'contiv.tenant': 'default', 'contiv.network': 'contiv-net', 'contiv.group': 'db-group' }, V6: false })).toEqual({
      api: 'IpamDriver',
      op: 'RequestPool',
      pool: '10.1.2.0/24',
      options: { tenant: 'default', network: 'contiv-net', group: 'db-group' },
      v6: false,
    });
    expect(call('/IpamDriver.RequestAddress', { PoolID: 'contiv/default/contiv-net', Address: '10.1.2.1', Options: { RequestAddressType: 'com.docker.network.gateway' } })).toEqual({
      api: 'IpamDriver',
      op: 'RequestAddress',
      poolId: 'contiv/default/contiv-net',
      address: '10.1.2.1',
      gateway: true,
    });
    expect(call('/IpamDriver.RequestAddress', { PoolID: 'contiv/default/contiv-net', Address: '', Options: {} })).toEqual({ api: 'IpamDriver', op: 'RequestAddress', poolId: 'contiv/default/contiv-net', gateway: false });
    expect(call('/IpamDriver.ReleaseAddress', { PoolID: 'p', Address: '10.1.2.7' })).toEqual({ api: 'IpamDriver', op: 'ReleaseAddress', poolId: 'p', address: '10.1.2.7' });
    expect(call('/IpamDriver.GetDefaultAddressSpaces')).toEqual({ api: 'IpamDriver', op: 'GetDefaultAddressSpaces' });
  });

  it('refuses what it cannot read with 400 and the API’s error key, and unknown methods with 404', () => {
    expect(bad('/NetworkDriver.CreateNetwork', '{not json')).toEqual({ status: 400, api: 'NetworkDriver', message: 'NetworkDriver.CreateNetwork: the request body is not JSON' });
    expect(bad('/NetworkDriver.Join', [])).toMatchObject({ status: 400, message: 'NetworkDriver.Join: the request body is not a JSON object' });
    expect(bad('/NetworkDriver.CreateNetwork', { NetworkID: 'short', Options: generic }).message).toBe('CreateNetwork: NetworkID is not a Docker id');
    // A network made with docker network create -d contiv, without contiv apply: no tenant and network.
    expect(bad('/NetworkDriver.CreateNetwork', { NetworkID: NET, Options: { 'com.docker.network.generic': {} } }).message).toContain('contiv networks are made by contiv apply');
    expect(bad('/NetworkDriver.CreateNetwork', { NetworkID: NET, Options: { 'com.docker.network.generic': { 'contiv.tenant': 'Blue;rm', 'contiv.network': 'n' } } }).message).toBe('CreateNetwork: "Blue;rm" is not a contiv name');
    expect(bad('/NetworkDriver.Join', { NetworkID: NET, EndpointID: EP, SandboxKey: '/var/run/docker/netns/../../etc' }).message).toBe('Join: SandboxKey is not a namespace path');
    expect(bad('/NetworkDriver.Join', { NetworkID: NET, EndpointID: EP, SandboxKey: 'relative' }).message).toBe('Join: SandboxKey is not a namespace path');
    expect(bad('/NetworkDriver.Leave', { NetworkID: NET, EndpointID: 'x' }).message).toBe('Leave: NetworkID or EndpointID is not a Docker id');
    expect(bad('/IpamDriver.RequestPool', { AddressSpace: 'contiv', Pool: '', Options: {} })).toMatchObject({ status: 400, api: 'IpamDriver' });
    expect(bad('/IpamDriver.RequestPool', { AddressSpace: 'contiv', Pool: 'fd00::/64', V6: true, Options: {} }).message).toBe('RequestPool: contiv networks are IPv4');
    expect(bad('/IpamDriver.RequestAddress', { Address: '10.1.2.7' }).message).toBe('RequestAddress: no PoolID');
    expect(bad('/NetworkDriver.AllocateNetwork', {})).toEqual({ status: 404, api: 'NetworkDriver', message: 'NetworkDriver.AllocateNetwork is not implemented by contiv' });
  });

  it('gives one network (and group) the same pool id every time, and reads back only ids it handed out', () => {
    expect(poolId({ tenant: 'blue', network: 'contiv-net' })).toBe('contiv/blue/contiv-net');
    expect(poolId({ tenant: 'default', network: 'contiv-net', group: 'db-group' })).toBe('contiv/default/contiv-net/db-group');
    for (const o of [{ tenant: 'blue', network: 'contiv-net' }, { tenant: 'default', network: 'n', group: 'g' }]) expect(parsePoolId(poolId(o))).toEqual(o);
    for (const id of ['contiv/blue', 'other/blue/n', 'contiv/a/b/c/d', 'contiv/Blue/n', 'contiv//n']) expect(parsePoolId(id), id).toBeUndefined();
  });

  it('words a refusal as Err for the network driver and Error for IPAM', () => {
    expect(refusalBody('NetworkDriver', 'no')).toEqual({ Err: 'no' });
    expect(refusalBody('IpamDriver', 'no')).toEqual({ Error: 'no' });
  });
});

function post(socketPath: string, path: string, body: string, method = 'POST'): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve', () => {
  it('answers on a unix socket only its owner may use: the driver’s answer, its refusal as Err/Error, a failure marked contiv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contiv-docker-'));
    const socket = join(dir, 'plugins', 'contiv.sock');
    const seen: Call[] = [];
    const server = await serve(socket, async (c) => {
      seen.push(c);
      if (c.op === 'Join') throw new DriverRefusal('no free address on h1');
      if (c.op === 'RequestAddress') throw new Error('ovs-vsctl failed');
      return c.op === 'Activate' ? { Implements: ['NetworkDriver'] } : {};
    });
    try {
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(await post(socket, '/Plugin.Activate', '')).toEqual({ status: 200, body: { Implements: ['NetworkDriver'] } });
      expect(await post(socket, '/NetworkDriver.Join', JSON.stringify({ NetworkID: NET, EndpointID: EP, SandboxKey: '/var/run/docker/netns/1' }))).toEqual({ status: 200, body: { Err: 'no free address on h1' } });
      expect(await post(socket, '/IpamDriver.RequestAddress', JSON.stringify({ PoolID: 'p' }))).toEqual({ status: 200, body: { Error: 'contiv: ovs-vsctl failed' } });
      // Any status but 200: Docker reads Err for both APIs (FINDINGS 8).
      expect(await post(socket, '/IpamDriver.RequestPool', '[')).toEqual({ status: 400, body: { Err: 'IpamDriver.RequestPool: the request body is not JSON' } });
      expect((await post(socket, '/NetworkDriver.Nope', '{}')).status).toBe(404);
      expect((await post(socket, '/Plugin.Activate', '', 'GET')).status).toBe(405);
      // Bad requests never reach the driver.
      expect(seen.map((c) => c.op)).toEqual(['Activate', 'Join', 'RequestAddress']);
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over the socket a killed plugin left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contiv-docker-'));
    const socket = join(dir, 'contiv.sock');
    // A plugin killed with SIGKILL leaves its socket file, with nobody listening.
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(socket)).toBe(true);
    const server = await serve(socket, async () => ({ from: 'restarted' }));
    try {
      expect((await post(socket, '/Plugin.Activate', '')).body).toEqual({ from: 'restarted' });
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
