import type { HostState, PortState } from './host-state.js';
import { KIND_KEY, ownerIds } from './marks.js';
import { isIpv4 } from '../manifest/ipv4.js';

/**
 * An endpoint: a container interface attached to a network. It lives on its host only, as an
 * OVS port whose external_ids describe it; there is no other record of it anywhere.
 */
export interface Endpoint {
  host: string;
  /** OVS port (host side of the veth). */
  port: string;
  ofport: number;
  tenant: string;
  network: string;
  group?: string;
  ip: string;
  mac: string;
  /** The container's network namespace: a name under /run/netns, or an absolute path (a runtime's). */
  netns: string;
  /** The interface in the container; absent means eth0 (endpoints attached before --ifname). */
  ifname?: string;
  /** The runtime's container id, for endpoints a runtime made (CNI's DEL names the container, not always its namespace). */
  container?: string;
  /** The host whose block holds the address, when it lent it (`contiv attach --ip`): detach gives it back there. */
  lender?: string;
}

export const DEFAULT_IFNAME = 'eth0';

export const ENDPOINT_KEYS = {
  tenant: 'contiv.tenant',
  network: 'contiv.network',
  group: 'contiv.group',
  ip: 'contiv.ip',
  mac: 'contiv.mac',
  netns: 'contiv.netns',
  ifname: 'contiv.ifname',
  container: 'contiv.container',
  lender: 'contiv.lender',
} as const;

/**
 * The endpoint's resource address (its flows' cookie is derived from it): `h1/endpoint/web-1`,
 * and `h1/endpoint/web-1#eth1` for a second interface in the same namespace. An endpoint Docker
 * made has no interface name of contiv's (Docker names it when it moves it into the container):
 * its Docker endpoint id tells it from the container's other endpoints,
 * `h1/endpoint/PATH#4a0936b29e26`. Endpoints of before --ifname have neither: eth0.
 */
export function endpointAddress(e: Pick<Endpoint, 'host' | 'netns' | 'ifname' | 'container'>): string {
  const which = e.ifname === undefined && e.container !== undefined ? e.container.slice(0, 12) : e.ifname ?? DEFAULT_IFNAME;
  return `${e.host}/endpoint/${e.netns}${which === DEFAULT_IFNAME ? '' : `#${which}`}`;
}

export function endpointExternalIds(e: Endpoint): Record<string, string> {
  const ids: Record<string, string> = {
    ...ownerIds('endpoint', endpointAddress(e)),
    [ENDPOINT_KEYS.tenant]: e.tenant,
    [ENDPOINT_KEYS.network]: e.network,
    [ENDPOINT_KEYS.ip]: e.ip,
    [ENDPOINT_KEYS.mac]: e.mac,
    [ENDPOINT_KEYS.netns]: e.netns,
  };
  if (e.group) ids[ENDPOINT_KEYS.group] = e.group;
  if (e.ifname) ids[ENDPOINT_KEYS.ifname] = e.ifname;
  if (e.container) ids[ENDPOINT_KEYS.container] = e.container;
  if (e.lender) ids[ENDPOINT_KEYS.lender] = e.lender;
  return ids;
}

function fromPort(host: string, port: PortState): Endpoint | undefined {
  const x = port.externalIds;
  const [tenant, network, ip, mac, netns] = [x[ENDPOINT_KEYS.tenant], x[ENDPOINT_KEYS.network], x[ENDPOINT_KEYS.ip], x[ENDPOINT_KEYS.mac], x[ENDPOINT_KEYS.netns]];
  if (!tenant || !network || !ip || !mac || !netns) return undefined;
  const e: Endpoint = { host, port: port.name, ofport: port.ofport, tenant, network, ip, mac, netns };
  const group = x[ENDPOINT_KEYS.group];
  if (group) e.group = group;
  const ifname = x[ENDPOINT_KEYS.ifname];
  if (ifname) e.ifname = ifname;
  const container = x[ENDPOINT_KEYS.container];
  if (container) e.container = container;
  const lender = x[ENDPOINT_KEYS.lender];
  if (lender) e.lender = lender;
  return e;
}

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** What each record of an endpoint's port may hold: what contiv writes there, nothing else. */
const RECORD_FORMS: Record<keyof typeof ENDPOINT_KEYS, RegExp | ((v: string) => boolean)> = {
  tenant: LABEL,
  network: LABEL,
  group: LABEL,
  ip: isIpv4,
  mac: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i,
  // A name under /run/netns, or a runtime's absolute path; no control characters either way.
  netns: /^([A-Za-z0-9_.-]{1,255}|\/[^\u0000-\u001f\u007f]{1,4095})$/,
  ifname: /^[A-Za-z0-9_.-]{1,15}$/,
  container: /^[A-Za-z0-9_.-]{1,128}$/,
  lender: LABEL,
};
const REQUIRED = ['tenant', 'network', 'ip', 'mac', 'netns'] as const;

/**
 * The records of a host's endpoint ports that are not what contiv writes (a record edited on
 * the host, or a host that lies), each as `port: key "value"`: a plan reads addresses and
 * namespaces from them, and shows them, so it refuses a host with one.
 */
export function endpointRecordProblems(state: HostState): string[] {
  const out: string[] = [];
  for (const bridge of Object.values(state.bridges)) {
    for (const port of Object.values(bridge.ports)) {
      if (port.externalIds[KIND_KEY] !== 'endpoint') continue;
      for (const [field, key] of Object.entries(ENDPOINT_KEYS) as Array<[keyof typeof ENDPOINT_KEYS, string]>) {
        const value = port.externalIds[key];
        if (value === undefined) {
          if ((REQUIRED as readonly string[]).includes(field)) out.push(`${port.name}: ${key} missing`);
          continue;
        }
        const form = RECORD_FORMS[field];
        if (!(typeof form === 'function' ? form(value) : form.test(value))) out.push(`${port.name}: ${key} ${JSON.stringify(value)}`);
      }
    }
  }
  return out;
}

/** The endpoints of a host, from its endpoint ports, sorted by port name. */
export function endpointsOf(state: HostState): Endpoint[] {
  const out: Endpoint[] = [];
  for (const bridge of Object.values(state.bridges)) {
    for (const port of Object.values(bridge.ports)) {
      if (port.externalIds[KIND_KEY] !== 'endpoint') continue;
      const e = fromPort(state.host, port);
      if (e) out.push(e);
    }
  }
  return out.sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : 0));
}
