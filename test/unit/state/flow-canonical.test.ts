import { describe, expect, it } from 'vitest';
import { canonicalActions, canonicalMatch, canonicalNumber, formatFlow, parseFlowLine, splitTopLevel } from '../../../src/state/flow-canonical.js';

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

// Written ≡ dumped pairs for forms not in PAIRS above: OpenFlow 1.2+ field names (eth_*, ip_*,
// tcp_*, udp_*, tunnel_id) that ovs-ofctl accepts and prints back under their NXM-era names.
const SYNONYM_PAIRS: Array<[string, string]> = [
  ['eth_type=0x0800,ip_proto=6,tcp_src=1000,tcp_dst=0x50', 'tcp,tp_src=1000,tp_dst=80'],
  ['eth_type=0x86dd,ip_proto=17,udp_src=68,udp_dst=67', 'udp6,tp_src=68,tp_dst=67'],
  ['eth_src=02:00:00:00:00:01,eth_dst=02:00:00:00:00:02', 'dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02'],
  ['ip,ip_src=10.0.0.0/255.0.0.0,ip_dst=10.1.2.3/255.255.255.255', 'ip,nw_src=10.0.0.0/8,nw_dst=10.1.2.3'],
  ['tunnel_id=0x10', 'tun_id=0x10'],
];

describe('canonical match', () => {
  it.each(SYNONYM_PAIRS)('%s equals %s', (written, dumped) => {
    expect(canonicalMatch(written.split(','))).toBe(canonicalMatch(dumped.split(',')));
  });

  it('renames OpenFlow 1.2+ fields to the names dump-flows prints', () => {
    expect(canonicalMatch(['eth_type=0x0800', 'ip_proto=6', 'tcp_src=1000', 'tcp_dst=0x50'])).toBe('tcp,tp_dst=80,tp_src=1000');
    expect(canonicalMatch(['udp', 'udp_src=68', 'udp_dst=67'])).toBe('udp,tp_dst=67,tp_src=68');
    expect(canonicalMatch(['eth_src=02:00:00:00:00:01', 'eth_dst=02:00:00:00:00:02'])).toBe('dl_dst=02:00:00:00:00:02,dl_src=02:00:00:00:00:01');
    expect(canonicalMatch(['ip', 'ip_src=10.0.0.0/255.0.0.0', 'ip_dst=10.1.2.3/255.255.255.255'])).toBe('ip,nw_dst=10.1.2.3,nw_src=10.0.0.0/8');
    expect(canonicalMatch(['tunnel_id=0x10'])).toBe('tun_id=16');
    expect(canonicalMatch(['vlan_tci=0x1000/0x1000'])).toBe('vlan_tci=0x1000/0x1000');
  });

  const SHORTHAND_TABLE: Array<[string, string]> = [
    ['ip', 'dl_type=0x0800'],
    ['ipv6', 'dl_type=0x86dd'],
    ['arp', 'dl_type=0x0806'],
    ['rarp', 'dl_type=0x8035'],
    ['tcp', 'dl_type=0x0800,nw_proto=6'],
    ['udp', 'dl_type=0x0800,nw_proto=17'],
    ['icmp', 'dl_type=0x0800,nw_proto=1'],
    ['sctp', 'dl_type=0x0800,nw_proto=132'],
    ['tcp6', 'dl_type=0x86dd,nw_proto=6'],
    ['udp6', 'dl_type=0x86dd,nw_proto=17'],
    ['icmp6', 'dl_type=0x86dd,nw_proto=58'],
    ['sctp6', 'dl_type=0x86dd,nw_proto=132'],
  ];
  it.each(SHORTHAND_TABLE)('writes %s for itself and for %s', (shorthand, longhand) => {
    expect(canonicalMatch([shorthand])).toBe(shorthand);
    expect(canonicalMatch(longhand.split(','))).toBe(shorthand);
    expect(canonicalMatch([...longhand.split(','), 'in_port=1'])).toBe(`${shorthand},in_port=1`);
  });

  it('combines a protocol given in parts, in any order and number base', () => {
    expect(canonicalMatch(['ip', 'nw_proto=6'])).toBe('tcp');
    expect(canonicalMatch(['nw_proto=6', 'ip'])).toBe('tcp');
    expect(canonicalMatch(['dl_type=2048', 'nw_proto=0x11'])).toBe('udp');
    expect(canonicalMatch(['ipv6', 'nw_proto=0x3a'])).toBe('icmp6');
  });

  it('keeps a protocol that has no shorthand next to its base', () => {
    expect(canonicalMatch(['ipv6', 'nw_proto=47'])).toBe('ipv6,nw_proto=47');
    expect(canonicalMatch(['dl_type=0x0800', 'nw_proto=47', 'in_port=1'])).toBe('ip,nw_proto=47,in_port=1');
    expect(canonicalMatch(['nw_proto=6'])).toBe('nw_proto=6');
    expect(canonicalMatch(['nw_proto=6', 'in_port=1'])).toBe('nw_proto=6,in_port=1');
  });

  it('writes an ethertype without a shorthand as four hex digits, as OVS prints it', () => {
    expect(canonicalMatch(['dl_type=0x88cc'])).toBe('dl_type=0x88cc');
    expect(canonicalMatch(['dl_type=35020'])).toBe('dl_type=0x88cc');
    expect(canonicalMatch(['dl_type=0x600'])).toBe('dl_type=0x0600');
    expect(canonicalMatch(['dl_type=0x88cc', 'nw_proto=5'])).toBe('dl_type=0x88cc,nw_proto=5');
  });

  it('sorts the other fields by name, after the protocol', () => {
    expect(canonicalMatch(['tp_dst=80', 'reg0=1', 'metadata=2', 'tcp', 'in_port=3', 'dl_vlan=5'])).toBe('tcp,dl_vlan=5,in_port=3,metadata=2,reg0=1,tp_dst=80');
    expect(canonicalMatch(['reg1=1', 'reg0=2'])).toBe('reg0=2,reg1=1');
    expect(canonicalMatch(['reg0=2', 'reg1=1'])).toBe('reg0=2,reg1=1');
    expect(canonicalMatch(['reg10=1', 'reg1=2'])).toBe('reg1=2,reg10=1');
  });

  it('ignores blanks around and between fields', () => {
    expect(canonicalMatch(['', ' tcp ', ' tp_dst=80 ', '  '])).toBe('tcp,tp_dst=80');
    expect(canonicalMatch([])).toBe('');
  });

  it('keeps a bare keyword it does not know as it is, sorted among the fields', () => {
    expect(canonicalMatch(['mpls', 'in_port=1'])).toBe('in_port=1,mpls');
    expect(canonicalMatch(['tcp', 'nw_frag'])).toBe('tcp,nw_frag');
  });

  it('writes ct_state flags in OVS bit order', () => {
    expect(canonicalMatch(['ct_state=-dnat+snat+trk-inv+rpl+rel+est+new'])).toBe('ct_state=+new+est+rel+rpl-inv+trk+snat-dnat');
    expect(canonicalMatch(['ct_state=+est+new'])).toBe('ct_state=+new+est');
    expect(canonicalMatch(['ct_state=+trk-est'])).toBe('ct_state=-est+trk');
    expect(canonicalMatch(['ct_state=-trk'])).toBe('ct_state=-trk');
  });

  const IPV4 = ['nw_src', 'nw_dst', 'arp_spa', 'arp_tpa', 'tun_src', 'tun_dst'];
  it.each(IPV4)('writes %s masks as prefix lengths, /32 dropped, /0 as no field', (field) => {
    expect(canonicalMatch([`${field}=10.1.0.0/255.255.0.0`])).toBe(`${field}=10.1.0.0/16`);
    expect(canonicalMatch([`${field}=10.1.0.0/16`])).toBe(`${field}=10.1.0.0/16`);
    expect(canonicalMatch([`${field}=10.1.2.3/32`])).toBe(`${field}=10.1.2.3`);
    expect(canonicalMatch([`${field}=10.1.2.3/255.255.255.255`])).toBe(`${field}=10.1.2.3`);
    expect(canonicalMatch([`${field}=10.1.2.3`])).toBe(`${field}=10.1.2.3`);
    expect(canonicalMatch(['ip', `${field}=0.0.0.0/0`])).toBe('ip');
    expect(canonicalMatch(['ip', `${field}=10.0.0.0/0.0.0.0`])).toBe('ip');
  });

  it('converts every contiguous dotted mask to its prefix length', () => {
    expect(canonicalMatch(['nw_dst=10.0.0.0/255.0.0.0'])).toBe('nw_dst=10.0.0.0/8');
    expect(canonicalMatch(['nw_dst=10.1.2.128/255.255.255.128'])).toBe('nw_dst=10.1.2.128/25');
    expect(canonicalMatch(['nw_dst=10.1.2.254/255.255.255.254'])).toBe('nw_dst=10.1.2.254/31');
    expect(canonicalMatch(['nw_dst=128.0.0.0/128.0.0.0'])).toBe('nw_dst=128.0.0.0/1');
  });

  it('leaves an IPv4 mask that is no prefix as written, and never drops it', () => {
    // A wildcard-style mask matches some addresses only: it must not become "match everything".
    expect(canonicalMatch(['ip', 'nw_src=10.0.0.0/0.0.0.255'])).toBe('ip,nw_src=10.0.0.0/0.0.0.255');
    expect(canonicalMatch(['ip', 'nw_src=10.0.0.0/255.0.255.0'])).toBe('ip,nw_src=10.0.0.0/255.0.255.0');
    expect(canonicalMatch(['ip', 'nw_src=10.0.0.0/255.127.0.0'])).toBe('ip,nw_src=10.0.0.0/255.127.0.0');
    expect(canonicalMatch(['ip', 'nw_src=10.0.0.0/255.255.255'])).toBe('ip,nw_src=10.0.0.0/255.255.255');
  });

  it('does not treat other fields as IPv4 addresses', () => {
    expect(canonicalMatch(['ipv6', 'ipv6_src=fe80::/64'])).toBe('ipv6,ipv6_src=fe80::/64');
    expect(canonicalMatch(['reg0=0x0/0'])).toBe('reg0=0x0/0x0');
  });

  it('writes integers unmasked in decimal, masked in hex', () => {
    expect(canonicalMatch(['in_port=0x64', 'metadata=0x0', 'reg3=4096'])).toBe('in_port=100,metadata=0,reg3=4096');
    expect(canonicalMatch(['reg0=0xFF'])).toBe('reg0=255');
    expect(canonicalMatch(['tp_dst=4096/61440'])).toBe('tp_dst=0x1000/0xf000');
    expect(canonicalMatch(['in_port=LOCAL'])).toBe('in_port=LOCAL');
  });

  it('writes MAC addresses, masked or not, in lower case', () => {
    expect(canonicalMatch(['dl_dst=AA:BB:CC:DD:EE:FF'])).toBe('dl_dst=aa:bb:cc:dd:ee:ff');
    expect(canonicalMatch(['dl_src=0A:0B:0C:00:00:00/FF:FF:FF:00:00:00'])).toBe('dl_src=0a:0b:0c:00:00:00/ff:ff:ff:00:00:00');
    expect(canonicalMatch(['arp_sha=02:00:00:00:00:0A'])).toBe('arp_sha=02:00:00:00:00:0a');
    expect(canonicalMatch(['dl_dst=01:00:00:00:00:00/01:00:00:00:00:00'])).toBe('dl_dst=01:00:00:00:00:00/01:00:00:00:00:00');
  });
});

describe('canonical number', () => {
  it('writes an unmasked integer in decimal', () => {
    expect(canonicalNumber('5')).toBe('5');
    expect(canonicalNumber('0x5')).toBe('5');
    expect(canonicalNumber('0xFF')).toBe('255');
    expect(canonicalNumber('0x0')).toBe('0');
    expect(canonicalNumber('0xc104000000000007')).toBe('13908241549226934279');
  });

  it('writes a masked integer as hex value/mask', () => {
    expect(canonicalNumber('0x10/0xf0')).toBe('0x10/0xf0');
    expect(canonicalNumber('16/240')).toBe('0x10/0xf0');
    expect(canonicalNumber('0x00FF/0x0FF0')).toBe('0xff/0xff0');
  });

  it('leaves anything else as written', () => {
    for (const text of ['LOCAL', 'in_port', '0x1g', '10x5', '-0x5', 'a5', '5a', '-1', '1.5', '', '1/2/3', '10/abc', 'abc/10', '0x/0x1']) {
      expect(canonicalNumber(text)).toBe(text);
    }
  });
});

describe('canonical actions', () => {
  it('splits at top-level commas only', () => {
    expect(splitTopLevel('ct(commit,zone=5),output:100')).toStrictEqual(['ct(commit,zone=5)', 'output:100']);
    expect(splitTopLevel('move:NXM_NX_REG0[0..15]->NXM_NX_TUN_ID[0..15],output:100')).toStrictEqual(['move:NXM_NX_REG0[0..15]->NXM_NX_TUN_ID[0..15]', 'output:100']);
    expect(splitTopLevel('learn(table=30,idle_timeout=300,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG3[0..15]),resubmit(,20)')).toStrictEqual([
      'learn(table=30,idle_timeout=300,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG3[0..15])',
      'resubmit(,20)',
    ]);
    expect(splitTopLevel('resubmit(,20),ct(table=30,zone=NXM_NX_REG6[0..15]),output:1')).toStrictEqual(['resubmit(,20)', 'ct(table=30,zone=NXM_NX_REG6[0..15])', 'output:1']);
  });

  it('drops blank pieces and the blanks around each piece', () => {
    expect(splitTopLevel(' output:1 , , output:2 ,')).toStrictEqual(['output:1', 'output:2']);
    expect(splitTopLevel('')).toStrictEqual([]);
    expect(splitTopLevel('drop')).toStrictEqual(['drop']);
  });

  it('writes the OVS spelling of output, in_port and strip_vlan', () => {
    expect(canonicalActions('strip_vlan,5,output:6')).toBe('pop_vlan,output:5,output:6');
    expect(canonicalActions('in_port')).toBe('IN_PORT');
    expect(canonicalActions('output:in_port')).toBe('IN_PORT');
    expect(canonicalActions('IN_PORT')).toBe('IN_PORT');
    expect(canonicalActions('output:100')).toBe('output:100');
    expect(canonicalActions('100,4096')).toBe('output:100,output:4096');
  });

  it('writes a whole-register load as the set_field OVS prints', () => {
    expect(canonicalActions('load:0x5->NXM_NX_REG3[]')).toBe('set_field:5->reg3');
    expect(canonicalActions('load:0x1->NXM_NX_REG12[]')).toBe('set_field:1->reg12');
    expect(canonicalActions('load:0xff->NXM_NX_XXREG1[]')).toBe('set_field:255->xxreg1');
    expect(canonicalActions('load:0x10->NXM_NX_TUN_ID[]')).toBe('set_field:16->tun_id');
    expect(canonicalActions('load:0x2->OXM_OF_METADATA[]')).toBe('set_field:2->metadata');
    expect(canonicalActions('load:0x7->NXM_NX_REG1[]')).toBe(canonicalActions('set_field:0x7->reg1'));
  });

  it('keeps a load into part of a field as written', () => {
    expect(canonicalActions('load:0x1->NXM_NX_REG0[0..3]')).toBe('load:0x1->NXM_NX_REG0[0..3]');
    expect(canonicalActions('load:0x2->NXM_NX_REG4[0..2],goto_table:20')).toBe('load:0x2->NXM_NX_REG4[0..2],goto_table:20');
    expect(canonicalActions('load:0x1->NXM_OF_VLAN_TCI[]')).toBe('load:0x1->NXM_OF_VLAN_TCI[]');
  });

  it('writes set_field values like match values', () => {
    expect(canonicalActions('set_field:0x5->reg0')).toBe('set_field:5->reg0');
    expect(canonicalActions('set_field:16/240->reg1')).toBe('set_field:0x10/0xf0->reg1');
    expect(canonicalActions('set_field:AA:BB:CC:DD:EE:FF->eth_dst')).toBe('set_field:aa:bb:cc:dd:ee:ff->eth_dst');
    expect(canonicalActions('set_field:4102->vlan_vid')).toBe('set_field:4102->vlan_vid');
    expect(canonicalActions('set_field:10.1.2.3/255.255.255.255->nw_dst')).toBe('set_field:10.1.2.3->nw_dst');
  });

  it('leaves other actions as written, in their order', () => {
    expect(canonicalActions('ct(commit,zone=5),goto_table:10')).toBe('ct(commit,zone=5),goto_table:10');
    expect(canonicalActions('output:2,output:1')).toBe('output:2,output:1');
    expect(canonicalActions('conjunction(7,1/2)')).toBe('conjunction(7,1/2)');
    expect(canonicalActions('move:NXM_NX_REG0[0..15]->NXM_NX_TUN_ID[0..15],strip_vlan')).toBe('move:NXM_NX_REG0[0..15]->NXM_NX_TUN_ID[0..15],pop_vlan');
  });

  it('writes drop for no action at all', () => {
    expect(canonicalActions(' drop ')).toBe('drop');
    expect(canonicalActions(' , ')).toBe('drop');
  });
});

describe('flow lines', () => {
  it('are not flows without actions', () => {
    expect(parseFlowLine('NXST_FLOW reply (xid=0x4):')).toBeUndefined();
    expect(parseFlowLine('')).toBeUndefined();
    expect(parseFlowLine(' cookie=0x1, priority=1,ip')).toBeUndefined();
  });

  it('default to cookie 0, table 0 and priority 32768, which dump-flows omits', () => {
    expect(parseFlowLine('actions=drop')).toStrictEqual({ cookie: '0000000000000000', table: 0, priority: 32768, match: '', actions: 'drop' });
    expect(parseFlowLine(' table=3, ip actions=output:1')).toStrictEqual({ cookie: '0000000000000000', table: 3, priority: 32768, match: 'ip', actions: 'output:1' });
    expect(parseFlowLine(' priority=3,ip actions=drop')).toStrictEqual({ cookie: '0000000000000000', table: 0, priority: 3, match: 'ip', actions: 'drop' });
    expect(parseFlowLine(' cookie=0x2, priority=0 actions=drop')).toStrictEqual({ cookie: '0000000000000002', table: 0, priority: 0, match: '', actions: 'drop' });
  });

  it('read the cookie as 16 hex digits, without a mask', () => {
    expect(parseFlowLine('cookie=0xC104000000000007/-1,table=1,priority=5 actions=drop')?.cookie).toBe('c104000000000007');
    expect(parseFlowLine('cookie=0x7,table=1,priority=5 actions=drop')?.cookie).toBe('0000000000000007');
  });

  it('keep the actions whole, commas and spaces inside them included', () => {
    const flow = parseFlowLine(' cookie=0xc102aabbccddeeff, table=20, priority=13,ct_state=+new+trk,ip actions=ct(table=30,zone=NXM_NX_REG6[0..15])');
    expect(flow).toStrictEqual({ cookie: 'c102aabbccddeeff', table: 20, priority: 13, match: 'ip,ct_state=+new+trk', actions: 'ct(table=30,zone=NXM_NX_REG6[0..15])' });
  });

  it('ignore counters, timers and flow_mod flags: the same flow with or without them', () => {
    const plain = parseFlowLine('cookie=0x1,table=2,priority=5,ip actions=drop');
    expect(plain).toStrictEqual({ cookie: '0000000000000001', table: 2, priority: 5, match: 'ip', actions: 'drop' });
    // As dump-flows prints it with statistics (flow_mod flags omitted: dump-flows separates them with spaces).
    expect(parseFlowLine(' cookie=0x1, duration=12.5s, table=2, n_packets=7, n_bytes=588, idle_timeout=10, hard_timeout=20, importance=3, idle_age=3, hard_age=5, priority=5,ip actions=drop')).toStrictEqual(plain);
    // As add-flows / del-flows accept them: flags are comma-separated keywords there.
    expect(parseFlowLine('cookie=0x1,table=2,priority=5,send_flow_rem,reset_counts,no_packet_counts,no_byte_counts,ip actions=drop')).toStrictEqual(plain);
    expect(parseFlowLine('cookie=0x1,table=2,priority=5,out_port=3,out_group=4,ip actions=drop')).toStrictEqual(plain);
  });

  it('keep what differs different', () => {
    const base = 'cookie=0x1,table=0,priority=1,ip,nw_src=10.0.0.0/8,reg0=0x5,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,ct_state=+trk+new,tp_dst=80 actions=output:1,output:2';
    const variants = [
      base.replace('cookie=0x1', 'cookie=0x2'),
      base.replace('table=0', 'table=1'),
      base.replace('priority=1', 'priority=2'),
      base.replace(',ip,', ',ipv6,'),
      base.replace('nw_src=10.0.0.0/8', 'nw_src=10.0.0.0/16'),
      base.replace('nw_src=10.0.0.0/8', 'nw_src=10.0.0.0/0.0.0.255'),
      base.replace('nw_src=10.0.0.0/8', 'nw_dst=10.0.0.0/8'),
      base.replace('reg0=0x5', 'reg0=0x5/0xf'),
      base.replace('reg0=0x5', 'reg1=0x5'),
      base.replace('/01:00:00:00:00:00', ''),
      base.replace('+trk+new', '+trk-new'),
      base.replace('tp_dst=80', 'tp_src=80'),
      base.replace('output:1,output:2', 'output:2,output:1'),
      base.replace('output:1,output:2', 'load:0x1->NXM_NX_REG0[0..3],output:2'),
    ];
    const parsed = [base, ...variants].map((line) => JSON.stringify(parseFlowLine(line)));
    expect(new Set(parsed).size).toBe(parsed.length);
  });
});

describe('formatFlow', () => {
  it('writes the add-flows line', () => {
    expect(formatFlow({ cookie: 'c104000000000007', table: 10, priority: 100, match: 'dl_dst=02:00:00:00:00:07,metadata=0', actions: 'set_field:4103->reg3,goto_table:20' })).toBe(
      'cookie=0xc104000000000007,table=10,priority=100,dl_dst=02:00:00:00:00:07,metadata=0 actions=set_field:4103->reg3,goto_table:20',
    );
    expect(formatFlow({ cookie: '0000000000000001', table: 0, priority: 1, match: '', actions: 'drop' })).toBe('cookie=0x0000000000000001,table=0,priority=1 actions=drop');
  });

  it('reads the flow_mod flags dump-flows prints between blanks as flags, not as part of the match', () => {
    const flow = parseFlowLine(' cookie=0x5eed, duration=2.1s, table=3, n_packets=0, n_bytes=0, send_flow_rem reset_counts check_overlap priority=100,ip,nw_src=10.0.0.1 actions=drop');
    expect(flow).toEqual({ cookie: '0000000000005eed', table: 3, priority: 100, match: 'ip,nw_src=10.0.0.1', actions: 'drop' });
  });

  it('keeps a ct_state given as bits, so two different ones stay different', () => {
    const a = parseFlowLine('cookie=0x1,table=30,priority=1,ct_state=0x21/0x21 actions=drop');
    const b = parseFlowLine('cookie=0x1,table=30,priority=1,ct_state=0x1/0x1 actions=drop');
    expect(a!.match).toBe('ct_state=0x21/0x21');
    expect(b!.match).toBe('ct_state=0x1/0x1');
  });
});

describe('long action lists (flood lists), read against the last one', () => {
  const TAG = 'push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23]';
  const peer = (i: number) => `set_field:198.19.${i >> 8}.${i & 255}->tun_dst,output:9`;
  const list = (n: number, skip: number, edit?: (i: number) => string | undefined) =>
    [TAG, ...Array.from({ length: n }, (_, i) => i).filter((i) => i !== skip).map((i) => edit?.(i) ?? peer(i))].join(',');
  /** The canonical form action by action, as a short list is made. */
  const expected = (text: string) => splitTopLevel(text).map((a) => canonicalActions(a)).join(',');

  it('gives what reading every action gives, whichever actions differ from the last list and however', () => {
    const edits: Array<(i: number) => string | undefined> = [
      () => undefined,
      (i) => (i === 37 ? 'set_field:198.19.0.37->tun_dst,4096' : undefined),
      (i) => (i === 38 ? 'load:0x5->NXM_NX_REG0[],output:9' : undefined),
      (i) => (i === 39 ? ' set_field:198.19.0.39->tun_dst ,output:9' : undefined),
      (i) => (i === 40 ? 'set_field:198.19.0.40->tun_dst,,output:9' : undefined),
      (i) => (i === 41 ? 'resubmit(,10),output:9' : undefined),
      (i) => (i === 0 ? 'strip_vlan' : undefined),
      (i) => (i === 199 ? 'output:in_port' : undefined),
    ];
    let n = 0;
    for (const skip of [5, 6, 0, 199, 100, 100, 7]) {
      for (const edit of edits) {
        const text = list(200, skip, edit);
        expect(text.length).toBeGreaterThan(2_000);
        expect(canonicalActions(text)).toBe(expected(text));
        // And a canonical one after it, read against that one.
        const plain = list(200, (skip + 1) % 200);
        expect(canonicalActions(plain)).toBe(plain);
        n++;
      }
    }
    expect(n).toBe(56);
  });

  it('reads lists that differ at their very start or end, or not at all', () => {
    const a = list(200, 3);
    expect(canonicalActions(a)).toBe(a);
    expect(canonicalActions(a)).toBe(a);
    const b = `4096,${a}`;
    expect(canonicalActions(b)).toBe(expected(b));
    const c = `${a},4096`;
    expect(canonicalActions(a)).toBe(a);
    expect(canonicalActions(c)).toBe(expected(c));
    const d = `,${a}`;
    expect(canonicalActions(a)).toBe(a);
    expect(canonicalActions(d)).toBe(expected(d));
    const e = `${a},`;
    expect(canonicalActions(a)).toBe(a);
    expect(canonicalActions(e)).toBe(expected(e));
  });

  it('reads a list of plain actions only, and one with a bracket left open', () => {
    const plain = Array.from({ length: 300 }, (_, i) => `output:${i + 1}`).join(',');
    expect(canonicalActions(plain)).toBe(plain);
    const next = plain.replace('output:150,', '151,');
    expect(canonicalActions(next)).toBe(expected(next));
    const open = `resubmit(,10,${plain}`;
    expect(canonicalActions(open)).toBe(expected(open));
    expect(canonicalActions(open.replace('output:7,', '7,'))).toBe(expected(open.replace('output:7,', '7,')));
  });
});
