import { diffArrays } from 'diff';
import { fieldChanges } from '../plan/field-changes.js';
import { formatFlow, splitTopLevel } from '../state/flow-canonical.js';
import { flowKey, type Flow } from '../state/host-state.js';
import { assertNever, countChanges, isWholeBridge, type Action, type AddressChange, type BridgeChange, type FileChange, type Change, type FlowsChange, type Plan, type PortChange } from '../plan/types.js';
import { describeAddressRecord } from '../ipam/records.js';
import { expandModel } from '../compile/model-blob.js';
import { CNI_PLUGIN_PATH } from '../compile/cni-files.js';
import { DOCKER_PLUGIN_PATH, DOCKER_UNIT_PATH } from '../compile/docker-runtime.js';
import { forHost, HOST_PLACEHOLDER } from '../plan/host-relative.js';
import { describeHosts } from './host-list.js';
import { visible } from './visible.js';
import { splitShared } from './plan-groups.js';
import { destroysLine, planDestroys } from '../plan/destroy.js';
import { isCommitRecord, UNCOMMITTED, withoutCommitRecords } from '../plan/commit-record.js';

export interface PlanTextStyle {
  color: boolean;
  /** Flow lines shown per flow change before "… N more" (default 12). */
  maxFlowLines?: number;
  /**
   * Every host's changes in its own section (`--full`), instead of changes made alike on
   * several hosts shown once (the default).
   */
  perHost?: boolean;
  /** Detail lines (fields, flows) under the changes of the per-host sections (default true). */
  hostDetails?: boolean;
  /** Detail lines under the changes shown once for several hosts (default true). */
  sharedDetails?: boolean;
}

const COLORS: Record<Action, string> = { create: '\u001b[32m', update: '\u001b[33m', delete: '\u001b[31m', replace: '\u001b[35m' };
const RESET = '\u001b[0m';
const SYMBOL: Record<Action, string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

/** The plan's text in parts, each a list of lines ending in a blank one; markdown cuts by part. */
export interface PlanTextSections {
  /** Warnings, what the policy changes mean, hosts running low on addresses. */
  head: string[];
  /** Changes made alike on several hosts, each once with its hosts (empty per host). */
  shared: string[];
  /** Per host, what only it changes (per host: everything it changes). */
  hosts: Array<{ host: string; lines: string[] }>;
  /** `Plan: N to add, …`, counting every host's changes. */
  summary: string;
}

/** The plan as terraform-style text: symbols, what differs; the last line counts. */
export function renderPlanText(plan: Plan, style: PlanTextStyle): string {
  const s = planTextSections(plan, style);
  return [...s.head, ...s.shared, ...s.hosts.flatMap((h) => h.lines), s.summary].join('\n');
}

export function planTextSections(planned: Plan, style: PlanTextStyle): PlanTextSections {
  // The commit each changed host will record rides along with its changes; said once, below.
  const plan = withoutCommitRecords(planned);
  const paint = (action: Action, text: string) => (style.color ? `${COLORS[action]}${text}${RESET}` : text);
  const maxFlowLines = style.maxFlowLines ?? 12;
  // Text from hosts and manifests goes through visible() before any colour is added.
  const changeLines = (c: Change, suffix: string, withDetails: boolean): string[] => [
    `  ${paint(c.action, SYMBOL[c.action].padEnd(3))} ${visible(headline(c))}${suffix}`,
    ...(withDetails ? details(c, maxFlowLines).map((d) => visible(d)).map((d) => `        ${d.startsWith('+') ? paint('create', d) : d.startsWith('-') ? paint('delete', d) : d}`) : []),
  ];
  const head: string[] = [];
  // First of all: a plan that removes everything contiv made somewhere (plan/destroy.ts).
  const destroys = destroysLine(planDestroys(plan), (hosts) => describeHosts(hosts, plan.hosts.length));
  if (destroys) head.push(paint('delete', visible(destroys)), '');
  for (const d of plan.diagnostics.filter((x) => x.severity === 'warning')) {
    head.push(visible(`Warning: ${d.code}: ${d.message}`));
    if (d.hint) head.push(visible(`  hint: ${d.hint}`));
    head.push('');
  }
  if (plan.meaning.length) {
    head.push('What the policy changes mean:');
    for (const m of plan.meaning) {
      const [tenant, name] = m.subject.split('/');
      const symbol = m.symbol === '+' ? 'create' : m.symbol === '-' ? 'delete' : 'update';
      head.push(`  ${paint(symbol, m.symbol.padEnd(3))} ${visible(`${tenant === 'default' ? name : m.subject}: ${m.text}`)}`);
    }
    head.push('');
  }
  if (plan.addresses.length) {
    head.push('Running low on addresses (few left in the host\'s blocks, and less than a block of the space left to claim):');
    for (const u of plan.addresses) head.push(visible(`  ${u.host}: ${u.space}: ${u.free} of ${u.size} free in ${u.blocks} block${u.blocks === 1 ? '' : 's'}`));
    head.push('');
  }
  const split = style.perHost ? undefined : splitShared(plan);
  const shared: string[] = [];
  if (split && split.shared.length) {
    shared.push('On several hosts:');
    for (const g of split.shared) shared.push(...changeLines(forHost(g.change, HOST_PLACEHOLDER), `   on ${describeHosts(g.hosts, plan.hosts.length)}`, style.sharedDetails ?? true));
    shared.push('');
  }
  const hosts: PlanTextSections['hosts'] = [];
  for (const [i, host] of plan.hosts.entries()) {
    const own = split ? host.changes.filter((_, k) => split.own[i]![k]) : host.changes;
    if (own.length === 0) continue;
    hosts.push({ host: host.host, lines: [`${visible(host.host)}:`, ...own.flatMap((c) => changeLines(c, '', style.hostDetails ?? true)), ''] });
  }
  const commit = planned.hosts.flatMap((h) => h.changes).find(isCommitRecord)?.after;
  // Said before the summary, which stays the last line.
  const records = commit === undefined ? '' : commit === UNCOMMITTED ? 'The hosts changed record that they are at no commit.\n' : `The hosts changed record commit ${commit.slice(0, 12)}.\n`;
  return { head, shared, hosts, summary: `${records}${summaryLine(plan)}` };
}

export function summaryLine(plan: Plan): string {
  const c = countChanges(plan);
  if (c.add + c.change + c.destroy === 0) return 'No changes. The hosts match the manifests.';
  return `Plan: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy.`;
}

export function headline(c: Change): string {
  switch (c.type) {
    case 'bridge':
      return bridgeHeadline(c);
    case 'port':
      return portHeadline(c);
    case 'flows':
      return flowsHeadline(c);
    case 'address':
      return addressHeadline(c);
    case 'file':
      return fileHeadline(c);
    case 'docker-network':
      return `Docker network ${c.name} (${c.reason})`;
    case 'docker-plugin':
      return `Docker plugin contiv-docker${c.after ? ` build ${c.after.build.slice(0, 12)}` : ''}: ${c.reason}`;
    default:
      return assertNever(c);
  }
}

function fileHeadline(c: FileChange): string {
  const name = /50-contiv-(.+)\.conflist$/.exec(c.path)?.[1];
  const what = name ? `CNI network ${name} (${c.path})` : c.path === CNI_PLUGIN_PATH ? `CNI plugin ${c.path}` : c.path === DOCKER_PLUGIN_PATH ? `Docker plugin ${c.path}` : c.path === DOCKER_UNIT_PATH ? `Docker plugin's systemd unit ${c.path}` : `file ${c.path}`;
  return c.action === 'create' ? what : `${what}: ${c.reason}`;
}

function addressHeadline(c: AddressChange): string {
  const info = describeAddressRecord(c.key, c.after ?? c.before);
  if (info.kind === 'legacy') return `address block record of ${info.space} written by an older contiv (${c.before}): ${c.reason}`;
  const what = info.kind === 'block' ? `address block ${info.what} of ${info.space}` : `address ${info.what} of ${info.space}, lent to ${c.after ?? c.before}`;
  return `${what} (${c.reason})`;
}

function bridgeHeadline(c: BridgeChange): string {
  const b = c.after ?? c.before;
  if (c.action === 'delete') return `bridge ${c.bridge} (${c.reason})`;
  // An update carries only what differs: its details say what.
  if (c.action === 'update' || !isWholeBridge(b)) return `bridge ${c.bridge}`;
  return `bridge ${c.bridge} (${b.datapathType}, fail_mode ${b.failMode})`;
}

function portHeadline(c: PortChange): string {
  const p = c.after ?? c.before!;
  const kind = p.externalIds['contiv.kind'] ?? 'port';
  const x = p.externalIds;
  const what =
    kind === 'tunnel'
      ? p.options['remote_ip'] === 'flow'
        ? `tunnel port ${c.port} from ${p.options['local_ip'] ?? '?'} to every peer (ofport ${p.ofport})`
        : `tunnel ${c.port} → ${p.options['remote_ip'] ?? '?'} (ofport ${p.ofport})`
      : kind === 'endpoint'
        ? `endpoint ${x['contiv.netns'] ?? c.port} on ${c.host} (${x['contiv.tenant']}/${x['contiv.network']} ${x['contiv.ip']})`
        : `${kind} ${c.port}`;
  if (kind === 'endpoint' && c.action === 'delete') return `endpoint ${x['contiv.netns'] ?? c.port} on ${c.host} (${c.reason}; frees ${x['contiv.ip']} of ${x['contiv.tenant']}/${x['contiv.network']} and port ${c.port})`;
  return c.action === 'delete' ? `${what}: ${c.reason}` : what;
}

function flowsHeadline(c: FlowsChange): string {
  const n = (x: number) => `${x} flow${x === 1 ? '' : 's'}`;
  switch (c.action) {
    case 'create':
      return `flows of ${c.owner}: ${n(c.add.length)}`;
    case 'delete':
      return `flows of ${c.owner}: ${n(c.remove.length)} (${c.reason})`;
    default:
      return `flows of ${c.owner}: ${c.reason}`;
  }
}

/** Field-by-field for bridges and ports; a compact line diff for flows. */
export function details(c: Change, maxFlowLines: number): string[] {
  switch (c.type) {
    case 'bridge':
      if (c.action !== 'update' && c.action !== 'replace') return [];
      // Records that only move into this contiv's form differ in external_ids, not in what they hold.
      return summariseModelRecords(fieldLines(readable(c.before), readable(c.after))).concat(sameRecords(c) ? [`~ recorded model: ${c.reason}`] : []);
    case 'port':
      return c.action === 'update' || c.action === 'replace' ? fieldLines(c.before as unknown as Record<string, unknown>, c.after as unknown as Record<string, unknown>) : [];
    case 'flows':
      return c.action === 'update' ? flowLines(c, maxFlowLines) : [];
    case 'address':
    case 'file':
    case 'docker-network':
    case 'docker-plugin':
      return [];
    default:
      return assertNever(c);
  }
}

function sameRecords(c: BridgeChange): boolean {
  return fieldLines(readable(c.before), readable(c.after)).length === 0 && fieldLines((c.before ?? {}) as Record<string, unknown>, (c.after ?? {}) as Record<string, unknown>).length > 0;
}

/** A bridge's fields with the model's chunks shown as the records they hold. */
function readable(fields: BridgeChange['before']): Record<string, unknown> {
  return fields ? { ...fields, externalIds: expandModel(fields.externalIds) } : {};
}

/** The recorded model (policies, groups, networks as applied) is bookkeeping: one line, not its JSON. */
function summariseModelRecords(lines: string[]): string[] {
  const records = lines.filter((l) => /^~ externalIds\.contiv\.(pol|grp|net|pool|mtu)\b/.test(l));
  if (records.length === 0) return lines;
  const kept = lines.filter((l) => !records.includes(l));
  return [...kept, `~ recorded model: ${records.length} entr${records.length === 1 ? 'y' : 'ies'} (networks, groups, policies as applied)`];
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

function fieldLines(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return fieldChanges(before, after).map((c) => `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`);
}

function line(f: Flow): string {
  return formatFlow(f).replace(/^cookie=0x[0-9a-f]+,/, '');
}

/** A modified flow whose actions are longer than this is shown as the actions it gains and loses. */
const LONG_ACTIONS = 160;

/**
 * `~ table=70,priority=50 actions: + set_field:198.19.0.14->tun_dst,output:9`: a flood list of
 * a thousand peers that gains one is one short line, not two of 40,000 characters.
 */
function actionsLine(before: Flow, after: Flow): string {
  const parts: string[] = [];
  for (const part of diffArrays(splitTopLevel(before.actions), splitTopLevel(after.actions))) {
    if (part.added) parts.push(`+ ${part.value.join(',')}`);
    else if (part.removed) parts.push(`- ${part.value.join(',')}`);
  }
  const head = line({ ...after, actions: '' }).replace(/ actions=$/, '');
  return `~ ${head} actions: ${parts.join('; ')}`;
}

function flowLines(c: FlowsChange, max: number): string[] {
  const beforeOf = new Map(c.modifyBefore.map((f) => [flowKey(f), f]));
  const long = c.modify.filter((f) => {
    const b = beforeOf.get(flowKey(f));
    return b !== undefined && (f.actions.length > LONG_ACTIONS || b.actions.length > LONG_ACTIONS);
  });
  const longKeys = new Set(long.map(flowKey));
  const before = [...c.modifyBefore.filter((f) => !longKeys.has(flowKey(f))), ...c.remove].map(line).sort();
  const after = [...c.modify.filter((f) => !longKeys.has(flowKey(f))), ...c.add].map(line).sort();
  const out: string[] = long.map((f) => actionsLine(beforeOf.get(flowKey(f))!, f));
  for (const part of diffArrays(before, after)) {
    if (part.added) out.push(...part.value.map((l) => `+ ${l}`));
    else if (part.removed) out.push(...part.value.map((l) => `- ${l}`));
  }
  return out.length > max ? [...out.slice(0, max), `… and ${out.length - max} more lines`] : out;
}
