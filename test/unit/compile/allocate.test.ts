import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/compile/allocate.js';
import { BRIDGE, GROUP_IDS, ZONE_IDS } from '../../../src/compile/pipeline.js';
import { recordKey } from '../../../src/compile/records.js';
import { encodeModel } from '../../../src/compile/model-blob.js';
import type { Model } from '../../../src/model/types.js';
import type { HostState } from '../../../src/state/host-state.js';
import { hostStateFromJson, loadModel } from './case-support.js';

/*
 * The fabric-wide numbers (VNIs, group ids, conntrack zones) from what the hosts record: the
 * value most hosts agree on is kept, new objects take the lowest free value and avoid the
 * numbers of removed objects while they can, and a full range is an error naming the object.
 * Quickstart: networks default/contiv-net and blue/contiv-net, groups default/db-group and
 * default/web-group, tenants default and blue.
 */

function hostWith(host: string, records: Record<string, string | number>): HostState {
  return hostStateFromJson(host, { bridges: { [BRIDGE]: { externalIds: Object.fromEntries(Object.entries(records).map(([k, v]) => [k, String(v)])) } } });
}

async function quickstart(vniRange?: { first: number; last: number }): Promise<Model> {
  const model = structuredClone(await loadModel('examples/quickstart'));
  if (vniRange) model.fabric.vniRange = vniRange;
  return model;
}

const VNI = (tenant: string, network: string) => recordKey('vni', tenant, network);
const GID = (tenant: string, group: string) => recordKey('gid', tenant, group);

describe('allocate: VNIs', () => {
  it('keeps the value most hosts record; on a tie, the lowest', async () => {
    const model = await quickstart();
    const live = [
      hostWith('h1', { [VNI('default', 'contiv-net')]: 3, [VNI('blue', 'contiv-net')]: 8 }),
      hostWith('h2', { [VNI('default', 'contiv-net')]: 5, [VNI('blue', 'contiv-net')]: 6 }),
      hostWith('h3', { [VNI('default', 'contiv-net')]: 5 }),
    ];
    const { allocations, diagnostics } = allocate(model, live);
    expect(diagnostics).toEqual([]);
    expect(allocations.vni).toEqual({ 'default/contiv-net': 5, 'blue/contiv-net': 6 });
  });

  it('hosts that hold the same records in chunks each count: three hosts outvote two', async () => {
    const model = await quickstart();
    const chunked = (host: string, vni: number) => hostStateFromJson(host, { bridges: { [BRIDGE]: { externalIds: encodeModel({ [VNI('default', 'contiv-net')]: String(vni) }) } } });
    const live = [chunked('h1', 9), chunked('h2', 9), chunked('h3', 7), chunked('h4', 7), chunked('h5', 7)];
    expect(allocate(model, live).allocations.vni['default/contiv-net']).toBe(7);
    expect(allocate(model, live.slice(0, 3)).allocations.vni['default/contiv-net']).toBe(9);
  });

  it('a recorded VNI outside a narrowed vniRange is renumbered; the range bound itself is kept', async () => {
    const model = await quickstart({ first: 1, last: 10 });
    const live = [hostWith('h1', { [VNI('default', 'contiv-net')]: 10, [VNI('blue', 'contiv-net')]: 11 })];
    expect(allocate(model, live).allocations.vni).toEqual({ 'default/contiv-net': 10, 'blue/contiv-net': 1 });
  });

  it("a new network avoids a removed network's VNI while the range has another, and takes it when it has not", async () => {
    const live = [hostWith('h1', { [VNI('default', 'contiv-net')]: 1, [VNI('default', 'old-net')]: 2 })];
    expect(allocate(await quickstart({ first: 1, last: 3 }), live).allocations.vni).toEqual({ 'default/contiv-net': 1, 'blue/contiv-net': 3 });
    expect(allocate(await quickstart({ first: 1, last: 2 }), live).allocations.vni).toEqual({ 'default/contiv-net': 1, 'blue/contiv-net': 2 });
  });

  it('a full vniRange is an error naming the network left without one, which gets no VNI', async () => {
    const model = await quickstart({ first: 1, last: 1 });
    const { allocations, diagnostics } = allocate(model, []);
    expect(Object.keys(allocations.vni)).toEqual(['blue/contiv-net']);
    expect(allocations.vni['blue/contiv-net']).toBe(1);
    expect(diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([['error', 'vni-range-full', 'no free VNI left in vniRange for network default/contiv-net']]);
  });
});

describe('allocate: group ids', () => {
  it("are per tenant: another tenant's removed group does not hold its id, the tenant's own does", async () => {
    const model = await quickstart();
    const other = allocate(model, [hostWith('h1', { [GID('blue', 'gone')]: GROUP_IDS.first })]);
    expect(other.allocations.group).toEqual({ 'default/db-group': GROUP_IDS.first, 'default/web-group': GROUP_IDS.first + 1 });
    const own = allocate(model, [hostWith('h1', { [GID('default', 'gone')]: GROUP_IDS.first })]);
    expect(own.allocations.group).toEqual({ 'default/db-group': GROUP_IDS.first + 1, 'default/web-group': GROUP_IDS.first + 2 });
  });

  it('a tenant with more groups than ids is an error naming the group left without one', async () => {
    const model = await quickstart();
    const size = GROUP_IDS.last - GROUP_IDS.first + 1;
    const extra = Array.from({ length: size - 1 }, (_, i) => ({ ...model.groups[0]!, name: `g${String(i).padStart(4, '0')}` }));
    model.groups.push(...extra);
    // Every id but one is recorded for a group that stays, so only the fresh ones are searched.
    const records = Object.fromEntries(extra.map((g, i) => [GID('default', g.name), GROUP_IDS.first + i]));
    const { allocations, diagnostics } = allocate(model, [hostWith('h1', records)]);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['group-ids-full', `tenant default has more than ${size} groups; no id left for default/web-group`]]);
    expect(allocations.group['default/db-group']).toBe(GROUP_IDS.last);
    expect('default/web-group' in allocations.group).toBe(false);
  });
});

describe('allocate: conntrack zones', () => {
  it('more tenants than zones is an error naming the tenant left without one', async () => {
    const model = await quickstart();
    const extra = Array.from({ length: ZONE_IDS.last - ZONE_IDS.first }, (_, i) => ({ ...model.tenants[0]!, name: `t${String(i).padStart(5, '0')}` }));
    model.tenants.push(...extra);
    const records: Record<string, number> = { [recordKey('zone', 'default')]: ZONE_IDS.first };
    extra.forEach((t, i) => (records[recordKey('zone', t.name)] = ZONE_IDS.first + 1 + i));
    const { allocations, diagnostics } = allocate(model, [hostWith('h1', records)]);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['zones-full', 'no conntrack zone left for tenant blue']]);
    expect(allocations.zone['default']).toBe(ZONE_IDS.first);
    expect('blue' in allocations.zone).toBe(false);
  });
});
