import type { Transport } from '../../host/transport.js';
import { ACTIVATE, ADDRESS_SPACES, IPAM_CAPABILITIES, NETWORK_CAPABILITIES, type Call } from './protocol.js';
import { DriverRefusal, type Driver } from './server.js';

/*
 * contiv-docker's answers. Docker does not replay CreateNetwork after it or the plugin restarts,
 * so what a network is (tenant, network, group) is kept on the host, one file per Docker
 * network id under NETWORKS_DIR; everything else comes from the host's own records, through
 * the host-local endpoint path, under the host's lock.
 */

export const NETWORKS_DIR = '/var/lib/contiv/docker/networks';

export interface DriverContext {
  /** The host's name in the Fabric. */
  host: string;
  transport: Transport;
  networksDir: string;
  log: (line: string) => void;
}

export function makeDriver(ctx: DriverContext): Driver {
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
      default:
        throw new DriverRefusal(`contiv on ${ctx.host}: ${call.api}.${call.op} is not served yet by this build of contiv-docker`);
    }
  };
}
