import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { claimBlock, lendAddress, readFleet, releaseIfEmpty, unlendAddress } from '../../endpoint/claim.js';
import { attachLocal, detachLocal, type AttachOutcome } from '../../endpoint/local.js';
import { isValidIfname, normalizeNetns } from '../../endpoint/names.js';
import type { LocalAttachRequest } from '../../endpoint/plan.js';
import { DEFAULT_PARALLELISM } from '../../host/fleet.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { HostError, type HostTarget } from '../../host/transport.js';
import { parseBlocks } from '../../ipam/records.js';
import { networkOfSpace } from '../../ipam/settle.js';
import { addressSpaces, containsAddress, spaceOfAddress, type AddressSpace } from '../../ipam/spaces.js';
import { intToIp, ipToInt, isIpv4, type IntRange } from '../../manifest/ipv4.js';
import type { Model } from '../../model/types.js';
import { DEFAULT_TENANT } from '../../model/types.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { BRIDGE } from '../../compile/pipeline.js';
import { DEFAULT_IFNAME, endpointsOf } from '../../state/endpoint.js';
import { loadModelOrReport, useColor } from '../load-model.js';

interface AttachOptions {
  fabric?: string;
  color?: boolean;
  host: string;
  netns: string;
  ifname: string;
  tenant: string;
  network: string;
  group?: string;
  ip?: string;
}

/** How often attach tries again when a claim or a lend lost a race with another attach or apply. */
const ATTEMPTS = 5;

function fail(code: string, message: string, hint?: string): Diagnostic[] {
  return [error(code, message, undefined, hint)];
}

/** A host that fails (unreachable, lock held) is the user's to fix: a diagnostic, not a stack. */
function hostProblem(e: unknown): Diagnostic[] {
  if (!(e instanceof HostError)) throw e;
  const message = e.message.startsWith(`${e.host}: `) ? e.message.slice(e.host.length + 2) : e.message;
  return [{ severity: 'error', code: `host-${e.kind}`, message, address: e.host, ...(e.hint ? { hint: e.hint } : {}) }];
}

interface Checked {
  host: HostTarget;
  request: LocalAttachRequest;
  /** The space the endpoint takes its address from (its group's pool, or the network's). */
  space: ReturnType<typeof addressSpaces>[number];
  spaces: ReturnType<typeof addressSpaces>;
}

/** The request against the manifests: every mistake named before any host is touched. */
function checkRequest(model: Model, o: AttachOptions): { checked?: Checked; diagnostics: Diagnostic[] } {
  const host = model.fabric.hosts.find((h) => h.name === o.host);
  if (!host) return { diagnostics: fail('host-unknown', `unknown host ${o.host}; the Fabric has ${model.fabric.hosts.map((h) => h.name).join(', ')}`) };
  const netns = normalizeNetns(o.netns);
  if (netns === undefined) return { diagnostics: fail('netns-invalid', `--netns ${JSON.stringify(o.netns)} is neither a namespace name (letters, digits, '.', '_', '-'; at most 63) nor an absolute path`) };
  if (!isValidIfname(o.ifname)) return { diagnostics: fail('ifname-invalid', `--ifname ${JSON.stringify(o.ifname)} is not an interface name (letters, digits, '.', '_', '-'; at most 15)`) };
  const network = model.networks.find((n) => n.tenant === o.tenant && n.name === o.network);
  if (!network) {
    const elsewhere = model.networks.filter((n) => n.name === o.network).map((n) => n.tenant);
    return { diagnostics: fail('network-unknown', `tenant ${o.tenant} has no network ${o.network}`, elsewhere.length ? `tenant ${elsewhere.join(', ')} has one: pass --tenant` : undefined) };
  }
  const group = o.group === undefined ? undefined : model.groups.find((g) => g.tenant === o.tenant && g.name === o.group);
  if (o.group !== undefined && !group) return { diagnostics: fail('group-unknown', `tenant ${o.tenant} has no endpoint group ${o.group}`) };
  if (group && group.network !== network.name) return { diagnostics: fail('group-network-mismatch', `group ${group.name} is on network ${group.network}, not ${network.name}`) };
  const spaces = addressSpaces(model.groups, network);
  const space = (group?.ipPool && spaces.find((s) => s.group === group.name)) || spaces[0]!;
  if (o.ip !== undefined) {
    if (!isIpv4(o.ip)) return { diagnostics: fail('ip-invalid', `--ip ${o.ip} is not an IPv4 address (four numbers from 0 to 255, without leading zeros)`) };
    const n = ipToInt(o.ip);
    if (o.ip === network.gateway) return { diagnostics: fail('ip-is-gateway', `--ip ${o.ip} is the gateway of ${network.name}`) };
    if (!containsAddress(space.segments, n)) {
      const pool = spaceOfAddress(spaces, n);
      const where = space.group ? `group ${space.group}'s ipPool ${group!.ipPool!.first}-${group!.ipPool!.last}` : `the usable addresses of ${network.subnet.address}/${network.subnet.prefix}`;
      if (pool?.group) return { diagnostics: fail('ip-in-pool', `--ip ${o.ip} is in group ${pool.group}'s ipPool: only its endpoints take addresses there`, `pass --group ${pool.group}, or an address outside the pool`) };
      return { diagnostics: fail('ip-outside', `--ip ${o.ip} is outside ${where}`) };
    }
  }
  const request: LocalAttachRequest = { tenant: network.tenant, network: network.name, netns, ifname: o.ifname, ...(group ? { group: group.name } : {}), ...(o.ip !== undefined ? { ip: o.ip } : {}) };
  return { checked: { host, request, space, spaces }, diagnostics: [] };
}

/** Both may have withdrawn: wait a random moment so that one of them goes first next time. */
function backoff(): Promise<void> {
  return sleep(100 + Math.random() * 900);
}

/**
 * contiv attach: the host-local path on the one host, over SSH. Only when that host has no
 * free address (or --ip names an address outside its blocks) does it read the other hosts:
 * to claim a block (src/endpoint/claim.ts) or to borrow the address from the host that owns it.
 */
async function attach(model: Model, transport: SshTransport, c: Checked, say: (line: string) => void): Promise<{ outcome?: AttachOutcome; diagnostics: Diagnostic[] }> {
  const claimed: Array<{ space: string; block: IntRange }> = [];
  try {
    const result = await attempts(model, transport, c, say, claimed);
    if (result.outcome?.ok) return result;
    // A refused attach changes nothing: a block claimed for it goes back (when still empty).
    for (const k of claimed) await releaseIfEmpty(transport, c.host, k.space, k.block);
    return result;
  } catch (e) {
    for (const k of claimed) await releaseIfEmpty(transport, c.host, k.space, k.block).catch(() => undefined);
    throw e;
  }
}

async function attempts(model: Model, transport: SshTransport, c: Checked, say: (line: string) => void, claimed: Array<{ space: string; block: IntRange }>): Promise<{ outcome?: AttachOutcome; diagnostics: Diagnostic[] }> {
  const { host, request } = c;
  const fleet = model.fabric.hosts;
  /** One claim: 'again' to look again (claimed, or lost a race), or the diagnostics to stop with. */
  const claim = async (space: AddressSpace, want?: number): Promise<'again' | Diagnostic[]> => {
    const r = await claimBlock(transport, fleet, host, space, { ...(want !== undefined ? { want } : {}), parallelism: DEFAULT_PARALLELISM });
    if (r.ok) {
      if (r.block) {
        claimed.push({ space: space.key, block: r.block });
        say(`Claimed address block ${intToIp(r.block.first)}-${intToIp(r.block.last)} of ${space.key} for ${host.name}.`);
      }
      return 'again';
    }
    if ('diagnostic' in r) return [r.diagnostic];
    await backoff();
    return 'again';
  };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (request.ip !== undefined) {
      const ip = ipToInt(request.ip);
      const read = await readFleet(transport, fleet, DEFAULT_PARALLELISM);
      if (!read.ok) return { diagnostics: read.diagnostics };
      const network = `${request.tenant}/${request.network}`;
      for (const [name, l] of Object.entries(read.live)) {
        const user = endpointsOf(l.state).find((e) => `${e.tenant}/${e.network}` === network && e.ip === request.ip);
        if (user) return { diagnostics: fail('ip-in-use', `--ip ${request.ip} is already used by ${user.netns} on ${name}`) };
      }
      const owner = Object.entries(read.live)
        .flatMap(([name, l]) => parseBlocks(l.state.bridges[BRIDGE]?.externalIds ?? {}).map((b) => ({ host: name, ...b })))
        .find((b) => networkOfSpace(b.space) === network && b.first <= ip && ip <= b.last);
      if (owner?.host === host.name && owner.state === 'claimed') return { outcome: await attachLocal(transport, host, request), diagnostics: [] };
      if (owner?.state === 'pending') {
        await backoff();
        continue;
      }
      if (!owner) {
        const next = await claim(spaceOfAddress(c.spaces, ip) ?? c.space, ip);
        if (Array.isArray(next)) return { diagnostics: next };
        continue;
      }
      const lender = fleet.find((h) => h.name === owner.host)!;
      const lent = await lendAddress(transport, lender, request.tenant, request.network, ip, host.name);
      if (!lent.ok && 'diagnostic' in lent) return { diagnostics: [lent.diagnostic] };
      if (!lent.ok) continue;
      try {
        const outcome = await attachLocal(transport, host, { ...request, lent: true });
        if (!outcome.ok) await unlendAddress(transport, lender, request.tenant, request.network, ip, host.name);
        else say(`${request.ip} lies in ${owner.host}'s address block: lent by ${owner.host}.`);
        return { outcome, diagnostics: [] };
      } catch (e) {
        await unlendAddress(transport, lender, request.tenant, request.network, ip, host.name).catch(() => undefined);
        throw e;
      }
    }
    const outcome = await attachLocal(transport, host, request);
    if (outcome.ok || outcome.needsBlock === undefined) return { outcome, diagnostics: [] };
    const next = await claim(c.space);
    if (Array.isArray(next)) return { diagnostics: next };
  }
  return { diagnostics: fail('attach-raced', `${host.name}: other attaches kept taking the address blocks chosen for this one`, 'try again') };
}

export function registerEndpointCommands(program: Command, setStatus: (code: number) => void): void {
  program
    .command('attach')
    .description("Connect a container's network namespace on a host to a network: veth, address, OVS port and flows.")
    .argument('[dir]', 'manifest directory', '.')
    .option('--fabric <file>', 'use this Fabric instead of the one in DIR')
    .requiredOption('--host <name>', 'the host the namespace is on')
    .requiredOption('--netns <name|path>', 'the network namespace: a name under /run/netns, or a path (/proc/PID/ns/net …)')
    .option('--ifname <name>', 'the interface to create in the namespace', DEFAULT_IFNAME)
    .option('--tenant <name>', 'tenant of the network', DEFAULT_TENANT)
    .requiredOption('--network <name>', 'the network')
    .option('--group <name>', 'endpoint group (on that network)')
    .option('--ip <address>', "a free address of the subnet (or of the group's ipPool), checked on every host; default: the next free one of the host's blocks")
    .option('--no-color', 'no colours')
    .action(async (dir: string, options: AttachOptions) => {
      const color = useColor(options.color);
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      const failed = (diagnostics: Diagnostic[]): void => {
        process.stdout.write(`${renderDiagnostics(diagnostics, loaded.sources, { color })}\n\nNothing attached.\n`);
        setStatus(1);
      };
      const { checked, diagnostics } = checkRequest(loaded.model, options);
      if (!checked) return failed(diagnostics);
      const transport = new SshTransport();
      try {
        const result = await attach(loaded.model, transport, checked, (line) => process.stdout.write(`${line}\n`));
        if (!result.outcome) return failed(result.diagnostics);
        if (!result.outcome.ok) return failed([result.outcome.diagnostic]);
        const a = result.outcome.attached;
        const e = a.endpoint;
        process.stdout.write(`Attached ${e.netns}${e.ifname && e.ifname !== DEFAULT_IFNAME ? ` (${e.ifname})` : ''} on ${e.host} to ${e.tenant}/${e.network}${e.group ? ` (group ${e.group})` : ''}: ${a.address}, mac ${e.mac}, port ${e.port}.\n`);
        return setStatus(0);
      } catch (e) {
        return failed(hostProblem(e));
      } finally {
        await transport.close();
      }
    });

  program
    .command('detach')
    .description("Disconnect a container's namespace: its flows, OVS port and veth go; its address is free again.")
    .argument('[dir]', 'manifest directory', '.')
    .option('--fabric <file>', 'use this Fabric instead of the one in DIR')
    .requiredOption('--host <name>', 'the host the namespace is on')
    .requiredOption('--netns <name|path>', 'the network namespace')
    .option('--ifname <name>', 'the interface, when the namespace has several endpoints')
    .option('--no-color', 'no colours')
    .action(async (dir: string, options: Pick<AttachOptions, 'fabric' | 'host' | 'netns' | 'color'> & { ifname?: string }) => {
      const color = useColor(options.color);
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      const failed = (diagnostics: Diagnostic[]): void => {
        process.stdout.write(`${renderDiagnostics(diagnostics, loaded.sources, { color })}\n\nNothing detached.\n`);
        setStatus(1);
      };
      const host = loaded.model.fabric.hosts.find((h) => h.name === options.host);
      if (!host) return failed(fail('host-unknown', `unknown host ${options.host}; the Fabric has ${loaded.model.fabric.hosts.map((h) => h.name).join(', ')}`));
      const netns = normalizeNetns(options.netns);
      if (netns === undefined) return failed(fail('netns-invalid', `--netns ${JSON.stringify(options.netns)} is neither a namespace name nor an absolute path`));
      if (options.ifname !== undefined && !isValidIfname(options.ifname)) return failed(fail('ifname-invalid', `--ifname ${JSON.stringify(options.ifname)} is not an interface name`));
      const transport = new SshTransport();
      try {
        const out = await detachLocal(transport, host, netns, options.ifname);
        if (!out.ok) return failed([out.diagnostic]);
        const e = out.endpoint;
        process.stdout.write(`Detached ${e.netns}${e.ifname && e.ifname !== DEFAULT_IFNAME ? ` (${e.ifname})` : ''} on ${e.host} from ${e.tenant}/${e.network}; ${e.ip} is free again.\n`);
        return setStatus(0);
      } catch (e) {
        return failed(hostProblem(e));
      } finally {
        await transport.close();
      }
    });
}
