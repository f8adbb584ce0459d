import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../../../src/plan/types.js';

/*
 * Hosts reached through a jump host (OpenSSH's ProxyJump), for the whole Fabric or per host:
 * `[user@]host[:port]`, the user defaulting to the host's own and the port to 22; the jump host
 * itself, when it is one of the hosts, is reached directly. A saved plan's jump hosts are
 * checked like the rest of its connections.
 */

const fabric = (ssh: string, hosts: string) => `apiVersion: contiv.io/v1\nkind: Fabric\nmetadata:\n  name: lab\nspec:\n  ssh:\n    user: deploy\n    knownHostsFile: /k/known_hosts\n${ssh}  hosts:\n${hosts}`;
const host = (name: string, address: string, extra = '') => `    - name: ${name}\n      address: ${address}\n${extra}`;
const load = (text: string) => loadManifests({ files: [{ path: 'fabric.yaml', absPath: '/m/fabric.yaml', text }], home: '/home/ci' });

describe('proxyJump', () => {
  it('Fabric-wide, with its user and port, or the host\'s user and port 22; the jump host itself goes direct; a host may name its own', () => {
    const m = load(fabric('    proxyJump: ops@10.0.0.1:2222\n', [host('bastion', '10.0.0.1', '      ssh: { port: 2222 }\n'), host('h1', '198.18.0.11'), host('h2', '198.18.0.12', '      ssh: { proxyJump: 10.0.0.9 }\n')].join(''))).model!;
    const jumps = Object.fromEntries(m.fabric.hosts.map((h) => [h.name, h.ssh.proxyJump]));
    expect(jumps).toEqual({ bastion: undefined, h1: { user: 'ops', address: '10.0.0.1', port: 2222 }, h2: { user: 'deploy', address: '10.0.0.9', port: 22 } });
  });

  it('the jump host is the host itself only at its own address (any case) and port', () => {
    const direct = load(fabric('    proxyJump: Bastion.Example\n', host('b', 'bastion.example', '      vtep: 198.19.0.1\n'))).model!;
    expect(direct.fabric.hosts[0]!.ssh.proxyJump).toBeUndefined();
    const other = load(fabric('    proxyJump: Bastion.Example\n', host('b', 'bastion.example', '      vtep: 198.19.0.1\n      ssh: { port: 2222 }\n'))).model!;
    expect(other.fabric.hosts[0]!.ssh.proxyJump).toEqual({ user: 'deploy', address: 'Bastion.Example', port: 22 });
  });

  it('a jump host that is not [user@]host[:port], or a port past 65535, is an error at its line', () => {
    const bad = load(fabric('    proxyJump: "ops@bastion; reboot"\n', host('h1', '198.18.0.11')));
    expect(bad.model).toBeUndefined();
    expect(bad.diagnostics[0]).toMatchObject({ source: { line: 9 } });
    const port = load(fabric('    proxyJump: bastion:99999\n', host('h1', '198.18.0.11')));
    expect(port.diagnostics.map((d) => [d.code, d.message, d.source?.line])).toEqual([['proxy-jump-port', 'jump host bastion: port 99999 is not a port (1-65535)', 9]]);
  });

  it('a saved plan\'s jump hosts are checked like its connections', () => {
    const plan = (proxyJump: unknown): Plan => ({
      format_version: PLAN_FORMAT_VERSION,
      source: { dir: 'm' },
      connections: [{ name: 'h1', address: '198.18.0.11', vtep: '198.19.0.11', datapath: 'netdev', runtimes: [], labels: {}, ssh: { user: 'root', port: 22, knownHostsFile: '/k/known_hosts', proxyJump } } as unknown as Plan['connections'][number]],
      hosts: [{ host: 'h1', fingerprint: 'f', changes: [] }],
      meaning: [],
      addresses: [],
      diagnostics: [],
    });
    expect(parsePlan(serializePlan(plan({ user: 'ops', address: 'bastion.example', port: 2222 }))).problem).toBeUndefined();
    for (const bad of [{ user: 'ops;x', address: 'b', port: 22 }, { user: 'ops', address: 'b c', port: 22 }, { user: 'ops', address: 'b', port: 0 }, 'ops@b'])
      expect(parsePlan(serializePlan(plan(bad))).problem, JSON.stringify(bad)).toMatch(/^refused: jump host of h1/);
  });
});
