// @ts-nocheck
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { checkContainerName, checkLabName } from '../../../src/lab/names.js';
import { labPaths, tildePath } from '../../../src/lab/paths.js';
import { DEFAULT_HOSTS, DEFAULT_MGMT_SUBNET, DEFAULT_UNDERLAY_SUBNET, maxHosts, parseSubnet, planLab, subnetsOverlap } from '../../../src/lab/plan.js';
import { etcHosts, fabricYaml, knownHosts, sshdConfig } from '../../../src/lab/texts.js';

const defaults = { name: 'contiv', hosts: DEFAULT_HOSTS, mgmtSubnet: DEFAULT_MGMT_SUBNET, underlaySubnet: DEFAULT_UNDERLAY_SUBNET };

describe('lab plan', () => {
  it('gives hN the addresses .(10+N) on both networks and the machine .1', () => {
    const plan = planLab(defaults);
    expect(plan.rootIp).toBe('198.18.0.1');
    expect(plan.rootIf).toBe('cv-contiv');
    expect(plan.fabricNs).toBe('contiv-contiv-fabric');
    expect(plan.hosts.map((h) => [h.name, h.mgmtIp, h.vtep, h.netns])).toEqual([
      ['h1', '198.18.0.11', '198.19.0.11', 'contiv-contiv-h1'],
      ['h2', '198.18.0.12', '198.19.0.12', 'contiv-contiv-h2'],
      ['h3', '198.18.0.13', '198.19.0.13', 'contiv-contiv-h3'],
    ]);
    expect(plan.hosts[0]!.vtepMac).toBe('02:c0:c6:13:00:0b');
  });

  it('writes, for the default lab, the Fabric of examples/quickstart', () => {
    const p = labPaths('contiv');
    const written = parse(fabricYaml(planLab(defaults), { identityFile: tildePath(p.key), knownHostsFile: tildePath(p.knownHosts) }));
    const quickstart = parse(readFileSync(new URL('../../../examples/quickstart/fabric.yaml', import.meta.url), 'utf8'));
    if (homedir() === '/root' && !process.env.CONTIV_HOME) expect(written).toEqual(quickstart);
    else expect(written.spec.hosts).toEqual(quickstart.spec.hosts);
  });

  it('plans 50 hosts and more, up to what the subnets hold', () => {
    const plan = planLab({ ...defaults, hosts: 50 });
    expect(plan.hosts.at(-1)).toMatchObject({ name: 'h50', mgmtIp: '198.18.0.60', vtep: '198.19.0.60', fabricMgmtPort: 'm-h50' });
    expect(maxHosts(parseSubnet('198.18.0.0/24', 'x'))).toBe(244);
    expect(planLab({ ...defaults, hosts: 244 }).hosts.at(-1)!.mgmtIp).toBe('198.18.0.254');
    expect(() => planLab({ ...defaults, hosts: 245 })).toThrow(/from 1 to 244/);
    expect(planLab({ ...defaults, mgmtSubnet: '10.200.0.0/16', underlaySubnet: '10.201.0.0/16', hosts: 300 }).hosts.at(-1)!.mgmtIp).toBe('10.200.1.54');
  });

  it('keeps every interface name within 15 characters', () => {
    const plan = planLab({ ...defaults, name: 'abcdefghijkl', hosts: 244 });
    for (const n of [plan.rootIf, ...plan.hosts.flatMap((h) => [h.fabricMgmtPort, h.fabricUnderlayPort, h.mgmtIf, h.underlayIf])]) {
      expect(n.length).toBeLessThanOrEqual(15);
    }
  });

  it('refuses bad names, bad subnets and overlapping networks', () => {
    expect(() => checkLabName('Contiv')).toThrow(UserError);
    expect(() => checkLabName('abcdefghijklm')).toThrow(/15 characters/);
    expect(() => checkLabName('a-')).toThrow(UserError);
    expect(checkLabName('ctest2')).toBe('ctest2');
    expect(() => checkContainerName('web_1')).toThrow(/DNS label/);
    expect(() => checkContainerName('h3')).toThrow(/hosts/);
    expect(checkContainerName('web-1')).toBe('web-1');
    expect(() => planLab({ ...defaults, mgmtSubnet: '198.18.0.1/24' })).toThrow(/host bits set; did you mean 198.18.0.0\/24/);
    expect(() => planLab({ ...defaults, mgmtSubnet: 'fd00::/64' })).toThrow(/IPv4/);
    expect(() => planLab({ ...defaults, mgmtSubnet: 'nope' })).toThrow(/not a CIDR/);
    expect(() => planLab({ ...defaults, underlaySubnet: '198.18.0.128/25' })).toThrow(/overlap/);
    expect(() => planLab({ ...defaults, hosts: 0 })).toThrow(/--hosts/);
  });

  it('tells overlapping subnets apart', () => {
    const s = (c: string) => parseSubnet(c, 'x');
    expect(subnetsOverlap(s('198.18.0.0/24'), s('198.18.0.128/25'))).toBe(true);
    expect(subnetsOverlap(s('198.18.0.0/24'), s('198.18.100.0/24'))).toBe(false);
    expect(subnetsOverlap(s('198.18.0.0/15'), s('198.19.100.0/24'))).toBe(true);
  });
});

describe('lab texts', () => {
  it('writes known_hosts lines as address, type, key', () => {
    expect(knownHosts([{ address: '198.18.0.11', publicKey: 'ssh-ed25519 AAAAC3Nza h1.contiv.lab\n' }])).toBe('198.18.0.11 ssh-ed25519 AAAAC3Nza\n');
  });

  it('configures sshd on the management address only, keys only, fast key exchange', () => {
    const cfg = sshdConfig({ listen: '198.18.0.11', hostKey: '/k', pidFile: '/p', rootAuthorizedKeys: '/a' });
    for (const line of ['ListenAddress 198.18.0.11:22', 'HostKey /k', 'PidFile /p', 'UsePAM no', 'PasswordAuthentication no', 'PermitRootLogin prohibit-password']) {
      expect(cfg.split('\n')).toContain(line);
    }
    expect(cfg).toMatch(/^KexAlgorithms curve25519-sha256/m);
    expect(cfg).toMatch(/Match User root\n\s+AuthorizedKeysFile \/a/);
  });

  it('names the host in its own /etc/hosts (sudo resolves it) and its peers', () => {
    const plan = planLab(defaults);
    const text = etcHosts(plan, plan.hosts[1]!);
    expect(text).toContain('127.0.1.1 h2\n');
    expect(text).toContain('198.18.0.13 h3\n');
  });
});
