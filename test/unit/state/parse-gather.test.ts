import { cookieFor } from '../../../src/state/marks.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGatherOutput } from '../../../src/state/parse/live-host.js';
import { flowLinesOf, flowsAlone, withFlowLines } from './flow-dump.js';
import { fingerprintHost } from '../../../src/state/fingerprint.js';
import type { Flow } from '../../../src/state/host-state.js';

// Outputs of src/host/gather-script.ts captured on real lab hosts by scripts/capture-probes.sh.
const probe = (name: string) => readFileSync(`fixtures/probes/gather/${name}.txt`, 'utf8');

describe('parseGatherOutput on lab captures', () => {
  it('an empty host: no contiv bridge, the lab underlay bridge listed as unmanaged', () => {
    const live = parseGatherOutput('h1', probe('empty-host'));
    expect(live.state.bridges).toEqual({});
    expect(live.unmanaged.bridges).toEqual(['br-phy']);
    expect(live.facts.hostname).toBe('h1');
    expect(live.facts.ovsVersion).toBe('3.1.0');
    expect(live.facts.vswitchdRunning).toBe(true);
    expect(live.facts.missing).toEqual([]);
    const brPhy = live.facts.links.find((l) => l.name === 'br-phy');
    expect(brPhy?.addresses).toEqual(['198.19.110.11/24']);
  });

  it('a contiv bridge with 10k flows: managed ports and flows, foreign ones counted apart', () => {
    const live = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
    const bridge = live.state.bridges['contiv0']!;
    expect(bridge.datapathType).toBe('netdev');
    expect(bridge.failMode).toBe('secure');
    expect(Object.keys(bridge.flows)).toHaveLength(10_000);
    expect(live.unmanaged.flowCounts).toEqual({ contiv0: 3 });
    expect(live.unmanaged.ports).toEqual(['contiv0/mine']);
    expect(live.unmanaged.bridges).toEqual(['br-phy']);
    expect(bridge.ports['vx-h1']).toEqual({
      name: 'vx-h1',
      type: 'vxlan',
      ofport: 100,
      options: { dst_port: '4789', key: 'flow', remote_ip: '198.19.110.11' },
      externalIds: { 'contiv.addr': 'h2/tunnel/h1', 'contiv.kind': 'tunnel', 'contiv.owner': 'contiv' },
      protected: true,
    });
    expect(bridge.ports['ep1']).toMatchObject({ type: 'internal', ofport: 4096, mtu: 1450, protected: false });
    const one = bridge.flows['table=10,priority=100,dl_dst=02:00:00:00:00:07,metadata=0'];
    expect(one).toEqual({ cookie: 'c104000000000007', table: 10, priority: 100, match: 'dl_dst=02:00:00:00:00:07,metadata=0', actions: 'set_field:4103->reg3,goto_table:20' });
  });

  it('every form the compiler may write parses from the dump', () => {
    const live = parseGatherOutput('h1', probe('flow-variety'));
    const flows = Object.values(live.state.bridges['contiv0']!.flows);
    expect(flows).toHaveLength(10);
    expect(live.unmanaged.flowCounts).toEqual({ contiv0: 1 });
    expect(flows.map((f) => f.actions)).toContain('set_field:5->reg0,set_field:7->reg1,goto_table:10');
  });

  it('a stopped ovs-vswitchd: said so, OVSDB still read, no flows dumped', () => {
    const live = parseGatherOutput('h3', probe('vswitchd-stopped'));
    expect(live.facts.vswitchdRunning).toBe(false);
    expect(live.facts.ovsVersion).toBe('3.1.0');
    const bridge = live.state.bridges['contiv0']!;
    expect(Object.keys(bridge.ports).sort()).toEqual(['vx-h1', 'vx-h2']);
    expect(bridge.flows).toEqual({});
    expect(live.unmanaged.flowCounts).toEqual({});
  });

  it('endpoints attached by name and by path: the paths that still exist are listed with the names', () => {
    const live = parseGatherOutput('h2', probe('endpoints-by-path'));
    const endpoints = Object.values(live.state.bridges['contiv0']!.ports).filter((p) => p.externalIds['contiv.kind'] === 'endpoint');
    expect(endpoints.map((e) => e.externalIds['contiv.netns']).sort()).toEqual(['/proc/25632/ns/net', '/proc/25740/ns/net', 'web-2']);
    // /proc/25740 ended before the capture: its endpoint is still in OVSDB, its path is not listed.
    expect(live.facts.netns).toEqual(['/proc/25632/ns/net', 'runtime-1', 'runtime-2', 'web-2']);
    expect(Object.keys(live.state.bridges['contiv0']!.flows).length).toBeGreaterThan(0);
  });

  it('fingerprints ignore endpoints and order but see infrastructure changes', () => {
    const parsed = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
    const before = fingerprintHost(parsed.state);
    // A parsed host's flows are frozen (state/flow-list.ts): changed here on a copy.
    expect(() => delete parsed.state.bridges['contiv0']!.flows[Object.keys(parsed.state.bridges['contiv0']!.flows)[0]!]).toThrow(TypeError);
    const live = { ...parsed, state: structuredClone(parsed.state) };
    expect(fingerprintHost(live.state)).toBe(before);
    const bridge = live.state.bridges['contiv0']!;
    // An endpoint leaves: its port, its flows, and its place in a network's flood list.
    delete bridge.ports['ep1'];
    for (const key of Object.keys(bridge.flows).slice(0, 100)) delete bridge.flows[key];
    const flood = { cookie: 'c102000000000001', table: 10, priority: 200, match: 'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=1,reg1=1', actions: 'output:4096,output:4097' };
    bridge.flows['flood'] = flood;
    const withFlood = fingerprintHost(live.state);
    bridge.flows['flood'] = { ...flood, actions: 'output:4096' };
    expect(fingerprintHost(live.state)).toBe(withFlood);
    delete bridge.flows['flood'];
    expect(fingerprintHost(live.state)).toBe(before);
    // The flows in another order: the same; a rule's flow added, changed, gone: seen each time.
    bridge.flows = Object.fromEntries(Object.entries(bridge.flows).reverse());
    expect(fingerprintHost(live.state)).toBe(before);
    const rule = { cookie: cookieFor('rule', 'rule/default/p/1'), table: 40, priority: 20, match: 'tcp', actions: 'drop' };
    bridge.flows['rule'] = rule;
    const withRule = fingerprintHost(live.state);
    expect(withRule).not.toBe(before);
    bridge.flows['rule'] = { ...rule, actions: 'goto_table:50' };
    expect(fingerprintHost(live.state)).not.toBe(withRule);
    expect(fingerprintHost(live.state)).not.toBe(before);
    delete bridge.flows['rule'];
    expect(fingerprintHost(live.state)).toBe(before);
    bridge.ports['vx-h1']!.options['remote_ip'] = '198.19.110.13';
    expect(fingerprintHost(live.state)).not.toBe(before);
  });

  it('fingerprints do not depend on the order of bridges, ports, their options and external_ids', () => {
    const live = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
    const b = live.state.bridges['contiv0']!;
    b.ports['p2'] = { name: 'p2', type: 'system', ofport: 7, options: { b: '1', a: '2' }, externalIds: { 'contiv.owner': 'contiv', 'contiv.kind': 'tunnel' }, protected: false };
    b.externalIds = { ...b.externalIds, 'contiv.z': '1', 'contiv.a': '2' };
    const other = { ...b, name: 'contiv1', flows: {} };
    live.state.bridges['contiv1'] = other;
    const before = fingerprintHost(live.state);
    const reversed = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).reverse());
    const again = structuredClone(live.state);
    again.bridges = reversed(again.bridges);
    for (const x of Object.values(again.bridges)) {
      x.ports = reversed(x.ports);
      x.externalIds = reversed(x.externalIds);
      for (const p of Object.values(x.ports)) {
        p.options = reversed(p.options);
        p.externalIds = reversed(p.externalIds);
      }
    }
    expect(fingerprintHost(again)).toBe(before);
    again.bridges['contiv1']!.externalIds['contiv.a'] = '3';
    expect(fingerprintHost(again)).not.toBe(before);
  });
});

describe('a host read after another (lines compared at their place in the last dump)', () => {
  const base = probe('contiv-bridge-10k-flows');
  const lines = flowLinesOf(base);
  const withLines = (edit: (ls: string[]) => string[]) => withFlowLines(base, edit([...lines]));
  /** The flows each line gives on its own. */
  const alone = (text: string) => flowsAlone(flowLinesOf(text));

  it('reads every line as it reads alone, lines taken out, put in, changed or moved', () => {
    const one = (i: number) => `cookie=0xc101000000000abc, table=5, priority=${i}, metadata=${i} actions=drop`;
    const variants: Array<(ls: string[]) => string[]> = [
      (ls) => ls,
      (ls) => ls.filter((_, i) => i !== 10),
      (ls) => [...ls.slice(0, 20), one(1), ...ls.slice(20)],
      (ls) => [...ls.slice(0, 20), one(1), one(2), ...ls.slice(20).filter((_, i) => i !== 5)],
      (ls) => ls.map((l, i) => (i === 30 ? one(3) : l)),
      (ls) => [...ls].reverse(),
      (ls) => ls.filter((_, i) => i % 7 !== 0),
      (ls) => [...ls.slice(0, 50), '', 'no flow here at all, none', ...ls.slice(50)],
    ];
    const wanted = variants.map((v) => alone(withLines(v)));
    // Each after each: the last dump read is another's.
    for (let round = 0; round < 2; round++) {
      variants.forEach((v, i) => {
        const live = parseGatherOutput('x', withLines(v));
        expect(live.state.bridges['contiv0']!.flows).toEqual(wanted[i]!.flows);
        expect(Object.keys(live.state.bridges['contiv0']!.flows)).toEqual(Object.keys(wanted[i]!.flows));
        expect(live.unmanaged.flowKeys).toEqual(wanted[i]!.foreign);
      });
    }
  });
});

describe('fingerprint of flows read against an earlier bridge', () => {
  const live = parseGatherOutput('h2', probe('contiv-bridge-10k-flows'));
  const bridge = live.state.bridges['contiv0']!;
  // Flows the fingerprint counts (an endpoint's it leaves out), one object each as the parser gives them.
  const entries = Object.entries(bridge.flows).map(([k, f]) => [k, { ...f, cookie: cookieFor('rule', `t/p${f.priority % 9}`) }] as [string, Flow]);
  const withFlows = (list: Array<[string, Flow]>) => ({ ...live.state, bridges: { contiv0: { ...bridge, flows: Object.fromEntries(list) } } });
  const other: Flow = { cookie: cookieFor('pipeline', 'pipeline'), table: 77, priority: 1, match: 'reg9=1', actions: 'drop' };
  const tiny = withFlows([['x', other]]);
  /** The fingerprint worked out flow by flow: after a bridge that shares none of these flows. */
  const alone = (state: ReturnType<typeof withFlows>) => {
    fingerprintHost(tiny);
    return fingerprintHost(state);
  };

  it('is the same whichever flows differ from the reference, and wherever', () => {
    const variants: Array<Array<[string, Flow]>> = [
      entries,
      entries.filter((_, i) => i !== 100),
      entries.filter((_, i) => i !== 0 && i !== entries.length - 1),
      [...entries.slice(0, 50), ['other', other], ...entries.slice(50)],
      entries.map(([k, f], i) => (i === 70 ? [k, { ...f, actions: 'drop' }] : [k, f])),
      entries.filter((_, i) => i % 3 !== 0),
      [...entries].reverse(),
      [...entries.slice(5000), ...entries.slice(0, 5000)],
    ];
    const wanted = variants.map((v) => alone(withFlows(v)));
    // Reversed or rotated, the same multiset as the first.
    expect(new Set(wanted).size).toBe(6);
    variants.forEach((v, i) => {
      fingerprintHost(tiny);
      fingerprintHost(live.state);
      expect(fingerprintHost(withFlows(v))).toBe(wanted[i]);
      // And with the reference another variant.
      fingerprintHost(withFlows(variants[(i + 1) % variants.length]!));
      expect(fingerprintHost(withFlows(v))).toBe(wanted[i]);
    });
  });
});
