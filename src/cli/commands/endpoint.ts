import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { attachScript, detachScript, runEndpointScript } from '../../apply/endpoint-exec.js';
import { allocate } from '../../compile/allocate.js';
import { compileHost } from '../../compile/compile.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { gatherAll } from '../../host/gather.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { HostError } from '../../host/transport.js';
import type { Model } from '../../model/types.js';
import { DEFAULT_TENANT } from '../../model/types.js';
import { diffHost } from '../../plan/diff.js';
import { planAttach, planDetach, type AttachRequest } from '../../plan/endpoint-plan.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { endpointsOf, type Endpoint } from '../../state/endpoint.js';
import type { HostState } from '../../state/host-state.js';
import { UserError } from '../errors.js';
import { loadModelOrReport, useColor } from '../load-model.js';
import { DEFAULT_PARALLELISM } from '../../host/fleet.js';

/** attach's options: the request itself, plus where the Fabric is and how to print. */
interface EndpointOptions extends AttachRequest {
  fabric?: string;
  color?: boolean;
}

/** How often attach plans again when another attach took its address or port number meanwhile. */
const ATTEMPTS = 5;

async function liveFleet(model: Model, transport: SshTransport): Promise<{ live?: Record<string, HostState>; diagnostics: Diagnostic[] }> {
  const { live, diagnostics } = await gatherAll(transport, model.fabric.hosts, DEFAULT_PARALLELISM);
  return live ? { live: Object.fromEntries(Object.entries(live).map(([h, l]) => [h, l.state])), diagnostics } : { diagnostics };
}

/** After attach or detach the host must match the manifests exactly (a plan says No changes). */
function differences(model: Model, live: Record<string, HostState>, host: string): number {
  const hostModel = model.fabric.hosts.find((h) => h.name === host)!;
  const { allocations } = allocate(model, Object.values(live));
  return diffHost(compileHost({ model, allocations, live: { [host]: live[host]! } }, hostModel), live[host]).length;
}

/**
 * Another endpoint of the same network with the same address, anywhere in the fleet. Each
 * host's lock only guards that host: two attaches asking for one --ip on two hosts at the same
 * moment both pass their checks. Each looks again after making its endpoint; of two that
 * overlapped, at least the later one sees the other (it read after the earlier one wrote), so
 * whoever sees a twin undoes its own: never two endpoints with one address (at worst both undo).
 */
function twinOf(live: Record<string, HostState>, mine: Endpoint): Endpoint | undefined {
  return Object.values(live)
    .flatMap((s) => endpointsOf(s))
    .find((e) => e.tenant === mine.tenant && e.network === mine.network && e.ip === mine.ip && !(e.host === mine.host && e.netns === mine.netns));
}

/** A host that fails (unreachable, missing namespace, lock held) is the user's to fix: a diagnostic, not a stack. */
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
    .requiredOption('--netns <name>', 'the network namespace (a name under /run/netns on that host)')
    .option('--tenant <name>', 'tenant of the network', DEFAULT_TENANT)
    .requiredOption('--network <name>', 'the network')
    .option('--group <name>', 'endpoint group (on that network)')
    .option('--ip <address>', 'a free address of the subnet (or of the group\'s ipPool); default: the next free one of the host\'s block')
    .option('--no-color', 'no colours')
    .action(async (dir: string, options: EndpointOptions) => {
      const color = useColor(options.color);
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      const model = loaded.model;
      const transport = new SshTransport();
      const failed = (diagnostics: Diagnostic[]): void => {
        process.stdout.write(`${renderDiagnostics(diagnostics, loaded.sources, { color })}\n\nNothing attached.\n`);
        setStatus(1);
      };
      try {
        for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
          const fleet = await liveFleet(model, transport);
          if (!fleet.live) {
            process.stdout.write(`${renderDiagnostics(fleet.diagnostics, loaded.sources, { color })}\n\nNothing attached.\n`);
            return setStatus(1);
          }
          const planned = planAttach(model, fleet.live, options);
          if (!planned.plan) {
            process.stdout.write(`${renderDiagnostics(planned.diagnostics, loaded.sources, { color })}\n\nNothing attached.\n`);
            return setStatus(1);
          }
          const hostModel = model.fabric.hosts.find((h) => h.name === options.host)!;
          if ((await runEndpointScript(transport, hostModel, attachScript(planned.plan))) === 'raced') continue;
          const e = planned.plan.endpoint;
          const after = await liveFleet(model, transport);
          // Undo with the flows a detach would remove now (the fleet as it is after our attach).
          const undo = async () => {
            const changes = after.live ? planDetach(model, after.live, e.host, e.netns).plan?.changes : undefined;
            await runEndpointScript(transport, hostModel, detachScript(e, changes ?? []));
          };
          const left = after.live ? differences(model, after.live, options.host) : 0;
          if (left > 0) {
            await undo();
            throw new UserError(`${options.host}: the endpoint did not verify (${left} difference(s) after attach); undone`);
          }
          const twin = after.live ? twinOf(after.live, e) : undefined;
          if (twin || !after.live) {
            await undo();
            if (!after.live) return failed(after.diagnostics);
            // Both may have undone: wait a random moment so that one of them plans first next time
            // (the other is then refused with ip-in-use, or gets another address).
            await sleep(100 + Math.random() * 900);
            continue;
          }
          process.stdout.write(`Attached ${e.netns} on ${e.host} to ${e.tenant}/${e.network}${e.group ? ` (group ${e.group})` : ''}: ${e.ip}/${planned.plan.prefix}, mac ${e.mac}, port ${e.port}.\n`);
          return setStatus(0);
        }
        throw new UserError(`${options.host}: other attaches kept taking the chosen address; try again`);
      } catch (e) {
        return failed(hostProblem(e));
      } finally {
        await transport.close();
      }
    });

  program
    .command('detach')
    .description('Disconnect a container\'s namespace: its flows, OVS port and veth go; its address is free again.')
    .argument('[dir]', 'manifest directory', '.')
    .option('--fabric <file>', 'use this Fabric instead of the one in DIR')
    .requiredOption('--host <name>', 'the host the namespace is on')
    .requiredOption('--netns <name>', 'the network namespace')
    .option('--no-color', 'no colours')
    .action(async (dir: string, options: Pick<EndpointOptions, 'fabric' | 'host' | 'netns' | 'color'>) => {
      const color = useColor(options.color);
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      const model = loaded.model;
      const transport = new SshTransport();
      try {
        const fleet = await liveFleet(model, transport);
        const planned = fleet.live ? planDetach(model, fleet.live, options.host, options.netns) : { diagnostics: fleet.diagnostics };
        if (!planned.plan) {
          process.stdout.write(`${renderDiagnostics(planned.diagnostics, loaded.sources, { color })}\n\nNothing detached.\n`);
          return setStatus(1);
        }
        const hostModel = model.fabric.hosts.find((h) => h.name === options.host)!;
        await runEndpointScript(transport, hostModel, detachScript(planned.plan.endpoint, planned.plan.changes));
        const e = planned.plan.endpoint;
        process.stdout.write(`Detached ${e.netns} on ${e.host} from ${e.tenant}/${e.network}; ${e.ip} is free again.\n`);
        return setStatus(0);
      } catch (e) {
        process.stdout.write(`${renderDiagnostics(hostProblem(e), loaded.sources, { color })}\n\nNothing detached.\n`);
        return setStatus(1);
      } finally {
        await transport.close();
      }
    });
}
