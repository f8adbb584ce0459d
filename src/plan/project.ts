import type { HostState } from '../state/host-state.js';
import { flowKey } from '../state/host-state.js';
import { assertNever, isWholeBridge, type Change } from './types.js';
import { isAddressRecord } from '../ipam/records.js';

/**
 * Pure: the state a host must have after `changes` are applied to `before`. Apply verifies
 * against it (re-gather, compare) and rollback diffs back to `before`.
 */
export function projectState(before: HostState, changes: readonly Change[]): HostState {
  const state: HostState = structuredClone(before);
  for (const c of changes) {
    switch (c.type) {
      case 'bridge':
        if (c.action === 'delete') delete state.bridges[c.bridge];
        else if (c.action === 'create' || !state.bridges[c.bridge]) {
          const existing = state.bridges[c.bridge];
          // Address records are not the bridge change's: they stay as they are (AddressChange).
          const records = Object.fromEntries(Object.entries(existing?.externalIds ?? {}).filter(([k]) => isAddressRecord(k)));
          if (!isWholeBridge(c.after)) throw new Error(`bridge ${c.bridge}: made without its fields (a damaged plan?)`);
          state.bridges[c.bridge] = { ...c.after, externalIds: { ...c.after.externalIds, ...records }, ports: existing?.ports ?? {}, flows: existing?.flows ?? {} };
        } else {
          // An update carries only what differs (BridgeDelta): the rest of the bridge stays.
          const bridge = state.bridges[c.bridge]!;
          const after = c.after ?? { externalIds: {} };
          if (after.datapathType !== undefined) bridge.datapathType = after.datapathType;
          if (after.failMode !== undefined) bridge.failMode = after.failMode;
          for (const key of Object.keys(c.before?.externalIds ?? {})) if (!(key in after.externalIds)) delete bridge.externalIds[key];
          Object.assign(bridge.externalIds, after.externalIds);
        }
        break;
      case 'port': {
        const bridge = state.bridges[c.bridge];
        if (!bridge) break;
        if (c.action === 'delete') delete bridge.ports[c.port];
        else bridge.ports[c.port] = structuredClone(c.after!);
        break;
      }
      case 'flows': {
        const bridge = state.bridges[c.bridge];
        if (!bridge) break;
        for (const f of c.remove) delete bridge.flows[flowKey(f)];
        for (const f of [...c.add, ...c.modify]) bridge.flows[flowKey(f)] = f;
        break;
      }
      case 'address': {
        const bridge = state.bridges[c.bridge];
        if (!bridge) break;
        if (c.after === undefined) delete bridge.externalIds[c.key];
        else bridge.externalIds[c.key] = c.after;
        break;
      }
      case 'file': {
        const files = (state.files ??= {});
        if (c.after === undefined) delete files[c.path];
        else files[c.path] = { path: c.path, sha256: c.after.sha256, mode: c.after.mode };
        break;
      }
      case 'docker-network': {
        const docker = (state.docker ??= { networks: {} });
        if (c.after === undefined) delete docker.networks[c.name];
        else docker.networks[c.name] = structuredClone(c.after);
        break;
      }
      case 'docker-plugin': {
        const docker = (state.docker ??= { networks: {} });
        if (c.after === undefined) delete docker.plugin;
        else docker.plugin = { build: c.after.build };
        break;
      }
      default:
        assertNever(c);
    }
  }
  return state;
}
