/*
 * The OpenFlow pipeline of contiv's bridge. One bridge per host carries every tenant and
 * network; what keeps them apart is the network id (the VNI) in `metadata` and a conntrack
 * zone per tenant.
 *
 * Group identity crosses hosts as an inner 802.1Q tag: a sending host pushes a VLAN header
 * whose VID is the source endpoint's group id before the tunnel, and the receiving host pops
 * it into reg0. Every policy check happens on the destination host, for local and tunnelled
 * traffic alike, so an `in` rule holds even when the sending host's flows are stale or wrong,
 * and attaching an endpoint touches only its own host. (Why a tag: OVS 3.1's userspace VXLAN
 * has no group-policy extension; classifying remote endpoints by source IP on every host
 * would make every attach touch every host.) The tag costs 4 bytes: the underlay MTU must be
 * at least the endpoint MTU + 54 (checked at plan time).
 *
 *  T0  classify  local port + MAC + IP → network, source group; tunnel from a peer's VTEP → T1
 *  T1  from-peer  VNI → network, tag → source group, learn the source MAC and its VTEP
 *  T5  network   network id → conntrack zone of its tenant; unknown VNI → drop
 *  T10 dest      broadcast/multicast → flood; local MAC → port and dest group; else T11
 *  T11 learned   remote MACs learned from tunnel traffic, with their VTEP (dynamic, never diffed)
 *  T20 dispatch  to a local port: IP → conntrack; to a tunnel: commit, then T70
 *  T30 ct-state  established/related → out; new → policy; invalid → drop
 *  T40 in-rules  destination group's `in` rules
 *  T50 out-rules source group's `out` rules
 *  T60 commit    commit the connection, output
 *  T70 tunnel    tag with the source group, set the VNI, output to the learned VTEP or every peer's
 */

export const BRIDGE = 'contiv0';

export const T = {
  classify: 0,
  fromPeer: 1,
  network: 5,
  destination: 10,
  learned: 11,
  dispatch: 20,
  ctState: 30,
  inRules: 40,
  outRules: 50,
  commit: 60,
  tunnel: 70,
} as const;

/** reg0 source group, reg1 from-tunnel flag, reg2 destination group, reg3 output port, reg4 destination kind, reg6 zone. */
export const REG = {
  srcGroup: 'reg0',
  fromTunnel: 'reg1',
  dstGroup: 'reg2',
  outPort: 'reg3',
  dstKind: 'reg4',
  zone: 'reg6',
} as const;

export const DST_LOCAL = 1;
export const DST_REMOTE = 2;

/** Group id of endpoints without a group (VID 0 is "priority tag only", so groups start at 2). */
export const NO_GROUP = 1;
export const GROUP_IDS = { first: 2, last: 4094 } as const;
export const ZONE_IDS = { first: 1, last: 65535 } as const;

/**
 * OpenFlow port numbers, pinned with ofport_request so flows can name them. The tunnel port's
 * number is below the range per-peer tunnel ports used (10 and up), so a host moving from
 * those to the one port never asks for a number an old port still holds.
 */
export const TUNNEL_OFPORT = 9;
export const ENDPOINT_PORTS = { first: 4096, last: 65000 } as const;

/** Bytes VXLAN adds outside the endpoint's MTU: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 + our tag 4. */
export const ENCAP_OVERHEAD = 54;

/** How long a learned remote MAC lives without traffic. */
export const LEARN_IDLE_SECONDS = 300;
