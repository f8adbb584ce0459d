import { isWholeBridge, PLAN_FORMAT_VERSION, type BridgeChange, type BridgeDelta, type Plan } from './types.js';
import type { DockerNetworkState } from '../state/host-state.js';
import { isIpv4 } from '../manifest/ipv4.js';

/** A saved plan, as JSON. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** Reads a saved plan back; a file that is not one gives a message saying why. */
export function parsePlan(text: string): { plan?: Plan; problem?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not a contiv plan (not JSON)' };
  }
  const p = data as Partial<Plan>;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.hosts) || !Array.isArray(p.connections)) return { problem: 'not a contiv plan' };
  if (p.format_version !== PLAN_FORMAT_VERSION) return { problem: `plan format ${String(p.format_version)} is not supported (this contiv writes ${PLAN_FORMAT_VERSION}); make a new plan` };
  const problem = unsafeContent(p as Plan);
  if (problem) return { problem: `refused: ${problem} (a saved plan runs as root on every host; make a new plan)` };
  return { plan: p as Plan };
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
const ADDRESS_RECORD_KEY = /^contiv\.(block|lent|ipam)(\.[a-z0-9-]{1,63}){2,4}$/;
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
    if (!HOST_NAME.test(c.name)) return `host name ${JSON.stringify(c.name)}`;
    if (!ADDRESS.test(c.address)) return `address ${JSON.stringify(c.address)} of ${c.name}`;
  }
  for (const h of plan.hosts) {
    if (!HOST_NAME.test(h.host) || !Array.isArray(h.changes)) return `host entry ${JSON.stringify(h.host)}`;
    for (const c of h.changes) {
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
