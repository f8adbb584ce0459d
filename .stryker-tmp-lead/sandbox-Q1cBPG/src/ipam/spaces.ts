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
import { cidrRange, ipToInt, poolRange, type IntRange } from '../manifest/ipv4.js';
import type { EndpointGroup, Network } from '../model/types.js';

/*
 * Address spaces and their blocks. A network has one space for endpoints without a pool: its
 * usable addresses less the gateway and its groups' ipPools; each group with an ipPool has a
 * space of its own: the pool less the gateway. Blocks are cut from a space along chunks of
 * 2^(32 − blockSize) addresses aligned on the subnet, so every host's blocks line up and a
 * block never straddles two chunks. A chunk the gateway or a pool cuts through gives more than
 * one piece; each piece is a block of its own.
 */

export interface AddressSpace {
  /** `tenant/network`, or `tenant/network/group` for a group's ipPool. */
  key: string;
  tenant: string;
  network: string;
  group?: string;
  /** Usable addresses, sorted, disjoint. */
  segments: IntRange[];
  /** Addresses per chunk (2^(32 − blockSize)). */
  chunk: number;
}
export function spaceKey(tenant: string, network: string, group?: string): string {
  if (stryMutAct_9fa48("1243")) {
    {}
  } else {
    stryCov_9fa48("1243");
    return (stryMutAct_9fa48("1246") ? group !== undefined : stryMutAct_9fa48("1245") ? false : stryMutAct_9fa48("1244") ? true : (stryCov_9fa48("1244", "1245", "1246"), group === undefined)) ? stryMutAct_9fa48("1247") ? `` : (stryCov_9fa48("1247"), `${tenant}/${network}`) : stryMutAct_9fa48("1248") ? `` : (stryCov_9fa48("1248"), `${tenant}/${network}/${group}`);
  }
}

/** The spaces of one network: the network's own first, then one per group with an ipPool. */
export function addressSpaces(groups: readonly EndpointGroup[], network: Network): AddressSpace[] {
  if (stryMutAct_9fa48("1249")) {
    {}
  } else {
    stryCov_9fa48("1249");
    const subnet = cidrRange(network.subnet);
    const chunk = 2 ** (stryMutAct_9fa48("1250") ? 32 + network.blockSize : (stryCov_9fa48("1250"), 32 - network.blockSize));
    const gateway: IntRange[] = network.gateway ? stryMutAct_9fa48("1251") ? [] : (stryCov_9fa48("1251"), [stryMutAct_9fa48("1252") ? {} : (stryCov_9fa48("1252"), {
      first: ipToInt(network.gateway),
      last: ipToInt(network.gateway)
    })]) : stryMutAct_9fa48("1253") ? ["Stryker was here"] : (stryCov_9fa48("1253"), []);
    const pooled = stryMutAct_9fa48("1254") ? groups : (stryCov_9fa48("1254"), groups.filter(stryMutAct_9fa48("1255") ? () => undefined : (stryCov_9fa48("1255"), g => stryMutAct_9fa48("1258") ? g.tenant === network.tenant && g.network === network.name || g.ipPool : stryMutAct_9fa48("1257") ? false : stryMutAct_9fa48("1256") ? true : (stryCov_9fa48("1256", "1257", "1258"), (stryMutAct_9fa48("1260") ? g.tenant === network.tenant || g.network === network.name : stryMutAct_9fa48("1259") ? true : (stryCov_9fa48("1259", "1260"), (stryMutAct_9fa48("1262") ? g.tenant !== network.tenant : stryMutAct_9fa48("1261") ? true : (stryCov_9fa48("1261", "1262"), g.tenant === network.tenant)) && (stryMutAct_9fa48("1264") ? g.network !== network.name : stryMutAct_9fa48("1263") ? true : (stryCov_9fa48("1263", "1264"), g.network === network.name)))) && g.ipPool))));
    const pools = pooled.map(stryMutAct_9fa48("1265") ? () => undefined : (stryCov_9fa48("1265"), g => poolRange(g.ipPool!)));
    const own: AddressSpace = stryMutAct_9fa48("1266") ? {} : (stryCov_9fa48("1266"), {
      key: spaceKey(network.tenant, network.name),
      tenant: network.tenant,
      network: network.name,
      segments: subtract(stryMutAct_9fa48("1267") ? [] : (stryCov_9fa48("1267"), [stryMutAct_9fa48("1268") ? {} : (stryCov_9fa48("1268"), {
        first: stryMutAct_9fa48("1269") ? subnet.first - 1 : (stryCov_9fa48("1269"), subnet.first + 1),
        last: stryMutAct_9fa48("1270") ? subnet.last + 1 : (stryCov_9fa48("1270"), subnet.last - 1)
      })]), stryMutAct_9fa48("1271") ? [] : (stryCov_9fa48("1271"), [...gateway, ...pools])),
      chunk
    });
    return stryMutAct_9fa48("1272") ? [] : (stryCov_9fa48("1272"), [own, ...pooled.map(stryMutAct_9fa48("1273") ? () => undefined : (stryCov_9fa48("1273"), (g, i) => stryMutAct_9fa48("1274") ? {} : (stryCov_9fa48("1274"), {
      key: spaceKey(g.tenant, g.network, g.name),
      tenant: g.tenant,
      network: g.network,
      group: g.name,
      segments: subtract(stryMutAct_9fa48("1275") ? [] : (stryCov_9fa48("1275"), [pools[i]!]), gateway),
      chunk
    })))]);
  }
}

/** `ranges` less every address of `holes`; the result is sorted when `ranges` is. */
export function subtract(ranges: readonly IntRange[], holes: readonly IntRange[]): IntRange[] {
  if (stryMutAct_9fa48("1276")) {
    {}
  } else {
    stryCov_9fa48("1276");
    let out = stryMutAct_9fa48("1277") ? [] : (stryCov_9fa48("1277"), [...ranges]);
    for (const h of holes) {
      if (stryMutAct_9fa48("1278")) {
        {}
      } else {
        stryCov_9fa48("1278");
        out = out.flatMap(r => {
          if (stryMutAct_9fa48("1279")) {
            {}
          } else {
            stryCov_9fa48("1279");
            if (stryMutAct_9fa48("1282") ? h.last < r.first && h.first > r.last : stryMutAct_9fa48("1281") ? false : stryMutAct_9fa48("1280") ? true : (stryCov_9fa48("1280", "1281", "1282"), (stryMutAct_9fa48("1285") ? h.last >= r.first : stryMutAct_9fa48("1284") ? h.last <= r.first : stryMutAct_9fa48("1283") ? false : (stryCov_9fa48("1283", "1284", "1285"), h.last < r.first)) || (stryMutAct_9fa48("1288") ? h.first <= r.last : stryMutAct_9fa48("1287") ? h.first >= r.last : stryMutAct_9fa48("1286") ? false : (stryCov_9fa48("1286", "1287", "1288"), h.first > r.last)))) return stryMutAct_9fa48("1289") ? [] : (stryCov_9fa48("1289"), [r]);
            const parts: IntRange[] = stryMutAct_9fa48("1290") ? ["Stryker was here"] : (stryCov_9fa48("1290"), []);
            if (stryMutAct_9fa48("1294") ? h.first <= r.first : stryMutAct_9fa48("1293") ? h.first >= r.first : stryMutAct_9fa48("1292") ? false : stryMutAct_9fa48("1291") ? true : (stryCov_9fa48("1291", "1292", "1293", "1294"), h.first > r.first)) parts.push(stryMutAct_9fa48("1295") ? {} : (stryCov_9fa48("1295"), {
              first: r.first,
              last: stryMutAct_9fa48("1296") ? h.first + 1 : (stryCov_9fa48("1296"), h.first - 1)
            }));
            if (stryMutAct_9fa48("1300") ? h.last >= r.last : stryMutAct_9fa48("1299") ? h.last <= r.last : stryMutAct_9fa48("1298") ? false : stryMutAct_9fa48("1297") ? true : (stryCov_9fa48("1297", "1298", "1299", "1300"), h.last < r.last)) parts.push(stryMutAct_9fa48("1301") ? {} : (stryCov_9fa48("1301"), {
              first: stryMutAct_9fa48("1302") ? h.last - 1 : (stryCov_9fa48("1302"), h.last + 1),
              last: r.last
            }));
            return parts;
          }
        });
      }
    }
    return out;
  }
}
export function intersect(ranges: readonly IntRange[], window: IntRange): IntRange[] {
  if (stryMutAct_9fa48("1303")) {
    {}
  } else {
    stryCov_9fa48("1303");
    return ranges.flatMap(stryMutAct_9fa48("1304") ? () => undefined : (stryCov_9fa48("1304"), r => (stryMutAct_9fa48("1307") ? r.last < window.first && r.first > window.last : stryMutAct_9fa48("1306") ? false : stryMutAct_9fa48("1305") ? true : (stryCov_9fa48("1305", "1306", "1307"), (stryMutAct_9fa48("1310") ? r.last >= window.first : stryMutAct_9fa48("1309") ? r.last <= window.first : stryMutAct_9fa48("1308") ? false : (stryCov_9fa48("1308", "1309", "1310"), r.last < window.first)) || (stryMutAct_9fa48("1313") ? r.first <= window.last : stryMutAct_9fa48("1312") ? r.first >= window.last : stryMutAct_9fa48("1311") ? false : (stryCov_9fa48("1311", "1312", "1313"), r.first > window.last)))) ? stryMutAct_9fa48("1314") ? ["Stryker was here"] : (stryCov_9fa48("1314"), []) : stryMutAct_9fa48("1315") ? [] : (stryCov_9fa48("1315"), [stryMutAct_9fa48("1316") ? {} : (stryCov_9fa48("1316"), {
      first: stryMutAct_9fa48("1317") ? Math.min(r.first, window.first) : (stryCov_9fa48("1317"), Math.max(r.first, window.first)),
      last: stryMutAct_9fa48("1318") ? Math.max(r.last, window.last) : (stryCov_9fa48("1318"), Math.min(r.last, window.last))
    })])));
  }
}
export function sizeOf(ranges: readonly IntRange[]): number {
  if (stryMutAct_9fa48("1319")) {
    {}
  } else {
    stryCov_9fa48("1319");
    return ranges.reduce(stryMutAct_9fa48("1320") ? () => undefined : (stryCov_9fa48("1320"), (n, r) => stryMutAct_9fa48("1321") ? n + r.last - r.first - 1 : (stryCov_9fa48("1321"), (stryMutAct_9fa48("1322") ? n + r.last + r.first : (stryCov_9fa48("1322"), (stryMutAct_9fa48("1323") ? n - r.last : (stryCov_9fa48("1323"), n + r.last)) - r.first)) + 1)), 0);
  }
}
export function containsAddress(ranges: readonly IntRange[], address: number): boolean {
  if (stryMutAct_9fa48("1324")) {
    {}
  } else {
    stryCov_9fa48("1324");
    return stryMutAct_9fa48("1325") ? ranges.every(r => r.first <= address && address <= r.last) : (stryCov_9fa48("1325"), ranges.some(stryMutAct_9fa48("1326") ? () => undefined : (stryCov_9fa48("1326"), r => stryMutAct_9fa48("1329") ? r.first <= address || address <= r.last : stryMutAct_9fa48("1328") ? false : stryMutAct_9fa48("1327") ? true : (stryCov_9fa48("1327", "1328", "1329"), (stryMutAct_9fa48("1332") ? r.first > address : stryMutAct_9fa48("1331") ? r.first < address : stryMutAct_9fa48("1330") ? true : (stryCov_9fa48("1330", "1331", "1332"), r.first <= address)) && (stryMutAct_9fa48("1335") ? address > r.last : stryMutAct_9fa48("1334") ? address < r.last : stryMutAct_9fa48("1333") ? true : (stryCov_9fa48("1333", "1334", "1335"), address <= r.last))))));
  }
}

/** The chunk an address lies in (chunks are aligned on multiples of their size, as subnets are). */
export function chunkOf(address: number, chunk: number): IntRange {
  if (stryMutAct_9fa48("1336")) {
    {}
  } else {
    stryCov_9fa48("1336");
    const first = stryMutAct_9fa48("1337") ? Math.floor(address / chunk) / chunk : (stryCov_9fa48("1337"), Math.floor(stryMutAct_9fa48("1338") ? address * chunk : (stryCov_9fa48("1338"), address / chunk)) * chunk);
    return stryMutAct_9fa48("1339") ? {} : (stryCov_9fa48("1339"), {
      first,
      last: stryMutAct_9fa48("1340") ? first + chunk + 1 : (stryCov_9fa48("1340"), (stryMutAct_9fa48("1341") ? first - chunk : (stryCov_9fa48("1341"), first + chunk)) - 1)
    });
  }
}

/** The space an address of a network belongs to: a pool's when inside one, else the network's own. */
export function spaceOfAddress(spaces: readonly AddressSpace[], address: number): AddressSpace | undefined {
  if (stryMutAct_9fa48("1342")) {
    {}
  } else {
    stryCov_9fa48("1342");
    return stryMutAct_9fa48("1343") ? spaces.find(s => s.group !== undefined && containsAddress(s.segments, address)) && spaces.find(s => containsAddress(s.segments, address)) : (stryCov_9fa48("1343"), spaces.find(stryMutAct_9fa48("1344") ? () => undefined : (stryCov_9fa48("1344"), s => stryMutAct_9fa48("1347") ? s.group !== undefined || containsAddress(s.segments, address) : stryMutAct_9fa48("1346") ? false : stryMutAct_9fa48("1345") ? true : (stryCov_9fa48("1345", "1346", "1347"), (stryMutAct_9fa48("1349") ? s.group === undefined : stryMutAct_9fa48("1348") ? true : (stryCov_9fa48("1348", "1349"), s.group !== undefined)) && containsAddress(s.segments, address)))) ?? spaces.find(stryMutAct_9fa48("1350") ? () => undefined : (stryCov_9fa48("1350"), s => containsAddress(s.segments, address))));
  }
}