import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { allocate } from '../compile/allocate.js';
import { compileHost, fabricShared, type CompiledHost, type CompileInput } from '../compile/compile.js';
import type { Model } from '../model/types.js';
import { endpointsOf } from '../state/endpoint.js';
import { fingerprintHost } from '../state/fingerprint.js';
import type { HostState, LiveHost } from '../state/host-state.js';
import { dockerHostsReady, dockerNetworksFreeToGo, dockerNetworksHaveGateways } from './docker-checks.js';
import { applyToolsPresent, bridgesAreOurs, endpointRecordsValid, flowsLeaveForeignAlone, endpointsFollowManifests, hostsLeftFabric, modelRecordsReadable, tunnelMeshCheck, underlayReady, vnisStableUnderEndpoints } from './checks.js';
import { allocationsAgree, allocationVoters } from './allocation-agreement.js';
import { blocksAgree } from './block-agreement.js';
import { recordedModels } from './recorded-models.js';
import { unknownTrustedHost } from './trust.js';
import { policyMeaning } from '../policy/meaning.js';
import { diffHost } from './diff.js';
import { commitRecordOf, withCommitRecord } from './commit-record.js';
import { planIpam, type HostAddresses } from '../ipam/fleet.js';
import { BRIDGE } from '../compile/pipeline.js';
import { PLAN_FORMAT_VERSION, type HostPlan, type Plan } from './types.js';

export interface PlanInput {
  model: Model;
  /**
   * State of every host of the Fabric: gathered, or for hosts outside `cover` the small read
   * (records, ports, named namespaces: RECORDS_SCRIPT) that allocations and address blocks need.
   */
  live: Record<string, LiveHost>;
  /**
   * A shard: plan only these hosts (src/plan/target.ts). Allocations, address blocks and the
   * checks of what the manifests may change still see every host of `live`; compiling, the
   * checks of a host's own facts and the plan are of these hosts only.
   */
  cover?: { hosts: readonly string[]; target: readonly string[]; exclude: readonly string[] };
  source: Plan['source'];
  /** The contiv-cni bundle's hash (hosts with the cni runtime get it); absent: CNI files are left as they are. */
  cni?: { pluginSha256: string };
  /** The contiv-docker bundle's hash (hosts with the docker runtime run it); absent: their Docker side is left as it is. */
  docker?: { pluginSha256: string };
  /** Return every planned host's desired state too (tests compare it); a plan does not need it. */
  keepDesired?: boolean;
  /**
   * `--trust-host`: where hosts' records disagree (allocations, address blocks, the model as
   * last applied), this host's are taken; without it such a plan is refused (plan/trust.ts).
   */
  trustHost?: string;
}

export interface PlanResult {
  plan?: Plan;
  /** Each planned host's desired state, when PlanInput.keepDesired asks for it. */
  desired?: Record<string, CompiledHost>;
  diagnostics: Diagnostic[];
}

/** Per host, the namespaces of endpoints whose namespace no longer exists there. */
export function goneEndpoints(live: Record<string, LiveHost>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(live).map(([host, l]) => {
      const present = new Set(l.facts.netns);
      return [host, endpointsOf(l.state).filter((e) => !present.has(e.netns)).map((e) => e.netns)];
    }),
  );
}

/**
 * What the address plan needs of a host: its records, less the blocks another host is trusted
 * with (`dropped`: block-agreement.ts), and its endpoints whose namespace still exists.
 */
function aliveAddresses(l: LiveHost, gone: readonly string[], dropped: Readonly<Record<string, string>> = {}): HostAddresses {
  const dead = new Set(gone);
  const ids = l.state.bridges[BRIDGE]?.externalIds ?? {};
  const kept = Object.keys(dropped).length ? Object.fromEntries(Object.entries(ids).filter(([k]) => !(k in dropped))) : ids;
  return { externalIds: kept, endpoints: endpointsOf(l.state).filter((e) => !dead.has(e.netns)) };
}

/** Pure: model + live state of every host → allocations → desired state → the plan (of every host, or of a shard's). */
export function makePlan(input: PlanInput): PlanResult {
  const { model, live, trustHost } = input;
  const untrusted = unknownTrustedHost(model, trustHost);
  if (untrusted) return { diagnostics: [untrusted] };
  // Before anything reads an endpoint's address or namespace.
  const damaged = endpointRecordsValid(live);
  if (damaged.length) return { diagnostics: damaged };
  const covered = new Set(input.cover?.hosts ?? model.fabric.hosts.map((h) => h.name));
  // The hosts gathered in full; the others of a shard were read for their records only.
  const full = input.cover ? Object.fromEntries(Object.entries(live).filter(([h]) => covered.has(h))) : live;
  // Only a full gather tells a dead endpoint (it lists runtimes' namespace paths): the others'
  // endpoints all count as alive, which keeps their addresses taken, never frees one.
  const gone = goneEndpoints(full);
  // The model as last applied, from the hosts' records: what the manifests are compared with.
  // Each host's endpoints by its own records; the meaning by the model most hosts record.
  const recorded = recordedModels(model.fabric.hosts.map((h) => h.name), live, trustHost);
  // Records one host could steer the others with: refused where hosts disagree, unless trusted.
  const agreedAllocations = allocationsAgree(model, live, trustHost);
  const agreedBlocks = blocksAgree(live, trustHost);
  const diagnostics: Diagnostic[] = [...agreedAllocations.diagnostics, ...agreedBlocks.diagnostics, ...recorded.diagnostics, ...endpointsFollowManifests(model, recorded.on, live, gone), ...modelRecordsReadable(live), ...underlayReady(model, full), ...hostsLeftFabric(model, live), ...applyToolsPresent(full), ...dockerHostsReady(model, full), ...dockerNetworksHaveGateways(model)];
  const liveStates: Record<string, HostState> = Object.fromEntries(Object.entries(live).map(([h, l]) => [h, l.state]));
  const { allocations, diagnostics: allocationProblems } = allocate(model, allocationVoters(Object.values(liveStates), trustHost));
  diagnostics.push(...allocationProblems, ...vnisStableUnderEndpoints(allocations, live, gone, recorded.on));
  if (hasErrors(diagnostics)) return { diagnostics };
  const addresses = planIpam(model, Object.fromEntries(Object.entries(live).map(([h, l]) => [h, aliveAddresses(l, gone[h] ?? [], agreedBlocks.dropped[h])])));
  for (const [h, why] of Object.entries(agreedBlocks.dropped)) Object.assign((addresses.reasons[h] ??= {}), why);
  diagnostics.push(...addresses.diagnostics);
  // Host by host: compile, check, diff, and let the desired state go (at 1,000 hosts, holding
  // every one of them was a third of a plan's memory). Diagnostics keep the order of the checks.
  const compileInput: CompileInput = { model, allocations, live: liveStates, gone, addresses: addresses.records, addressReasons: addresses.reasons, ...(input.cni ? { cni: input.cni } : {}), ...(input.docker ? { docker: input.docker } : {}) };
  const shared = fabricShared(compileInput);
  const mesh = tunnelMeshCheck(model);
  const meshProblems: Diagnostic[] = [];
  const bridgeProblems: Diagnostic[] = [];
  const foreignFlowProblems: Diagnostic[] = [];
  const dockerProblems: Diagnostic[] = [];
  const desired: Record<string, CompiledHost> = {};
  const hostPlans: HostPlan[] = [];
  for (const h of model.fabric.hosts) {
    if (!covered.has(h.name)) continue;
    const compiled = compileHost(compileInput, h, shared);
    const one = { [h.name]: compiled };
    const gathered: Record<string, LiveHost> = full[h.name] ? { [h.name]: full[h.name]! } : {};
    meshProblems.push(...mesh(h.name, compiled));
    bridgeProblems.push(...bridgesAreOurs(one, gathered));
    foreignFlowProblems.push(...flowsLeaveForeignAlone(one, gathered));
    dockerProblems.push(...dockerNetworksFreeToGo(one, gathered));
    if (input.keepDesired) desired[h.name] = compiled;
    const changes = withCommitRecord(h.name, diffHost(compiled, liveStates[h.name]), liveStates[h.name], commitRecordOf(input.source));
    hostPlans.push({ host: h.name, fingerprint: fingerprintHost(liveStates[h.name] ?? { host: h.name, bridges: {} }), changes });
  }
  diagnostics.push(...meshProblems, ...bridgeProblems, ...foreignFlowProblems, ...dockerProblems);
  if (hasErrors(diagnostics)) return { diagnostics };
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    source: input.source,
    connections: model.fabric.hosts.map(({ at: _at, source: _source, ...connection }) => connection),
    hosts: hostPlans,
    meaning: policyMeaning(recorded.baseline, model),
    addresses: addresses.use.filter((u) => u.low && covered.has(u.host)),
    diagnostics,
    ...(input.cover ? { shard: { target: [...input.cover.target], exclude: [...input.cover.exclude], hosts: model.fabric.hosts.filter((h) => covered.has(h.name)).map((h) => h.name) } } : {}),
  };
  return { plan, ...(input.keepDesired ? { desired } : {}), diagnostics };
}
