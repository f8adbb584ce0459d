import { HostError } from '../../host/transport.js';
import { addResult, CNI_ERRORS, parseRequest, prevAddress, refusal, versionResult, type CniError, type CniRequest } from './protocol.js';

/*
 * contiv-cni: the runtime runs it on the host, in the host's network namespace, as root. It is
 * an adapter: ADD and DEL go to the host-local endpoint path (src/endpoint/local.ts) with a
 * local shell as the transport — this host, its own records, its own lock, no other machine.
 * VERSION answers at once (runtimes ask it before every command, for every configuration).
 */

export interface PluginIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: string;
  /** Standard output: the result or the error, as JSON. */
  write(text: string): void;
}

function json(io: PluginIo, value: object): void {
  io.write(`${JSON.stringify(value)}\n`);
}

/** Runs one CNI command; resolves with the exit status. */
export async function runPlugin(io: PluginIo): Promise<number> {
  if (io.env['CNI_COMMAND'] === 'VERSION') {
    let version = '1.0.0';
    try {
      const v = (JSON.parse(io.stdin) as { cniVersion?: unknown }).cniVersion;
      if (typeof v === 'string') version = v;
    } catch {
      // An empty or broken stdin still gets the versions.
    }
    json(io, versionResult(version));
    return 0;
  }
  const parsed = parseRequest(io.env, io.stdin);
  if ('error' in parsed) {
    json(io, parsed.error);
    return 1;
  }
  const request = parsed.request;
  try {
    const error = await handle(request, io);
    if (error) {
      json(io, error);
      return 1;
    }
    return 0;
  } catch (e) {
    const message = e instanceof HostError ? e.message : e instanceof Error ? e.message : String(e);
    json(io, { cniVersion: request.cniVersion, code: e instanceof HostError ? CNI_ERRORS.hostFailed : CNI_ERRORS.ioFailure, msg: `contiv: ${message}` });
    return 1;
  }
}

async function handle(request: CniRequest, io: PluginIo): Promise<CniError | undefined> {
  // Loaded only for the commands that need them: VERSION stays a few milliseconds.
  const [{ attachLocal, detachLocal }, { LocalTransport, localHost }, { readHostRecords }, { endpointsOf }] = await Promise.all([
    import('../../endpoint/local.js'),
    import('../../host/local-transport.js'),
    import('../../host/gather.js'),
    import('../../state/endpoint.js'),
  ]);
  const transport = new LocalTransport();
  // The transport runs local shells; the host's name is the Fabric's (the endpoint's records carry it).
  const host = localHost(request.conf.host);
  const { conf } = request;
  switch (request.command) {
    case 'ADD': {
      const ip = request.args['IP'];
      const out = await attachLocal(transport, host, {
        tenant: conf.tenant,
        network: conf.network,
        ...(conf.group ? { group: conf.group } : {}),
        netns: request.netns!,
        ifname: request.ifname,
        container: request.containerId,
        ...(ip ? { ip } : {}),
      });
      if (!out.ok) return refusal(request.cniVersion, out.diagnostic.code, out.diagnostic.message, out.diagnostic.hint);
      const a = out.attached;
      json(io, addResult(request.cniVersion, { ifname: request.ifname, mac: a.endpoint.mac, address: a.address, mtu: a.mtu, sandbox: request.netns!, ...(a.gateway ? { gateway: a.gateway } : {}) }));
      return undefined;
    }
    case 'DEL': {
      // Best effort and idempotent: nothing left to remove is success (a second DEL, a DEL after a failed ADD).
      const out = await detachLocal(transport, host, { container: request.containerId, ifname: request.ifname });
      if (!out.ok && out.diagnostic.code !== 'netns-not-attached') return refusal(request.cniVersion, out.diagnostic.code, out.diagnostic.message, out.diagnostic.hint);
      return undefined;
    }
    case 'CHECK': {
      const live = await readHostRecords(transport, host);
      const e = endpointsOf(live.state).find((x) => x.container === request.containerId && (x.ifname ?? 'eth0') === request.ifname);
      if (!e) return refusal(request.cniVersion, 'endpoint-missing', `no endpoint of container ${request.containerId} (${request.ifname}) on ${host.name}`);
      const expected = prevAddress(request.prevResult);
      if (expected !== undefined && expected.split('/')[0] !== e.ip) return refusal(request.cniVersion, 'endpoint-changed', `the endpoint of container ${request.containerId} has ${e.ip}, the runtime expects ${expected}`);
      if (e.tenant !== conf.tenant || e.network !== conf.network) return refusal(request.cniVersion, 'endpoint-changed', `the endpoint of container ${request.containerId} is on ${e.tenant}/${e.network}, not ${conf.tenant}/${conf.network}`);
      return undefined;
    }
    default:
      return { cniVersion: request.cniVersion, code: CNI_ERRORS.invalidEnvironment, msg: `unexpected command ${request.command as string}` };
  }
}
