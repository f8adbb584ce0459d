import type { Command } from 'commander';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { attachAnywhere } from '../../endpoint/attach-anywhere.js';
import { detachLocal } from '../../endpoint/local.js';
import { unlendAddress } from '../../endpoint/claim.js';
import { ipToInt } from '../../manifest/ipv4.js';
import { checkRequest, checkWhere, type AttachAsk, type DetachAsk } from '../../endpoint/request.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { HostError } from '../../host/transport.js';
import { DEFAULT_TENANT } from '../../model/types.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { DEFAULT_IFNAME } from '../../state/endpoint.js';
import { loadModelOrReport, useColor } from '../load-model.js';
import { endpointLockHolder } from '../lock-holder.js';
import { parseLockTimeout } from '../options.js';

interface CommandOptions {
  fabric?: string;
  color?: boolean;
  lockTimeout: number;
}

/** --lock-timeout as apply takes it: attach and detach wait for a host's lock as apply does, and say who held it. */
const LOCK_TIMEOUT: [string, string, (value: string) => number, number] = ['--lock-timeout <seconds>', "how long to wait for a host's lock that another contiv run holds", parseLockTimeout, 30];

/** A host that fails (unreachable, lock held) is the user's to fix: a diagnostic, not a stack. */
function hostProblem(e: unknown): Diagnostic[] {
  if (!(e instanceof HostError)) throw e;
  const message = e.message.startsWith(`${e.host}: `) ? e.message.slice(e.host.length + 2) : e.message;
  return [{ severity: 'error', code: `host-${e.kind}`, message, address: e.host, ...(e.hint ? { hint: e.hint } : {}) }];
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
    .option(...LOCK_TIMEOUT)
    .option('--no-color', 'no colours')
    .action(async (dir: string, options: AttachAsk & CommandOptions) => {
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
        // Recorded on every host lock it takes (this host's, a lender's), so a run waiting for one names this attach.
        const lock = { holder: endpointLockHolder('attach', checked.request.netns), waitSeconds: options.lockTimeout };
        const result = await attachAnywhere(transport, loaded.model.fabric.hosts, checked, (line) => process.stdout.write(`${line}\n`), lock);
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
    .option(...LOCK_TIMEOUT)
    .option('--no-color', 'no colours')
    .action(async (dir: string, options: DetachAsk & CommandOptions) => {
      const color = useColor(options.color);
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      const failed = (diagnostics: Diagnostic[]): void => {
        process.stdout.write(`${renderDiagnostics(diagnostics, loaded.sources, { color })}\n\nNothing detached.\n`);
        setStatus(1);
      };
      const { host, netns, diagnostics } = checkWhere(loaded.model, options);
      if (!host || netns === undefined) return failed(diagnostics);
      const transport = new SshTransport();
      try {
        const lock = { holder: endpointLockHolder('detach', netns), waitSeconds: options.lockTimeout };
        const out = await detachLocal(transport, host, { netns, ...(options.ifname !== undefined ? { ifname: options.ifname } : {}) }, lock);
        if (!out.ok) return failed([out.diagnostic]);
        const e = out.endpoint;
        // An address another host lent: given back there (when that host cannot be reached, the next plan does it).
        const lender = e.lender ? loaded.model.fabric.hosts.find((h) => h.name === e.lender) : undefined;
        if (lender) await unlendAddress(transport, lender, e.tenant, e.network, ipToInt(e.ip), e.host, lock).catch(() => undefined);
        process.stdout.write(`Detached ${e.netns}${e.ifname && e.ifname !== DEFAULT_IFNAME ? ` (${e.ifname})` : ''} on ${e.host} from ${e.tenant}/${e.network}; ${e.ip} is free again.\n`);
        return setStatus(0);
      } catch (e) {
        return failed(hostProblem(e));
      } finally {
        await transport.close();
      }
    });
}
