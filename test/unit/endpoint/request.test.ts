import { describe, expect, it } from 'vitest';
import { checkRequest, checkWhere, type AttachAsk } from '../../../src/endpoint/request.js';
import { loadModel } from '../compile/case-support.js';

/* contiv attach's request against the manifests: every mistake named, by code, before any host is touched. */

const ask = (extra: Partial<AttachAsk> = {}): AttachAsk => ({ host: 'h1', netns: 'web-1', ifname: 'eth0', tenant: 'default', network: 'net', ...extra });

describe('checkRequest', () => {
  it('refuses each mistake with its code and a message that names it', async () => {
    const model = await loadModel('fixtures/ipam/migration-old-blocks/manifests');
    const cases: Array<[Partial<AttachAsk>, string, string]> = [
      [{ host: 'h9' }, 'host-unknown', 'unknown host h9; the Fabric has h1, h2, h3'],
      [{ netns: 'a b' }, 'netns-invalid', '--netns "a b" is neither'],
      [{ netns: '/run/netns/../x' }, 'netns-invalid', ''],
      [{ ifname: 'x;y' }, 'ifname-invalid', '--ifname "x;y" is not an interface name'],
      [{ network: 'nope' }, 'network-unknown', 'tenant default has no network nope'],
      [{ tenant: 'blue' }, 'network-unknown', 'tenant blue has no network net'],
      [{ group: 'nope' }, 'group-unknown', 'tenant default has no endpoint group nope'],
      [{ ip: '10.1.2.044' }, 'ip-invalid', '--ip 10.1.2.044 is not an IPv4 address'],
      [{ ip: '999.1.1.1' }, 'ip-invalid', ''],
      [{ ip: '10.1.2.1' }, 'ip-is-gateway', '--ip 10.1.2.1 is the gateway of net'],
      [{ ip: '10.1.2.0' }, 'ip-outside', '--ip 10.1.2.0 is outside the usable addresses of 10.1.2.0/24'],
      [{ ip: '10.1.2.255' }, 'ip-outside', ''],
      [{ ip: '10.1.3.7' }, 'ip-outside', ''],
      [{ ip: '10.1.2.120' }, 'ip-in-pool', "--ip 10.1.2.120 is in group db's ipPool: only its endpoints take addresses there"],
      [{ ip: '10.1.2.99', group: 'db' }, 'ip-outside', "--ip 10.1.2.99 is outside group db's ipPool 10.1.2.100-10.1.2.150"],
    ];
    for (const [extra, code, message] of cases) {
      const r = checkRequest(model, ask(extra));
      expect(r.checked, JSON.stringify(extra)).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code), JSON.stringify(extra)).toEqual([code]);
      expect(r.diagnostics[0]!.message).toContain(message);
    }
  });

  it('a valid request names its address space: the group pool for a pooled group, else the network', async () => {
    const model = await loadModel('fixtures/ipam/migration-old-blocks/manifests');
    const plain = checkRequest(model, ask({ netns: '/run/netns/web-1', ip: '10.1.2.99' }));
    expect(plain.checked?.space.key).toBe('default/net');
    expect(plain.checked?.request).toEqual({ tenant: 'default', network: 'net', netns: 'web-1', ifname: 'eth0', ip: '10.1.2.99' });
    const pooled = checkRequest(model, ask({ group: 'db', ip: '10.1.2.150' }));
    expect(pooled.checked?.space.key).toBe('default/net/db');
    expect(pooled.checked?.spaces.map((s) => s.key)).toEqual(['default/net', 'default/net/db']);
  });
});

describe('checkWhere (what contiv detach checks)', () => {
  it('names the host, namespace or interface that is wrong; the interface may be left out', async () => {
    const model = await loadModel('fixtures/ipam/migration-old-blocks/manifests');
    expect(checkWhere(model, { host: 'h2', netns: '/run/netns/web-1' })).toEqual({ host: model.fabric.hosts[1], netns: 'web-1', diagnostics: [] });
    expect(checkWhere(model, { host: 'h2', netns: '/proc/42/ns/net', ifname: 'eth1' }).netns).toBe('/proc/42/ns/net');
    const wrong: Array<[{ host: string; netns: string; ifname?: string }, string]> = [
      [{ host: 'h9', netns: 'web-1' }, 'host-unknown'],
      [{ host: 'h1', netns: 'a b' }, 'netns-invalid'],
      [{ host: 'h1', netns: 'web-1', ifname: '' }, 'ifname-invalid'],
      [{ host: 'h1', netns: 'web-1', ifname: 'a-name-longer-than-15' }, 'ifname-invalid'],
    ];
    for (const [o, code] of wrong) {
      const r = checkWhere(model, o);
      expect(r.host === undefined || r.netns === undefined, JSON.stringify(o)).toBe(true);
      expect(r.diagnostics.map((d) => d.code), JSON.stringify(o)).toEqual([code]);
    }
  });
});
