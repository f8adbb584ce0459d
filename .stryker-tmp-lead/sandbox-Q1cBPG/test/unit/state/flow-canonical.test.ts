// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { canonicalActions, canonicalMatch, formatFlow, parseFlowLine } from '../../../src/state/flow-canonical.js';

// Each pair: a flow as contiv could write it, and the same flow as ovs-ofctl 3.1
// `-O OpenFlow14 dump-flows --no-stats` printed it back on a lab host.
const PAIRS: Array<[string, string]> = [
  [
    'cookie=0xc101aabbccddeeff,table=0,priority=100,in_port=100,tun_id=0x10 actions=set_field:0x5->reg0,load:0x7->NXM_NX_REG1[],goto_table:10',
    ' cookie=0xc101aabbccddeeff, priority=100,tun_id=0x10,in_port=100 actions=set_field:0x5->reg0,load:0x7->NXM_NX_REG1[],goto_table:10',
  ],
  [
    'cookie=0xc102aabbccddeeff,table=10,priority=200,ip,nw_dst=10.1.2.0/24,dl_vlan=5 actions=strip_vlan,resubmit(,20)',
    ' cookie=0xc102aabbccddeeff, table=10, priority=200,ip,dl_vlan=5,nw_dst=10.1.2.0/24 actions=pop_vlan,resubmit(,20)',
  ],
  [
    'cookie=0xc102aabbccddeeff,table=10,priority=210,tcp,tp_dst=5432,reg0=5,metadata=0x1 actions=ct(commit,zone=5),output:100',
    ' cookie=0xc102aabbccddeeff, table=10, priority=210,tcp,reg0=0x5,metadata=0x1,tp_dst=5432 actions=ct(commit,zone=5),output:100',
  ],
  [
    'cookie=0xc102aabbccddeeff,table=20,priority=11,ip,nw_proto=6,tp_dst=0x1000/0xf000 actions=conjunction(7,1/2)',
    ' cookie=0xc102aabbccddeeff, table=20, priority=11,tcp,tp_dst=0x1000/0xf000 actions=conjunction(7,1/2)',
  ],
  [
    'cookie=0xc102aabbccddeeff,table=20,priority=16,udp,tp_dst=53 actions=set_field:0x10->tun_id,output:in_port',
    ' cookie=0xc102aabbccddeeff, table=20, priority=16,udp,tp_dst=53 actions=set_field:0x10->tun_id,IN_PORT',
  ],
  [
    'cookie=0xc102aabbccddeeff,table=20,priority=13,ct_state=+trk+new,ip actions=ct(table=30,zone=NXM_NX_REG6[0..15])',
    ' cookie=0xc102aabbccddeeff, table=20, priority=13,ct_state=+new+trk,ip actions=ct(table=30,zone=NXM_NX_REG6[0..15])',
  ],
  [
    'cookie=0xc102aabbccddeeff,table=20,priority=14,arp,arp_tpa=10.1.2.5/32 actions=push_vlan:0x8100,set_field:4102->vlan_vid,output:100',
    ' cookie=0xc102aabbccddeeff, table=20, priority=14,arp,arp_tpa=10.1.2.5 actions=push_vlan:0x8100,set_field:4102->vlan_vid,output:100',
  ],
  [
    'cookie=0x1,table=0,priority=1,dl_type=0x0800,nw_src=10.0.0.0/255.0.0.0 actions=drop',
    ' cookie=0x1, priority=1,ip,nw_src=10.0.0.0/8 actions=drop',
  ],
  [
    // A rule towards 0.0.0.0/0: OVS keeps no field for a zero-length prefix.
    'cookie=0xc106000000000001,table=50,priority=21,ip,metadata=2,nw_dst=0.0.0.0/0,reg0=4 actions=drop',
    ' cookie=0xc106000000000001, table=50, priority=21,ip,reg0=0x4,metadata=0x2 actions=drop',
  ],
];

describe('flow canonical form', () => {
  it.each(PAIRS)('written %s equals dumped', (written, dumped) => {
    expect(parseFlowLine(written)).toEqual(parseFlowLine(dumped));
  });

  it('keeps what differs different', () => {
    const a = parseFlowLine('cookie=0x1,table=0,priority=1,tcp,tp_dst=80 actions=drop');
    const b = parseFlowLine('cookie=0x1,table=0,priority=1,udp,tp_dst=80 actions=drop');
    const c = parseFlowLine('cookie=0x1,table=0,priority=2,tcp,tp_dst=80 actions=drop');
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('ignores counters and timers of a full dump line', () => {
    const flow = parseFlowLine(' cookie=0xc101aabbccddeeff, duration=0.013s, table=0, n_packets=7, n_bytes=588, idle_age=3, priority=100,in_port=1 actions=drop');
    expect(flow).toEqual({ cookie: 'c101aabbccddeeff', table: 0, priority: 100, match: 'in_port=1', actions: 'drop' });
  });

  it('orders shorthand first, then fields by name; integers unmasked decimal, masked hex', () => {
    expect(canonicalMatch(['tp_dst=0x50', 'reg1=0x10/0xf0', 'dl_type=0x0800', 'nw_proto=17'])).toBe('udp,reg1=0x10/0xf0,tp_dst=80');
    expect(canonicalMatch(['dl_type=0x88cc'])).toBe('dl_type=0x88cc');
    expect(canonicalMatch(['ip', 'nw_proto=47'])).toBe('ip,nw_proto=47');
    expect(canonicalMatch(['dl_dst=AA:BB:CC:DD:EE:FF'])).toBe('dl_dst=aa:bb:cc:dd:ee:ff');
  });

  it('treats no action as drop', () => {
    expect(canonicalActions('')).toBe('drop');
    expect(canonicalActions('drop')).toBe('drop');
  });

  it('formats a flow that parses back to itself', () => {
    for (const [written] of PAIRS) {
      const flow = parseFlowLine(written)!;
      expect(parseFlowLine(formatFlow(flow))).toEqual(flow);
    }
  });
});
