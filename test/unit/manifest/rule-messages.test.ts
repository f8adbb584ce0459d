import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { loadManifests } from '../../../src/manifest/load.js';

/*
 * What a user reads for each semantic rule of the manifests: the message names the objects
 * and values at fault and, for a duplicate or an overlap, where the first one is (file:line);
 * the hint offers the fix. The golden cases under fixtures/load pin codes and positions; these
 * pin the words, so a message cannot lose what the user needs to act on it.
 */

type Files = Record<string, string>;

function load(files: Files, fabricFile?: { path: string; text: string }) {
  const toSource = (path: string, text: string) => ({ path, absPath: `/work/manifests/${path}`, text });
  return loadManifests({
    files: Object.entries(files).map(([path, text]) => toSource(path, text)),
    ...(fabricFile ? { fabricFile: toSource(fabricFile.path, fabricFile.text) } : {}),
    home: '/home/user',
  });
}

interface Seen {
  at: string;
  message: string;
  hint?: string;
}

/** The diagnostics of one code, as a user reads them: position, message, hint. */
function seen(files: Files, code: string, fabricFile?: { path: string; text: string }): Seen[] {
  const result = load(files, fabricFile);
  return result.diagnostics
    .filter((d: Diagnostic) => d.code === code)
    .map((d) => ({ at: d.source ? `${d.source.file}:${d.source.line}:${d.source.col}` : '-', message: d.message, ...(d.hint !== undefined ? { hint: d.hint } : {}) }));
}

function codes(files: Files): string[] {
  return load(files).diagnostics.map((d) => d.code);
}

const doc = (kind: string, metadata: string, spec: string) => `apiVersion: contiv.io/v1\nkind: ${kind}\nmetadata:\n${metadata}spec:\n${spec}`;
const meta = (name: string, tenant?: string) => `  name: ${name}\n${tenant ? `  tenant: ${tenant}\n` : ''}`;
const fabric = (hosts: string, extra = '') => doc('Fabric', meta('lab'), `${extra}  hosts:\n${hosts}`);
const host = (name: string, address: string, vtep?: string) => `    - name: ${name}\n      address: ${address}\n${vtep ? `      vtep: ${vtep}\n` : ''}`;
const FABRIC = fabric(host('h1', '198.18.0.11'));
const network = (name: string, subnet: string, options: { tenant?: string; extra?: string } = {}) => doc('Network', meta(name, options.tenant), `  subnet: ${subnet}\n${options.extra ?? ''}`);
const group = (name: string, net: string, options: { tenant?: string; extra?: string } = {}) => doc('EndpointGroup', meta(name, options.tenant), `  network: ${net}\n${options.extra ?? ''}`);
const tenant = (name: string) => `apiVersion: contiv.io/v1\nkind: Tenant\nmetadata:\n  name: ${name}\n`;
const policy = (name: string, rules: string, tenantName?: string) => doc('Policy', meta(name, tenantName), `  rules:\n${rules}`);
const rule = (id: string | number, direction: 'in' | 'out', extra = '') => `    - id: ${id}\n      direction: ${direction}\n${extra}      action: allow\n`;
const docs = (...texts: string[]) => texts.join('---\n');

describe('Fabric rule messages', () => {
  it('fabric-missing says where a Fabric must come from', () => {
    expect(seen({ 'network.yaml': network('net', '10.1.2.0/24') }, 'fabric-missing')).toEqual([
      { at: '-', message: 'no Fabric document found: exactly one is needed (the hosts and fabric-wide settings)', hint: 'add a document of kind: Fabric, or pass --fabric FILE' },
    ]);
    expect(seen({ 'fabric.yaml': FABRIC }, 'fabric-missing', { path: 'other/fabric.yaml', text: '# no documents\n' })).toEqual([
      { at: 'other/fabric.yaml:1:1', message: 'the --fabric file holds no Fabric document', hint: 'point --fabric at a file with a document of kind: Fabric' },
    ]);
  });

  it('fabric-duplicate names where the first Fabric is', () => {
    const second = doc('Fabric', meta('lab2'), `  hosts:\n${host('h1', '198.18.0.11')}`);
    expect(seen({ 'a.yaml': FABRIC, 'b.yaml': `# the other lab\n${second}` }, 'fabric-duplicate')).toEqual([
      { at: 'b.yaml:5:9', message: 'a second Fabric "lab2": exactly one is allowed (the first is at a.yaml:4)' },
    ]);
  });

  it('host duplicates name the host that has the value first, at the line of that value', () => {
    const hosts = host('h1', '198.18.0.11') + host('h1', '198.18.0.12') + host('h3', '198.18.0.11', '198.19.0.3');
    expect(seen({ 'fabric.yaml': fabric(hosts) }, 'host-name-duplicate')).toEqual([
      { at: 'fabric.yaml:9:13', message: 'host "h1": name h1 is already used by host "h1" (fabric.yaml:7)' },
    ]);
    expect(seen({ 'fabric.yaml': fabric(hosts) }, 'host-address-duplicate')).toEqual([
      { at: 'fabric.yaml:12:16', message: 'host "h3": address 198.18.0.11 is already used by host "h1" (fabric.yaml:8)' },
    ]);
    const vteps = host('h1', '198.18.0.11', '198.19.0.1') + host('h2', '198.18.0.12', '198.19.0.1');
    expect(seen({ 'fabric.yaml': fabric(vteps) }, 'host-vtep-duplicate')).toEqual([
      { at: 'fabric.yaml:12:13', message: 'host "h2": vtep 198.19.0.1 is already used by host "h1" (fabric.yaml:9)' },
    ]);
  });

  it('an address of numbers that is no IPv4 address, and a DNS name without vtep', () => {
    const hosts = host('h1', '999.18.0.11') + host('h2', 'h2.example');
    expect(seen({ 'fabric.yaml': fabric(hosts) }, 'host-address-invalid')).toEqual([
      { at: 'fabric.yaml:8:16', message: 'host "h1": address 999.18.0.11 is neither an IPv4 address nor a DNS name' },
    ]);
    expect(seen({ 'fabric.yaml': fabric(hosts) }, 'host-vtep-required')).toEqual([
      { at: 'fabric.yaml:10:16', message: 'host "h2": address h2.example is a DNS name, so vtep (its VXLAN IPv4 address) must be given' },
    ]);
  });

  it('vni-range-invalid gives the bounds, or the range the right way round', () => {
    const withRange = (range: string) => ({ 'fabric.yaml': fabric(host('h1', '198.18.0.11'), `  vniRange: ${range}\n`) });
    expect(seen(withRange('0-10'), 'vni-range-invalid')).toEqual([{ at: 'fabric.yaml:6:13', message: 'vniRange 0-10 must lie within 1-16777215' }]);
    expect(seen(withRange('200-100'), 'vni-range-invalid')).toEqual([{ at: 'fabric.yaml:6:13', message: 'vniRange 200-100 is reversed', hint: 'write 100-200' }]);
  });
});

describe('name rule messages', () => {
  it('name-duplicate names the kind, the tenant when there is one, and the first declaration', () => {
    const files = {
      'fabric.yaml': FABRIC,
      'a.yaml': docs(tenant('blue'), network('net', '10.1.2.0/24', { tenant: 'blue' }), group('web', 'net', { tenant: 'blue' }), policy('pol', rule(1, 'in'), 'blue')),
      'b.yaml': docs(tenant('blue'), network('net', '10.1.3.0/24', { tenant: 'blue' }), group('web', 'net', { tenant: 'blue' }), policy('pol', rule(1, 'in'), 'blue')),
    };
    expect(seen(files, 'name-duplicate')).toEqual([
      { at: 'b.yaml:4:9', message: 'Tenant "blue" is declared twice (first at a.yaml:4)' },
      { at: 'b.yaml:9:9', message: 'Network "net" in tenant "blue" is declared twice (first at a.yaml:9)' },
      { at: 'b.yaml:17:9', message: 'EndpointGroup "web" in tenant "blue" is declared twice (first at a.yaml:17)' },
      { at: 'b.yaml:25:9', message: 'Policy "pol" in tenant "blue" is declared twice (first at a.yaml:25)' },
    ]);
  });

  it('name-network-group-clash names the network the group clashes with', () => {
    const files = { 'fabric.yaml': FABRIC, 'network.yaml': network('net', '10.1.2.0/24'), 'group.yaml': docs(group('other', 'net'), group('net', 'net')) };
    expect(seen(files, 'name-network-group-clash')).toEqual([
      { at: 'group.yaml:11:9', message: 'EndpointGroup "net" has the name of a network of tenant "default" (network.yaml:4); both become runtime network names' },
    ]);
  });
});

describe('Policy rule messages', () => {
  const base = { 'fabric.yaml': FABRIC, 'network.yaml': network('net', '10.1.2.0/24'), 'group.yaml': group('web', 'net') };
  const withRules = (rules: string) => ({ ...base, 'policy.yaml': policy('pol', rules) });

  it('rule-peer-direction says which side the direction takes and what that side means', () => {
    const files = withRules(rule(1, 'in', '      to: { group: web }\n') + rule(2, 'out', '      from: { group: web }\n'));
    expect(seen(files, 'rule-peer-direction')).toEqual([
      { at: 'policy.yaml:9:7', message: 'rule 1 of policy "pol": an "in" rule takes "from", not "to"', hint: '"from" names the peer that opens connections into the group' },
      { at: 'policy.yaml:13:7', message: 'rule 2 of policy "pol": an "out" rule takes "to", not "from"', hint: '"to" names the peer that receives connections from the group' },
    ]);
  });

  it('rule-peer-count lists the kinds a peer names, when it names any', () => {
    const files = withRules(rule(1, 'in', '      from: { group: web, cidr: 10.0.0.0/8 }\n') + rule(2, 'out', '      to: {}\n'));
    const hint = 'leave it out to match any peer; write one rule per peer';
    expect(seen(files, 'rule-peer-count')).toEqual([
      { at: 'policy.yaml:9:13', message: 'rule 1 of policy "pol": "from" must name exactly one of group, network or cidr (it names group and cidr)', hint },
      { at: 'policy.yaml:13:11', message: 'rule 2 of policy "pol": "to" must name exactly one of group, network or cidr', hint },
    ]);
  });

  it('rule-cidr-not-network-address offers the network address', () => {
    expect(seen(withRules(rule(1, 'out', '      to: { cidr: 10.1.2.3/8 }\n')), 'rule-cidr-not-network-address')).toEqual([
      { at: 'policy.yaml:9:19', message: 'rule 1 of policy "pol": cidr 10.1.2.3/8 has host bits set', hint: 'did you mean 10.0.0.0/8?' },
    ]);
  });

  it('port problems name the protocol, the range, and the range the right way round', () => {
    const files = withRules(
      rule(1, 'in', '      port: 80\n') + rule(2, 'in', '      protocol: icmp\n      port: 80\n') + rule(3, 'in', '      protocol: tcp\n      port: 8080-80\n') + rule(4, 'in', '      protocol: 17\n      port: 0-53\n'),
    );
    expect(seen(files, 'rule-port-protocol')).toEqual([
      { at: 'policy.yaml:9:13', message: 'rule 1 of policy "pol": a port needs protocol tcp or udp (protocol is any)' },
      { at: 'policy.yaml:14:13', message: 'rule 2 of policy "pol": a port needs protocol tcp or udp (protocol is icmp)' },
    ]);
    expect(seen(files, 'rule-port-range-order')).toEqual([{ at: 'policy.yaml:19:13', message: 'rule 3 of policy "pol": port range 8080-80 is reversed', hint: 'write 80-8080' }]);
    expect(seen(files, 'rule-port-range-bounds')).toEqual([{ at: 'policy.yaml:24:13', message: 'rule 4 of policy "pol": port range 0-53 must lie within 1-65535' }]);
  });

  it('rule-id-duplicate counts rules from 1 and treats 2 and "2" as one id', () => {
    const files = withRules(rule(1, 'in') + rule(2, 'in') + rule('"2"', 'in'));
    expect(seen(files, 'rule-id-duplicate')).toEqual([{ at: 'policy.yaml:13:11', message: 'policy "pol": rule id 2 is used twice (first by rule #2)' }]);
  });
});

describe('ipPool rule messages', () => {
  const base = { 'fabric.yaml': FABRIC, 'network.yaml': network('net', '10.1.2.0/24') };
  const pool = (first: string, last: string) => `  ipPool: ${first}-${last}\n`;

  it('pool-reversed offers the pool the right way round', () => {
    expect(seen({ ...base, 'group.yaml': group('web', 'net', { extra: pool('10.1.2.20', '10.1.2.10') }) }, 'pool-reversed')).toEqual([
      { at: 'group.yaml:7:11', message: 'ipPool 10.1.2.20-10.1.2.10 of group "web" is reversed', hint: 'write 10.1.2.10-10.1.2.20' },
    ]);
  });

  it('pool-outside-subnet gives the usable addresses', () => {
    expect(seen({ ...base, 'group.yaml': group('web', 'net', { extra: pool('10.1.2.0', '10.1.2.20') }) }, 'pool-outside-subnet')).toEqual([
      { at: 'group.yaml:7:11', message: 'ipPool 10.1.2.0-10.1.2.20 of group "web" is not inside the usable addresses of 10.1.2.0/24', hint: 'usable: 10.1.2.1-10.1.2.254' },
    ]);
  });

  it('pool-overlap names the group whose pool it overlaps, at the line of that pool', () => {
    const groups = docs(group('web', 'net', { extra: pool('10.1.2.10', '10.1.2.20') }), group('db', 'net', { extra: pool('10.1.2.15', '10.1.2.30') }));
    expect(seen({ ...base, 'group.yaml': groups }, 'pool-overlap')).toEqual([
      { at: 'group.yaml:15:11', message: 'ipPool 10.1.2.15-10.1.2.30 of group "db" overlaps the pool of group "web" (group.yaml:7) on network "net"' },
    ]);
  });
});

describe('reference rule messages', () => {
  it('an unknown network or policy of a group: the closest name of the tenant, else the tenant that has it, else nothing', () => {
    const files = {
      'fabric.yaml': FABRIC,
      'tenant.yaml': tenant('blue'),
      // The other tenant's network comes first: a hint must name the tenant that has the name, not any tenant.
      'networks.yaml': docs(network('other', '10.1.3.0/24', { tenant: 'blue' }), network('net', '10.1.2.0/24'), network('shared', '10.1.4.0/24')),
      'policy.yaml': policy('pol', rule(1, 'in')),
      'groups.yaml': docs(
        group('typo', 'nett', { extra: '  policies: [pool]\n' }),
        group('lost', 'shared', { tenant: 'blue', extra: '  policies: [zzzzzz]\n' }),
        group('nowhere', 'qqqqqq', { tenant: 'blue' }),
      ),
    };
    expect(seen(files, 'group-network-unknown')).toEqual([
      { at: 'groups.yaml:6:12', message: 'EndpointGroup "typo" refers to network "nett", which tenant "default" does not have', hint: 'did you mean "net"?' },
      { at: 'groups.yaml:15:12', message: 'EndpointGroup "lost" refers to network "shared", which tenant "blue" does not have', hint: '"shared" exists in tenant "default"; references resolve within the tenant' },
      { at: 'groups.yaml:24:12', message: 'EndpointGroup "nowhere" refers to network "qqqqqq", which tenant "blue" does not have' },
    ]);
    expect(seen(files, 'group-policy-unknown')).toEqual([
      { at: 'groups.yaml:7:14', message: 'EndpointGroup "typo" refers to policy "pool", which tenant "default" does not have', hint: 'did you mean "pol"?' },
      { at: 'groups.yaml:16:14', message: 'EndpointGroup "lost" refers to policy "zzzzzz", which tenant "blue" does not have' },
    ]);
  });

  it('an unknown peer of a rule names the rule and what kind of peer it is', () => {
    const files = {
      'fabric.yaml': FABRIC,
      'network.yaml': network('net', '10.1.2.0/24'),
      'group.yaml': group('web', 'net'),
      'policy.yaml': policy('pol', rule(1, 'in', '      from: { group: wbe }\n') + rule(2, 'out', '      to: { network: nte }\n')),
    };
    expect(seen(files, 'rule-group-unknown')).toEqual([
      { at: 'policy.yaml:9:22', message: 'rule 1 of policy "pol" refers to group "wbe", which tenant "default" does not have', hint: 'did you mean "web"?' },
    ]);
    expect(seen(files, 'rule-network-unknown')).toEqual([
      { at: 'policy.yaml:13:22', message: 'rule 2 of policy "pol" refers to network "nte", which tenant "default" does not have', hint: 'did you mean "net"?' },
    ]);
  });

  it('tenant-unknown offers the closest declared tenant, else a Tenant document', () => {
    const files = {
      'fabric.yaml': FABRIC,
      'tenant.yaml': tenant('blue'),
      'network.yaml': docs(network('net', '10.1.2.0/24', { tenant: 'blu' }), network('net', '10.1.2.0/24', { tenant: 'zzzzzz' })),
    };
    expect(seen(files, 'tenant-unknown')).toEqual([
      { at: 'network.yaml:5:11', message: 'Network "net" belongs to tenant "blu", which is not declared', hint: 'did you mean "blue"? Otherwise add a Tenant document' },
      { at: 'network.yaml:13:11', message: 'Network "net" belongs to tenant "zzzzzz", which is not declared', hint: 'add a document of kind: Tenant' },
    ]);
  });
});

describe('subnet rule messages', () => {
  it('subnet-not-network-address offers the network address; subnet-too-small gives the limit', () => {
    const files = { 'fabric.yaml': FABRIC, 'network.yaml': docs(network('a', '10.1.2.3/24'), network('b', '10.1.3.0/31')) };
    expect(seen(files, 'subnet-not-network-address')).toEqual([{ at: 'network.yaml:6:11', message: 'subnet 10.1.2.3/24 has host bits set', hint: 'did you mean 10.1.2.0/24?' }]);
    expect(seen(files, 'subnet-too-small')).toEqual([{ at: 'network.yaml:13:11', message: 'subnet 10.1.3.0/31 has no room for endpoints (at most /30)' }]);
  });

  it('subnet-overlap names the network it overlaps, at the line of its subnet', () => {
    const files = { 'fabric.yaml': FABRIC, 'network.yaml': docs(network('wide', '10.1.0.0/16'), network('narrow', '10.1.2.0/24')) };
    expect(seen(files, 'subnet-overlap')).toEqual([
      { at: 'network.yaml:13:11', message: 'subnet 10.1.2.0/24 of network "narrow" overlaps 10.1.0.0/16 of network "wide" (network.yaml:6) in tenant "default"' },
    ]);
  });

  it('a gateway outside the subnet, or on its network or broadcast address, with the usable addresses', () => {
    const files = {
      'fabric.yaml': FABRIC,
      'network.yaml': docs(
        network('a', '10.1.2.0/24', { extra: '  gateway: 10.1.3.1\n' }),
        network('b', '10.1.4.0/24', { extra: '  gateway: 10.1.4.0\n' }),
        network('c', '10.1.5.0/24', { extra: '  gateway: 10.1.5.255\n' }),
      ),
    };
    expect(seen(files, 'gateway-outside-subnet')).toEqual([{ at: 'network.yaml:7:12', message: 'gateway 10.1.3.1 is not inside subnet 10.1.2.0/24' }]);
    expect(seen(files, 'gateway-reserved')).toEqual([
      { at: 'network.yaml:15:12', message: 'gateway 10.1.4.0 is the network address of 10.1.4.0/24', hint: 'the usable addresses are 10.1.4.1-10.1.4.254' },
      { at: 'network.yaml:23:12', message: 'gateway 10.1.5.255 is the broadcast address of 10.1.5.0/24', hint: 'the usable addresses are 10.1.5.1-10.1.5.254' },
    ]);
  });
});

describe('VNI rule messages', () => {
  it('vni-zero, vni-duplicate (with the first network and its line) and vni-in-range (with the range)', () => {
    const files = {
      'fabric.yaml': FABRIC,
      'tenant.yaml': tenant('blue'),
      'networks.yaml': docs(
        network('a', '10.1.2.0/24', { extra: '  vni: 20000\n' }),
        network('b', '10.1.3.0/24', { tenant: 'blue', extra: '  vni: 20000\n' }),
        network('c', '10.1.4.0/24', { extra: '  vni: 0\n' }),
        network('d', '10.1.5.0/24', { extra: '  vni: 100\n' }),
      ),
    };
    expect(seen(files, 'vni-duplicate')).toEqual([
      { at: 'networks.yaml:16:8', message: 'network "b" (tenant "blue"): vni 20000 is already used by network "a" of tenant "default" (networks.yaml:7)' },
    ]);
    expect(seen(files, 'vni-zero')).toEqual([{ at: 'networks.yaml:24:8', message: 'network "c": vni 0 is not a VNI', hint: "leave vni out to have one allocated from the fabric's vniRange" }]);
    expect(seen(files, 'vni-in-range')).toEqual([
      { at: 'networks.yaml:32:8', message: "network \"d\": vni 100 lies inside the fabric's vniRange 1-10000, which is reserved for allocation", hint: 'leave vni out, or pick one outside vniRange' },
    ]);
  });

  it('vni-range-exhausted counts the networks that need a VNI and what the range holds', () => {
    const files = {
      'fabric.yaml': fabric(host('h1', '198.18.0.11'), '  vniRange: 5-6\n'),
      'networks.yaml': docs(network('a', '10.1.2.0/24'), network('b', '10.1.3.0/24'), network('c', '10.1.4.0/24'), network('d', '10.1.5.0/24', { extra: '  vni: 7\n' })),
    };
    expect(seen(files, 'vni-range-exhausted')).toEqual([{ at: 'fabric.yaml:6:13', message: '3 networks need a VNI from vniRange 5-6, which holds only 2' }]);
    expect(codes({ ...files, 'networks.yaml': docs(network('a', '10.1.2.0/24'), network('b', '10.1.3.0/24'), network('d', '10.1.5.0/24', { extra: '  vni: 7\n' })) })).toEqual([]);
  });
});
