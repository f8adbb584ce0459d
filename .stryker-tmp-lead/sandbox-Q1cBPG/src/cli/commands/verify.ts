// @ts-nocheck
import type { Command } from 'commander';
import { gatherAll } from '../../host/gather.js';
import { SshTransport } from '../../host/ssh-transport.js';
import { goneEndpoints } from '../../plan/make-plan.js';
import { renderDiagnostics } from '../../render/diagnostics-text.js';
import { toJson } from '../../render/json.js';
import { renderVerifyText } from '../../render/verify-text.js';
import { endpointsOf } from '../../state/endpoint.js';
import { planProbes, shouldHaveDecided } from '../../verify/expectations.js';
import { runProbes } from '../../verify/run.js';
import { loadModelOrReport, useColor } from '../load-model.js';
import { formatOf, formatOptions, hostOptions, manifestOptions, type FormatCliOptions, type ManifestCliOptions } from '../options.js';

interface VerifyOptions extends ManifestCliOptions, FormatCliOptions {
  full?: boolean;
  parallelism: number;
  acceptNewHostKeys?: boolean;
}

export function registerVerify(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('verify').description('Probe, with real packets from inside the containers, that the network does what the manifests say.');
  manifestOptions(command);
  formatOptions(command);
  hostOptions(command)
    .option('--full', 'probe every pair of endpoints (default: one pair per group pair, same host and across hosts)')
    .action(async (dir: string, options: VerifyOptions) => {
      const loaded = await loadModelOrReport(dir, options, setStatus);
      if (!loaded) return;
      const model = loaded.model;
      const transport = new SshTransport({ acceptNewHostKeys: options.acceptNewHostKeys === true });
      try {
        const { live, diagnostics } = await gatherAll(transport, model.fabric.hosts, options.parallelism);
        if (!live) {
          process.stdout.write(`${renderDiagnostics(diagnostics, loaded.sources, { color: useColor(options.color) })}\n\nNothing verified: every host must be reachable.\n`);
          return setStatus(1);
        }
        const gone = goneEndpoints(live);
        const networks = new Set(model.networks.map((n) => `${n.tenant}/${n.name}`));
        const endpoints = Object.values(live).flatMap((l) => endpointsOf(l.state).filter((e) => !gone[e.host]?.includes(e.netns) && networks.has(`${e.tenant}/${e.network}`)));
        const probes = planProbes(model, endpoints, options.full === true);
        const results = await runProbes(transport, model.fabric.hosts, probes, options.parallelism);
        const ok = results.every((r) => r.agree);
        if (formatOf(options) === 'json') {
          const body = results.map((r) => ({
            from: { host: r.from.host, netns: r.from.netns, ip: r.from.ip, group: r.from.group ?? null },
            to: { host: r.to.host, netns: r.to.netns, ip: r.to.ip, group: r.to.group ?? null },
            probe: r.probe,
            expected: r.expected.allowed ? 'allowed' : 'blocked',
            observed: r.observed === 'reachable' ? 'allowed' : r.observed,
            agree: r.agree,
            ...(r.agree ? {} : { why: r.error ?? shouldHaveDecided(r.expected) }),
          }));
          process.stdout.write(`${toJson('verify', { ok, probes: body })}\n`);
        } else {
          process.stdout.write(`${endpoints.length === 0 ? 'No endpoints attached: nothing to probe.\n' : `${renderVerifyText(results)}\n`}`);
          // UDP has no handshake to answer a probe: it would need a listener in every destination.
          const udp = model.policies.flatMap((p) => p.rules.filter((r) => r.protocol === 'udp').map((r) => `${p.name}/${r.id}`));
          if (udp.length) process.stdout.write(`Not probed: udp rules (${udp.join(', ')}); verify sends tcp and icmp probes only.\n`);
        }
        setStatus(ok ? 0 : 1);
      } finally {
        await transport.close();
      }
    });
}
