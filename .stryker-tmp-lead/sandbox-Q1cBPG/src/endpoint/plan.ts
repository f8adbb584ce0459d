// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { endpointFlows, endpointOwner, networkFlows, networkOwner } from '../compile/endpoint-flows.js';
import { FlowSet } from '../compile/flow-builder.js';
import { readModelRecords, type RecordedGroup, type RecordedNetwork } from '../compile/model-records.js';
import { BRIDGE, ENDPOINT_PORTS, NO_GROUP } from '../compile/pipeline.js';
import { parseRecords } from '../compile/records.js';
import { freeAddress, ownBlockOf, takenAddresses } from '../ipam/host.js';
import { spaceKey } from '../ipam/spaces.js';
import { cidrRange, intToIp, ipToInt, isIpv4 } from '../manifest/ipv4.js';
import type { FlowsChange } from '../plan/types.js';
import { DEFAULT_IFNAME, endpointExternalIds, endpointsOf, type Endpoint } from '../state/endpoint.js';
import type { BridgeState, Flow, LiveHost, PortState } from '../state/host-state.js';
import { endpointMac, endpointPortName, isValidIfname, normalizeNetns } from './names.js';

/*
 * Pure planning of the host-local endpoint path: one host's state as read under its lock →
 * the endpoint to make or remove, and its flow changes. Everything comes from that host's own
 * records (the network's VNI, subnet and gateway, the group's id and pool, the tenant's
 * conntrack zone, the MTU, the host's address blocks) as the last apply left them, never from
 * the manifests or another host. The policies need nothing here: their flows are per group
 * and already on the host, so the group id the endpoint is tagged with puts them in force on
 * its first packet.
 */

export interface LocalAttachRequest {
  tenant: string;
  network: string;
  group?: string;
  /** A name under /run/netns or an absolute path (normalized by names.ts). */
  netns: string;
  ifname: string;
  /** A dotted quad; absent: the lowest free address of this host's blocks. */
  ip?: string;
  /**
   * The caller checked `ip` against every host and recorded it as lent by the host whose block
   * holds it (`contiv attach --ip`): take it although it lies outside this host's blocks.
   */
  lent?: boolean;
}
export interface LocalAttachPlan {
  endpoint: Endpoint;
  port: PortState;
  prefix: number;
  gateway?: string;
  mtu: number;
  /** The endpoint's flows and its network's (flood lists name every local endpoint). */
  changes: FlowsChange[];
}
export type LocalAttachResult = {
  ok: true;
  plan: LocalAttachPlan;
}
/** `needsBlock`: the host has no free address in that space: claiming a block needs every host. */ | {
  ok: false;
  diagnostic: Diagnostic;
  needsBlock?: string;
};

/** What a host's records say of one network (and group), as applied. */
interface Applied {
  bridge: BridgeState;
  network: RecordedNetwork;
  group?: RecordedGroup;
  vni: number;
  zone: number;
  gid: number;
  mtu: number;
}
function problem(code: string, message: string, hint?: string): {
  ok: false;
  diagnostic: Diagnostic;
} {
  if (stryMutAct_9fa48("83")) {
    {}
  } else {
    stryCov_9fa48("83");
    return stryMutAct_9fa48("84") ? {} : (stryCov_9fa48("84"), {
      ok: stryMutAct_9fa48("85") ? true : (stryCov_9fa48("85"), false),
      diagnostic: error(code, message, undefined, hint)
    });
  }
}
function numbers(externalIds: Record<string, string>): Map<string, number> {
  if (stryMutAct_9fa48("86")) {
    {}
  } else {
    stryCov_9fa48("86");
    return new Map(stryMutAct_9fa48("87") ? parseRecords(externalIds).map(r => [`${r.kind}/${r.parts.join('/')}`, Number(r.value)]) : (stryCov_9fa48("87"), parseRecords(externalIds).filter(stryMutAct_9fa48("88") ? () => undefined : (stryCov_9fa48("88"), r => stryMutAct_9fa48("91") ? (r.kind === 'vni' || r.kind === 'zone') && r.kind === 'gid' : stryMutAct_9fa48("90") ? false : stryMutAct_9fa48("89") ? true : (stryCov_9fa48("89", "90", "91"), (stryMutAct_9fa48("93") ? r.kind === 'vni' && r.kind === 'zone' : stryMutAct_9fa48("92") ? false : (stryCov_9fa48("92", "93"), (stryMutAct_9fa48("95") ? r.kind !== 'vni' : stryMutAct_9fa48("94") ? false : (stryCov_9fa48("94", "95"), r.kind === (stryMutAct_9fa48("96") ? "" : (stryCov_9fa48("96"), 'vni')))) || (stryMutAct_9fa48("98") ? r.kind !== 'zone' : stryMutAct_9fa48("97") ? false : (stryCov_9fa48("97", "98"), r.kind === (stryMutAct_9fa48("99") ? "" : (stryCov_9fa48("99"), 'zone')))))) || (stryMutAct_9fa48("101") ? r.kind !== 'gid' : stryMutAct_9fa48("100") ? false : (stryCov_9fa48("100", "101"), r.kind === (stryMutAct_9fa48("102") ? "" : (stryCov_9fa48("102"), 'gid'))))))).map(stryMutAct_9fa48("103") ? () => undefined : (stryCov_9fa48("103"), r => stryMutAct_9fa48("104") ? [] : (stryCov_9fa48("104"), [stryMutAct_9fa48("105") ? `` : (stryCov_9fa48("105"), `${r.kind}/${r.parts.join(stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), '/'))}`), Number(r.value)])))));
  }
}
function applied(host: string, live: LiveHost, tenant: string, network: string, group: string | undefined): {
  ok: true;
  applied: Applied;
} | {
  ok: false;
  diagnostic: Diagnostic;
} {
  if (stryMutAct_9fa48("107")) {
    {}
  } else {
    stryCov_9fa48("107");
    const bridge = live.state.bridges[BRIDGE];
    const apply = stryMutAct_9fa48("108") ? "" : (stryCov_9fa48("108"), 'contiv apply the manifests first');
    if (stryMutAct_9fa48("111") ? false : stryMutAct_9fa48("110") ? true : stryMutAct_9fa48("109") ? bridge : (stryCov_9fa48("109", "110", "111"), !bridge)) return problem(stryMutAct_9fa48("112") ? "" : (stryCov_9fa48("112"), 'host-not-applied'), stryMutAct_9fa48("113") ? `` : (stryCov_9fa48("113"), `${host} has no contiv bridge yet`), apply);
    const model = readModelRecords(bridge.externalIds);
    const n = numbers(bridge.externalIds);
    const net = model.networks.find(stryMutAct_9fa48("114") ? () => undefined : (stryCov_9fa48("114"), x => stryMutAct_9fa48("117") ? x.tenant === tenant || x.name === network : stryMutAct_9fa48("116") ? false : stryMutAct_9fa48("115") ? true : (stryCov_9fa48("115", "116", "117"), (stryMutAct_9fa48("119") ? x.tenant !== tenant : stryMutAct_9fa48("118") ? true : (stryCov_9fa48("118", "119"), x.tenant === tenant)) && (stryMutAct_9fa48("121") ? x.name !== network : stryMutAct_9fa48("120") ? true : (stryCov_9fa48("120", "121"), x.name === network)))));
    const vni = n.get(stryMutAct_9fa48("122") ? `` : (stryCov_9fa48("122"), `vni/${tenant}/${network}`));
    const zone = n.get(stryMutAct_9fa48("123") ? `` : (stryCov_9fa48("123"), `zone/${tenant}`));
    if (stryMutAct_9fa48("126") ? (!net || vni === undefined) && zone === undefined : stryMutAct_9fa48("125") ? false : stryMutAct_9fa48("124") ? true : (stryCov_9fa48("124", "125", "126"), (stryMutAct_9fa48("128") ? !net && vni === undefined : stryMutAct_9fa48("127") ? false : (stryCov_9fa48("127", "128"), (stryMutAct_9fa48("129") ? net : (stryCov_9fa48("129"), !net)) || (stryMutAct_9fa48("131") ? vni !== undefined : stryMutAct_9fa48("130") ? false : (stryCov_9fa48("130", "131"), vni === undefined)))) || (stryMutAct_9fa48("133") ? zone !== undefined : stryMutAct_9fa48("132") ? false : (stryCov_9fa48("132", "133"), zone === undefined)))) {
      if (stryMutAct_9fa48("134")) {
        {}
      } else {
        stryCov_9fa48("134");
        const elsewhere = stryMutAct_9fa48("135") ? model.networks.map(x => x.tenant) : (stryCov_9fa48("135"), model.networks.filter(stryMutAct_9fa48("136") ? () => undefined : (stryCov_9fa48("136"), x => stryMutAct_9fa48("139") ? x.name !== network : stryMutAct_9fa48("138") ? false : stryMutAct_9fa48("137") ? true : (stryCov_9fa48("137", "138", "139"), x.name === network))).map(stryMutAct_9fa48("140") ? () => undefined : (stryCov_9fa48("140"), x => x.tenant)));
        return problem(stryMutAct_9fa48("141") ? "" : (stryCov_9fa48("141"), 'network-not-applied'), stryMutAct_9fa48("142") ? `` : (stryCov_9fa48("142"), `${host} has no network ${network} of tenant ${tenant} (as applied)`), elsewhere.length ? stryMutAct_9fa48("143") ? `` : (stryCov_9fa48("143"), `tenant ${elsewhere.join(stryMutAct_9fa48("144") ? "" : (stryCov_9fa48("144"), ', '))} has one there: pass that tenant`) : apply);
      }
    }
    if (stryMutAct_9fa48("147") ? model.mtu !== undefined : stryMutAct_9fa48("146") ? false : stryMutAct_9fa48("145") ? true : (stryCov_9fa48("145", "146", "147"), model.mtu === undefined)) return problem(stryMutAct_9fa48("148") ? "" : (stryCov_9fa48("148"), 'host-not-applied'), stryMutAct_9fa48("149") ? `` : (stryCov_9fa48("149"), `${host} was applied by an older contiv (no MTU recorded)`), apply);
    let recordedGroup: RecordedGroup | undefined;
    let gid = NO_GROUP;
    if (stryMutAct_9fa48("152") ? group === undefined : stryMutAct_9fa48("151") ? false : stryMutAct_9fa48("150") ? true : (stryCov_9fa48("150", "151", "152"), group !== undefined)) {
      if (stryMutAct_9fa48("153")) {
        {}
      } else {
        stryCov_9fa48("153");
        recordedGroup = model.groups.find(stryMutAct_9fa48("154") ? () => undefined : (stryCov_9fa48("154"), g => stryMutAct_9fa48("157") ? g.tenant === tenant || g.name === group : stryMutAct_9fa48("156") ? false : stryMutAct_9fa48("155") ? true : (stryCov_9fa48("155", "156", "157"), (stryMutAct_9fa48("159") ? g.tenant !== tenant : stryMutAct_9fa48("158") ? true : (stryCov_9fa48("158", "159"), g.tenant === tenant)) && (stryMutAct_9fa48("161") ? g.name !== group : stryMutAct_9fa48("160") ? true : (stryCov_9fa48("160", "161"), g.name === group)))));
        const id = n.get(stryMutAct_9fa48("162") ? `` : (stryCov_9fa48("162"), `gid/${tenant}/${group}`));
        if (stryMutAct_9fa48("165") ? !recordedGroup && id === undefined : stryMutAct_9fa48("164") ? false : stryMutAct_9fa48("163") ? true : (stryCov_9fa48("163", "164", "165"), (stryMutAct_9fa48("166") ? recordedGroup : (stryCov_9fa48("166"), !recordedGroup)) || (stryMutAct_9fa48("168") ? id !== undefined : stryMutAct_9fa48("167") ? false : (stryCov_9fa48("167", "168"), id === undefined)))) return problem(stryMutAct_9fa48("169") ? "" : (stryCov_9fa48("169"), 'group-not-applied'), stryMutAct_9fa48("170") ? `` : (stryCov_9fa48("170"), `${host} has no endpoint group ${group} of tenant ${tenant} (as applied)`), apply);
        if (stryMutAct_9fa48("173") ? recordedGroup.network === network : stryMutAct_9fa48("172") ? false : stryMutAct_9fa48("171") ? true : (stryCov_9fa48("171", "172", "173"), recordedGroup.network !== network)) return problem(stryMutAct_9fa48("174") ? "" : (stryCov_9fa48("174"), 'group-network-mismatch'), stryMutAct_9fa48("175") ? `` : (stryCov_9fa48("175"), `group ${group} is on network ${recordedGroup.network}, not ${network}`));
        gid = id;
      }
    }
    return stryMutAct_9fa48("176") ? {} : (stryCov_9fa48("176"), {
      ok: stryMutAct_9fa48("177") ? false : (stryCov_9fa48("177"), true),
      applied: stryMutAct_9fa48("178") ? {} : (stryCov_9fa48("178"), {
        bridge,
        network: net,
        ...(recordedGroup ? stryMutAct_9fa48("179") ? {} : (stryCov_9fa48("179"), {
          group: recordedGroup
        }) : {}),
        vni,
        zone,
        gid,
        mtu: model.mtu
      })
    });
  }
}

/** The network's flows on this host with `ports` as its local endpoints (the flood lists change with them). */
function networkFlowsWith(a: Applied, ports: readonly number[]): FlowsChange {
  if (stryMutAct_9fa48("180")) {
    {}
  } else {
    stryCov_9fa48("180");
    const set = new FlowSet();
    networkFlows(set, a.network.tenant, a.network.name, a.vni, a.zone, ports);
    return flowsAdded(set, networkOwner(a.network.tenant, a.network.name).address, stryMutAct_9fa48("181") ? "" : (stryCov_9fa48("181"), 'its local endpoints change'));
  }
}
function flowsAdded(set: FlowSet, owner: string, reason: string): FlowsChange {
  if (stryMutAct_9fa48("182")) {
    {}
  } else {
    stryCov_9fa48("182");
    const add: Flow[] = Object.values(set.flows);
    return stryMutAct_9fa48("183") ? {} : (stryCov_9fa48("183"), {
      type: stryMutAct_9fa48("184") ? "" : (stryCov_9fa48("184"), 'flows'),
      action: stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), 'update'),
      host: stryMutAct_9fa48("186") ? "Stryker was here!" : (stryCov_9fa48("186"), ''),
      address: owner,
      bridge: BRIDGE,
      owner,
      add,
      modify: stryMutAct_9fa48("187") ? ["Stryker was here"] : (stryCov_9fa48("187"), []),
      modifyBefore: stryMutAct_9fa48("188") ? ["Stryker was here"] : (stryCov_9fa48("188"), []),
      remove: stryMutAct_9fa48("189") ? ["Stryker was here"] : (stryCov_9fa48("189"), []),
      reason
    });
  }
}
export function planLocalAttach(host: string, live: LiveHost, request: LocalAttachRequest): LocalAttachResult {
  if (stryMutAct_9fa48("190")) {
    {}
  } else {
    stryCov_9fa48("190");
    // Whoever asks (a user, a runtime), names reach a root shell: checked here, at the module's door.
    const netns = normalizeNetns(request.netns);
    if (stryMutAct_9fa48("193") ? netns !== undefined : stryMutAct_9fa48("192") ? false : stryMutAct_9fa48("191") ? true : (stryCov_9fa48("191", "192", "193"), netns === undefined)) return problem(stryMutAct_9fa48("194") ? "" : (stryCov_9fa48("194"), 'netns-invalid'), stryMutAct_9fa48("195") ? `` : (stryCov_9fa48("195"), `${JSON.stringify(request.netns)} is neither a network namespace name nor an absolute path`));
    if (stryMutAct_9fa48("198") ? false : stryMutAct_9fa48("197") ? true : stryMutAct_9fa48("196") ? isValidIfname(request.ifname) : (stryCov_9fa48("196", "197", "198"), !isValidIfname(request.ifname))) return problem(stryMutAct_9fa48("199") ? "" : (stryCov_9fa48("199"), 'ifname-invalid'), stryMutAct_9fa48("200") ? `` : (stryCov_9fa48("200"), `${JSON.stringify(request.ifname)} is not an interface name`));
    const req = stryMutAct_9fa48("201") ? {} : (stryCov_9fa48("201"), {
      ...request,
      netns
    });
    const found = applied(host, live, req.tenant, req.network, req.group);
    if (stryMutAct_9fa48("204") ? false : stryMutAct_9fa48("203") ? true : stryMutAct_9fa48("202") ? found.ok : (stryCov_9fa48("202", "203", "204"), !found.ok)) return found;
    const a = found.applied;
    const endpoints = endpointsOf(live.state);
    const ifname = req.ifname;
    const same = endpoints.find(stryMutAct_9fa48("205") ? () => undefined : (stryCov_9fa48("205"), e => stryMutAct_9fa48("208") ? e.netns === req.netns || (e.ifname ?? DEFAULT_IFNAME) === ifname : stryMutAct_9fa48("207") ? false : stryMutAct_9fa48("206") ? true : (stryCov_9fa48("206", "207", "208"), (stryMutAct_9fa48("210") ? e.netns !== req.netns : stryMutAct_9fa48("209") ? true : (stryCov_9fa48("209", "210"), e.netns === req.netns)) && (stryMutAct_9fa48("212") ? (e.ifname ?? DEFAULT_IFNAME) !== ifname : stryMutAct_9fa48("211") ? true : (stryCov_9fa48("211", "212"), (stryMutAct_9fa48("213") ? e.ifname && DEFAULT_IFNAME : (stryCov_9fa48("213"), e.ifname ?? DEFAULT_IFNAME)) === ifname)))));
    const which = (stryMutAct_9fa48("216") ? ifname !== DEFAULT_IFNAME : stryMutAct_9fa48("215") ? false : stryMutAct_9fa48("214") ? true : (stryCov_9fa48("214", "215", "216"), ifname === DEFAULT_IFNAME)) ? stryMutAct_9fa48("217") ? `` : (stryCov_9fa48("217"), `namespace ${req.netns}`) : stryMutAct_9fa48("218") ? `` : (stryCov_9fa48("218"), `${ifname} of namespace ${req.netns}`);
    if (stryMutAct_9fa48("220") ? false : stryMutAct_9fa48("219") ? true : (stryCov_9fa48("219", "220"), same)) return problem(stryMutAct_9fa48("221") ? "" : (stryCov_9fa48("221"), 'netns-attached'), stryMutAct_9fa48("222") ? `` : (stryCov_9fa48("222"), `${which} on ${host} is already attached (${same.tenant}/${same.network}, ${same.ip})`), stryMutAct_9fa48("223") ? "" : (stryCov_9fa48("223"), 'detach it first'));
    // A named namespace must be there (the read lists /run/netns); a path is checked by the script.
    if (stryMutAct_9fa48("226") ? !req.netns.startsWith('/') || !live.facts.netns.includes(req.netns) : stryMutAct_9fa48("225") ? false : stryMutAct_9fa48("224") ? true : (stryCov_9fa48("224", "225", "226"), (stryMutAct_9fa48("227") ? req.netns.startsWith('/') : (stryCov_9fa48("227"), !(stryMutAct_9fa48("228") ? req.netns.endsWith('/') : (stryCov_9fa48("228"), req.netns.startsWith(stryMutAct_9fa48("229") ? "" : (stryCov_9fa48("229"), '/')))))) && (stryMutAct_9fa48("230") ? live.facts.netns.includes(req.netns) : (stryCov_9fa48("230"), !live.facts.netns.includes(req.netns))))) return problem(stryMutAct_9fa48("231") ? "" : (stryCov_9fa48("231"), 'netns-missing'), stryMutAct_9fa48("232") ? `` : (stryCov_9fa48("232"), `no network namespace ${req.netns} on ${host}`));
    const subnet = cidrRange(stryMutAct_9fa48("233") ? {} : (stryCov_9fa48("233"), {
      address: a.network.subnet.split(stryMutAct_9fa48("234") ? "" : (stryCov_9fa48("234"), '/'))[0]!,
      prefix: Number(a.network.subnet.split(stryMutAct_9fa48("235") ? "" : (stryCov_9fa48("235"), '/'))[1])
    }));
    const prefix = Number(a.network.subnet.split(stryMutAct_9fa48("236") ? "" : (stryCov_9fa48("236"), '/'))[1]);
    const pool = a.group?.ipPool?.split('-').map(x => ipToInt(x)) as [number, number] | undefined;
    const space = spaceKey(req.tenant, req.network, pool ? req.group : undefined);
    const ids = a.bridge.externalIds;
    const taken = takenAddresses(ids, endpoints, req.tenant, req.network);
    const gateway = a.network.gateway;
    if (stryMutAct_9fa48("238") ? false : stryMutAct_9fa48("237") ? true : (stryCov_9fa48("237", "238"), gateway)) taken.add(ipToInt(gateway));
    let address: number | undefined;
    if (stryMutAct_9fa48("241") ? req.ip === undefined : stryMutAct_9fa48("240") ? false : stryMutAct_9fa48("239") ? true : (stryCov_9fa48("239", "240", "241"), req.ip !== undefined)) {
      if (stryMutAct_9fa48("242")) {
        {}
      } else {
        stryCov_9fa48("242");
        if (stryMutAct_9fa48("245") ? false : stryMutAct_9fa48("244") ? true : stryMutAct_9fa48("243") ? isIpv4(req.ip) : (stryCov_9fa48("243", "244", "245"), !isIpv4(req.ip))) return problem(stryMutAct_9fa48("246") ? "" : (stryCov_9fa48("246"), 'ip-invalid'), stryMutAct_9fa48("247") ? `` : (stryCov_9fa48("247"), `${req.ip} is not an IPv4 address (four numbers 0-255, no leading zeros)`));
        const n = ipToInt(req.ip);
        if (stryMutAct_9fa48("250") ? n <= subnet.first && n >= subnet.last : stryMutAct_9fa48("249") ? false : stryMutAct_9fa48("248") ? true : (stryCov_9fa48("248", "249", "250"), (stryMutAct_9fa48("253") ? n > subnet.first : stryMutAct_9fa48("252") ? n < subnet.first : stryMutAct_9fa48("251") ? false : (stryCov_9fa48("251", "252", "253"), n <= subnet.first)) || (stryMutAct_9fa48("256") ? n < subnet.last : stryMutAct_9fa48("255") ? n > subnet.last : stryMutAct_9fa48("254") ? false : (stryCov_9fa48("254", "255", "256"), n >= subnet.last)))) return problem(stryMutAct_9fa48("257") ? "" : (stryCov_9fa48("257"), 'ip-outside'), stryMutAct_9fa48("258") ? `` : (stryCov_9fa48("258"), `${req.ip} is outside the usable addresses of ${a.network.subnet}`));
        if (stryMutAct_9fa48("261") ? req.ip !== gateway : stryMutAct_9fa48("260") ? false : stryMutAct_9fa48("259") ? true : (stryCov_9fa48("259", "260", "261"), req.ip === gateway)) return problem(stryMutAct_9fa48("262") ? "" : (stryCov_9fa48("262"), 'ip-is-gateway'), stryMutAct_9fa48("263") ? `` : (stryCov_9fa48("263"), `${req.ip} is the gateway of ${req.network}`));
        if (stryMutAct_9fa48("266") ? pool || n < pool[0] || n > pool[1] : stryMutAct_9fa48("265") ? false : stryMutAct_9fa48("264") ? true : (stryCov_9fa48("264", "265", "266"), pool && (stryMutAct_9fa48("268") ? n < pool[0] && n > pool[1] : stryMutAct_9fa48("267") ? true : (stryCov_9fa48("267", "268"), (stryMutAct_9fa48("271") ? n >= pool[0] : stryMutAct_9fa48("270") ? n <= pool[0] : stryMutAct_9fa48("269") ? false : (stryCov_9fa48("269", "270", "271"), n < pool[0])) || (stryMutAct_9fa48("274") ? n <= pool[1] : stryMutAct_9fa48("273") ? n >= pool[1] : stryMutAct_9fa48("272") ? false : (stryCov_9fa48("272", "273", "274"), n > pool[1])))))) return problem(stryMutAct_9fa48("275") ? "" : (stryCov_9fa48("275"), 'ip-outside'), stryMutAct_9fa48("276") ? `` : (stryCov_9fa48("276"), `${req.ip} is outside group ${req.group}'s ipPool ${a.group!.ipPool}`));
        const users = endpoints.find(stryMutAct_9fa48("277") ? () => undefined : (stryCov_9fa48("277"), e => stryMutAct_9fa48("280") ? e.tenant === req.tenant && e.network === req.network || e.ip === req.ip : stryMutAct_9fa48("279") ? false : stryMutAct_9fa48("278") ? true : (stryCov_9fa48("278", "279", "280"), (stryMutAct_9fa48("282") ? e.tenant === req.tenant || e.network === req.network : stryMutAct_9fa48("281") ? true : (stryCov_9fa48("281", "282"), (stryMutAct_9fa48("284") ? e.tenant !== req.tenant : stryMutAct_9fa48("283") ? true : (stryCov_9fa48("283", "284"), e.tenant === req.tenant)) && (stryMutAct_9fa48("286") ? e.network !== req.network : stryMutAct_9fa48("285") ? true : (stryCov_9fa48("285", "286"), e.network === req.network)))) && (stryMutAct_9fa48("288") ? e.ip !== req.ip : stryMutAct_9fa48("287") ? true : (stryCov_9fa48("287", "288"), e.ip === req.ip)))));
        if (stryMutAct_9fa48("290") ? false : stryMutAct_9fa48("289") ? true : (stryCov_9fa48("289", "290"), users)) return problem(stryMutAct_9fa48("291") ? "" : (stryCov_9fa48("291"), 'ip-in-use'), stryMutAct_9fa48("292") ? `` : (stryCov_9fa48("292"), `${req.ip} is already used by ${users.netns} on ${host}`));
        if (stryMutAct_9fa48("294") ? false : stryMutAct_9fa48("293") ? true : (stryCov_9fa48("293", "294"), taken.has(n))) return problem(stryMutAct_9fa48("295") ? "" : (stryCov_9fa48("295"), 'ip-in-use'), stryMutAct_9fa48("296") ? `` : (stryCov_9fa48("296"), `${req.ip} is lent by ${host} to an endpoint on another host`));
        if (stryMutAct_9fa48("299") ? !ownBlockOf(ids, space, n) || !req.lent : stryMutAct_9fa48("298") ? false : stryMutAct_9fa48("297") ? true : (stryCov_9fa48("297", "298", "299"), (stryMutAct_9fa48("300") ? ownBlockOf(ids, space, n) : (stryCov_9fa48("300"), !ownBlockOf(ids, space, n))) && (stryMutAct_9fa48("301") ? req.lent : (stryCov_9fa48("301"), !req.lent)))) return problem(stryMutAct_9fa48("302") ? "" : (stryCov_9fa48("302"), 'ip-not-in-blocks'), stryMutAct_9fa48("303") ? `` : (stryCov_9fa48("303"), `${req.ip} is not in an address block of ${host}`), stryMutAct_9fa48("304") ? "" : (stryCov_9fa48("304"), 'contiv attach --ip takes any free address (it checks every host); a runtime on the host takes addresses of its own blocks only'));
        address = n;
      }
    } else {
      if (stryMutAct_9fa48("305")) {
        {}
      } else {
        stryCov_9fa48("305");
        address = freeAddress(ids, space, taken);
        if (stryMutAct_9fa48("308") ? address !== undefined : stryMutAct_9fa48("307") ? false : stryMutAct_9fa48("306") ? true : (stryCov_9fa48("306", "307", "308"), address === undefined)) {
          if (stryMutAct_9fa48("309")) {
            {}
          } else {
            stryCov_9fa48("309");
            return stryMutAct_9fa48("310") ? {} : (stryCov_9fa48("310"), {
              ...problem(stryMutAct_9fa48("311") ? "" : (stryCov_9fa48("311"), 'no-free-address'), stryMutAct_9fa48("312") ? `` : (stryCov_9fa48("312"), `${host} has no free address left in its blocks of ${space}`), stryMutAct_9fa48("313") ? "" : (stryCov_9fa48("313"), 'contiv attach claims another block (it reads every host); contiv apply keeps a reserve on hosts with runtimes; or detach endpoints')),
              needsBlock: space
            });
          }
        }
      }
    }
    const used = new Set(Object.values(a.bridge.ports).map(stryMutAct_9fa48("314") ? () => undefined : (stryCov_9fa48("314"), p => p.ofport)));
    let ofport = ENDPOINT_PORTS.first;
    while (stryMutAct_9fa48("315") ? false : (stryCov_9fa48("315"), used.has(ofport))) stryMutAct_9fa48("316") ? ofport-- : (stryCov_9fa48("316"), ofport++);
    if (stryMutAct_9fa48("320") ? ofport <= ENDPOINT_PORTS.last : stryMutAct_9fa48("319") ? ofport >= ENDPOINT_PORTS.last : stryMutAct_9fa48("318") ? false : stryMutAct_9fa48("317") ? true : (stryCov_9fa48("317", "318", "319", "320"), ofport > ENDPOINT_PORTS.last)) return problem(stryMutAct_9fa48("321") ? "" : (stryCov_9fa48("321"), 'ports-full'), stryMutAct_9fa48("322") ? `` : (stryCov_9fa48("322"), `${host} has no free OpenFlow port number left for endpoints`));
    const ip = intToIp(address);
    const endpoint: Endpoint = stryMutAct_9fa48("323") ? {} : (stryCov_9fa48("323"), {
      host,
      port: endpointPortName(host, req.netns, ifname),
      ofport,
      tenant: req.tenant,
      network: req.network,
      ip,
      mac: endpointMac(req.tenant, req.network, ip),
      netns: req.netns,
      ...(req.group ? stryMutAct_9fa48("324") ? {} : (stryCov_9fa48("324"), {
        group: req.group
      }) : {}),
      ifname
    });
    const port: PortState = stryMutAct_9fa48("325") ? {} : (stryCov_9fa48("325"), {
      name: endpoint.port,
      type: stryMutAct_9fa48("326") ? "" : (stryCov_9fa48("326"), 'system'),
      ofport,
      options: {},
      externalIds: endpointExternalIds(endpoint),
      protected: stryMutAct_9fa48("327") ? true : (stryCov_9fa48("327"), false)
    });
    const own = new FlowSet();
    endpointFlows(own, endpoint, a.vni, a.gid);
    const local = stryMutAct_9fa48("328") ? endpoints.map(e => e.ofport) : (stryCov_9fa48("328"), endpoints.filter(stryMutAct_9fa48("329") ? () => undefined : (stryCov_9fa48("329"), e => stryMutAct_9fa48("332") ? e.tenant === req.tenant || e.network === req.network : stryMutAct_9fa48("331") ? false : stryMutAct_9fa48("330") ? true : (stryCov_9fa48("330", "331", "332"), (stryMutAct_9fa48("334") ? e.tenant !== req.tenant : stryMutAct_9fa48("333") ? true : (stryCov_9fa48("333", "334"), e.tenant === req.tenant)) && (stryMutAct_9fa48("336") ? e.network !== req.network : stryMutAct_9fa48("335") ? true : (stryCov_9fa48("335", "336"), e.network === req.network))))).map(stryMutAct_9fa48("337") ? () => undefined : (stryCov_9fa48("337"), e => e.ofport)));
    return stryMutAct_9fa48("338") ? {} : (stryCov_9fa48("338"), {
      ok: stryMutAct_9fa48("339") ? false : (stryCov_9fa48("339"), true),
      plan: stryMutAct_9fa48("340") ? {} : (stryCov_9fa48("340"), {
        endpoint,
        port,
        prefix,
        mtu: a.mtu,
        ...(gateway ? stryMutAct_9fa48("341") ? {} : (stryCov_9fa48("341"), {
          gateway
        }) : {}),
        changes: stryMutAct_9fa48("342") ? [] : (stryCov_9fa48("342"), [flowsAdded(own, endpointOwner(endpoint).address, stryMutAct_9fa48("343") ? "" : (stryCov_9fa48("343"), 'attached')), networkFlowsWith(a, stryMutAct_9fa48("344") ? [] : (stryCov_9fa48("344"), [...local, ofport]))])
      })
    });
  }
}
export interface LocalDetachPlan {
  endpoint: Endpoint;
  /** The network's flood flows without the endpoint (none when the network is no longer applied). */
  changes: FlowsChange[];
}
export function planLocalDetach(host: string, live: LiveHost, namespace: string, ifname?: string): {
  ok: true;
  plan: LocalDetachPlan;
} | {
  ok: false;
  diagnostic: Diagnostic;
} {
  if (stryMutAct_9fa48("345")) {
    {}
  } else {
    stryCov_9fa48("345");
    const netns = normalizeNetns(namespace);
    if (stryMutAct_9fa48("348") ? netns !== undefined : stryMutAct_9fa48("347") ? false : stryMutAct_9fa48("346") ? true : (stryCov_9fa48("346", "347", "348"), netns === undefined)) return problem(stryMutAct_9fa48("349") ? "" : (stryCov_9fa48("349"), 'netns-invalid'), stryMutAct_9fa48("350") ? `` : (stryCov_9fa48("350"), `${JSON.stringify(namespace)} is neither a network namespace name nor an absolute path`));
    const mine = stryMutAct_9fa48("351") ? endpointsOf(live.state) : (stryCov_9fa48("351"), endpointsOf(live.state).filter(stryMutAct_9fa48("352") ? () => undefined : (stryCov_9fa48("352"), e => stryMutAct_9fa48("355") ? e.netns !== netns : stryMutAct_9fa48("354") ? false : stryMutAct_9fa48("353") ? true : (stryCov_9fa48("353", "354", "355"), e.netns === netns))));
    const chosen = (stryMutAct_9fa48("358") ? ifname !== undefined : stryMutAct_9fa48("357") ? false : stryMutAct_9fa48("356") ? true : (stryCov_9fa48("356", "357", "358"), ifname === undefined)) ? mine : stryMutAct_9fa48("359") ? mine : (stryCov_9fa48("359"), mine.filter(stryMutAct_9fa48("360") ? () => undefined : (stryCov_9fa48("360"), e => stryMutAct_9fa48("363") ? (e.ifname ?? DEFAULT_IFNAME) !== ifname : stryMutAct_9fa48("362") ? false : stryMutAct_9fa48("361") ? true : (stryCov_9fa48("361", "362", "363"), (stryMutAct_9fa48("364") ? e.ifname && DEFAULT_IFNAME : (stryCov_9fa48("364"), e.ifname ?? DEFAULT_IFNAME)) === ifname))));
    if (stryMutAct_9fa48("367") ? chosen.length !== 0 : stryMutAct_9fa48("366") ? false : stryMutAct_9fa48("365") ? true : (stryCov_9fa48("365", "366", "367"), chosen.length === 0)) return problem(stryMutAct_9fa48("368") ? "" : (stryCov_9fa48("368"), 'netns-not-attached'), stryMutAct_9fa48("369") ? `` : (stryCov_9fa48("369"), `no endpoint of namespace ${netns}${ifname ? stryMutAct_9fa48("370") ? `` : (stryCov_9fa48("370"), ` (${ifname})`) : stryMutAct_9fa48("371") ? "Stryker was here!" : (stryCov_9fa48("371"), '')} on ${host}`));
    if (stryMutAct_9fa48("375") ? chosen.length <= 1 : stryMutAct_9fa48("374") ? chosen.length >= 1 : stryMutAct_9fa48("373") ? false : stryMutAct_9fa48("372") ? true : (stryCov_9fa48("372", "373", "374", "375"), chosen.length > 1)) return problem(stryMutAct_9fa48("376") ? "" : (stryCov_9fa48("376"), 'netns-ambiguous'), stryMutAct_9fa48("377") ? `` : (stryCov_9fa48("377"), `namespace ${netns} has ${chosen.length} endpoints on ${host} (${chosen.map(stryMutAct_9fa48("378") ? () => undefined : (stryCov_9fa48("378"), e => stryMutAct_9fa48("379") ? e.ifname && DEFAULT_IFNAME : (stryCov_9fa48("379"), e.ifname ?? DEFAULT_IFNAME))).join(stryMutAct_9fa48("380") ? "" : (stryCov_9fa48("380"), ', '))})`), stryMutAct_9fa48("381") ? "" : (stryCov_9fa48("381"), 'pass --ifname'));
    const endpoint = chosen[0]!;
    const found = applied(host, live, endpoint.tenant, endpoint.network, undefined);
    // A network no longer applied (removed from the manifests, emptied by detach): only the endpoint's own flows go.
    if (stryMutAct_9fa48("384") ? false : stryMutAct_9fa48("383") ? true : stryMutAct_9fa48("382") ? found.ok : (stryCov_9fa48("382", "383", "384"), !found.ok)) return stryMutAct_9fa48("385") ? {} : (stryCov_9fa48("385"), {
      ok: stryMutAct_9fa48("386") ? false : (stryCov_9fa48("386"), true),
      plan: stryMutAct_9fa48("387") ? {} : (stryCov_9fa48("387"), {
        endpoint,
        changes: stryMutAct_9fa48("388") ? ["Stryker was here"] : (stryCov_9fa48("388"), [])
      })
    });
    const others = stryMutAct_9fa48("389") ? endpointsOf(live.state).map(e => e.ofport) : (stryCov_9fa48("389"), endpointsOf(live.state).filter(stryMutAct_9fa48("390") ? () => undefined : (stryCov_9fa48("390"), e => stryMutAct_9fa48("393") ? e.port !== endpoint.port && e.tenant === endpoint.tenant || e.network === endpoint.network : stryMutAct_9fa48("392") ? false : stryMutAct_9fa48("391") ? true : (stryCov_9fa48("391", "392", "393"), (stryMutAct_9fa48("395") ? e.port !== endpoint.port || e.tenant === endpoint.tenant : stryMutAct_9fa48("394") ? true : (stryCov_9fa48("394", "395"), (stryMutAct_9fa48("397") ? e.port === endpoint.port : stryMutAct_9fa48("396") ? true : (stryCov_9fa48("396", "397"), e.port !== endpoint.port)) && (stryMutAct_9fa48("399") ? e.tenant !== endpoint.tenant : stryMutAct_9fa48("398") ? true : (stryCov_9fa48("398", "399"), e.tenant === endpoint.tenant)))) && (stryMutAct_9fa48("401") ? e.network !== endpoint.network : stryMutAct_9fa48("400") ? true : (stryCov_9fa48("400", "401"), e.network === endpoint.network))))).map(stryMutAct_9fa48("402") ? () => undefined : (stryCov_9fa48("402"), e => e.ofport)));
    return stryMutAct_9fa48("403") ? {} : (stryCov_9fa48("403"), {
      ok: stryMutAct_9fa48("404") ? false : (stryCov_9fa48("404"), true),
      plan: stryMutAct_9fa48("405") ? {} : (stryCov_9fa48("405"), {
        endpoint,
        changes: stryMutAct_9fa48("406") ? [] : (stryCov_9fa48("406"), [networkFlowsWith(found.applied, others)])
      })
    });
  }
}