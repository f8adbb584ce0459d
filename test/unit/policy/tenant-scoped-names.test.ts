import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/compile/allocate.js';
import { compileFabric } from '../../../src/compile/compile.js';
import { loadManifests } from '../../../src/manifest/load.js';
import type { SourceFile } from '../../../src/manifest/source-file.js';
import type { Model } from '../../../src/model/types.js';
import { decide, type Party } from '../../../src/policy/decide.js';
import { policyMeaning } from '../../../src/policy/meaning.js';

/*
 * A rule's `from/to: {group: …}` and `{network: …}` name objects of the rule's own tenant
 * (CONTEXT §2: references resolve within the same tenant), also when another tenant has a
 * group, a network and a policy of the same name. Here tenants `default` and `blue` both
 * have a network `net` (same subnet), groups g1 and g2, and a policy `p` on g2 — with
 * different rules. Blue also has group a0, which sorts first, so blue/g1 does not get the id
 * of default/g1 (a0 gets it instead): a lookup that ignores the tenant picks a wrong id.
 */

const FABRIC = `apiVersion: contiv.io/v1
kind: Fabric
metadata: { name: lab }
spec:
  vniRange: 1-100
  hosts:
    - { name: h1, address: 198.18.0.11 }
    - { name: h2, address: 198.18.0.12 }
`;

const OBJECTS = `apiVersion: contiv.io/v1
kind: Tenant
metadata: { name: blue }
spec: {}
---
apiVersion: contiv.io/v1
kind: Network
metadata: { name: net }
spec: { subnet: 10.1.2.0/24, vni: 200 }
---
apiVersion: contiv.io/v1
kind: Network
metadata: { name: net, tenant: blue }
spec: { subnet: 10.1.2.0/24, vni: 300 }
---
apiVersion: contiv.io/v1
kind: EndpointGroup
metadata: { name: g1 }
spec: { network: net }
---
apiVersion: contiv.io/v1
kind: EndpointGroup
metadata: { name: g2 }
spec: { network: net, policies: [p] }
---
apiVersion: contiv.io/v1
kind: EndpointGroup
metadata: { name: a0, tenant: blue }
spec: { network: net }
---
apiVersion: contiv.io/v1
kind: EndpointGroup
metadata: { name: g1, tenant: blue }
spec: { network: net }
---
apiVersion: contiv.io/v1
kind: EndpointGroup
metadata: { name: g2, tenant: blue }
spec: { network: net, policies: [p] }
---
apiVersion: contiv.io/v1
kind: Policy
metadata: { name: p }
spec:
  rules:
    - { id: "1", direction: in, priority: 50, protocol: tcp, port: 5432, from: { group: g1 }, action: deny }
---
apiVersion: contiv.io/v1
kind: Policy
metadata: { name: p, tenant: blue }
spec:
  rules:
    - { id: "1", direction: in, priority: 1, protocol: tcp, action: deny }
    - { id: "2", direction: in, priority: 10, protocol: tcp, port: 5432, from: { group: g1 }, action: allow }
    - { id: "3", direction: out, priority: 5, protocol: udp, to: { network: net }, action: deny }
`;

function load(objects: string): Model {
  const file = (path: string, text: string): SourceFile => ({ path, absPath: `/m/${path}`, text });
  const r = loadManifests({ files: [file('fabric.yaml', FABRIC), file('objects.yaml', objects)], home: '/home/user' });
  if (!r.model) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.model;
}

/** The same model with every list reversed: a lookup that ignores the tenant then finds the other tenant's object first. */
function reversed(m: Model): Model {
  return { ...m, tenants: [...m.tenants].reverse(), networks: [...m.networks].reverse(), groups: [...m.groups].reverse(), policies: [...m.policies].reverse() };
}

const party = (tenant: string, group: string | undefined, ip: string): Party => ({ tenant, network: 'net', ip, ...(group ? { group } : {}) });
const DEFAULT_G1 = party('default', 'g1', '10.1.2.10');
const DEFAULT_G2 = party('default', 'g2', '10.1.2.20');
const BLUE_A0 = party('blue', 'a0', '10.1.2.30');
const BLUE_G1 = party('blue', 'g1', '10.1.2.10');
const BLUE_G2 = party('blue', 'g2', '10.1.2.20');

describe("a rule's group and network names resolve in the rule's own tenant", () => {
  const model = load(OBJECTS);

  it('the premise: blue/g1 and default/g1 have different group ids', () => {
    const { allocations, diagnostics } = allocate(model, []);
    expect(diagnostics).toEqual([]);
    expect(allocations.group).toEqual({ 'default/g1': 2, 'default/g2': 3, 'blue/a0': 2, 'blue/g1': 3, 'blue/g2': 4 });
    expect(allocations.vni).toEqual({ 'default/net': 200, 'blue/net': 300 });
  });

  for (const [name, m] of [['manifest order', model], ['reversed order', reversed(model)]] as const) {
    it(`compile: each rule's flows carry its own tenant's network and group ids (${name})`, () => {
      const { allocations } = allocate(m, []);
      const compiled = compileFabric({ model: m, allocations, live: {} });
      for (const host of ['h1', 'h2']) {
        const { state, owners } = compiled[host]!;
        const rules = Object.values(state.bridges['contiv0']!.flows)
          .filter((f) => owners[f.cookie]?.startsWith('rule/'))
          .map((f) => `${owners[f.cookie]} table=${f.table},priority=${f.priority},${f.match} ${f.actions}`)
          .sort();
        expect(rules).toEqual([
          // blue/p: in from blue/g1 (id 3, not default/g1's 2) into blue/g2 (id 4), on blue/net (300).
          'rule/blue/p/1 table=40,priority=13,tcp,metadata=300,reg2=4 drop',
          'rule/blue/p/2 table=40,priority=30,tcp,metadata=300,reg0=3,reg2=4,tp_dst=5432 goto_table:50',
          // to: { network: net } is blue's own net: no peer match needed, only blue/net's metadata.
          'rule/blue/p/3 table=50,priority=21,udp,metadata=300,reg0=4 drop',
          // default/p: from default/g1 (id 2) into default/g2 (id 3), on default/net (200).
          'rule/default/p/1 table=40,priority=111,tcp,metadata=200,reg0=2,reg2=3,tp_dst=5432 drop',
        ]);
      }
    });

    it(`decide: blue's rules decide blue's traffic, default's rules default's (${name})`, () => {
      const tcp5432 = { protocol: 'tcp' as const, port: 5432 };
      // blue/p rule 2 (from blue's g1) allows; default/p's deny of "g1" is another tenant's rule.
      expect(decide(m, BLUE_G1, BLUE_G2, tcp5432)).toEqual({ allowed: true, reason: 'allowed', inRule: { tenant: 'blue', policy: 'p', rule: '2', direction: 'in', action: 'allow', priority: 10 } });
      // blue/a0 is not blue's g1 (though it has default/g1's id): blue's whitelist denies it.
      expect(decide(m, BLUE_A0, BLUE_G2, tcp5432)).toEqual({ allowed: false, reason: 'denied-in', inRule: { tenant: 'blue', policy: 'p', rule: '1', direction: 'in', action: 'deny', priority: 1 } });
      // default/p denies default's g1; blue's allow of "g1" does not apply here.
      expect(decide(m, DEFAULT_G1, DEFAULT_G2, tcp5432)).toEqual({ allowed: false, reason: 'denied-in', inRule: { tenant: 'default', policy: 'p', rule: '1', direction: 'in', action: 'deny', priority: 50 } });
      // to: { network: net } in blue/p is blue's net: blue/g2's udp to blue/g1 is denied …
      expect(decide(m, BLUE_G2, BLUE_G1, { protocol: 'udp', port: 53 })).toEqual({ allowed: false, reason: 'denied-out', outRule: { tenant: 'blue', policy: 'p', rule: '3', direction: 'out', action: 'deny', priority: 5 } });
      // … while default/g2 (policy default/p, no out rules) sends udp freely.
      expect(decide(m, DEFAULT_G2, DEFAULT_G1, { protocol: 'udp', port: 53 })).toEqual({ allowed: true, reason: 'allowed' });
      // Same network name, same subnet, same group name: still two tenants.
      expect(decide(m, DEFAULT_G1, BLUE_G2, tcp5432)).toEqual({ allowed: false, reason: 'isolated' });
      expect(decide(m, BLUE_G1, DEFAULT_G2, { protocol: 'udp', port: 53 })).toEqual({ allowed: false, reason: 'isolated' });
    });

    it(`plan meaning: a change to blue/p speaks of blue's groups only (${name})`, () => {
      const after = load(OBJECTS.replace(/ {4}- \{ id: "2".*\n/, ''));
      const lines = policyMeaning(m, name === 'manifest order' ? after : reversed(after)).map((l) => `${l.symbol} ${l.subject}: ${l.text}`);
      expect(lines).toEqual(['~ blue/p: g1 → g2 tcp/5432 becomes denied']);
    });
  }
});
