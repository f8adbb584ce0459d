import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { allocate } from '../compile/allocate.js';
import { compileFabric, type CompiledHost } from '../compile/compile.js';
import type { Model } from '../model/types.js';
import { endpointsOf } from '../state/endpoint.js';
import { fingerprintHost } from '../state/fingerprint.js';
import type { HostState, LiveHost } from '../state/host-state.js';
import { dockerHostsReady, dockerNetworksFreeToGo, dockerNetworksHaveGateways } from './docker-checks.js';
import { applyToolsPresent, bridgesAreOurs, flowsLeaveForeignAlone, endpointsFollowManifests, fullTunnelMesh, hostsLeftFabric, recordedModel, underlayReady, vnisStableUnderEndpoints } from './checks.js';
import { policyMeaning } from '../policy/meaning.js';
import { diffHost } from './diff.js';
import { planIpam, type HostAddresses } from '../ipam/fleet.js';
import { BRIDGE } from '../compile/pipeline.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

export interface PlanInput {
  model: Model;
  /** Gathered state of every host of the Fabric. */
  live: Record<string, LiveHost>;
  source: Plan['source'];
  /** The contiv-cni bundle's hash (hosts with the cni runtime get it); absent: CNI files are left as they are. */
  cni?: { pluginSha256: string };
  /** The contiv-docker bundle's hash (hosts with the docker runtime run it); absent: their Docker side is left as it is. */
  docker?: { pluginSha256: string };
}

export interface PlanResult {
  plan?: Plan;
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

/** What the address plan needs of a host: its records and its endpoints whose namespace still exists. */
function aliveAddresses(l: LiveHost, gone: readonly string[]): HostAddresses {
  const dead = new Set(gone);
  return { externalIds: l.state.bridges[BRIDGE]?.externalIds ?? {}, endpoints: endpointsOf(l.state).filter((e) => !dead.has(e.netns)) };
}

/** Pure: model + live state of every host → allocations → desired state → the plan. */
export function makePlan(input: PlanInput): PlanResult {
  const { model, live } = input;
  const gone = goneEndpoints(live);
  // The model as last applied, from the hosts' records: what the manifests are compared with.
  const recorded = recordedModel(live);
  const diagnostics: Diagnostic[] = [...endpointsFollowManifests(model, recorded, live, gone), ...underlayReady(model, live), ...hostsLeftFabric(model, live), ...applyToolsPresent(live), ...dockerHostsReady(model, live), ...dockerNetworksHaveGateways(model)];
  const liveStates: Record<string, HostState> = Object.fromEntries(Object.entries(live).map(([h, l]) => [h, l.state]));
  const { allocations, diagnostics: allocationProblems } = allocate(model, Object.values(liveStates));
  diagnostics.push(...allocationProblems, ...vnisStableUnderEndpoints(allocations, live, gone));
  if (hasErrors(diagnostics)) return { diagnostics };
  const addresses = planIpam(model, Object.fromEntries(Object.entries(live).map(([h, l]) => [h, aliveAddresses(l, gone[h] ?? [])])));
  diagnostics.push(...addresses.diagnostics);
  const desired = compileFabric({ model, allocations, live: liveStates, gone, addresses: addresses.records, addressReasons: addresses.reasons, ...(input.cni ? { cni: input.cni } : {}), ...(input.docker ? { docker: input.docker } : {}) });
  diagnostics.push(...fullTunnelMesh(model, desired), ...bridgesAreOurs(desired, live), ...flowsLeaveForeignAlone(desired, live), ...dockerNetworksFreeToGo(desired, live));
  if (hasErrors(diagnostics)) return { diagnostics };
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    source: input.source,
    connections: model.fabric.hosts.map(({ at: _at, source: _source, ...connection }) => connection),
    hosts: model.fabric.hosts.map((h) => ({
      host: h.name,
      fingerprint: fingerprintHost(liveStates[h.name] ?? { host: h.name, bridges: {} }),
      changes: diffHost(desired[h.name]!, liveStates[h.name]),
    })),
    meaning: policyMeaning(recorded, model),
    addresses: addresses.use.filter((u) => u.low),
    diagnostics,
  };
  return { plan, desired, diagnostics };
}
