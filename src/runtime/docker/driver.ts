import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readModelRecords } from '../../compile/model-records.js';
import { BRIDGE } from '../../compile/pipeline.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { bindHold, holdAddress, joinDocker, leaveDocker, releaseHold } from '../../endpoint/docker.js';
import { endpointMac } from '../../endpoint/names.js';
import { readHostRecords } from '../../host/gather.js';
import { localHost } from '../../host/local-transport.js';
import type { Transport } from '../../host/transport.js';
import { isIpv4 } from '../../manifest/ipv4.js';
import { ACTIVATE, ADDRESS_SPACES, IPAM_CAPABILITIES, NETWORK_CAPABILITIES, parsePoolId, poolId, type Call, type ContivNetOptions } from './protocol.js';
import { DriverRefusal, type Driver } from './server.js';

/*
 * contiv-docker's answers, through the host-local endpoint path (src/endpoint/docker.ts): this
 * host, its own records, its own lock. Docker does not replay CreateNetwork after it or the
 * plugin restarts, and its endpoint calls name only the network's id: what each Docker network
 * is (tenant, network, group) is kept on the host, one small file per network id under
 * NETWORKS_DIR. Nothing is kept in memory, so the plugin can restart at any time.
 *
 * Network-level calls (RequestPool, the gateway's RequestAddress, CreateNetwork, DeleteNetwork)
 * read the records without the host's lock: `contiv apply` holds it while it runs
 * `docker network create`, which waits for them.
 */

export const NETWORKS_DIR = '/var/lib/contiv/docker/networks';

export interface DriverContext {
  /** The host's name in the Fabric. */
  host: string;
  transport: Transport;
  networksDir: string;
  log: (line: string) => void;
}

function refuse(d: Diagnostic): never {
  throw new DriverRefusal(`contiv: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

export function makeDriver(ctx: DriverContext): Driver {
  const target = localHost(ctx.host);

  /** The network as this host applied it: its subnet prefix and gateway, and the group when asked. */
  async function applied(n: ContivNetOptions): Promise<{ subnet: string; prefix: number; gateway?: string }> {
    const live = await readHostRecords(ctx.transport, target);
    const bridge = live.state.bridges[BRIDGE];
    const model = bridge ? readModelRecords(bridge.externalIds) : undefined;
    const network = model?.networks.find((x) => x.tenant === n.tenant && x.name === n.network);
    if (!network) throw new DriverRefusal(`contiv: ${ctx.host} has no network ${n.network} of tenant ${n.tenant} (as applied): run contiv apply`);
    if (n.group !== undefined && !model!.groups.some((g) => g.tenant === n.tenant && g.name === n.group)) throw new DriverRefusal(`contiv: ${ctx.host} has no endpoint group ${n.group} of tenant ${n.tenant} (as applied): run contiv apply`);
    return { subnet: network.subnet, prefix: Number(network.subnet.split('/')[1]), ...(network.gateway ? { gateway: network.gateway } : {}) };
  }

  function pool(id: string): ContivNetOptions {
    const n = parsePoolId(id);
    if (!n) throw new DriverRefusal(`contiv: pool ${JSON.stringify(id)} is not one of contiv's`);
    return n;
  }

  const file = (networkId: string) => join(ctx.networksDir, networkId);

  async function network(networkId: string): Promise<ContivNetOptions> {
    try {
      return JSON.parse(await readFile(file(networkId), 'utf8')) as ContivNetOptions;
    } catch {
      throw new DriverRefusal(`contiv: Docker network ${networkId.slice(0, 12)} is not known on ${ctx.host} (made without contiv apply, or ${file(networkId)} is gone): contiv apply makes contiv's Docker networks`);
    }
  }

  return async (call: Call): Promise<object> => {
    switch (call.op) {
      case 'Activate':
        return ACTIVATE;
      case 'GetCapabilities':
        return call.api === 'IpamDriver' ? IPAM_CAPABILITIES : NETWORK_CAPABILITIES;
      case 'GetDefaultAddressSpaces':
        return ADDRESS_SPACES;
      case 'DiscoverNew':
      case 'DiscoverDelete':
      case 'ProgramExternalConnectivity':
      case 'RevokeExternalConnectivity':
        return {};
      case 'EndpointOperInfo':
        return { Value: {} };
      case 'RequestPool': {
        const net = await applied(call.options);
        if (net.subnet !== call.pool) throw new DriverRefusal(`contiv: ${call.options.tenant}/${call.options.network} is ${net.subnet} on ${ctx.host}, not ${call.pool}`);
        return { PoolID: poolId(call.options), Pool: net.subnet, Data: {} };
      }
      case 'ReleasePool':
        return {};
      case 'RequestAddress': {
        const n = pool(call.poolId);
        if (call.address !== undefined && !isIpv4(call.address)) throw new DriverRefusal(`contiv: ${call.address} is not an IPv4 address`);
        if (call.gateway) {
          const net = await applied(n);
          if (!net.gateway) throw new DriverRefusal(`contiv: ${n.tenant}/${n.network} has no gateway; Docker needs one (set spec.gateway)`);
          if (call.address !== undefined && call.address !== net.gateway) throw new DriverRefusal(`contiv: the gateway of ${n.tenant}/${n.network} is ${net.gateway}, not ${call.address}`);
          return { Address: `${net.gateway}/${net.prefix}`, Data: {} };
        }
        const held = await holdAddress(ctx.transport, target, n, call.address);
        if (!held.ok) refuse(held.diagnostic);
        return { Address: `${held.hold.ip}/${held.hold.prefix}`, Data: {} };
      }
      case 'ReleaseAddress': {
        // Only a hold is released: the gateway is never held, and an endpoint's address was freed by its Leave.
        if (isIpv4(call.address)) await releaseHold(ctx.transport, target, pool(call.poolId), call.address);
        return {};
      }
      case 'CreateNetwork': {
        await applied(call.options);
        await mkdir(ctx.networksDir, { recursive: true });
        const tmp = `${file(call.networkId)}.new`;
        await writeFile(tmp, `${JSON.stringify(call.options)}\n`);
        await rename(tmp, file(call.networkId));
        return {};
      }
      case 'DeleteNetwork':
        await rm(file(call.networkId), { force: true });
        return {};
      case 'CreateEndpoint': {
        const n = await network(call.networkId);
        const ip = call.address?.split('/')[0];
        if (!ip) throw new DriverRefusal('contiv: Docker sent no address for the endpoint (contiv networks use contiv as their IPAM driver)');
        if (call.mac !== undefined) throw new DriverRefusal('contiv: an endpoint gets the MAC of its address; leave out --mac-address');
        const bound = await bindHold(ctx.transport, target, n, ip, call.endpointId);
        if (!bound.ok) refuse(bound.diagnostic);
        // Only what Docker did not send (it refuses an answer that repeats its own values).
        return { Interface: { MacAddress: endpointMac(n.tenant, n.network, ip) } };
      }
      case 'Join': {
        const n = await network(call.networkId);
        const joined = await joinDocker(ctx.transport, target, n, call.endpointId, call.sandboxKey);
        if (!joined.ok) refuse(joined.diagnostic);
        // A Gateway (or DisableGatewayService) keeps Docker from adding docker_gwbridge.
        return { InterfaceName: { SrcName: joined.srcName, DstPrefix: 'eth' }, ...(joined.gateway ? { Gateway: joined.gateway } : { DisableGatewayService: true }), StaticRoutes: [] };
      }
      case 'Leave':
      case 'DeleteEndpoint': {
        // Docker never deletes the veth; a second call (DeleteEndpoint after Leave) finds nothing.
        const out = await leaveDocker(ctx.transport, target, call.endpointId);
        if (!out.ok && out.diagnostic.code !== 'netns-not-attached') refuse(out.diagnostic);
        return {};
      }
      default:
        throw new DriverRefusal(`contiv: ${(call as Call).api}.${(call as Call).op} is not served by contiv-docker`);
    }
  };
}
