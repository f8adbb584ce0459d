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
import { intToIp, ipToInt, isIpv4 } from '../manifest/ipv4.js';
import { spaceKey } from './spaces.js';

/*
 * What a host records of its addresses, in the external_ids of contiv's bridge (beside the
 * records of compile/records.ts). There is no other record of them anywhere: the claim
 * protocol (src/endpoint/claim.ts) reads them from every host.
 *
 *   contiv.block.<tenant>.<network>[.<group>].<a-b-c-d> = "<first>-<last> claimed|pending"
 *       a block of the network's space (or of the group's ipPool) this host owns, keyed by its
 *       first address. A pending block is being claimed: never used until confirmed.
 *   contiv.lent.<tenant>.<network>.<a-b-c-d> = <host>
 *       an address of one of this host's blocks that an endpoint on <host> uses
 *       (`contiv attach --ip` of an address in another host's block).
 *   contiv.ipam.<tenant>.<network>[.<group>] = "<first>-<last>"
 *       the one block per host of contiv before on-demand blocks: read for migration only.
 */

export type BlockState = 'claimed' | 'pending';
export interface Block {
  /** `tenant/network` or `tenant/network/group`. */
  space: string;
  first: number;
  last: number;
  state: BlockState;
}
export interface Lent {
  tenant: string;
  network: string;
  address: number;
  /** The host whose endpoint uses it. */
  to: string;
}
export interface LegacyBlock {
  space: string;
  first: number;
  last: number;
}
const BLOCK = stryMutAct_9fa48("1030") ? "" : (stryCov_9fa48("1030"), 'contiv.block.');
const LENT = stryMutAct_9fa48("1031") ? "" : (stryCov_9fa48("1031"), 'contiv.lent.');
const LEGACY = stryMutAct_9fa48("1032") ? "" : (stryCov_9fa48("1032"), 'contiv.ipam.');

/** Keys of address records: bookkeeping of the hosts' addresses, not state a plan converges field by field. */
export function isAddressRecord(key: string): boolean {
  if (stryMutAct_9fa48("1033")) {
    {}
  } else {
    stryCov_9fa48("1033");
    return stryMutAct_9fa48("1036") ? (key.startsWith(BLOCK) || key.startsWith(LENT)) && key.startsWith(LEGACY) : stryMutAct_9fa48("1035") ? false : stryMutAct_9fa48("1034") ? true : (stryCov_9fa48("1034", "1035", "1036"), (stryMutAct_9fa48("1038") ? key.startsWith(BLOCK) && key.startsWith(LENT) : stryMutAct_9fa48("1037") ? false : (stryCov_9fa48("1037", "1038"), (stryMutAct_9fa48("1039") ? key.endsWith(BLOCK) : (stryCov_9fa48("1039"), key.startsWith(BLOCK))) || (stryMutAct_9fa48("1040") ? key.endsWith(LENT) : (stryCov_9fa48("1040"), key.startsWith(LENT))))) || (stryMutAct_9fa48("1041") ? key.endsWith(LEGACY) : (stryCov_9fa48("1041"), key.startsWith(LEGACY))));
  }
}
function dashed(address: number): string {
  if (stryMutAct_9fa48("1042")) {
    {}
  } else {
    stryCov_9fa48("1042");
    return intToIp(address).replaceAll(stryMutAct_9fa48("1043") ? "" : (stryCov_9fa48("1043"), '.'), stryMutAct_9fa48("1044") ? "" : (stryCov_9fa48("1044"), '-'));
  }
}
export function blockKey(space: string, first: number): string {
  if (stryMutAct_9fa48("1045")) {
    {}
  } else {
    stryCov_9fa48("1045");
    return stryMutAct_9fa48("1046") ? `` : (stryCov_9fa48("1046"), `${BLOCK}${space.split(stryMutAct_9fa48("1047") ? "" : (stryCov_9fa48("1047"), '/')).join(stryMutAct_9fa48("1048") ? "" : (stryCov_9fa48("1048"), '.'))}.${dashed(first)}`);
  }
}
export function blockValue(b: Pick<Block, 'first' | 'last' | 'state'>): string {
  if (stryMutAct_9fa48("1049")) {
    {}
  } else {
    stryCov_9fa48("1049");
    return stryMutAct_9fa48("1050") ? `` : (stryCov_9fa48("1050"), `${intToIp(b.first)}-${intToIp(b.last)} ${b.state}`);
  }
}
export function lentKey(tenant: string, network: string, address: number): string {
  if (stryMutAct_9fa48("1051")) {
    {}
  } else {
    stryCov_9fa48("1051");
    return stryMutAct_9fa48("1052") ? `` : (stryCov_9fa48("1052"), `${LENT}${tenant}.${network}.${dashed(address)}`);
  }
}
export function legacyKey(space: string): string {
  if (stryMutAct_9fa48("1053")) {
    {}
  } else {
    stryCov_9fa48("1053");
    return stryMutAct_9fa48("1054") ? `` : (stryCov_9fa48("1054"), `${LEGACY}${space.split(stryMutAct_9fa48("1055") ? "" : (stryCov_9fa48("1055"), '/')).join(stryMutAct_9fa48("1056") ? "" : (stryCov_9fa48("1056"), '.'))}`);
  }
}
function range(text: string): {
  first: number;
  last: number;
} | undefined {
  if (stryMutAct_9fa48("1057")) {
    {}
  } else {
    stryCov_9fa48("1057");
    const [a, b] = text.split(stryMutAct_9fa48("1058") ? "" : (stryCov_9fa48("1058"), '-'));
    if (stryMutAct_9fa48("1061") ? (a === undefined || b === undefined || !isIpv4(a)) && !isIpv4(b) : stryMutAct_9fa48("1060") ? false : stryMutAct_9fa48("1059") ? true : (stryCov_9fa48("1059", "1060", "1061"), (stryMutAct_9fa48("1063") ? (a === undefined || b === undefined) && !isIpv4(a) : stryMutAct_9fa48("1062") ? false : (stryCov_9fa48("1062", "1063"), (stryMutAct_9fa48("1065") ? a === undefined && b === undefined : stryMutAct_9fa48("1064") ? false : (stryCov_9fa48("1064", "1065"), (stryMutAct_9fa48("1067") ? a !== undefined : stryMutAct_9fa48("1066") ? false : (stryCov_9fa48("1066", "1067"), a === undefined)) || (stryMutAct_9fa48("1069") ? b !== undefined : stryMutAct_9fa48("1068") ? false : (stryCov_9fa48("1068", "1069"), b === undefined)))) || (stryMutAct_9fa48("1070") ? isIpv4(a) : (stryCov_9fa48("1070"), !isIpv4(a))))) || (stryMutAct_9fa48("1071") ? isIpv4(b) : (stryCov_9fa48("1071"), !isIpv4(b))))) return undefined;
    const r = stryMutAct_9fa48("1072") ? {} : (stryCov_9fa48("1072"), {
      first: ipToInt(a),
      last: ipToInt(b)
    });
    return (stryMutAct_9fa48("1076") ? r.first > r.last : stryMutAct_9fa48("1075") ? r.first < r.last : stryMutAct_9fa48("1074") ? false : stryMutAct_9fa48("1073") ? true : (stryCov_9fa48("1073", "1074", "1075", "1076"), r.first <= r.last)) ? r : undefined;
  }
}

/** The blocks recorded in a bridge's external_ids; entries that do not read (edited by hand) are skipped. */
export function parseBlocks(externalIds: Record<string, string>): Block[] {
  if (stryMutAct_9fa48("1077")) {
    {}
  } else {
    stryCov_9fa48("1077");
    const out: Block[] = stryMutAct_9fa48("1078") ? ["Stryker was here"] : (stryCov_9fa48("1078"), []);
    for (const [key, value] of Object.entries(externalIds)) {
      if (stryMutAct_9fa48("1079")) {
        {}
      } else {
        stryCov_9fa48("1079");
        if (stryMutAct_9fa48("1082") ? false : stryMutAct_9fa48("1081") ? true : stryMutAct_9fa48("1080") ? key.startsWith(BLOCK) : (stryCov_9fa48("1080", "1081", "1082"), !(stryMutAct_9fa48("1083") ? key.endsWith(BLOCK) : (stryCov_9fa48("1083"), key.startsWith(BLOCK))))) continue;
        const parts = stryMutAct_9fa48("1084") ? key.split('.') : (stryCov_9fa48("1084"), key.slice(BLOCK.length).split(stryMutAct_9fa48("1085") ? "" : (stryCov_9fa48("1085"), '.')));
        if (stryMutAct_9fa48("1088") ? parts.length !== 3 || parts.length !== 4 : stryMutAct_9fa48("1087") ? false : stryMutAct_9fa48("1086") ? true : (stryCov_9fa48("1086", "1087", "1088"), (stryMutAct_9fa48("1090") ? parts.length === 3 : stryMutAct_9fa48("1089") ? true : (stryCov_9fa48("1089", "1090"), parts.length !== 3)) && (stryMutAct_9fa48("1092") ? parts.length === 4 : stryMutAct_9fa48("1091") ? true : (stryCov_9fa48("1091", "1092"), parts.length !== 4)))) continue;
        const [text, state] = value.split(stryMutAct_9fa48("1093") ? "" : (stryCov_9fa48("1093"), ' '));
        const r = range(stryMutAct_9fa48("1094") ? text && '' : (stryCov_9fa48("1094"), text ?? (stryMutAct_9fa48("1095") ? "Stryker was here!" : (stryCov_9fa48("1095"), ''))));
        if (stryMutAct_9fa48("1098") ? (!r || state !== 'claimed' && state !== 'pending') && dashed(r.first) !== parts[parts.length - 1] : stryMutAct_9fa48("1097") ? false : stryMutAct_9fa48("1096") ? true : (stryCov_9fa48("1096", "1097", "1098"), (stryMutAct_9fa48("1100") ? !r && state !== 'claimed' && state !== 'pending' : stryMutAct_9fa48("1099") ? false : (stryCov_9fa48("1099", "1100"), (stryMutAct_9fa48("1101") ? r : (stryCov_9fa48("1101"), !r)) || (stryMutAct_9fa48("1103") ? state !== 'claimed' || state !== 'pending' : stryMutAct_9fa48("1102") ? false : (stryCov_9fa48("1102", "1103"), (stryMutAct_9fa48("1105") ? state === 'claimed' : stryMutAct_9fa48("1104") ? true : (stryCov_9fa48("1104", "1105"), state !== (stryMutAct_9fa48("1106") ? "" : (stryCov_9fa48("1106"), 'claimed')))) && (stryMutAct_9fa48("1108") ? state === 'pending' : stryMutAct_9fa48("1107") ? true : (stryCov_9fa48("1107", "1108"), state !== (stryMutAct_9fa48("1109") ? "" : (stryCov_9fa48("1109"), 'pending')))))))) || (stryMutAct_9fa48("1111") ? dashed(r.first) === parts[parts.length - 1] : stryMutAct_9fa48("1110") ? false : (stryCov_9fa48("1110", "1111"), dashed(r.first) !== parts[stryMutAct_9fa48("1112") ? parts.length + 1 : (stryCov_9fa48("1112"), parts.length - 1)])))) continue;
        out.push(stryMutAct_9fa48("1113") ? {} : (stryCov_9fa48("1113"), {
          space: spaceKey(parts[0]!, parts[1]!, (stryMutAct_9fa48("1116") ? parts.length !== 4 : stryMutAct_9fa48("1115") ? false : stryMutAct_9fa48("1114") ? true : (stryCov_9fa48("1114", "1115", "1116"), parts.length === 4)) ? parts[2] : undefined),
          ...r,
          state
        }));
      }
    }
    return stryMutAct_9fa48("1117") ? out : (stryCov_9fa48("1117"), out.sort(stryMutAct_9fa48("1118") ? () => undefined : (stryCov_9fa48("1118"), (a, b) => stryMutAct_9fa48("1121") ? a.first - b.first && (a.space < b.space ? -1 : 1) : stryMutAct_9fa48("1120") ? false : stryMutAct_9fa48("1119") ? true : (stryCov_9fa48("1119", "1120", "1121"), (stryMutAct_9fa48("1122") ? a.first + b.first : (stryCov_9fa48("1122"), a.first - b.first)) || ((stryMutAct_9fa48("1126") ? a.space >= b.space : stryMutAct_9fa48("1125") ? a.space <= b.space : stryMutAct_9fa48("1124") ? false : stryMutAct_9fa48("1123") ? true : (stryCov_9fa48("1123", "1124", "1125", "1126"), a.space < b.space)) ? stryMutAct_9fa48("1127") ? +1 : (stryCov_9fa48("1127"), -1) : 1)))));
  }
}
export function parseLent(externalIds: Record<string, string>): Lent[] {
  if (stryMutAct_9fa48("1128")) {
    {}
  } else {
    stryCov_9fa48("1128");
    const out: Lent[] = stryMutAct_9fa48("1129") ? ["Stryker was here"] : (stryCov_9fa48("1129"), []);
    for (const [key, to] of Object.entries(externalIds)) {
      if (stryMutAct_9fa48("1130")) {
        {}
      } else {
        stryCov_9fa48("1130");
        if (stryMutAct_9fa48("1133") ? false : stryMutAct_9fa48("1132") ? true : stryMutAct_9fa48("1131") ? key.startsWith(LENT) : (stryCov_9fa48("1131", "1132", "1133"), !(stryMutAct_9fa48("1134") ? key.endsWith(LENT) : (stryCov_9fa48("1134"), key.startsWith(LENT))))) continue;
        const [tenant, network, address, ...rest] = stryMutAct_9fa48("1135") ? key.split('.') : (stryCov_9fa48("1135"), key.slice(LENT.length).split(stryMutAct_9fa48("1136") ? "" : (stryCov_9fa48("1136"), '.')));
        const ip = stryMutAct_9fa48("1137") ? address?.replaceAll('-', '.') && '' : (stryCov_9fa48("1137"), (stryMutAct_9fa48("1138") ? address.replaceAll('-', '.') : (stryCov_9fa48("1138"), address?.replaceAll(stryMutAct_9fa48("1139") ? "" : (stryCov_9fa48("1139"), '-'), stryMutAct_9fa48("1140") ? "" : (stryCov_9fa48("1140"), '.')))) ?? (stryMutAct_9fa48("1141") ? "Stryker was here!" : (stryCov_9fa48("1141"), '')));
        if (stryMutAct_9fa48("1144") ? (!tenant || !network || rest.length || !isIpv4(ip)) && !to : stryMutAct_9fa48("1143") ? false : stryMutAct_9fa48("1142") ? true : (stryCov_9fa48("1142", "1143", "1144"), (stryMutAct_9fa48("1146") ? (!tenant || !network || rest.length) && !isIpv4(ip) : stryMutAct_9fa48("1145") ? false : (stryCov_9fa48("1145", "1146"), (stryMutAct_9fa48("1148") ? (!tenant || !network) && rest.length : stryMutAct_9fa48("1147") ? false : (stryCov_9fa48("1147", "1148"), (stryMutAct_9fa48("1150") ? !tenant && !network : stryMutAct_9fa48("1149") ? false : (stryCov_9fa48("1149", "1150"), (stryMutAct_9fa48("1151") ? tenant : (stryCov_9fa48("1151"), !tenant)) || (stryMutAct_9fa48("1152") ? network : (stryCov_9fa48("1152"), !network)))) || rest.length)) || (stryMutAct_9fa48("1153") ? isIpv4(ip) : (stryCov_9fa48("1153"), !isIpv4(ip))))) || (stryMutAct_9fa48("1154") ? to : (stryCov_9fa48("1154"), !to)))) continue;
        out.push(stryMutAct_9fa48("1155") ? {} : (stryCov_9fa48("1155"), {
          tenant,
          network,
          address: ipToInt(ip),
          to
        }));
      }
    }
    return stryMutAct_9fa48("1156") ? out : (stryCov_9fa48("1156"), out.sort(stryMutAct_9fa48("1157") ? () => undefined : (stryCov_9fa48("1157"), (a, b) => stryMutAct_9fa48("1158") ? a.address + b.address : (stryCov_9fa48("1158"), a.address - b.address))));
  }
}
export function parseLegacyBlocks(externalIds: Record<string, string>): LegacyBlock[] {
  if (stryMutAct_9fa48("1159")) {
    {}
  } else {
    stryCov_9fa48("1159");
    const out: LegacyBlock[] = stryMutAct_9fa48("1160") ? ["Stryker was here"] : (stryCov_9fa48("1160"), []);
    for (const [key, value] of Object.entries(externalIds)) {
      if (stryMutAct_9fa48("1161")) {
        {}
      } else {
        stryCov_9fa48("1161");
        if (stryMutAct_9fa48("1164") ? false : stryMutAct_9fa48("1163") ? true : stryMutAct_9fa48("1162") ? key.startsWith(LEGACY) : (stryCov_9fa48("1162", "1163", "1164"), !(stryMutAct_9fa48("1165") ? key.endsWith(LEGACY) : (stryCov_9fa48("1165"), key.startsWith(LEGACY))))) continue;
        const parts = stryMutAct_9fa48("1166") ? key.split('.') : (stryCov_9fa48("1166"), key.slice(LEGACY.length).split(stryMutAct_9fa48("1167") ? "" : (stryCov_9fa48("1167"), '.')));
        const r = range(value);
        if (stryMutAct_9fa48("1170") ? parts.length !== 2 && parts.length !== 3 && !r : stryMutAct_9fa48("1169") ? false : stryMutAct_9fa48("1168") ? true : (stryCov_9fa48("1168", "1169", "1170"), (stryMutAct_9fa48("1172") ? parts.length !== 2 || parts.length !== 3 : stryMutAct_9fa48("1171") ? false : (stryCov_9fa48("1171", "1172"), (stryMutAct_9fa48("1174") ? parts.length === 2 : stryMutAct_9fa48("1173") ? true : (stryCov_9fa48("1173", "1174"), parts.length !== 2)) && (stryMutAct_9fa48("1176") ? parts.length === 3 : stryMutAct_9fa48("1175") ? true : (stryCov_9fa48("1175", "1176"), parts.length !== 3)))) || (stryMutAct_9fa48("1177") ? r : (stryCov_9fa48("1177"), !r)))) continue;
        out.push(stryMutAct_9fa48("1178") ? {} : (stryCov_9fa48("1178"), {
          space: spaceKey(parts[0]!, parts[1]!, parts[2]),
          ...r
        }));
      }
    }
    return out;
  }
}

/** What an address record is, for plan lines and resource addresses. */
export interface AddressRecordInfo {
  kind: 'block' | 'lent' | 'legacy';
  /** `tenant/network[/group]`, and the record's address or range as text. */
  space: string;
  what: string;
}
export function describeAddressRecord(key: string, value: string | undefined): AddressRecordInfo {
  if (stryMutAct_9fa48("1179")) {
    {}
  } else {
    stryCov_9fa48("1179");
    const kind = (stryMutAct_9fa48("1180") ? key.endsWith(BLOCK) : (stryCov_9fa48("1180"), key.startsWith(BLOCK))) ? stryMutAct_9fa48("1181") ? "" : (stryCov_9fa48("1181"), 'block') : (stryMutAct_9fa48("1182") ? key.endsWith(LENT) : (stryCov_9fa48("1182"), key.startsWith(LENT))) ? stryMutAct_9fa48("1183") ? "" : (stryCov_9fa48("1183"), 'lent') : stryMutAct_9fa48("1184") ? "" : (stryCov_9fa48("1184"), 'legacy');
    const parts = stryMutAct_9fa48("1185") ? key.split('.') : (stryCov_9fa48("1185"), key.slice(((stryMutAct_9fa48("1188") ? kind !== 'block' : stryMutAct_9fa48("1187") ? false : stryMutAct_9fa48("1186") ? true : (stryCov_9fa48("1186", "1187", "1188"), kind === (stryMutAct_9fa48("1189") ? "" : (stryCov_9fa48("1189"), 'block')))) ? BLOCK : (stryMutAct_9fa48("1192") ? kind !== 'lent' : stryMutAct_9fa48("1191") ? false : stryMutAct_9fa48("1190") ? true : (stryCov_9fa48("1190", "1191", "1192"), kind === (stryMutAct_9fa48("1193") ? "" : (stryCov_9fa48("1193"), 'lent')))) ? LENT : LEGACY).length).split(stryMutAct_9fa48("1194") ? "" : (stryCov_9fa48("1194"), '.')));
    if (stryMutAct_9fa48("1197") ? kind !== 'legacy' : stryMutAct_9fa48("1196") ? false : stryMutAct_9fa48("1195") ? true : (stryCov_9fa48("1195", "1196", "1197"), kind === (stryMutAct_9fa48("1198") ? "" : (stryCov_9fa48("1198"), 'legacy')))) return stryMutAct_9fa48("1199") ? {} : (stryCov_9fa48("1199"), {
      kind,
      space: parts.join(stryMutAct_9fa48("1200") ? "" : (stryCov_9fa48("1200"), '/')),
      what: stryMutAct_9fa48("1201") ? value && '' : (stryCov_9fa48("1201"), value ?? (stryMutAct_9fa48("1202") ? "Stryker was here!" : (stryCov_9fa48("1202"), '')))
    });
    const first = parts.pop()!.replaceAll(stryMutAct_9fa48("1203") ? "" : (stryCov_9fa48("1203"), '-'), stryMutAct_9fa48("1204") ? "" : (stryCov_9fa48("1204"), '.'));
    return stryMutAct_9fa48("1205") ? {} : (stryCov_9fa48("1205"), {
      kind,
      space: parts.join(stryMutAct_9fa48("1206") ? "" : (stryCov_9fa48("1206"), '/')),
      what: (stryMutAct_9fa48("1209") ? kind !== 'block' : stryMutAct_9fa48("1208") ? false : stryMutAct_9fa48("1207") ? true : (stryCov_9fa48("1207", "1208", "1209"), kind === (stryMutAct_9fa48("1210") ? "" : (stryCov_9fa48("1210"), 'block')))) ? stryMutAct_9fa48("1211") ? value?.split(' ')[0] && first : (stryCov_9fa48("1211"), (stryMutAct_9fa48("1212") ? value.split(' ')[0] : (stryCov_9fa48("1212"), value?.split(stryMutAct_9fa48("1213") ? "" : (stryCov_9fa48("1213"), ' '))[0])) ?? first) : first
    });
  }
}