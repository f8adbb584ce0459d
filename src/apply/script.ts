import { formatFlow } from '../state/flow-canonical.js';
import type { BundleName, PortState } from '../state/host-state.js';
import { flowKey } from '../state/host-state.js';
import { COOKIE_MARKER, FLOW_OWNER_KINDS, KIND_KEY } from '../state/marks.js';
import { T } from '../compile/pipeline.js';
import { assertNever, isWholeBridge, type BridgeChange, type Change, type FileChange, type PortChange } from '../plan/types.js';
import { networkCreateLine, networkRemoveLine, pluginStartLines, pluginStopLines } from './docker.js';
import { ovsString, shellQuote } from './quote.js';
import { LOCK_FILE } from '../host/gather-script.js';
import { HostError, type HostTarget } from '../host/transport.js';

/*
 * One host's changes → one shell script, run as one exec while the executor holds the host's
 * lock (LOCK_SCRIPT): every OVSDB change in one ovs-vsctl transaction, then every flow change
 * of a bridge in one `ovs-ofctl --bundle` transaction (add / modify_strict / delete_strict
 * lines: never replace-flows, which would delete flows that are not ours). A bundle is atomic:
 * no packet sees a half-changed table.
 */

/** Exit status when another contiv holds the host's lock. */
export const EXIT_LOCKED = 75;
/** Exit status when the host lacks flock (util-linux). */
export const EXIT_NO_FLOCK = 127;
const FLOWS_EOF = 'CONTIV_FLOWS_EOF';

/**
 * Takes a lock file for the rest of the script: by default the host-wide lock (LOCK_FILE) that
 * apply, attach and detach hold while they change the host. A `holder` (who, from where, which
 * commit) is written next to it, `FILE.holder`, with the holding shell's pid and the time: a
 * run that waits in vain says who holds the lock, and `contiv force-unlock` ends that holder.
 */
export function lockPreamble(file: string = LOCK_FILE, fd = 9, waitSeconds = 30, holder?: string): string[] {
  return [
    'set -eu',
    `command -v flock >/dev/null 2>&1 || { echo "flock is missing on this host (util-linux)" >&2; exit ${EXIT_NO_FLOCK}; }`,
    `exec ${fd}>${file}`,
    // Who holds it, said only when the recorded holder is the one holding it (a record outlives its run).
    `flock -w ${waitSeconds} ${fd} || { ${readHolder(file)} if [ "$holds" != yes ]; then holder=; fi; echo "another contiv run holds ${file}\${holder:+: $holder}" >&2; exit ${EXIT_LOCKED}; }`,
    ...(holder === undefined ? [] : [`printf '%s, pid %s, since %s\\n' ${shellQuote(holder.replace(/[\u0000-\u001f\u007f]/g, ' '))} "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${file}.holder`]),
  ];
}

/**
 * Shell that reads a lock's holder record (at most 300 bytes, without control characters: the
 * file is the host's) into $holder, its pid into $pid, and sets $holds to yes when that process
 * still has the lock file open (so a record whose run is over names nobody).
 */
function readHolder(file: string): string {
  return [
    `holder=$(head -c 300 "${file}.holder" 2>/dev/null | tr -d '\\000-\\037\\177' || true);`,
    `pid=$(printf '%s' "$holder" | sed -n 's/.*, pid \\([0-9][0-9]*\\), since .*/\\1/p');`,
    'holds=no;',
    `if [ -n "$pid" ] && [ -d "/proc/$pid/fd" ]; then for d in /proc/$pid/fd/*; do if [ "$(readlink "$d" 2>/dev/null || true)" = "${file}" ]; then holds=yes; fi; done; fi;`,
  ].join(' ');
}

/** The held lock script of the apply executor (LOCK_SCRIPT) for a holder and a wait. */
export function lockScript(options: { holder?: string; waitSeconds?: number } = {}): string {
  return `${lockPreamble(LOCK_FILE, 9, options.waitSeconds ?? 30, options.holder).join('\n')}\necho ${LOCK_READY}\ncat >/dev/null\n`;
}

export const LOCK_READY = 'CONTIV_LOCKED';

/** Why the held lock script could not start, for the user: a held lock (and who holds it), a missing flock, or the host's own error. */
export function lockProblem(host: HostTarget, e: unknown, waitSeconds = 30): HostError {
  const message = e instanceof Error ? e.message : String(e);
  if (/exit 75/.test(message)) {
    const holder = new RegExp(`holds ${LOCK_FILE.replace(/[.]/g, '\\.')}: (.+)$`).exec(message)?.[1];
    return new HostError(host.name, 'command', `another contiv run held the host's lock (${LOCK_FILE}) for ${waitSeconds} s${holder ? ` (${holder})` : ''}; nothing changed`, `wait for it (--lock-timeout), or if that run is gone for good: contiv force-unlock ${host.name}`);
  }
  if (/exit 127/.test(message)) return new HostError(host.name, 'missing-binary', 'flock not found on the host; nothing changed', 'install util-linux');
  return e instanceof HostError ? e : new HostError(host.name, 'command', message);
}

/**
 * Held by the apply executor (Transport.hold) for a whole host: read, check, change, verify,
 * roll back — all under one lock, released when its standard input closes or the connection
 * dies (so a killed contiv never leaves a host locked).
 */
export const LOCK_SCRIPT = lockScript();

/** Exit status of FORCE_UNLOCK_SCRIPT when the holder is not one contiv recorded (nothing is ended). */
export const EXIT_UNKNOWN_HOLDER = 3;

/**
 * `contiv force-unlock HOST`: ends the run that holds the host-wide lock, and nothing else. The
 * pid comes from the holder file the lock's taker wrote (lockPreamble), and is ended only while
 * that process still has the lock file open (so a stale record never names a stranger), with its
 * children (the `cat` that keeps the lock script waiting). Prints `free`, or `released: HOLDER`.
 */
export const FORCE_UNLOCK_SCRIPT = `set -eu
f=${LOCK_FILE}
exec 9>>"$f"
if flock -n 9; then echo free; exit 0; fi
${readHolder(LOCK_FILE)}
if [ "$holds" != yes ]; then echo "the lock is held by a process contiv did not record\${holder:+ (the record says: $holder)}" >&2; exit ${EXIT_UNKNOWN_HOLDER}; fi
pkill -TERM -P "$pid" 2>/dev/null || true
kill -TERM "$pid" 2>/dev/null || true
if flock -w 10 9; then echo "released: $holder"; exit 0; fi
echo "the holder (pid $pid) did not let go within 10 s" >&2; exit 1
`;

/** One bridge's flow changes as one atomic bundle, or nothing. */
export function bundleBlock(bridge: string, lines: readonly string[]): string[] {
  return lines.length ? [`ovs-ofctl -O OpenFlow14 --bundle add-flows ${shellQuote(bridge)} - <<'${FLOWS_EOF}'`, ...lines, FLOWS_EOF] : [];
}

type VsctlCommand = string[];

function setMap(table: string, record: string, column: string, before: Record<string, string> | undefined, after: Record<string, string>): VsctlCommand[] {
  const out: VsctlCommand[] = [];
  const changed = Object.entries(after).filter(([k, v]) => before?.[k] !== v);
  if (changed.length) out.push(['set', table, record, ...changed.map(([k, v]) => `${column}:${ovsString(k)}=${ovsString(v)}`)]);
  const removed = Object.keys(before ?? {}).filter((k) => !(k in after));
  if (removed.length) out.push(['remove', table, record, column, ...removed.map(ovsString)]);
  return out;
}

/**
 * How a script is made. `restore`: the dead-man timer's checkpoint, which may run from the state
 * before the change, after it, or anywhere between (the change was cut off): what it creates may
 * already be there, a file it puts back may never have been replaced.
 */
export interface ScriptOptions {
  restore?: boolean;
}

function bridgeCommands(c: BridgeChange, o: ScriptOptions): VsctlCommand[] {
  switch (c.action) {
    case 'create': {
      const a = c.after;
      if (!isWholeBridge(a)) throw new Error(`bridge ${c.bridge}: a create without the bridge's fields (a damaged plan?)`);
      return [[...mayExist(o), 'add-br', c.bridge], ['set', 'bridge', c.bridge, `datapath_type=${a.datapathType}`, `fail_mode=${a.failMode}`], ...setMap('bridge', c.bridge, 'external_ids', undefined, a.externalIds)];
    }
    case 'update':
    case 'replace': {
      // Only what differs (BridgeDelta): a field or key absent from both is left as it is.
      const out: VsctlCommand[] = [];
      const b = c.before ?? { externalIds: {} };
      const a = c.after ?? { externalIds: {} };
      if (a.datapathType !== undefined && b.datapathType !== a.datapathType) out.push(['set', 'bridge', c.bridge, `datapath_type=${a.datapathType}`]);
      if (a.failMode !== undefined && b.failMode !== a.failMode) out.push(['set', 'bridge', c.bridge, `fail_mode=${a.failMode}`]);
      return [...out, ...setMap('bridge', c.bridge, 'external_ids', b.externalIds, a.externalIds)];
    }
    case 'delete':
      return [['--if-exists', 'del-br', c.bridge]];
    default:
      return assertNever(c.action);
  }
}

function interfaceSettings(p: PortState, before?: PortState): string[] {
  const out: string[] = [];
  if (before?.type !== p.type) out.push(`type=${p.type === 'system' ? '""' : p.type}`);
  if (before?.ofport !== p.ofport) out.push(`ofport_request=${p.ofport}`);
  if (p.mtu !== undefined && before?.mtu !== p.mtu) out.push(`mtu_request=${p.mtu}`);
  return out;
}

function mayExist(o: ScriptOptions): string[] {
  return o.restore ? ['--may-exist'] : [];
}

function portCommands(c: PortChange, o: ScriptOptions): VsctlCommand[] {
  const p = c.after;
  switch (c.action) {
    case 'create':
      return [
        [...mayExist(o), 'add-port', c.bridge, c.port],
        ['set', 'interface', c.port, ...interfaceSettings(p!)],
        ...setMap('interface', c.port, 'options', undefined, p!.options),
        ['set', 'port', c.port, `protected=${p!.protected}`],
        ...setMap('port', c.port, 'external_ids', undefined, p!.externalIds),
      ];
    case 'update':
    case 'replace': {
      // A type change is made in place too: OVS re-opens the device, the port row (and its
      // number, so every flow naming it) stays.
      const b = c.before!;
      const settings = interfaceSettings(p!, b);
      return [
        ...(settings.length ? [['set', 'interface', c.port, ...settings]] : []),
        ...setMap('interface', c.port, 'options', b.options, p!.options),
        ...(b.protected !== p!.protected ? [['set', 'port', c.port, `protected=${p!.protected}`]] : []),
        ...setMap('port', c.port, 'external_ids', b.externalIds, p!.externalIds),
      ];
    }
    case 'delete':
      return [['--if-exists', 'del-port', c.bridge, c.port]];
    default:
      return assertNever(c.action);
  }
}

/**
 * A flow line goes into a quoted here-document: a line break in it (a hand-edited plan file)
 * could end the document early and run what follows as shell. Refused, never escaped.
 */
function oneLine(line: string): string {
  if (/[\r\n]/.test(line)) throw new Error(`refusing a flow with a line break (a corrupted or tampered plan?): ${JSON.stringify(line)}`);
  return line;
}

/** The lines of one bridge's bundle. */
export function bundleLines(changes: readonly Change[], bridge: string): string[] {
  const lines: string[] = [];
  // A host moving from per-peer tunnel ports to the one flow-based port: the MACs it learned
  // point at ports about to go, without a VTEP, and traffic to them would keep them alive while
  // it is dropped. They go with the ports; the next packets flood and are learned again.
  if (changes.some((c) => c.type === 'port' && c.action === 'delete' && c.bridge === bridge && c.before?.externalIds[KIND_KEY] === 'tunnel' && c.before.options['remote_ip'] !== 'flow')) {
    lines.push(`delete table=${T.learned},cookie=0x${COOKIE_MARKER.toString(16)}${FLOW_OWNER_KINDS.learned.toString(16).padStart(2, '0')}000000000000/0xffff000000000000`);
  }
  for (const c of changes) {
    if (c.type !== 'flows' || c.bridge !== bridge) continue;
    for (const f of c.remove) lines.push(`delete_strict ${flowKey(f)}`);
  }
  for (const c of changes) {
    if (c.type !== 'flows' || c.bridge !== bridge) continue;
    for (const f of c.add) lines.push(`add ${formatFlow(f)}`);
    for (const f of c.modify) lines.push(`modify_strict ${formatFlow(f)}`);
  }
  return lines.map(oneLine);
}

/** Contents a plan names but does not carry (the contiv-cni bundle), from the contiv that applies. */
export type Bundles = Partial<Record<BundleName, { content: string; sha256: string }>>;

const FILE_EOF = 'CONTIV_FILE_EOF';

/**
 * A file written whole and atomically (a temporary beside it, then renamed), or removed. What
 * was there is kept beside it as `PATH.contiv-prev`: a rollback (a change to the state before,
 * which carries no content) puts it back.
 */
function fileLines(c: FileChange, bundles: Bundles, o: ScriptOptions): string[] {
  const path = shellQuote(c.path);
  const prev = shellQuote(`${c.path}.contiv-prev`);
  // A restore removes what the apply created (nothing is restored later, so no copy is kept) and
  // puts back a copy only where the apply got as far as making one.
  if (c.after === undefined) return [o.restore ? `rm -f ${path}` : `if [ -f ${path} ]; then mv -f ${path} ${prev}; fi`];
  if (c.after.content === undefined && c.after.bundle === undefined) return [o.restore ? `if [ -f ${prev} ]; then mv -f ${prev} ${path}; fi` : `mv -f ${prev} ${path}`];
  let content = c.after.content;
  if (c.after.bundle !== undefined) {
    const b = bundles[c.after.bundle];
    if (!b || b.sha256 !== c.after.sha256) throw new Error(`the plan installs ${c.after.bundle} ${c.after.sha256.slice(0, 12)}, but this contiv has ${b ? b.sha256.slice(0, 12) : 'none'}: make a new plan with this contiv`);
    content = b.content;
  }
  const tmp = `${c.path}.contiv-new`;
  const base64 = Buffer.from(content ?? '', 'utf8').toString('base64').replace(/(.{76})/g, '$1\n');
  return [
    `mkdir -p ${shellQuote(c.path.slice(0, c.path.lastIndexOf('/')))}`,
    `base64 -d > ${shellQuote(tmp)} <<'${FILE_EOF}'`,
    ...base64.split('\n').filter(Boolean),
    FILE_EOF,
    `chmod ${c.after.mode} ${shellQuote(tmp)}`,
    `if [ -f ${path} ]; then cp -p ${path} ${prev}; fi`,
    `mv -f ${shellQuote(tmp)} ${path}`,
  ];
}

/** After a verified apply: the copies of replaced and removed files that rollback would have used. */
export function fileCleanupScript(changes: readonly Change[]): string | undefined {
  const files = changes.flatMap((c) => (c.type === 'file' ? [shellQuote(`${c.path}.contiv-prev`)] : []));
  return files.length ? `rm -f ${files.join(' ')}\n` : undefined;
}

/** The whole script for one host. Values are quoted for sh; the flows go in a quoted here-document. */
export function hostScript(changes: readonly Change[], bundles: Bundles = {}, options: ScriptOptions = {}): string {
  const vsctl: VsctlCommand[] = [];
  const deletedBridges = new Set<string>();
  for (const c of changes) {
    if (c.type === 'bridge') {
      vsctl.push(...bridgeCommands(c, options));
      if (c.action === 'delete') deletedBridges.add(c.bridge);
    } else if (c.type === 'port') {
      vsctl.push(...portCommands(c, options));
    } else if (c.type === 'address') {
      vsctl.push(c.after === undefined ? ['remove', 'bridge', c.bridge, 'external_ids', ovsString(c.key)] : ['set', 'bridge', c.bridge, `external_ids:${ovsString(c.key)}=${ovsString(c.after)}`]);
    }
  }
  const out = ['set -eu'];
  if (vsctl.length) out.push(['ovs-vsctl', '--timeout=30', ...vsctl.flatMap((cmd) => ['--', ...cmd])].map(shellQuote).join(' '));
  // A dead endpoint's host-side veth is normally gone with its namespace; remove it if not.
  for (const c of changes) if (c.type === 'port' && c.action === 'delete' && c.before?.externalIds['contiv.kind'] === 'endpoint') out.push(`ip link del ${shellQuote(c.port)} 2>/dev/null || true`);
  const bridges = [...new Set(changes.filter((c) => c.type === 'flows').map((c) => c.bridge))].filter((b) => !deletedBridges.has(b));
  for (const bridge of bridges) out.push(...bundleBlock(bridge, bundleLines(changes, bridge)));
  // Docker networks go while the plugin (old or current) still answers, then the plugin if it goes.
  for (const c of changes) if (c.type === 'docker-network' && (c.action === 'delete' || c.action === 'replace')) out.push(networkRemoveLine(c.name));
  for (const c of changes) if (c.type === 'docker-plugin' && c.action === 'delete') out.push(...pluginStopLines());
  // Files last: a runtime finds a network's configuration only once its flows are there.
  for (const c of changes) if (c.type === 'file') out.push(...fileLines(c, bundles, options));
  // The plugin starts from its file, and Docker calls it while it makes a network.
  for (const c of changes) if (c.type === 'docker-plugin' && c.after) out.push(...pluginStartLines(c.host, c.after.build));
  for (const c of changes) if (c.type === 'docker-network' && c.after) out.push(networkCreateLine(c.after));
  return `${out.join('\n')}\n`;
}
