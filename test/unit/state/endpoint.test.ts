import { describe, expect, it } from 'vitest';
import { endpointAddress, endpointExternalIds, endpointsOf, type Endpoint } from '../../../src/state/endpoint.js';
import type { HostState } from '../../../src/state/host-state.js';

/* An endpoint's identity (its flows' owner) and its marks on its OVS port, read back as written. */

const base: Endpoint = { host: 'h1', port: 'cv0123456789ab', ofport: 100, tenant: 'blue', network: 'contiv-net', ip: '10.1.2.7', mac: '02:00:00:00:00:01', netns: 'web-1' };

describe('endpointAddress', () => {
  it('names an endpoint by host and namespace, adding the interface when it is not eth0', () => {
    expect(endpointAddress(base)).toBe('h1/endpoint/web-1');
    expect(endpointAddress({ ...base, ifname: 'eth0' })).toBe('h1/endpoint/web-1');
    expect(endpointAddress({ ...base, ifname: 'eth1' })).toBe('h1/endpoint/web-1#eth1');
    // A runtime's endpoint with its interface name (CNI): the interface, not the container, tells it apart.
    expect(endpointAddress({ ...base, ifname: 'eth0', container: 'c'.repeat(64) })).toBe('h1/endpoint/web-1');
  });

  it('names a Docker endpoint (no interface name of contiv’s) by its Docker endpoint id, so two in one container differ', () => {
    const a = endpointAddress({ ...base, netns: '/run/docker/netns/0a1b2c3d4e5f', container: '4a0936b29e26d8d0396f320676976a4b649efcb6c518ec2610d7170d13591bc2' });
    const b = endpointAddress({ ...base, netns: '/run/docker/netns/0a1b2c3d4e5f', container: '69a4d9e3cb65b4dde2371462b7384e763ca02f8ad38c519c740c83de59c0607e' });
    expect(a).toBe('h1/endpoint//run/docker/netns/0a1b2c3d4e5f#4a0936b29e26');
    expect(b).not.toBe(a);
  });
});

describe('endpoint marks', () => {
  it('reads back from a port exactly the endpoint written to it, optional fields included or left out', () => {
    const full: Endpoint = { ...base, group: 'db-group', ifname: 'eth1', container: 'abc', lender: 'h2' };
    for (const e of [base, full]) {
      const state: HostState = { host: 'h1', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {}, flows: {}, ports: { [e.port]: { name: e.port, type: 'system', ofport: e.ofport, options: {}, protected: false, externalIds: endpointExternalIds(e) } } } } };
      expect(endpointsOf(state)).toEqual([e]);
    }
  });

  it('a port missing any of the required marks is no endpoint', () => {
    const ids = endpointExternalIds(base);
    for (const key of ['contiv.tenant', 'contiv.network', 'contiv.ip', 'contiv.mac', 'contiv.netns']) {
      const rest = Object.fromEntries(Object.entries(ids).filter(([k]) => k !== key));
      const state: HostState = { host: 'h1', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {}, flows: {}, ports: { p: { name: 'p', type: 'system', ofport: 100, options: {}, protected: false, externalIds: rest } } } } };
      expect(endpointsOf(state), key).toEqual([]);
    }
  });
});
