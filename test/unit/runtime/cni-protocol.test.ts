import { describe, expect, it } from 'vitest';
import { addResult, parseCniArgs, parseRequest, prevAddress, refusal, SUPPORTED_VERSIONS, versionResult } from '../../../src/runtime/cni/protocol.js';
import { runPlugin } from '../../../src/runtime/cni/plugin.js';

/* The CNI protocol as podman 4.3 speaks it (scripts/research/podman-cni/FINDINGS.md): requests in, results and errors out. */

const conf = (extra: object = {}) => JSON.stringify({ cniVersion: '1.0.0', name: 'contiv-net.blue', type: 'contiv', contiv: { host: 'h1', tenant: 'blue', network: 'contiv-net' }, ...extra });
const env = (extra: Record<string, string> = {}) => ({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'a'.repeat(64), CNI_NETNS: '/run/netns/netns-1c34', CNI_IFNAME: 'eth0', CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.1.2.7', CNI_PATH: '/opt/cni/bin', ...extra });

describe('CNI requests', () => {
  it('reads what podman sends: command, container, namespace path, interface, CNI_ARGS (IP=), the contiv object', () => {
    const r = parseRequest(env(), conf());
    expect(r).toEqual({
      request: {
        command: 'ADD',
        cniVersion: '1.0.0',
        containerId: 'a'.repeat(64),
        netns: '/run/netns/netns-1c34',
        ifname: 'eth0',
        args: { IgnoreUnknown: '1', K8S_POD_NAME: 'web', IP: '10.1.2.7' },
        conf: { host: 'h1', tenant: 'blue', network: 'contiv-net' },
        name: 'contiv-net.blue',
      },
    });
    const withGroup = parseRequest(env({ CNI_COMMAND: 'DEL', CNI_NETNS: '' }), conf({ contiv: { host: 'h1', tenant: 'default', network: 'net', group: 'db' }, prevResult: { ips: [{ address: '10.1.2.7/24' }] } }));
    expect(withGroup).toMatchObject({ request: { command: 'DEL', conf: { group: 'db' }, prevResult: { ips: [{ address: '10.1.2.7/24' }] } } });
    expect('request' in withGroup && withGroup.request.netns).toBeUndefined();
  });

  it('answers what it cannot take with the CNI error codes', () => {
    const code = (e: Record<string, string>, stdin: string) => {
      const r = parseRequest(e, stdin);
      return 'error' in r ? r.error.code : 0;
    };
    expect(code(env(), 'not json')).toBe(6);
    expect(code(env(), '[]')).toBe(6);
    expect(code(env(), conf({ cniVersion: '2.0.0' }))).toBe(1);
    expect(code(env({ CNI_COMMAND: 'GC' }), conf())).toBe(4);
    expect(code(env({ CNI_CONTAINERID: '' }), conf())).toBe(4);
    expect(code(env({ CNI_NETNS: '' }), conf())).toBe(4);
    expect(code(env({ CNI_IFNAME: '' }), conf())).toBe(4);
    expect(code(env(), conf({ contiv: undefined }))).toBe(7);
    expect(code(env(), conf({ contiv: { host: 'h1', tenant: 'blue', network: 'x;reboot' } }))).toBe(7);
    expect(code(env(), conf({ contiv: { host: 'h1', tenant: 'blue', network: 'n', group: 'G' } }))).toBe(7);
    // A configuration without cniVersion counts as 0.1.0 (as runtimes read it).
    const old = parseRequest(env(), JSON.stringify({ name: 'x', type: 'contiv', contiv: { host: 'h1', tenant: 'blue', network: 'n' } }));
    expect('request' in old && old.request.cniVersion).toBe('0.1.0');
    const missing = parseRequest(env({ CNI_CONTAINERID: '', CNI_IFNAME: '' }), conf());
    expect('error' in missing && missing.error.msg).toBe('missing CNI_CONTAINERID, CNI_IFNAME');
  });

  it('CNI_ARGS: pairs by semicolons, the first = splits', () => {
    expect(parseCniArgs('A=1;B=x=y;C;;')).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(parseCniArgs(undefined)).toEqual({});
  });
});

describe('CNI results', () => {
  const a = { ifname: 'eth0', mac: '02:00:00:00:00:01', address: '10.1.2.7/24', gateway: '10.1.2.1', mtu: 1450, sandbox: '/run/netns/x' };

  it('1.0.0: the interface with its MAC (podman refuses one without), the address with the gateway, the default route', () => {
    expect(addResult('1.0.0', a)).toEqual({
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', mtu: 1450, sandbox: '/run/netns/x' }],
      ips: [{ address: '10.1.2.7/24', gateway: '10.1.2.1', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }],
      dns: {},
    });
  });

  it('0.3.x and 0.4.0 name the IP version; 0.1.0 and 0.2.0 have ip4; no gateway, no route', () => {
    expect(addResult('0.4.0', a)).toMatchObject({ ips: [{ version: '4', address: '10.1.2.7/24' }] });
    expect(addResult('0.3.1', a)).toMatchObject({ cniVersion: '0.3.1', ips: [{ version: '4' }] });
    expect(addResult('0.2.0', a)).toEqual({ cniVersion: '0.2.0', ip4: { ip: '10.1.2.7/24', gateway: '10.1.2.1', routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }] } });
    const { gateway: _g, ...noGateway } = a;
    expect(addResult('1.0.0', noGateway)).toMatchObject({ ips: [{ address: '10.1.2.7/24', interface: 0 }], routes: [] });
    expect(JSON.stringify(addResult('1.0.0', noGateway))).not.toContain('gateway');
  });

  it('reads the address back from a prevResult of any version; VERSION lists every version; refusals carry code and hint', () => {
    expect(prevAddress({ ips: [{ address: '10.1.2.7/24' }] })).toBe('10.1.2.7/24');
    expect(prevAddress({ ip4: { ip: '10.1.2.8/24' } })).toBe('10.1.2.8/24');
    expect(prevAddress(undefined)).toBeUndefined();
    expect(prevAddress({ ips: [{ address: 7 }] })).toBeUndefined();
    expect(versionResult('0.4.0')).toEqual({ cniVersion: '0.4.0', supportedVersions: ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'] });
    expect(SUPPORTED_VERSIONS).toContain('1.0.0');
    expect(refusal('1.0.0', 'no-free-address', 'h1 has no free address', 'run contiv apply')).toEqual({ cniVersion: '1.0.0', code: 100, msg: 'contiv: h1 has no free address', details: 'no-free-address; run contiv apply' });
  });
});

describe('the plugin without a host', () => {
  const run = async (e: Record<string, string>, stdin: string) => {
    let out = '';
    const code = await runPlugin({ env: e, stdin, write: (t) => (out += t) });
    return { code, out: JSON.parse(out) as Record<string, unknown> };
  };

  it('VERSION answers whatever stdin holds, with exit 0', async () => {
    expect(await run({ CNI_COMMAND: 'VERSION' }, '{"cniVersion":"0.4.0"}')).toEqual({ code: 0, out: versionResult('0.4.0') });
    expect(await run({ CNI_COMMAND: 'VERSION' }, '')).toEqual({ code: 0, out: versionResult('1.0.0') });
  });

  it('a request it cannot take is an error on standard output and exit 1', async () => {
    expect(await run(env(), 'nope')).toEqual({ code: 1, out: { cniVersion: '1.0.0', code: 6, msg: 'the network configuration on standard input is not JSON' } });
  });
});
