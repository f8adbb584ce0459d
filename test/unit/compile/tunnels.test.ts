import { describe, expect, it } from 'vitest';
import { byName, floodCount, floodVteps, vtepPrefixes } from '../../../src/compile/tunnels.js';
import type { Host } from '../../../src/model/types.js';
import { flowKey, type Flow } from '../../../src/state/host-state.js';

/*
 * The pieces of the one flow-based tunnel port: the order of every flood list, the Fabric's
 * VTEPs as the exact prefixes every host admits, and reading a flood list back.
 */

const host = (name: string, vtep: string) => ({ name, vtep }) as Host;

describe('flood order', () => {
  it('is by host name, whatever the Fabric lists first', () => {
    expect(byName([host('h3', '198.19.0.13'), host('h1', '198.19.0.11'), host('h10', '198.19.0.20'), host('h2', '198.19.0.12')]).map((h) => h.name)).toEqual(['h1', 'h10', 'h2', 'h3']);
  });
});

describe("the Fabric's VTEPs as the prefixes every host admits", () => {
  it('holds exactly the VTEPs: merged where a prefix is full, alone where not, no /32 written', () => {
    const vteps = ['198.19.0.11', '198.19.0.12', '198.19.0.13', '198.19.0.14', '198.19.0.16', '198.19.0.17', '198.19.0.18', '198.19.0.19'];
    expect(vtepPrefixes(vteps.map((v, i) => host(`h${i}`, v)))).toEqual(['198.19.0.11', '198.19.0.12/31', '198.19.0.14', '198.19.0.16/30']);
  });

  it('a Fabric of one host admits its VTEP; a Fabric of none, nothing', () => {
    expect(vtepPrefixes([host('h1', '198.19.0.11')])).toEqual(['198.19.0.11']);
    expect(vtepPrefixes([])).toEqual([]);
  });
});

describe('a flood list read back', () => {
  const bridge = (...flows: Flow[]) => ({ flows: Object.fromEntries(flows.map((f) => [flowKey(f), f])) });
  const flood: Flow = { cookie: 'c1', table: 70, priority: 50, match: '', actions: 'push_vlan:0x8100,set_field:198.19.0.12->tun_dst,output:9,set_field:198.19.0.130->tun_dst,output:9' };
  // The learned-destination flow of the same table, and a flow of another table, that name a tun_dst too.
  const unicast: Flow = { cookie: 'c1', table: 70, priority: 100, match: 'reg4=2', actions: 'set_field:198.19.0.99->tun_dst,output:9' };
  const other: Flow = { cookie: 'c1', table: 60, priority: 50, match: '', actions: 'set_field:198.19.0.98->tun_dst,output:9' };
  const matched: Flow = { cookie: 'c1', table: 70, priority: 50, match: 'reg4=1', actions: 'set_field:198.19.0.97->tun_dst,output:9' };

  it('names the VTEPs of the flood flow only (table 70, priority 50, no match), in order', () => {
    expect(floodVteps(bridge(unicast, other, matched, flood))).toEqual(['198.19.0.12', '198.19.0.130']);
    expect(floodCount(bridge(unicast, other, matched, flood))).toBe(2);
  });

  it('a bridge without a flood flow, or one that drops, names none', () => {
    expect(floodVteps(bridge(unicast))).toEqual([]);
    expect(floodCount(bridge(unicast))).toBe(0);
    const drop: Flow = { ...flood, actions: 'drop' };
    expect(floodVteps(bridge(drop))).toEqual([]);
    expect(floodCount(bridge(drop))).toBe(0);
  });
});
