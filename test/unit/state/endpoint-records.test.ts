import { describe, expect, it } from 'vitest';
import { endpointRecordsValid } from '../../../src/plan/checks.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { endpointRecordProblems } from '../../../src/state/endpoint.js';
import type { HostState, LiveHost, PortState } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';

/*
 * An endpoint lives only as its OVS port's records on its host. A plan reads addresses and
 * namespaces from them and shows them, so records that are not what contiv writes (edited on
 * the host, or a host that lies: an address holding a newline and a code fence) stop the plan,
 * naming the host and the record, before anything reads them.
 */

const GOOD = { 'contiv.tenant': 'default', 'contiv.network': 'web', 'contiv.group': 'front', 'contiv.ip': '10.1.2.5', 'contiv.mac': '02:00:0a:01:02:05', 'contiv.netns': '/proc/123/ns/net', 'contiv.ifname': 'eth1', 'contiv.container': 'a1b2c3', 'contiv.lender': 'h2' };
const port = (name: string, records: Record<string, string>, kind = 'endpoint'): PortState => ({ name, type: 'system', ofport: 4096, options: {}, protected: false, externalIds: { ...ownerIds(kind, `h1/endpoint/${name}`), ...records } });
const state = (...ports: PortState[]): HostState => ({ host: 'h1', bridges: { contiv0: { name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds: {}, ports: Object.fromEntries(ports.map((p) => [p.name, p])), flows: {} } } });

describe('endpoint records', () => {
  it('what contiv writes passes: names, a path or a name for the namespace, an address, a MAC', () => {
    expect(endpointRecordProblems(state(port('cv1', GOOD), port('cv2', { ...GOOD, 'contiv.netns': 'web-1' })))).toEqual([]);
    // A one-letter name is a DNS label.
    expect(endpointRecordProblems(state(port('cv3', { ...GOOD, 'contiv.tenant': 'a', 'contiv.group': 'b' })))).toEqual([]);
  });

  it('anything else is named, by port, record and value; a missing required record too; other ports are not read', () => {
    const bad: Array<[string, string]> = [
      ['contiv.ip', '10.1.2.5\n```\n# Approved'],
      ['contiv.ip', '10.1.2.256'],
      ['contiv.mac', '02:00:0a:01:02'],
      ['contiv.mac', 'x02:00:0a:01:02:05'],
      ['contiv.mac', '02:00:0a:01:02:05x'],
      ['contiv.tenant', 'Default'],
      ['contiv.network', 'web;reboot'],
      ['contiv.group', ''],
      ['contiv.netns', 'web 1'],
      ['contiv.netns', '/proc/1/ns/net\u001b[2J'],
      ['contiv.ifname', 'eth0-that-is-too-long'],
      ['contiv.container', 'a/b'],
      ['contiv.lender', 'H2'],
    ];
    for (const [key, value] of bad) expect(endpointRecordProblems(state(port('cv1', { ...GOOD, [key]: value }))), `${key} ${value}`).toEqual([`cv1: ${key} ${JSON.stringify(value)}`]);
    const { 'contiv.mac': _mac, ...noMac } = GOOD;
    expect(endpointRecordProblems(state(port('cv1', noMac)))).toEqual(['cv1: contiv.mac missing']);
    const { 'contiv.group': _g, 'contiv.ifname': _i, 'contiv.container': _c, 'contiv.lender': _l, ...required } = GOOD;
    expect(endpointRecordProblems(state(port('cv1', required)))).toEqual([]);
    expect(endpointRecordProblems(state(port('vx', { 'contiv.ip': 'not checked' }, 'tunnel')))).toEqual([]);
  });

  it('a plan stops on them, naming the host and the first three', () => {
    const records = (n: number) => Array.from({ length: n }, (_, i) => port(`cv${i}`, { ...GOOD, 'contiv.ip': `x${i}` }));
    const live = (n: number) => ({ h1: { state: state(...records(n)) } as unknown as LiveHost });
    expect(endpointRecordsValid(live(3))[0]!.message).toBe('h1: endpoint records that contiv did not write: cv0: contiv.ip "x0"; cv1: contiv.ip "x1"; cv2: contiv.ip "x2"');
    expect(endpointRecordsValid(live(0))).toEqual([]);
    expect(endpointRecordsValid(live(4))).toEqual([
      {
        severity: 'error',
        code: 'endpoint-record-damaged',
        message: 'h1: endpoint records that contiv did not write: cv0: contiv.ip "x0"; cv1: contiv.ip "x1"; cv2: contiv.ip "x2" and 1 more',
        hint: 'detach those endpoints (contiv detach), or set their external_ids back; nothing is planned until then',
        address: 'h1',
      },
    ]);
    const result = makePlan({ model: {} as never, live: live(1), source: { dir: 'm' } });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['endpoint-record-damaged']);
  });
});
