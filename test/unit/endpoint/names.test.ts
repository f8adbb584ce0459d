import { describe, expect, it } from 'vitest';
import { endpointMac, endpointPortName, isValidContainerId, isValidIfname, netnsPath, normalizeNetns } from '../../../src/endpoint/names.js';

/*
 * The names an endpoint request carries (checked before they reach a root shell) and the names
 * contiv gives an endpoint's devices, which must stay the same from one version to the next:
 * a port or MAC named differently after an upgrade would be an endpoint contiv no longer knows.
 */

describe('network namespaces', () => {
  it('only a path directly under /run/netns (or /var/run/netns) is a name; other paths stay paths', () => {
    expect(normalizeNetns('/run/netns/web-1')).toBe('web-1');
    expect(normalizeNetns('/var/run/netns/web-1')).toBe('web-1');
    expect(normalizeNetns('/srv/run/netns/web-1')).toBe('/srv/run/netns/web-1');
    expect(normalizeNetns('/run/netns/web-1/sub')).toBe('/run/netns/web-1/sub');
  });

  it('refuses a path with a `.` or `..` segment, keeps dots inside names', () => {
    for (const bad of ['/proc/./1/ns/net', '/proc/1/ns/.', '/proc/../etc', '/run/netns/..']) expect(normalizeNetns(bad), bad).toBeUndefined();
    expect(normalizeNetns('/run/docker/netns/a.b')).toBe('/run/docker/netns/a.b');
    expect(normalizeNetns('web.1')).toBe('web.1');
  });

  it('a name has at most 63 characters; a path at most 16 segments', () => {
    expect(normalizeNetns('n'.repeat(63))).toBe('n'.repeat(63));
    expect(normalizeNetns('n'.repeat(64))).toBeUndefined();
    const deep = (k: number) => '/d'.repeat(k);
    expect(normalizeNetns(deep(16))).toBe(deep(16));
    expect(normalizeNetns(deep(17))).toBeUndefined();
  });

  it('where a namespace is on the host', () => {
    expect(netnsPath('web-1')).toBe('/run/netns/web-1');
    expect(netnsPath('/proc/42/ns/net')).toBe('/proc/42/ns/net');
  });
});

describe('interface names and container ids', () => {
  it("an interface name fits Linux's 15 characters and starts with a letter or digit", () => {
    expect(isValidIfname('abcdefghijklmno')).toBe(true);
    expect(isValidIfname('abcdefghijklmnop')).toBe(false);
    for (const ok of ['eth0', 'net1.100', 'e_1-x']) expect(isValidIfname(ok), ok).toBe(true);
    for (const bad of ['.', '..', '.x', 'a/b', 'a;b']) expect(isValidIfname(bad), bad).toBe(false);
  });

  it('a container id as CNI defines it: up to 255 characters, no shell syntax', () => {
    expect(isValidContainerId('f00d'.repeat(16))).toBe(true);
    expect(isValidContainerId('a'.repeat(255))).toBe(true);
    expect(isValidContainerId('a'.repeat(256))).toBe(false);
    for (const bad of ['', '-x', '.x', 'a b', 'a;b', 'a/b']) expect(isValidContainerId(bad), bad).toBe(false);
  });
});

describe('device names', () => {
  it('the port name of eth0 is the one endpoints had before --ifname existed; another interface has its own', () => {
    expect(endpointPortName('h1', 'web-1')).toBe('cv04435add5c2a');
    expect(endpointPortName('h1', 'web-1', 'eth0')).toBe('cv04435add5c2a');
    expect(endpointPortName('h1', 'web-1', 'eth1')).toBe('cv3a1336cbba0e');
  });

  it('a MAC is locally administered, six two-digit bytes, stable per tenant, network and address', () => {
    expect(endpointMac('default', 'contiv-net', '10.1.2.14')).toBe('02:aa:80:bb:a3:00');
    expect(endpointMac('default', 'contiv-net', '10.1.2.28')).toBe('02:05:94:0d:e0:ab');
    for (let i = 2; i < 40; i++) expect(endpointMac('default', 'contiv-net', `10.1.2.${i}`)).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(endpointMac('blue', 'contiv-net', '10.1.2.14')).not.toBe(endpointMac('default', 'contiv-net', '10.1.2.14'));
  });
});
