import { recordedSource, UNCOMMITTED } from '../plan/commit-record.js';
import { visible } from './visible.js';
import type { HostOutcome } from '../host/fleet.js';
import type { BridgeState, LiveHost } from '../state/host-state.js';
import { decodeCookie, KIND_KEY } from '../state/marks.js';
import { blockUse } from '../ipam/host.js';
import { intToIp } from '../manifest/ipv4.js';
import { endpointsOf } from '../state/endpoint.js';
import { floodVteps } from '../compile/tunnels.js';

/** Flow counts of a bridge per owner kind (pipeline, network, endpoint, rule …). */
export function flowCountsByKind(bridge: BridgeState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const flow of Object.values(bridge.flows)) {
    const kind = decodeCookie(flow.cookie).kind ?? 'unknown';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function portsOfKind(bridge: BridgeState, kind: string) {
  return Object.values(bridge.ports).filter((p) => p.externalIds[KIND_KEY] === kind);
}

/** The tunnel port(s) and how many peers the flood flow reaches: `contiv-vxlan from 198.19.0.11 to 2 peers`. */
function tunnelsLine(b: BridgeState): string {
  const peers = floodVteps(b).length;
  const ports = portsOfKind(b, 'tunnel').map((t) => (t.options['remote_ip'] === 'flow' ? `${t.name} from ${t.options['local_ip'] ?? '?'} to ${peers} peer${peers === 1 ? '' : 's'}` : `${t.name} → ${t.options['remote_ip'] ?? '?'}`));
  return ports.length ? ports.join(', ') : 'none';
}

/** `contiv show` as text: one block per host; failed hosts say why, the others are still shown. */
/** `commitNote`: what to say after a commit a host records (how far from HEAD; the CLI asks git). */
export function renderShowText(outcomes: readonly HostOutcome<LiveHost>[], commitNote: (commit: string) => string = () => ''): string {
  const blocks = outcomes.map((o) => {
    // What hosts hold is shown, not obeyed: every line goes through visible().
    if (!o.ok) return [`host ${o.host}: UNREACHABLE`, `  ${o.error.message}`, ...(o.error.hint ? [`  hint: ${o.error.hint}`] : [])].map((l) => visible(l)).join('\n');
    const { state, facts, unmanaged } = o.value;
    const lines = [`host ${o.host} (hostname ${facts.hostname}, Open vSwitch ${facts.ovsVersion || 'version not recorded'})`];
    const commit = recordedSource(state);
    if (commit) lines.push(commit === UNCOMMITTED ? '  applied last from uncommitted manifests (--allow-dirty)' : `  at commit ${commit}${commitNote(commit)} (the last applied to it)`);
    const bridges = Object.values(state.bridges);
    if (bridges.length === 0) lines.push('  no contiv bridge');
    for (const b of bridges) {
      lines.push(`  bridge ${b.name}: datapath ${b.datapathType}, fail_mode ${b.failMode}`);
      lines.push(`    tunnels: ${tunnelsLine(b)}`);
      const endpoints = portsOfKind(b, 'endpoint');
      lines.push(`    endpoints: ${endpoints.length ? '' : 'none'}`);
      for (const e of endpoints) {
        const x = e.externalIds;
        lines.push(`      ${e.name}: ${x['contiv.tenant'] ?? '?'}/${x['contiv.network'] ?? '?'}${x['contiv.group'] ? ` group ${x['contiv.group']}` : ''} ip ${x['contiv.ip'] ?? '?'} netns ${x['contiv.netns'] ?? '?'}`);
      }
      const blocks = blockUse(b.externalIds, endpointsOf(state));
      lines.push(`    address blocks: ${blocks.length ? '' : 'none'}`);
      for (const k of blocks) lines.push(`      ${k.space} ${intToIp(k.first)}-${intToIp(k.last)}: ${k.used} of ${k.last - k.first + 1} used${k.state === 'pending' ? ' (claim pending)' : ''}`);
      const counts = flowCountsByKind(b);
      const total = Object.values(counts).reduce((a, n) => a + n, 0);
      const detail = Object.entries(counts).sort().map(([k, n]) => `${k} ${n}`).join(', ');
      lines.push(`    flows: ${total}${total ? ` (${detail})` : ''}`);
    }
    const foreignFlows = Object.entries(unmanaged.flowCounts).map(([b, n]) => `${n} on ${b}`);
    if (unmanaged.bridges.length || unmanaged.ports.length || foreignFlows.length) {
      lines.push('  unmanaged (not contiv\'s, never touched):');
      if (unmanaged.bridges.length) lines.push(`    bridges: ${unmanaged.bridges.join(', ')}`);
      if (unmanaged.ports.length) lines.push(`    ports: ${unmanaged.ports.join(', ')}`);
      if (foreignFlows.length) lines.push(`    flows: ${foreignFlows.join(', ')}`);
    }
    return lines.map((l) => visible(l)).join('\n');
  });
  const failed = outcomes.filter((o) => !o.ok).length;
  const tail = failed ? `\n\n${failed} of ${outcomes.length} host${outcomes.length === 1 ? '' : 's'} could not be read.` : '';
  return `${blocks.join('\n\n')}${tail}`;
}
