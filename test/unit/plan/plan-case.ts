import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, isModelChunk, modelOf, UNREADABLE } from '../../../src/compile/model-blob.js';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import type { Model } from '../../../src/model/types.js';
import { makePlan, type PlanResult } from '../../../src/plan/make-plan.js';
import { canonicalActions, canonicalMatch } from '../../../src/state/flow-canonical.js';
import { flowKey, type HostState, type LinkInfo, type LiveHost } from '../../../src/state/host-state.js';
import { cookieFor, type FlowOwnerKind } from '../../../src/state/marks.js';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { CNI_TEST_BUNDLE, compileAll, defaultFacts, gatherText, loadModel, readLiveDir, withEndpoints, type EndpointSpec, type GatherExtras } from '../compile/case-support.js';

/*
 * A plan case (fixtures/plan/<case>/):
 *   manifests/        what the hosts should run
 *   case.json         optional, how the hosts are now:
 *     converged       a manifest dir of the case (e.g. "before", or "manifests" itself): every
 *                     host of its Fabric runs exactly what it compiles to (hosts not in it are new)
 *     convergedOn     per host, another manifest dir it runs instead (a partial apply reached it)
 *     endpoints       endpoints attached on the converged hosts (ports as attach makes them)
 *     edits           changes made by hand on a host afterwards (see Edit)
 *     gather          unmanaged bridges/ports and foreign flows per host, as gather would see them
 *     links           a host's interfaces (default: vtep on br-phy, MTU 1600; SSH on mgmt0)
 *     expectCodes     the diagnostic codes the plan must give (sorted)
 *     trustHost       the plan is made with --trust-host this host
 *   live/<host>.json|txt   a host's live state written out instead (a HostState or a gather capture)
 * Every host's live state goes through gather's text form and parseGatherOutput, as on a real run.
 */

export type Edit =
  | { op: 'set-actions'; host: string; table: number; priority: number; match: string; actions: string }
  | { op: 'delete-flow'; host: string; table: number; priority: number; match: string }
  | { op: 'add-flow'; host: string; owner: { kind: FlowOwnerKind; address: string }; table: number; priority: number; match: string; actions: string }
  | { op: 'set-port-options'; host: string; port: string; options: Record<string, string> }
  | { op: 'set-bridge'; host: string; failMode?: 'secure' | 'standalone'; externalIds?: Record<string, string> }
  | { op: 'set-file'; host: string; path: string; sha256: string }
  /** Records in the host's model chunks (records.ts) set, or removed (null), as a host that lies would. */
  | { op: 'set-records'; host: string; records: Record<string, string | null> };

export interface CaseSpec {
  converged?: string;
  convergedOn?: Record<string, string>;
  trustHost?: string;
  endpoints?: EndpointSpec[];
  edits?: Edit[];
  gather?: Record<string, GatherExtras>;
  links?: Record<string, LinkInfo[]>;
  expectCodes?: string[];
}

export interface PlanCase {
  dir: string;
  spec: CaseSpec;
  model: Model;
  live: Record<string, LiveHost>;
  result: PlanResult;
}

function applyEdit(state: HostState, edit: Edit): void {
  if (edit.op === 'set-file') {
    const file = state.files?.[edit.path];
    if (!file) throw new Error(`edit on ${edit.host}: no file ${edit.path}`);
    state.files![edit.path] = { path: file.path, sha256: edit.sha256, mode: file.mode };
    return;
  }
  const bridge = state.bridges[BRIDGE];
  if (!bridge) throw new Error(`edit on ${edit.host}: no ${BRIDGE}`);
  if (edit.op === 'set-records') {
    const records = modelOf(bridge.externalIds);
    if (records === UNREADABLE) throw new Error(`edit on ${edit.host}: its model records cannot be read`);
    const next: Record<string, string> = { ...records };
    for (const [key, value] of Object.entries(edit.records)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    for (const key of Object.keys(bridge.externalIds)) if (isModelChunk(key)) delete bridge.externalIds[key];
    Object.assign(bridge.externalIds, encodeModel(next));
    return;
  }
  if (edit.op === 'set-bridge') {
    if (edit.failMode) bridge.failMode = edit.failMode;
    Object.assign(bridge.externalIds, edit.externalIds ?? {});
    return;
  }
  if (edit.op === 'set-port-options') {
    const port = bridge.ports[edit.port];
    if (!port) throw new Error(`edit on ${edit.host}: no port ${edit.port}`);
    Object.assign(port.options, edit.options);
    return;
  }
  const key = flowKey({ table: edit.table, priority: edit.priority, match: canonicalMatch(edit.match.split(',')) });
  if (edit.op === 'add-flow') {
    bridge.flows[key] = { cookie: cookieFor(edit.owner.kind, edit.owner.address), table: edit.table, priority: edit.priority, match: canonicalMatch(edit.match.split(',')), actions: canonicalActions(edit.actions) };
    return;
  }
  const flow = bridge.flows[key];
  if (!flow) throw new Error(`edit on ${edit.host}: no flow ${key}; it has:\n${Object.keys(bridge.flows).join('\n')}`);
  if (edit.op === 'delete-flow') delete bridge.flows[key];
  else flow.actions = canonicalActions(edit.actions);
}

export async function loadPlanCase(dir: string): Promise<PlanCase> {
  const specPath = join(dir, 'case.json');
  const spec: CaseSpec = existsSync(specPath) ? (JSON.parse(readFileSync(specPath, 'utf8')) as CaseSpec) : {};
  const model = await loadModel(join(dir, 'manifests'));

  let states: Record<string, HostState> = {};
  const convergedTo = async (name: string): Promise<Record<string, HostState>> => {
    const before = name === 'manifests' ? model : await loadModel(join(dir, name));
    const withPorts = withEndpoints({}, spec.endpoints ?? []);
    const { desired } = compileAll(before, withPorts);
    return Object.fromEntries(Object.entries(desired).map(([h, c]) => [h, structuredClone(c.state)]));
  };
  if (spec.converged) {
    states = await convergedTo(spec.converged);
    for (const [host, name] of Object.entries(spec.convergedOn ?? {})) {
      const state = (await convergedTo(name))[host];
      if (!state) throw new Error(`${dir}: convergedOn: ${host} is not a host of ${name}`);
      states[host] = state;
    }
  } else if (spec.endpoints?.length || spec.convergedOn) {
    throw new Error(`${dir}: endpoints and convergedOn need a converged fabric`);
  }
  for (const edit of spec.edits ?? []) applyEdit(states[edit.host] ?? (states[edit.host] = { host: edit.host, bridges: {} }), edit);

  const written = readLiveDir(dir);
  const live: Record<string, LiveHost> = {};
  for (const host of model.fabric.hosts) {
    const facts = defaultFacts(host.name, host, spec.links?.[host.name]);
    const text = existsSync(join(dir, 'live', `${host.name}.txt`))
      ? readFileSync(join(dir, 'live', `${host.name}.txt`), 'utf8')
      : gatherText({ state: written[host.name]?.state ?? states[host.name] ?? { host: host.name, bridges: {} }, facts }, spec.gather?.[host.name]);
    live[host.name] = parseGatherOutput(host.name, text);
  }
  const result = makePlan({ model, live, source: { dir: 'manifests' }, cni: CNI_TEST_BUNDLE, keepDesired: true, ...(spec.trustHost !== undefined ? { trustHost: spec.trustHost } : {}) });
  return { dir, spec, model, live, result };
}
