import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/compile/pipeline.js';
import type { CompiledHost } from '../../../src/compile/compile.js';
import type { Model } from '../../../src/model/types.js';
import { diffHost } from '../../../src/plan/diff.js';
import { projectState } from '../../../src/plan/project.js';
import type { HostState } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';
import { compileAll, loadModel, withEndpoints } from '../compile/case-support.js';

/** projectState(before, diff(desired, before)) is desired: what apply verifies against. */
let model: Model;
let desired: Record<string, CompiledHost>;

/** Inside each test (not a beforeAll): code that runs outside any test makes Stryker run them all. */
async function setup(): Promise<void> {
  model = await loadModel('examples/quickstart');
  desired = compileAll(model, withEndpoints({}, [{ host: 'h1', netns: 'web-1', network: 'contiv-net', group: 'web-group', ip: '10.1.2.2' }])).desired;
}

function roundTrip(want: CompiledHost, before: HostState): void {
  const changes = diffHost(want, before);
  expect(projectState(before, changes)).toEqual(want.state);
  expect(diffHost(want, projectState(before, changes))).toEqual([]);
}

describe('projectState', () => {
  it('from an empty host (endpoint ports aside, which attach creates)', async () => {
    await setup();
    const want = desired['h2']!;
    roundTrip(want, { host: 'h2', bridges: {} });
  });

  it('from the desired state itself: no changes, state unchanged', async () => {
    await setup();
    const want = desired['h1']!;
    expect(diffHost(want, want.state)).toEqual([]);
    expect(projectState(want.state, [])).toEqual(want.state);
  });

  it('from drift: flows changed, deleted and foreign to the manifests, a tunnel option, a bridge field and record', async () => {
    await setup();
    const want = desired['h1']!;
    const before = structuredClone(want.state);
    const b = before.bridges[BRIDGE]!;
    const keys = Object.keys(b.flows);
    b.flows[keys[0]!]!.actions = 'drop';
    delete b.flows[keys[1]!];
    b.flows['table=5,priority=100,metadata=99'] = { cookie: 'c102000000000099', table: 5, priority: 100, match: 'metadata=99', actions: 'drop' };
    b.ports['contiv-vxlan']!.options['local_ip'] = '192.0.2.1';
    b.failMode = 'standalone';
    b.externalIds['contiv.vni.default.gone'] = '7';
    roundTrip(want, before);
  });

  it('a managed bridge the manifests no longer have is deleted with its ports and flows; a stale tunnel port goes', async () => {
    await setup();
    const want = desired['h3']!;
    const before = structuredClone(want.state);
    before.bridges['old0'] = { name: 'old0', datapathType: 'system', failMode: 'secure', externalIds: ownerIds('bridge', 'h3/bridge/old0'), ports: {}, flows: {} };
    before.bridges[BRIDGE]!.ports['vx-gone'] = { name: 'vx-gone', type: 'vxlan', ofport: 40, options: { remote_ip: '192.0.2.9' }, externalIds: ownerIds('tunnel', 'h3/tunnel/gone'), protected: true };
    roundTrip(want, before);
  });

  it('a port of another type is replaced in place', async () => {
    await setup();
    const want = desired['h3']!;
    const before = structuredClone(want.state);
    before.bridges[BRIDGE]!.ports['contiv-vxlan']!.type = 'system';
    const changes = diffHost(want, before);
    expect(changes.filter((c) => c.type === 'port').map((c) => c.action)).toEqual(['replace']);
    roundTrip(want, before);
  });
});
