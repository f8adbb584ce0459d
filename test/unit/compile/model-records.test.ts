import { describe, expect, it } from 'vitest';
import { modelRecords, readModelRecords } from '../../../src/compile/model-records.js';
import { parseRecords, recordKey } from '../../../src/compile/records.js';
import { loadModel } from './case-support.js';

/*
 * The model as applied, recorded on each host and read back by plan and by the host-local
 * endpoint path: every network (subnet, gateway, VNI), group (network, policies, pool) and
 * policy comes back as written, sorted by tenant and name; records someone broke by hand are
 * skipped, never misread.
 */

const byName = (a: { tenant: string; name: string }, b: { tenant: string; name: string }) => `${a.tenant}/${a.name}`.localeCompare(`${b.tenant}/${b.name}`);

describe('the model as applied', () => {
  it('reads back what was recorded: networks with their VNIs, groups with policies and pools, policies with their rules', async () => {
    const model = await loadModel('fixtures/compile/multi-tenant/manifests');
    const vnis = Object.fromEntries(model.networks.map((n, i) => [`${n.tenant}/${n.name}`, 100 + i]));
    const ids = { ...modelRecords(model), ...Object.fromEntries(Object.entries(vnis).map(([k, v]) => [recordKey('vni', ...k.split('/')), String(v)])) };
    const back = readModelRecords(ids);
    expect(back.mtu).toBe(1450);
    expect(back.networks).toEqual(
      [...model.networks].sort(byName).map((n) => ({ tenant: n.tenant, name: n.name, subnet: `${n.subnet.address}/${n.subnet.prefix}`, ...(n.gateway ? { gateway: n.gateway } : {}), vni: vnis[`${n.tenant}/${n.name}`] })),
    );
    expect(back.groups).toEqual(
      [...model.groups].sort(byName).map((g) => ({ tenant: g.tenant, name: g.name, network: g.network, policies: g.policies, ...(g.ipPool ? { ipPool: `${g.ipPool.first}-${g.ipPool.last}` } : {}) })),
    );
    expect(back.policies).toEqual([...model.policies].sort(byName).map((p) => ({ tenant: p.tenant, name: p.name, rules: p.rules.map(({ source: _s, ...r }) => r) })));
    // Spot checks of what the comparison above derives: a network without gateway, a group without policies.
    expect(back.networks[0]).toEqual({ tenant: 'blue', name: 'db-net', subnet: '10.1.2.0/24', vni: vnis['blue/db-net'] });
    expect(back.groups.find((g) => g.name === 'backup')).toEqual({ tenant: 'default', name: 'backup', network: 'data-net', policies: [], ipPool: '10.10.2.20-10.10.2.29' });
  });

  it('a network without a VNI record has no VNI; a model without policies reads back none', async () => {
    const model = await loadModel('fixtures/compile/two-tenants-same-network/manifests');
    const back = readModelRecords(modelRecords(model));
    expect(back.policies).toEqual([]);
    expect(back.groups).toEqual([]);
    expect(back.networks.length).toBe(2);
    for (const n of back.networks) expect('vni' in n, n.name).toBe(false);
  });

  it('sorts by tenant, then name, whatever order the records come in', () => {
    const back = readModelRecords({
      [recordKey('net', 'red', 'b-net')]: '10.0.3.0/24',
      [recordKey('net', 'blue', 'z-net')]: '10.0.2.0/24',
      [recordKey('net', 'blue', 'a-net')]: '10.0.1.0/24',
      [recordKey('grp', 'red', 'g2')]: 'b-net',
      [recordKey('grp', 'blue', 'g1')]: 'z-net',
      [recordKey('pol', 'red', 'p')]: '[]',
      [recordKey('pol', 'blue', 'q')]: '[]',
      [recordKey('pol', 'blue', 'p')]: '[]',
    });
    expect(back.networks.map((n) => `${n.tenant}/${n.name}`)).toEqual(['blue/a-net', 'blue/z-net', 'red/b-net']);
    expect(back.groups.map((n) => `${n.tenant}/${n.name}`)).toEqual(['blue/g1', 'red/g2']);
    expect(back.policies.map((n) => `${n.tenant}/${n.name}`)).toEqual(['blue/p', 'blue/q', 'red/p']);
  });

  it('skips records edited by hand into something else: an MTU that is not a number, a key without a name, rules that are not JSON', () => {
    for (const mtu of ['1450x', 'x1450', '']) expect(readModelRecords({ [recordKey('mtu')]: mtu }).mtu, mtu).toBeUndefined();
    const back = readModelRecords({
      [recordKey('net', 'lonely')]: '10.0.0.0/24',
      [recordKey('grp', 'lonely')]: 'net',
      [recordKey('net', 'default', 'net')]: '10.0.0.0/24 10.0.0.1',
      [recordKey('pol', 'default', 'broken')]: '[{"id":',
    });
    expect(back).toEqual({ networks: [{ tenant: 'default', name: 'net', subnet: '10.0.0.0/24', gateway: '10.0.0.1' }], groups: [], policies: [] });
  });
});

describe('records on the bridge', () => {
  it("only contiv's record kinds are records: not other keys of the bridge, not another program's", () => {
    const parsed = parseRecords({
      'contiv.owner': 'contiv',
      'contiv.kind': 'bridge',
      'contiv.addr': 'h1/bridge/contiv0',
      'contiv.block.default.net.10-1-2-16': '10.1.2.16-10.1.2.31 claimed',
      'other.vni.default.net': '7',
      'vni.default.net': '8',
      contiv: 'x',
      [recordKey('vni', 'default', 'net')]: '200',
      [recordKey('mtu')]: '1450',
    });
    expect(parsed).toEqual([
      { kind: 'vni', parts: ['default', 'net'], value: '200' },
      { kind: 'mtu', parts: [], value: '1450' },
    ]);
  });
});
