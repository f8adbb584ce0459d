import { isWholeBridge, PLAN_FORMAT_VERSION, type BridgeChange, type BridgeDelta, type Change, type HostConnection, type HostPlan, type Plan } from './types.js';
import type { DockerNetworkState } from '../state/host-state.js';
import { isIpv4 } from '../manifest/ipv4.js';
import { groupChanges, type ChangeGroup } from './groups.js';
import { forHost } from './host-relative.js';

/**
 * The plan as JSON (format 3, see PLAN_FORMAT_VERSION): what `plan --out` saves, `plan --json`
 * prints and `apply PLANFILE` / `show PLANFILE` read back. Complete, without repetition: a
 * change made on many hosts is written once, host-relative, with its hosts; each host lists its
 * changes, in apply order, as indexes into `changes`.
 */
export interface PlanDocument extends Omit<Plan, 'hosts'> {
  changes: ChangeGroup[];
  hosts: Array<Omit<HostPlan, 'changes'> & { changes: number[] }>;
}

export function planDocument(plan: Plan): PlanDocument {
  const grouped = groupChanges(plan);
  return {
    format_version: PLAN_FORMAT_VERSION,
    source: plan.source,
    connections: plan.connections,
    hosts: plan.hosts.map((h, i) => ({ host: h.host, fingerprint: h.fingerprint, changes: grouped.hosts[i]!.changes })),
    changes: grouped.groups,
    meaning: plan.meaning,
    addresses: plan.addresses,
    diagnostics: plan.diagnostics,
    ...(plan.shard ? { shard: plan.shard } : {}),
    ...(plan.destroys ? { destroys: plan.destroys } : {}),
  };
}

/** A saved plan, as JSON. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(planDocument(plan), null, 2)}\n`;
}

/** Reads a saved plan back into the per-host plan; a file that is not one gives a message saying why. */
export function parsePlan(text: string): { plan?: Plan; problem?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not a contiv plan (not JSON)' };
  }
  const p = data as Partial<PlanDocument>;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.hosts) || !Array.isArray(p.connections)) return { problem: 'not a contiv plan' };
  const version = p.format_version;
  if (typeof version === 'number' && version < PLAN_FORMAT_VERSION) return { problem: `made by an older contiv (plan format ${version}; this contiv reads ${PLAN_FORMAT_VERSION}); run contiv plan again` };
  if (typeof version === 'number' && version > PLAN_FORMAT_VERSION) return { problem: `made by a newer contiv (plan format ${version}; this contiv reads ${PLAN_FORMAT_VERSION}); apply it with that contiv, or run contiv plan again` };
  if (version !== PLAN_FORMAT_VERSION) return { problem: `plan format ${JSON.stringify(version) ?? 'undefined'} is not supported (this contiv reads ${PLAN_FORMAT_VERSION}); run contiv plan again` };
  const expanded = expand(p as PlanDocument);
  if (typeof expanded === 'string') return { problem: `refused: ${expanded} (a damaged plan; make a new plan)` };
  const problem = unsafeContent(expanded) ?? badShard(expanded);
  if (problem) return { problem: `refused: ${problem} (a saved plan runs as root on every host; make a new plan)` };
  return { plan: expanded };
}

const CHANGE_TYPES = new Set<string>(['bridge', 'port', 'flows', 'address', 'file', 'docker-network', 'docker-plugin']);

/**
 * The document's shared changes made per host again. Each change's `hosts` must be exactly the
 * hosts that list it (in plan order), so what a reader of the JSON sees is what apply makes.
 */
function expand(doc: PlanDocument): Plan | string {
  if (!Array.isArray(doc.changes)) return 'no list of changes';
  if (![doc.meaning, doc.addresses, doc.diagnostics].every(Array.isArray)) return 'no meaning, addresses or diagnostics';
  for (const [i, g] of doc.changes.entries()) {
    if (typeof g !== 'object' || g === null || !Array.isArray(g.hosts) || typeof g.change !== 'object' || g.change === null || !CHANGE_TYPES.has(g.change.type)) return `change ${i}`;
  }
  const listed = doc.changes.map((): string[] => []);
  const hosts: HostPlan[] = [];
  for (const h of doc.hosts) {
    if (typeof h !== 'object' || h === null || typeof h.host !== 'string' || typeof h.fingerprint !== 'string' || !Array.isArray(h.changes)) return `host entry ${JSON.stringify((h as { host?: unknown } | null)?.host)}`;
    const changes: Change[] = [];
    for (const i of h.changes) {
      if (!Number.isInteger(i) || i < 0 || i >= doc.changes.length) return `change ${JSON.stringify(i)} of host ${JSON.stringify(h.host)}`;
      listed[i]!.push(h.host);
      changes.push(forHost(doc.changes[i]!.change, h.host));
    }
    hosts.push({ host: h.host, fingerprint: h.fingerprint, changes });
  }
  for (const [i, g] of doc.changes.entries()) {
    if (g.hosts.length === 0 || JSON.stringify(g.hosts) !== JSON.stringify(listed[i])) return `change ${i} lists hosts ${JSON.stringify(g.hosts)}, but ${JSON.stringify(listed[i])} make it`;
  }
  const source = badSource(doc.source);
  if (source) return source;
  const d = doc.destroys as unknown;
  if (d !== undefined && (typeof d !== 'object' || d === null || !strings((d as Record<string, unknown>)['hosts']) || !strings((d as Record<string, unknown>)['tenants']))) return 'destroys (not lists of hosts and tenants)';
  return { format_version: doc.format_version, source: doc.source, connections: doc.connections, hosts, meaning: doc.meaning, addresses: doc.addresses, diagnostics: doc.diagnostics, ...(doc.shard ? { shard: doc.shard } : {}), ...(doc.destroys ? { destroys: doc.destroys } : {}) };
}

const HOST_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
/** What canonical flow text is made of: no blanks, quotes, `$`, `;`, backquotes or line breaks. */
const FLOW_TEXT = /^[A-Za-z0-9_=,.:/+\-[\]()>]*$/;
const ADDRESS = /^[A-Za-z0-9.-]{1,253}$/;
/** The only files contiv writes: the CNI plugin and its network configurations. */
const FILE_PATH = /^\/(opt\/cni\/bin\/contiv|etc\/cni\/net\.d\/50-contiv-[a-z0-9][a-z0-9.-]{0,126}\.conflist|usr\/local\/lib\/contiv\/contiv-docker|etc\/systemd\/system\/contiv-docker\.service)$/;
const NAME = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const DOCKER_NETWORK = new RegExp(`^${NAME}(?:/${NAME})?$`);
const CONTIV_NAME = new RegExp(`^${NAME}$`);
const BUILD = /^[0-9a-f]{64}$/;

/** `a.b.c.d/p` with a valid address and a prefix of 0-32. */
function isSubnet(text: string): boolean {
  const [address = '', prefix = ''] = text.split('/');
  return isIpv4(address) && /^\d{1,2}$/.test(prefix) && Number(prefix) <= 32;
}
/** Address records (src/ipam/records.ts), and the commit record (plan/commit-record.ts), whose value is a hash. */
const ADDRESS_RECORD_KEY = /^contiv\.(block|lent|ipam)(\.[a-z0-9-]{1,63}){2,4}$|^contiv\.commit$/;
const ADDRESS_RECORD_VALUE = /^[a-z0-9][a-z0-9 .-]{0,63}$/;

/**
 * A bridge change's fields: all of them where it is made (create), only what differs in an
 * update (BridgeDelta); values OVS knows; external_ids a map of strings.
 */
function bridgeFieldsFit(c: BridgeChange): boolean {
  const fits = (d: BridgeDelta | undefined) =>
    d === undefined ||
    (typeof d === 'object' && d !== null && (d.datapathType === undefined || d.datapathType === 'system' || d.datapathType === 'netdev') && (d.failMode === undefined || d.failMode === 'secure' || d.failMode === 'standalone') &&
      typeof d.externalIds === 'object' && d.externalIds !== null && Object.values(d.externalIds).every((v) => typeof v === 'string'));
  if (!fits(c.before) || !fits(c.after)) return false;
  return c.action === 'create' ? isWholeBridge(c.after) : c.action === 'update' ? c.before !== undefined && c.after !== undefined : true;
}

/**
 * A saved plan may have been edited on its way from `plan` to `apply` (it is a CI artifact).
 * Every value that reaches a host's shell is quoted, and these checks refuse anything a plan
 * made by contiv can never contain, before a single host is touched.
 */
function unsafeContent(plan: Plan): string | undefined {
  for (const c of plan.connections) {
    if (typeof c !== 'object' || c === null || !HOST_NAME.test(c.name)) return `host name ${JSON.stringify((c as { name?: unknown } | null)?.name)}`;
    if (!ADDRESS.test(c.address)) return `address ${JSON.stringify(c.address)} of ${c.name}`;
    // Checked as the Fabric's schema checks them: apply connects with exactly these.
    const ssh = c.ssh as Partial<HostConnection['ssh']> | undefined;
    if (typeof ssh !== 'object' || ssh === null || typeof ssh.user !== 'string' || !SSH_USER.test(ssh.user) || !Number.isInteger(ssh.port) || ssh.port! < 1 || ssh.port! > 65535) return `ssh settings of ${c.name}`;
    if (!isPath(ssh.knownHostsFile) || (ssh.identityFile !== undefined && !isPath(ssh.identityFile))) return `ssh files of ${c.name}`;
    const jump = ssh.proxyJump as Partial<NonNullable<HostConnection['ssh']['proxyJump']>> | undefined;
    if (jump !== undefined && (typeof jump !== 'object' || jump === null || typeof jump.user !== 'string' || !SSH_USER.test(jump.user) || typeof jump.address !== 'string' || !ADDRESS.test(jump.address) || !Number.isInteger(jump.port) || jump.port! < 1 || jump.port! > 65535)) return `jump host of ${c.name}`;
  }
  for (const h of plan.hosts) {
    if (!HOST_NAME.test(h.host) || !Array.isArray(h.changes)) return `host entry ${JSON.stringify(h.host)}`;
    for (const c of h.changes) {
      const shape = badShape(c);
      if (shape) return `${shape} (${JSON.stringify(c.address)})`;
      if (c.type === 'file') {
        const a = c.after;
        if (!FILE_PATH.test(c.path) || (a && (!/^[0-9a-f]{64}$/.test(a.sha256) || !/^[0-7]{3}$/.test(a.mode) || (a.bundle !== undefined ? a.bundle !== 'contiv-cni' && a.bundle !== 'contiv-docker' : typeof a.content !== 'string' || a.content.length > 65536)))) return `file ${JSON.stringify(c.path)}`;
        continue;
      }
      if (c.type === 'docker-network') {
        const ok = (n: DockerNetworkState | undefined) =>
          n === undefined || (n.name === c.name && [n.tenant, n.network, ...(n.group !== undefined ? [n.group] : [])].every((x) => CONTIV_NAME.test(x)) && isSubnet(n.subnet) && (n.gateway === undefined || isIpv4(n.gateway)));
        if (!DOCKER_NETWORK.test(c.name) || !ok(c.before) || !ok(c.after)) return `Docker network ${JSON.stringify(c.name)}`;
        continue;
      }
      if (c.type === 'docker-plugin') {
        if ([c.before, c.after].some((b) => b !== undefined && !BUILD.test(b.build))) return 'Docker plugin build';
        continue;
      }
      if (!DEVICE_NAME.test(c.bridge)) return `bridge name ${JSON.stringify(c.bridge)}`;
      if (c.type === 'bridge' && !bridgeFieldsFit(c)) return `bridge ${JSON.stringify(c.bridge)}`;
      if (c.type === 'port' && !DEVICE_NAME.test(c.port)) return `port name ${JSON.stringify(c.port)}`;
      if (c.type === 'address' && (!ADDRESS_RECORD_KEY.test(c.key) || [c.before, c.after].some((v) => v !== undefined && !ADDRESS_RECORD_VALUE.test(v)))) return `address record ${JSON.stringify(c.key)}`;
      if (c.type === 'flows') {
        for (const f of [...c.add, ...c.modify, ...c.remove]) {
          if (!/^[0-9a-f]{16}$/.test(f.cookie) || !Number.isInteger(f.table) || !Number.isInteger(f.priority) || !FLOW_TEXT.test(f.match) || !FLOW_TEXT.test(f.actions)) {
            return `flow ${JSON.stringify(f)}`;
          }
        }
      }
    }
  }
  return undefined;
}

const SSH_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** An absolute path without control characters (what the Fabric's loader makes of a path). */
function isPath(p: unknown): boolean {
  return typeof p === 'string' && p.startsWith('/') && p.length <= 4096 && !/[\u0000-\u001f\u007f]/.test(p);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What every change of its type and action carries: what it makes (after) where it makes or
 * changes something, what it expects to find (before) where it changes or removes something,
 * the lists of a flow change. Apply compares the host with `before` under its lock.
 */
function badShape(c: Change): string | undefined {
  if (!isObject(c) || typeof c.address !== 'string' || typeof c.reason !== 'string' || !['create', 'update', 'replace', 'delete'].includes(c.action)) return `a ${(c as { type?: string }).type ?? 'change'} without its action, address or reason`;
  if (c.type === 'flows') {
    const lists = [c.add, c.modify, c.modifyBefore, c.remove];
    if (!lists.every((l) => Array.isArray(l) && l.every(isObject)) || c.modify.length !== c.modifyBefore.length || typeof c.owner !== 'string') return 'a flow change without its lists of flows';
    return undefined;
  }
  if (c.type === 'address') {
    if ((c.action !== 'create' && typeof c.before !== 'string') || (c.action !== 'delete' && typeof c.after !== 'string')) return `an address record ${c.action} without ${c.action === 'create' ? 'after' : 'before'}`;
    return undefined;
  }
  const before = (c as { before?: unknown }).before;
  const after = (c as { after?: unknown }).after;
  if (c.action !== 'create' && !isObject(before)) return `a ${c.type} ${c.action} without what it expects to find (before)`;
  if (c.action !== 'delete' && !isObject(after)) return `a ${c.type} ${c.action} without what it makes (after)`;
  if (c.type === 'port' && [before, after].some((p) => p !== undefined && (!isObject(p) || !isObject(p['externalIds']) || !isObject(p['options'])))) return 'a port without its external_ids and options';
  return undefined;
}

/** The source names the commit the plan was made from (what apply records on each host): checked as such. */
function badSource(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return 'source';
  const o = s as Record<string, unknown>;
  const hex = (x: unknown, n: number): boolean => typeof x === 'string' && new RegExp(`^[0-9a-f]{${n}}$`).test(x);
  if (typeof o['dir'] !== 'string' || (o['ref'] !== undefined && typeof o['ref'] !== 'string')) return 'source (its folder or ref)';
  if (o['commit'] !== undefined && !hex(o['commit'], 40) && !hex(o['commit'], 64)) return 'source (its commit is not a full commit hash)';
  const u = o['uncommitted'] as Record<string, unknown> | undefined;
  if (u !== undefined && (typeof u !== 'object' || u === null || !hex(u['sha256'], 64) || (u['head'] !== undefined && !hex(u['head'], 40) && !hex(u['head'], 64)) || (u['files'] !== undefined && !strings(u['files'])))) return 'source (its uncommitted content)';
  return undefined;
}

function strings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}

/** A shard's record must say exactly which hosts the plan covers (what apply and its summary rely on). */
function badShard(plan: Plan): string | undefined {
  const s = plan.shard as unknown;
  if (s === undefined) return undefined;
  const o = s as Partial<Record<'target' | 'exclude' | 'hosts', unknown>>;
  if (typeof s !== 'object' || s === null || !strings(o.target) || !strings(o.exclude) || !strings(o.hosts)) return 'shard (not a list of selectors and hosts)';
  if (o.hosts.join(' ') !== plan.hosts.map((h) => h.host).join(' ')) return 'shard (its hosts are not the hosts the plan covers)';
  return undefined;
}
