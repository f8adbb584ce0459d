import { isCommitRecord } from './commit-record.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Host } from '../model/types.js';
import type { MeaningLine } from '../policy/meaning.js';
import type { SpaceUse } from '../ipam/fleet.js';
import type { BridgeState, DockerNetworkState, FileState, Flow, PortState } from '../state/host-state.js';

/*
 * The plan: plain, serialisable data. `contiv plan --out FILE` writes it as JSON and
 * `contiv apply FILE` reads it back and applies exactly these changes. Every switch over a
 * Change ends in an exhaustiveness check (assertNever).
 */

/**
 * Version of the saved plan (`plan --out`, `plan --json`; src/plan/plan-file.ts).
 * 2: address blocks claimed where needed (AddressChange, `addresses`).
 * 3: each distinct change once, host-relative, with the hosts that make it (`changes[]`), and
 *    per host the indexes of its changes in apply order (`hosts[].changes`); a bridge update
 *    carries only what differs (BridgeDelta). The in-memory Plan is still per host.
 */
export const PLAN_FORMAT_VERSION = 3;

export type Action = 'create' | 'update' | 'delete' | 'replace';

/** A bridge's own fields (its ports and flows are separate changes). */
export type BridgeFields = Omit<BridgeState, 'ports' | 'flows'>;

/**
 * Some of a bridge's fields. A create's `after` and a delete's `before` carry them all; an
 * update carries only what differs: the scalar fields that change, and of external_ids only
 * the keys whose value changes (a key in `before` and not in `after` is removed). The recorded
 * model is hundreds of keys, and a plan repeats it on every host; apply needs only the delta.
 */
export type BridgeDelta = Partial<Omit<BridgeFields, 'externalIds'>> & { externalIds: Record<string, string> };

export interface BridgeChange {
  type: 'bridge';
  action: Action;
  host: string;
  /** `h1/bridge/contiv0` */
  address: string;
  bridge: string;
  before?: BridgeDelta;
  after?: BridgeDelta;
  reason: string;
}

/** A create's `after` or a delete's `before`: every field there (a hand-edited plan may lack some). */
export function isWholeBridge(b: BridgeDelta | undefined): b is BridgeFields {
  return b !== undefined && typeof b.name === 'string' && typeof b.datapathType === 'string' && typeof b.failMode === 'string' && typeof b.externalIds === 'object' && b.externalIds !== null;
}

export interface PortChange {
  type: 'port';
  action: Action;
  host: string;
  /** `h1/tunnel/h2`, `h1/endpoint/web-1` */
  address: string;
  bridge: string;
  port: string;
  before?: PortState;
  after?: PortState;
  reason: string;
}

/** The flows of one owner on one bridge: applied with the bridge's other flow changes in one bundle. */
export interface FlowsChange {
  type: 'flows';
  action: Action;
  host: string;
  /** `h1/flows/net/blue/contiv-net` */
  address: string;
  bridge: string;
  owner: string;
  add: Flow[];
  /** New versions of flows whose match stays (modify_strict). */
  modify: Flow[];
  /** Old versions of the modified flows, for the plan's line diff and for rollback. */
  modifyBefore: Flow[];
  remove: Flow[];
  reason: string;
}

/**
 * One address record of a host (src/ipam/records.ts): a block claimed (written pending; apply
 * confirms it once no other host records it), confirmed or released; an address lent or no
 * longer lent. Kept apart from the bridge's other fields: containers come and go between plan
 * and apply, so these are checked one by one under the host's lock, not by the fingerprint.
 */
export interface AddressChange {
  type: 'address';
  action: Action;
  host: string;
  /** `h1/block/default/contiv-net/10.1.2.16`, `h1/lent/default/contiv-net/10.1.2.5` */
  address: string;
  bridge: string;
  /** The external_ids key. */
  key: string;
  before?: string;
  after?: string;
  reason: string;
}

/**
 * A file contiv writes on a host (the runtime plugins, CNI network configurations, the Docker
 * plugin's unit): created, replaced whole (atomically), or removed. `after.content` carries a
 * configuration's text; a plugin's is a bundle of the contiv that applies (`after.bundle`),
 * checked against `after.sha256`.
 */
export interface FileChange {
  type: 'file';
  action: Action;
  host: string;
  /** `h1/file/etc/cni/net.d/50-contiv-contiv-net.conflist` */
  address: string;
  path: string;
  before?: Pick<FileState, 'sha256' | 'mode'>;
  after?: FileState;
  reason: string;
}

/**
 * A Docker network of contiv's on a host with `runtimes: [docker]` (`docker network create`
 * with contiv's drivers, or `docker network rm`); a changed one is made again (replace).
 */
export interface DockerNetworkChange {
  type: 'docker-network';
  action: Action;
  host: string;
  /** `h1/docker-network/contiv-net/blue` */
  address: string;
  /** The network's name in Docker. */
  name: string;
  before?: DockerNetworkState;
  after?: DockerNetworkState;
  reason: string;
}

/** contiv-docker on a host: started, restarted onto this contiv's build, or stopped. */
export interface DockerPluginChange {
  type: 'docker-plugin';
  action: Action;
  host: string;
  /** `h1/docker-plugin` */
  address: string;
  before?: { build: string };
  after?: { build: string };
  reason: string;
}

export type Change = BridgeChange | PortChange | FlowsChange | AddressChange | FileChange | DockerNetworkChange | DockerPluginChange;

export interface HostPlan {
  host: string;
  /** Fingerprint of the host's managed infrastructure when the plan was made. */
  fingerprint: string;
  /** In apply order: creations and updates first (bridge, ports, flows), deletions last in reverse. */
  changes: Change[];
}

/** How to reach a host: what `contiv apply PLANFILE` needs without the manifests. */
export type HostConnection = Omit<Host, 'at' | 'source'>;

/**
 * A plan of some hosts only. The other hosts were read for their records alone (no flows, no
 * links): they are neither planned nor checked, and applying the plan neither locks nor touches
 * them. `hosts` repeats the names of `Plan.hosts`, so a plan file says what it covers at a glance.
 */
export interface PlanShard {
  target: string[];
  exclude: string[];
  hosts: string[];
}

/**
 * Where the manifests came from: the folder, the --ref given, and the commit they are (full
 * hash), or, for manifests no commit holds, a hash of their content and the commit under them.
 */
export interface PlanSource {
  dir: string;
  ref?: string;
  commit?: string;
  /**
   * Manifests no commit holds: their content's hash, the commit under them, and, in a repository,
   * the files that are not HEAD's (as DIR's files are named: DIR joined with the path below it).
   */
  uncommitted?: { sha256: string; head?: string; files?: string[] };
}

export interface Plan {
  format_version: number;
  /** Where the manifests came from. */
  source: PlanSource;
  /** Every host of the Fabric the plan was made for (a shard's too: applying it reads them all to settle address claims). */
  connections: HostConnection[];
  /** The hosts the plan covers, in Fabric order: every host, or a shard's only. */
  hosts: HostPlan[];
  /** A shard (--target/--exclude): the selectors as given and the hosts they chose; absent for the whole fleet. */
  shard?: PlanShard;
  /** What the policy changes mean (model as applied → manifests), for reviewers. */
  meaning: MeaningLine[];
  /** Hosts running low on addresses in a space, after the plan. */
  addresses: SpaceUse[];
  /** Warnings found while planning (errors stop a plan before it exists). */
  diagnostics: Diagnostic[];
  /** What the plan destroys wholesale (plan/destroy.ts): apply needs --allow-destroy. Absent when nothing. */
  destroys?: { hosts: string[]; tenants: string[] };
}

export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}

export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
}

/** Terraform's tally: a replace counts as one add and one destroy. */
export function countChanges(plan: Plan): PlanCounts {
  const counts: PlanCounts = { add: 0, change: 0, destroy: 0 };
  for (const host of plan.hosts) {
    for (const c of host.changes) {
      // The commit record rides along with a host's changes (plan/commit-record.ts): not one of them.
      if (isCommitRecord(c)) continue;
      switch (c.action) {
        case 'create':
          counts.add++;
          break;
        case 'update':
          counts.change++;
          break;
        case 'delete':
          counts.destroy++;
          break;
        case 'replace':
          counts.add++;
          counts.destroy++;
          break;
        default:
          assertNever(c.action);
      }
    }
  }
  return counts;
}
