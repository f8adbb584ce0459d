import { COMMIT_KEY } from './commit-record.js';
import { CNI_CONF_DIR, CNI_PLUGIN_PATH } from '../compile/cni-files.js';
import { DOCKER_PLUGIN_PATH, DOCKER_UNIT_PATH } from '../compile/docker-runtime.js';
import { isAddressRecord } from '../ipam/records.js';
import type { LiveHost } from '../state/host-state.js';
import { decodeCookie, isOwned } from '../state/marks.js';
import type { Change } from './types.js';

/*
 * A saved plan is a file: whoever can edit it can write any change into it. Before a host's
 * changes run, each must name an object contiv owns on that host as gathered under its lock
 * (a bridge or port with contiv's mark, a flow with contiv's cookie, an address record, one of
 * the files contiv installs, a Docker network of contiv's driver), or one it creates where
 * nothing is; and an update or a delete must say what it expects to find (its `before`), so
 * the check of what moved since the plan (scope.ts) has something to compare.
 */

const CONFLIST = new RegExp(`^${CNI_CONF_DIR.replace(/[.]/g, '\\.')}/50-contiv-[a-z0-9][a-z0-9.-]*\\.conflist$`);
const FILES = new Set([CNI_PLUGIN_PATH, DOCKER_PLUGIN_PATH, DOCKER_UNIT_PATH]);

/** Whether contiv installs a file at this path (and so may write or remove it). */
export function isContivFile(path: string): boolean {
  return FILES.has(path) || (CONFLIST.test(path) && !path.includes('..'));
}

/** `an update`, `a delete`, `a replace`. */
function article(action: string): string {
  return `${action === 'update' ? 'an' : 'a'} ${action}`;
}

/** The changes that reach outside what contiv owns on the host, each with why; [] when none does. */
export function outsideContiv(live: LiveHost, changes: readonly Change[]): string[] {
  const out: string[] = [];
  const bridges = live.state.bridges;
  // Bridges this plan makes are contiv's for the changes after them.
  const made = new Set(changes.flatMap((c) => (c.type === 'bridge' && c.action === 'create' ? [c.bridge] : [])));
  const oursBridge = (name: string) => (bridges[name] !== undefined && isOwned(bridges[name]!.externalIds)) || made.has(name);
  const refuse = (c: Change, why: string) => out.push(`${c.address}: ${why}`);
  for (const c of changes) {
    const needsBefore = c.action === 'update' || c.action === 'delete' || c.action === 'replace';
    switch (c.type) {
      case 'bridge':
        // One of contiv's already there is the check of what moved (scope.ts), not this one.
        if (c.action === 'create') {
          if (live.unmanaged.bridges.includes(c.bridge)) refuse(c, `bridge ${c.bridge} is there and not contiv's`);
        } else if (!bridges[c.bridge] || !isOwned(bridges[c.bridge]!.externalIds)) refuse(c, `bridge ${c.bridge} is not contiv's`);
        else if (!c.before) refuse(c, `${article(c.action)} of bridge ${c.bridge} without what it expects to find (before)`);
        break;
      case 'port': {
        if (!oursBridge(c.bridge)) {
          refuse(c, `bridge ${c.bridge} is not contiv's`);
          break;
        }
        const port = bridges[c.bridge]?.ports[c.port];
        if (c.action === 'create') {
          if (live.unmanaged.ports.includes(`${c.bridge}/${c.port}`) || (port && !isOwned(port.externalIds))) refuse(c, `port ${c.port} is there and not contiv's`);
        } else if (!port || !isOwned(port.externalIds)) refuse(c, `port ${c.port} on ${c.bridge} is not contiv's`);
        else if (!c.before) refuse(c, `${article(c.action)} of port ${c.port} without what it expects to find (before)`);
        break;
      }
      case 'flows': {
        if (!oursBridge(c.bridge)) {
          refuse(c, `bridge ${c.bridge} is not contiv's`);
          break;
        }
        const foreign = [...c.add, ...c.modify, ...c.modifyBefore, ...c.remove].filter((f) => !decodeCookie(f.cookie).ours);
        if (foreign.length) refuse(c, `${foreign.length} flow(s) without contiv's cookie (cookie=0x${foreign[0]!.cookie})`);
        else if (c.modify.length !== c.modifyBefore.length) refuse(c, 'a flow change without what it expects to find (modifyBefore)');
        break;
      }
      case 'address':
        if (!oursBridge(c.bridge)) refuse(c, `bridge ${c.bridge} is not contiv's`);
        else if (!isAddressRecord(c.key) && c.key !== COMMIT_KEY) refuse(c, `${c.key} is not an address record of contiv's`);
        else if (needsBefore && c.before === undefined) refuse(c, `${article(c.action)} of ${c.key} without what it expects to find (before)`);
        break;
      case 'file':
        if (!isContivFile(c.path)) refuse(c, `${c.path} is not a file contiv installs`);
        else if (needsBefore && (!c.before || !live.state.files?.[c.path])) refuse(c, `${article(c.action)} of ${c.path} without a file of contiv's there, or without what it expects to find (before)`);
        break;
      case 'docker-network':
        if (needsBefore && (!c.before || !live.state.docker?.networks[c.name])) refuse(c, `Docker network ${c.name} is not one of contiv's driver, or the change does not say what it expects to find (before)`);
        break;
      case 'docker-plugin':
        if (needsBefore && !c.before) refuse(c, `${article(c.action)} of the Docker plugin without what it expects to find (before)`);
        break;
    }
  }
  return out;
}
