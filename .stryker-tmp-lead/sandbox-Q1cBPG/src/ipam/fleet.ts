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
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { intToIp, ipToInt, type IntRange } from '../manifest/ipv4.js';
import type { Model, Network } from '../model/types.js';
import type { Endpoint } from '../state/endpoint.js';
import { chooseBlock, unoccupied } from './choose.js';
import { blockKey, blockValue, legacyKey, lentKey, parseBlocks, parseLegacyBlocks, parseLent, type Block } from './records.js';
import { networkOfSpace } from './settle.js';
import { addressSpaces, chunkOf, intersect, spaceOfAddress, type AddressSpace } from './spaces.js';

/*
 * What a plan decides about the hosts' address blocks, from what every host records (pure).
 *
 *   - A block with an endpoint in it is kept; so is an address lent to an endpoint elsewhere.
 *   - A pending claim (an attach or apply that wrote it and did not confirm) is confirmed when
 *     no other host records a block overlapping it, else dropped. The plan read every host
 *     after the claim was written, which is what the claim protocol asks of a confirmation.
 *   - Two hosts recording overlapping blocks are never both kept: the one with more endpoints
 *     in it stays (then the lower host name), and the other host's endpoints there become
 *     addresses lent by the keeper, so it never hands them out.
 *   - An endpoint whose address lies in none of its host's blocks (attached before blocks
 *     were claimed on demand) gets the piece of its chunk around it, claimed, or, inside
 *     another host's block, a lent record there.
 *   - An empty block stays with its host (its next container takes an address there without
 *     reaching any other host) until addresses run short: when fewer than a block's worth of
 *     a space is left unclaimed, empty blocks are released.
 *   - A host that runs containers from runtimes (Fabric `runtimes`) keeps at least `low`
 *     free addresses in every space, claiming a block when it has fewer (a runtime asks the
 *     host alone for an address and cannot claim one), and keeps that reserve when releasing.
 *   - Blocks recorded the old way (one range per host and space) become the blocks around the
 *     host's endpoints, cut to the old range (old ranges never overlapped, so neither do these).
 */

export interface HostAddresses {
  /** The external_ids of the host's contiv bridge ({} without one). */
  externalIds: Record<string, string>;
  /** Its endpoints whose namespace still exists. */
  endpoints: readonly Endpoint[];
}
export interface SpaceUse {
  host: string;
  space: string;
  blocks: number;
  size: number;
  used: number;
  free: number;
  /**
   * Running low: fewer than `lowWater` addresses free in the host's blocks, and less than a
   * block of the space left for anyone to claim (while there is, attach just claims one).
   */
  low: boolean;
}
export interface IpamPlan {
  /** Per host, the address records its bridge must carry (block and lent keys), and why each changes. */
  records: Record<string, Record<string, string>>;
  reasons: Record<string, Record<string, string>>;
  /** Per host and space with blocks, after the plan. */
  use: SpaceUse[];
  diagnostics: Diagnostic[];
}

/** Addresses a host keeps free in a space before it is running low (a quarter of a block, at least one). */
export function lowWater(space: AddressSpace): number {
  if (stryMutAct_9fa48("546")) {
    {}
  } else {
    stryCov_9fa48("546");
    return stryMutAct_9fa48("547") ? Math.min(1, Math.floor(space.chunk / 4)) : (stryCov_9fa48("547"), Math.max(1, Math.floor(stryMutAct_9fa48("548") ? space.chunk * 4 : (stryCov_9fa48("548"), space.chunk / 4))));
  }
}
interface Owned extends Block {
  host: string;
}
function overlapsRange(a: IntRange, b: IntRange): boolean {
  if (stryMutAct_9fa48("549")) {
    {}
  } else {
    stryCov_9fa48("549");
    return stryMutAct_9fa48("552") ? a.first <= b.last || b.first <= a.last : stryMutAct_9fa48("551") ? false : stryMutAct_9fa48("550") ? true : (stryCov_9fa48("550", "551", "552"), (stryMutAct_9fa48("555") ? a.first > b.last : stryMutAct_9fa48("554") ? a.first < b.last : stryMutAct_9fa48("553") ? true : (stryCov_9fa48("553", "554", "555"), a.first <= b.last)) && (stryMutAct_9fa48("558") ? b.first > a.last : stryMutAct_9fa48("557") ? b.first < a.last : stryMutAct_9fa48("556") ? true : (stryCov_9fa48("556", "557", "558"), b.first <= a.last)));
  }
}
function rangeText(r: IntRange): string {
  if (stryMutAct_9fa48("559")) {
    {}
  } else {
    stryCov_9fa48("559");
    return (stryMutAct_9fa48("562") ? r.first !== r.last : stryMutAct_9fa48("561") ? false : stryMutAct_9fa48("560") ? true : (stryCov_9fa48("560", "561", "562"), r.first === r.last)) ? intToIp(r.first) : stryMutAct_9fa48("563") ? `` : (stryCov_9fa48("563"), `${intToIp(r.first)}-${intToIp(r.last)}`);
  }
}
export function planIpam(model: Model, live: Record<string, HostAddresses>): IpamPlan {
  if (stryMutAct_9fa48("564")) {
    {}
  } else {
    stryCov_9fa48("564");
    const hosts = stryMutAct_9fa48("565") ? [...model.fabric.hosts] : (stryCov_9fa48("565"), (stryMutAct_9fa48("566") ? [] : (stryCov_9fa48("566"), [...model.fabric.hosts])).sort(stryMutAct_9fa48("567") ? () => undefined : (stryCov_9fa48("567"), (a, b) => (stryMutAct_9fa48("571") ? a.name >= b.name : stryMutAct_9fa48("570") ? a.name <= b.name : stryMutAct_9fa48("569") ? false : stryMutAct_9fa48("568") ? true : (stryCov_9fa48("568", "569", "570", "571"), a.name < b.name)) ? stryMutAct_9fa48("572") ? +1 : (stryCov_9fa48("572"), -1) : 1)));
    const out: IpamPlan = stryMutAct_9fa48("573") ? {} : (stryCov_9fa48("573"), {
      records: {},
      reasons: {},
      use: stryMutAct_9fa48("574") ? ["Stryker was here"] : (stryCov_9fa48("574"), []),
      diagnostics: stryMutAct_9fa48("575") ? ["Stryker was here"] : (stryCov_9fa48("575"), [])
    });
    for (const h of hosts) {
      if (stryMutAct_9fa48("576")) {
        {}
      } else {
        stryCov_9fa48("576");
        out.records[h.name] = {};
        out.reasons[h.name] = {};
      }
    }
    for (const network of model.networks) planNetwork(model, network, hosts, live, out);
    // Records of networks no longer in the manifests go with them (plan refuses that while endpoints use it).
    const known = new Set(model.networks.map(stryMutAct_9fa48("577") ? () => undefined : (stryCov_9fa48("577"), n => stryMutAct_9fa48("578") ? `` : (stryCov_9fa48("578"), `${n.tenant}/${n.name}`))));
    for (const h of hosts) {
      if (stryMutAct_9fa48("579")) {
        {}
      } else {
        stryCov_9fa48("579");
        const ids = stryMutAct_9fa48("580") ? live[h.name]?.externalIds && {} : (stryCov_9fa48("580"), (stryMutAct_9fa48("581") ? live[h.name].externalIds : (stryCov_9fa48("581"), live[h.name]?.externalIds)) ?? {});
        const gone = stryMutAct_9fa48("582") ? [] : (stryCov_9fa48("582"), [...parseBlocks(ids).map(stryMutAct_9fa48("583") ? () => undefined : (stryCov_9fa48("583"), b => stryMutAct_9fa48("584") ? {} : (stryCov_9fa48("584"), {
          key: blockKey(b.space, b.first),
          space: b.space
        }))), ...parseLegacyBlocks(ids).map(stryMutAct_9fa48("585") ? () => undefined : (stryCov_9fa48("585"), b => stryMutAct_9fa48("586") ? {} : (stryCov_9fa48("586"), {
          key: legacyKey(b.space),
          space: b.space
        }))), ...parseLent(ids).map(stryMutAct_9fa48("587") ? () => undefined : (stryCov_9fa48("587"), l => stryMutAct_9fa48("588") ? {} : (stryCov_9fa48("588"), {
          key: lentKey(l.tenant, l.network, l.address),
          space: stryMutAct_9fa48("589") ? `` : (stryCov_9fa48("589"), `${l.tenant}/${l.network}`)
        })))]);
        for (const g of gone) if (stryMutAct_9fa48("592") ? false : stryMutAct_9fa48("591") ? true : stryMutAct_9fa48("590") ? known.has(networkOfSpace(g.space)) : (stryCov_9fa48("590", "591", "592"), !known.has(networkOfSpace(g.space)))) out.reasons[h.name]![g.key] = stryMutAct_9fa48("593") ? `` : (stryCov_9fa48("593"), `network ${networkOfSpace(g.space)} is no longer in the manifests`);
      }
    }
    return out;
  }
}
function planNetwork(model: Model, network: Network, hosts: Model['fabric']['hosts'], live: Record<string, HostAddresses>, out: IpamPlan): void {
  if (stryMutAct_9fa48("594")) {
    {}
  } else {
    stryCov_9fa48("594");
    const spaces = addressSpaces(model.groups, network);
    const spaceByKey = new Map(spaces.map(stryMutAct_9fa48("595") ? () => undefined : (stryCov_9fa48("595"), s => stryMutAct_9fa48("596") ? [] : (stryCov_9fa48("596"), [s.key, s]))));
    const ofNetwork = stryMutAct_9fa48("597") ? () => undefined : (stryCov_9fa48("597"), (() => {
      const ofNetwork = (e: Endpoint) => stryMutAct_9fa48("600") ? e.tenant === network.tenant || e.network === network.name : stryMutAct_9fa48("599") ? false : stryMutAct_9fa48("598") ? true : (stryCov_9fa48("598", "599", "600"), (stryMutAct_9fa48("602") ? e.tenant !== network.tenant : stryMutAct_9fa48("601") ? true : (stryCov_9fa48("601", "602"), e.tenant === network.tenant)) && (stryMutAct_9fa48("604") ? e.network !== network.name : stryMutAct_9fa48("603") ? true : (stryCov_9fa48("603", "604"), e.network === network.name)));
      return ofNetwork;
    })());
    const endpoints = new Map(hosts.map(stryMutAct_9fa48("605") ? () => undefined : (stryCov_9fa48("605"), h => stryMutAct_9fa48("606") ? [] : (stryCov_9fa48("606"), [h.name, stryMutAct_9fa48("607") ? live[h.name]?.endpoints ?? [] : (stryCov_9fa48("607"), (stryMutAct_9fa48("608") ? live[h.name]?.endpoints && [] : (stryCov_9fa48("608"), (stryMutAct_9fa48("609") ? live[h.name].endpoints : (stryCov_9fa48("609"), live[h.name]?.endpoints)) ?? (stryMutAct_9fa48("610") ? ["Stryker was here"] : (stryCov_9fa48("610"), [])))).filter(ofNetwork))]))));
    const ips = stryMutAct_9fa48("611") ? () => undefined : (stryCov_9fa48("611"), (() => {
      const ips = (host: string) => endpoints.get(host)!.map(stryMutAct_9fa48("612") ? () => undefined : (stryCov_9fa48("612"), e => ipToInt(e.ip)));
      return ips;
    })());
    const reason = stryMutAct_9fa48("613") ? () => undefined : (stryCov_9fa48("613"), (() => {
      const reason = (host: string, key: string, text: string) => out.reasons[host]![key] = text;
      return reason;
    })());

    // Everything recorded anywhere in this network is occupied for new claims, whatever this plan keeps.
    const occupied: IntRange[] = stryMutAct_9fa48("614") ? ["Stryker was here"] : (stryCov_9fa48("614"), []);
    const recorded: Owned[] = stryMutAct_9fa48("615") ? ["Stryker was here"] : (stryCov_9fa48("615"), []);
    const lent: Array<{
      owner: string;
      address: number;
      to: string;
    }> = stryMutAct_9fa48("616") ? ["Stryker was here"] : (stryCov_9fa48("616"), []);
    for (const h of hosts) {
      if (stryMutAct_9fa48("617")) {
        {}
      } else {
        stryCov_9fa48("617");
        const ids = stryMutAct_9fa48("618") ? live[h.name]?.externalIds && {} : (stryCov_9fa48("618"), (stryMutAct_9fa48("619") ? live[h.name].externalIds : (stryCov_9fa48("619"), live[h.name]?.externalIds)) ?? {});
        for (const b of parseBlocks(ids)) {
          if (stryMutAct_9fa48("620")) {
            {}
          } else {
            stryCov_9fa48("620");
            if (stryMutAct_9fa48("623") ? networkOfSpace(b.space) === `${network.tenant}/${network.name}` : stryMutAct_9fa48("622") ? false : stryMutAct_9fa48("621") ? true : (stryCov_9fa48("621", "622", "623"), networkOfSpace(b.space) !== (stryMutAct_9fa48("624") ? `` : (stryCov_9fa48("624"), `${network.tenant}/${network.name}`)))) continue;
            occupied.push(b);
            if (stryMutAct_9fa48("626") ? false : stryMutAct_9fa48("625") ? true : (stryCov_9fa48("625", "626"), spaceByKey.has(b.space))) recorded.push(stryMutAct_9fa48("627") ? {} : (stryCov_9fa48("627"), {
              ...b,
              host: h.name
            }));else reason(h.name, blockKey(b.space, b.first), stryMutAct_9fa48("628") ? `` : (stryCov_9fa48("628"), `${b.space} is no longer an address space (its group or ipPool is gone)`));
          }
        }
        for (const l of parseLegacyBlocks(ids)) {
          if (stryMutAct_9fa48("629")) {
            {}
          } else {
            stryCov_9fa48("629");
            if (stryMutAct_9fa48("632") ? networkOfSpace(l.space) === `${network.tenant}/${network.name}` : stryMutAct_9fa48("631") ? false : stryMutAct_9fa48("630") ? true : (stryCov_9fa48("630", "631", "632"), networkOfSpace(l.space) !== (stryMutAct_9fa48("633") ? `` : (stryCov_9fa48("633"), `${network.tenant}/${network.name}`)))) continue;
            occupied.push(l);
            reason(h.name, legacyKey(l.space), stryMutAct_9fa48("634") ? "" : (stryCov_9fa48("634"), "replaced by blocks around this host's endpoints in it"));
            // Migration: the pieces of the chunks around the host's endpoints, inside the old range.
            const space = spaceByKey.get(l.space);
            if (stryMutAct_9fa48("637") ? false : stryMutAct_9fa48("636") ? true : stryMutAct_9fa48("635") ? space : (stryCov_9fa48("635", "636", "637"), !space)) continue;
            for (const ip of ips(h.name)) {
              if (stryMutAct_9fa48("638")) {
                {}
              } else {
                stryCov_9fa48("638");
                if (stryMutAct_9fa48("641") ? (ip < l.first || ip > l.last) && spaceOfAddress(spaces, ip)?.key !== space.key : stryMutAct_9fa48("640") ? false : stryMutAct_9fa48("639") ? true : (stryCov_9fa48("639", "640", "641"), (stryMutAct_9fa48("643") ? ip < l.first && ip > l.last : stryMutAct_9fa48("642") ? false : (stryCov_9fa48("642", "643"), (stryMutAct_9fa48("646") ? ip >= l.first : stryMutAct_9fa48("645") ? ip <= l.first : stryMutAct_9fa48("644") ? false : (stryCov_9fa48("644", "645", "646"), ip < l.first)) || (stryMutAct_9fa48("649") ? ip <= l.last : stryMutAct_9fa48("648") ? ip >= l.last : stryMutAct_9fa48("647") ? false : (stryCov_9fa48("647", "648", "649"), ip > l.last)))) || (stryMutAct_9fa48("651") ? spaceOfAddress(spaces, ip)?.key === space.key : stryMutAct_9fa48("650") ? false : (stryCov_9fa48("650", "651"), (stryMutAct_9fa48("652") ? spaceOfAddress(spaces, ip).key : (stryCov_9fa48("652"), spaceOfAddress(spaces, ip)?.key)) !== space.key)))) continue;
                const piece = intersect(intersect(space.segments, chunkOf(ip, space.chunk)), l).find(stryMutAct_9fa48("653") ? () => undefined : (stryCov_9fa48("653"), r => stryMutAct_9fa48("656") ? r.first <= ip || ip <= r.last : stryMutAct_9fa48("655") ? false : stryMutAct_9fa48("654") ? true : (stryCov_9fa48("654", "655", "656"), (stryMutAct_9fa48("659") ? r.first > ip : stryMutAct_9fa48("658") ? r.first < ip : stryMutAct_9fa48("657") ? true : (stryCov_9fa48("657", "658", "659"), r.first <= ip)) && (stryMutAct_9fa48("662") ? ip > r.last : stryMutAct_9fa48("661") ? ip < r.last : stryMutAct_9fa48("660") ? true : (stryCov_9fa48("660", "661", "662"), ip <= r.last)))));
                if (stryMutAct_9fa48("665") ? piece || !recorded.some(o => o.host === h.name && overlapsRange(o, piece)) : stryMutAct_9fa48("664") ? false : stryMutAct_9fa48("663") ? true : (stryCov_9fa48("663", "664", "665"), piece && (stryMutAct_9fa48("666") ? recorded.some(o => o.host === h.name && overlapsRange(o, piece)) : (stryCov_9fa48("666"), !(stryMutAct_9fa48("667") ? recorded.every(o => o.host === h.name && overlapsRange(o, piece)) : (stryCov_9fa48("667"), recorded.some(stryMutAct_9fa48("668") ? () => undefined : (stryCov_9fa48("668"), o => stryMutAct_9fa48("671") ? o.host === h.name || overlapsRange(o, piece) : stryMutAct_9fa48("670") ? false : stryMutAct_9fa48("669") ? true : (stryCov_9fa48("669", "670", "671"), (stryMutAct_9fa48("673") ? o.host !== h.name : stryMutAct_9fa48("672") ? true : (stryCov_9fa48("672", "673"), o.host === h.name)) && overlapsRange(o, piece)))))))))) {
                  if (stryMutAct_9fa48("674")) {
                    {}
                  } else {
                    stryCov_9fa48("674");
                    recorded.push(stryMutAct_9fa48("675") ? {} : (stryCov_9fa48("675"), {
                      space: space.key,
                      ...piece,
                      state: stryMutAct_9fa48("676") ? "" : (stryCov_9fa48("676"), 'claimed'),
                      host: h.name
                    }));
                    reason(h.name, blockKey(space.key, piece.first), stryMutAct_9fa48("677") ? "" : (stryCov_9fa48("677"), 'recorded the old way (one block per host): the piece around its endpoints is kept'));
                  }
                }
              }
            }
          }
        }
        for (const l of parseLent(ids)) if (stryMutAct_9fa48("680") ? l.tenant === network.tenant || l.network === network.name : stryMutAct_9fa48("679") ? false : stryMutAct_9fa48("678") ? true : (stryCov_9fa48("678", "679", "680"), (stryMutAct_9fa48("682") ? l.tenant !== network.tenant : stryMutAct_9fa48("681") ? true : (stryCov_9fa48("681", "682"), l.tenant === network.tenant)) && (stryMutAct_9fa48("684") ? l.network !== network.name : stryMutAct_9fa48("683") ? true : (stryCov_9fa48("683", "684"), l.network === network.name)))) lent.push(stryMutAct_9fa48("685") ? {} : (stryCov_9fa48("685"), {
          owner: h.name,
          address: l.address,
          to: l.to
        }));
      }
    }
    for (const ips_ of hosts.map(stryMutAct_9fa48("686") ? () => undefined : (stryCov_9fa48("686"), h => ips(h.name)))) for (const ip of ips_) occupied.push(stryMutAct_9fa48("687") ? {} : (stryCov_9fa48("687"), {
      first: ip,
      last: ip
    }));

    // Claimed blocks: greedily kept by endpoints inside, then host name; an overlap loses.
    const inside = stryMutAct_9fa48("688") ? () => undefined : (stryCov_9fa48("688"), (() => {
      const inside = (b: Owned) => stryMutAct_9fa48("689") ? ips(b.host).length : (stryCov_9fa48("689"), ips(b.host).filter(stryMutAct_9fa48("690") ? () => undefined : (stryCov_9fa48("690"), ip => stryMutAct_9fa48("693") ? ip >= b.first || ip <= b.last : stryMutAct_9fa48("692") ? false : stryMutAct_9fa48("691") ? true : (stryCov_9fa48("691", "692", "693"), (stryMutAct_9fa48("696") ? ip < b.first : stryMutAct_9fa48("695") ? ip > b.first : stryMutAct_9fa48("694") ? true : (stryCov_9fa48("694", "695", "696"), ip >= b.first)) && (stryMutAct_9fa48("699") ? ip > b.last : stryMutAct_9fa48("698") ? ip < b.last : stryMutAct_9fa48("697") ? true : (stryCov_9fa48("697", "698", "699"), ip <= b.last))))).length);
      return inside;
    })());
    const kept: Owned[] = stryMutAct_9fa48("700") ? ["Stryker was here"] : (stryCov_9fa48("700"), []);
    const claimed = stryMutAct_9fa48("702") ? recorded.sort((a, b) => inside(b) - inside(a) || (a.host < b.host ? -1 : a.host > b.host ? 1 : a.first - b.first)) : stryMutAct_9fa48("701") ? recorded.filter(b => b.state === 'claimed') : (stryCov_9fa48("701", "702"), recorded.filter(stryMutAct_9fa48("703") ? () => undefined : (stryCov_9fa48("703"), b => stryMutAct_9fa48("706") ? b.state !== 'claimed' : stryMutAct_9fa48("705") ? false : stryMutAct_9fa48("704") ? true : (stryCov_9fa48("704", "705", "706"), b.state === (stryMutAct_9fa48("707") ? "" : (stryCov_9fa48("707"), 'claimed'))))).sort(stryMutAct_9fa48("708") ? () => undefined : (stryCov_9fa48("708"), (a, b) => stryMutAct_9fa48("711") ? inside(b) - inside(a) && (a.host < b.host ? -1 : a.host > b.host ? 1 : a.first - b.first) : stryMutAct_9fa48("710") ? false : stryMutAct_9fa48("709") ? true : (stryCov_9fa48("709", "710", "711"), (stryMutAct_9fa48("712") ? inside(b) + inside(a) : (stryCov_9fa48("712"), inside(b) - inside(a))) || ((stryMutAct_9fa48("716") ? a.host >= b.host : stryMutAct_9fa48("715") ? a.host <= b.host : stryMutAct_9fa48("714") ? false : stryMutAct_9fa48("713") ? true : (stryCov_9fa48("713", "714", "715", "716"), a.host < b.host)) ? stryMutAct_9fa48("717") ? +1 : (stryCov_9fa48("717"), -1) : (stryMutAct_9fa48("721") ? a.host <= b.host : stryMutAct_9fa48("720") ? a.host >= b.host : stryMutAct_9fa48("719") ? false : stryMutAct_9fa48("718") ? true : (stryCov_9fa48("718", "719", "720", "721"), a.host > b.host)) ? 1 : stryMutAct_9fa48("722") ? a.first + b.first : (stryCov_9fa48("722"), a.first - b.first))))));
    for (const b of claimed) {
      if (stryMutAct_9fa48("723")) {
        {}
      } else {
        stryCov_9fa48("723");
        const rival = kept.find(stryMutAct_9fa48("724") ? () => undefined : (stryCov_9fa48("724"), k => stryMutAct_9fa48("727") ? k.host !== b.host || overlapsRange(k, b) : stryMutAct_9fa48("726") ? false : stryMutAct_9fa48("725") ? true : (stryCov_9fa48("725", "726", "727"), (stryMutAct_9fa48("729") ? k.host === b.host : stryMutAct_9fa48("728") ? true : (stryCov_9fa48("728", "729"), k.host !== b.host)) && overlapsRange(k, b))));
        if (stryMutAct_9fa48("732") ? false : stryMutAct_9fa48("731") ? true : stryMutAct_9fa48("730") ? rival : (stryCov_9fa48("730", "731", "732"), !rival)) {
          if (stryMutAct_9fa48("733")) {
            {}
          } else {
            stryCov_9fa48("733");
            kept.push(b);
            continue;
          }
        }
        reason(b.host, blockKey(b.space, b.first), stryMutAct_9fa48("734") ? `` : (stryCov_9fa48("734"), `overlaps ${rival.host}'s block ${rangeText(rival)}: ${rival.host} keeps it`));
        if (stryMutAct_9fa48("738") ? inside(b) <= 0 : stryMutAct_9fa48("737") ? inside(b) >= 0 : stryMutAct_9fa48("736") ? false : stryMutAct_9fa48("735") ? true : (stryCov_9fa48("735", "736", "737", "738"), inside(b) > 0)) {
          if (stryMutAct_9fa48("739")) {
            {}
          } else {
            stryCov_9fa48("739");
            out.diagnostics.push(stryMutAct_9fa48("740") ? {} : (stryCov_9fa48("740"), {
              ...warning(stryMutAct_9fa48("741") ? "" : (stryCov_9fa48("741"), 'block-overlap'), stryMutAct_9fa48("742") ? `` : (stryCov_9fa48("742"), `${b.host} and ${rival.host} both record addresses ${rangeText(stryMutAct_9fa48("743") ? {} : (stryCov_9fa48("743"), {
                first: stryMutAct_9fa48("744") ? Math.min(b.first, rival.first) : (stryCov_9fa48("744"), Math.max(b.first, rival.first)),
                last: stryMutAct_9fa48("745") ? Math.max(b.last, rival.last) : (stryCov_9fa48("745"), Math.min(b.last, rival.last))
              }))} of ${network.tenant}/${network.name}; ${rival.host} keeps them, ${b.host}'s endpoints there stay as addresses lent by ${rival.host}`)),
              address: b.host
            }));
          }
        }
      }
    }
    for (const b of stryMutAct_9fa48("746") ? recorded : (stryCov_9fa48("746"), recorded.filter(stryMutAct_9fa48("747") ? () => undefined : (stryCov_9fa48("747"), x => stryMutAct_9fa48("750") ? x.state !== 'pending' : stryMutAct_9fa48("749") ? false : stryMutAct_9fa48("748") ? true : (stryCov_9fa48("748", "749", "750"), x.state === (stryMutAct_9fa48("751") ? "" : (stryCov_9fa48("751"), 'pending'))))))) {
      if (stryMutAct_9fa48("752")) {
        {}
      } else {
        stryCov_9fa48("752");
        const rival = recorded.find(stryMutAct_9fa48("753") ? () => undefined : (stryCov_9fa48("753"), o => stryMutAct_9fa48("756") ? o !== b && overlapsRange(o, b) || o.host !== b.host || o.state === 'claimed' : stryMutAct_9fa48("755") ? false : stryMutAct_9fa48("754") ? true : (stryCov_9fa48("754", "755", "756"), (stryMutAct_9fa48("758") ? o !== b || overlapsRange(o, b) : stryMutAct_9fa48("757") ? true : (stryCov_9fa48("757", "758"), (stryMutAct_9fa48("760") ? o === b : stryMutAct_9fa48("759") ? true : (stryCov_9fa48("759", "760"), o !== b)) && overlapsRange(o, b))) && (stryMutAct_9fa48("762") ? o.host !== b.host && o.state === 'claimed' : stryMutAct_9fa48("761") ? true : (stryCov_9fa48("761", "762"), (stryMutAct_9fa48("764") ? o.host === b.host : stryMutAct_9fa48("763") ? false : (stryCov_9fa48("763", "764"), o.host !== b.host)) || (stryMutAct_9fa48("766") ? o.state !== 'claimed' : stryMutAct_9fa48("765") ? false : (stryCov_9fa48("765", "766"), o.state === (stryMutAct_9fa48("767") ? "" : (stryCov_9fa48("767"), 'claimed')))))))));
        if (stryMutAct_9fa48("769") ? false : stryMutAct_9fa48("768") ? true : (stryCov_9fa48("768", "769"), rival)) {
          if (stryMutAct_9fa48("770")) {
            {}
          } else {
            stryCov_9fa48("770");
            reason(b.host, blockKey(b.space, b.first), stryMutAct_9fa48("771") ? `` : (stryCov_9fa48("771"), `claim withdrawn: ${rival.host} records ${rangeText(rival)}`));
            continue;
          }
        }
        kept.push(stryMutAct_9fa48("772") ? {} : (stryCov_9fa48("772"), {
          ...b,
          state: stryMutAct_9fa48("773") ? "" : (stryCov_9fa48("773"), 'claimed')
        }));
        reason(b.host, blockKey(b.space, b.first), stryMutAct_9fa48("774") ? "" : (stryCov_9fa48("774"), 'claim confirmed: no other host records it'));
      }
    }
    const ownerOf = stryMutAct_9fa48("775") ? () => undefined : (stryCov_9fa48("775"), (() => {
      const ownerOf = (ip: number) => kept.find(stryMutAct_9fa48("776") ? () => undefined : (stryCov_9fa48("776"), b => stryMutAct_9fa48("779") ? b.first <= ip || ip <= b.last : stryMutAct_9fa48("778") ? false : stryMutAct_9fa48("777") ? true : (stryCov_9fa48("777", "778", "779"), (stryMutAct_9fa48("782") ? b.first > ip : stryMutAct_9fa48("781") ? b.first < ip : stryMutAct_9fa48("780") ? true : (stryCov_9fa48("780", "781", "782"), b.first <= ip)) && (stryMutAct_9fa48("785") ? ip > b.last : stryMutAct_9fa48("784") ? ip < b.last : stryMutAct_9fa48("783") ? true : (stryCov_9fa48("783", "784", "785"), ip <= b.last)))));
      return ownerOf;
    })());
    const lentKept: Array<{
      owner: string;
      address: number;
      to: string;
    }> = stryMutAct_9fa48("786") ? ["Stryker was here"] : (stryCov_9fa48("786"), []);
    for (const l of lent) {
      if (stryMutAct_9fa48("787")) {
        {}
      } else {
        stryCov_9fa48("787");
        const owner = ownerOf(l.address);
        if (stryMutAct_9fa48("790") ? owner?.host === l.owner || ips(l.to).includes(l.address) : stryMutAct_9fa48("789") ? false : stryMutAct_9fa48("788") ? true : (stryCov_9fa48("788", "789", "790"), (stryMutAct_9fa48("792") ? owner?.host !== l.owner : stryMutAct_9fa48("791") ? true : (stryCov_9fa48("791", "792"), (stryMutAct_9fa48("793") ? owner.host : (stryCov_9fa48("793"), owner?.host)) === l.owner)) && ips(l.to).includes(l.address))) lentKept.push(l);else reason(l.owner, lentKey(network.tenant, network.name, l.address), stryMutAct_9fa48("794") ? `` : (stryCov_9fa48("794"), `no endpoint on ${l.to} uses ${intToIp(l.address)} any more`));
      }
    }
    // Endpoints outside their host's blocks: lent by the block's owner, or the piece around them claimed.
    for (const h of hosts) {
      if (stryMutAct_9fa48("795")) {
        {}
      } else {
        stryCov_9fa48("795");
        for (const ip of ips(h.name)) {
          if (stryMutAct_9fa48("796")) {
            {}
          } else {
            stryCov_9fa48("796");
            const owner = ownerOf(ip);
            if (stryMutAct_9fa48("799") ? owner?.host === h.name && lentKept.some(l => l.to === h.name && l.address === ip) : stryMutAct_9fa48("798") ? false : stryMutAct_9fa48("797") ? true : (stryCov_9fa48("797", "798", "799"), (stryMutAct_9fa48("801") ? owner?.host !== h.name : stryMutAct_9fa48("800") ? false : (stryCov_9fa48("800", "801"), (stryMutAct_9fa48("802") ? owner.host : (stryCov_9fa48("802"), owner?.host)) === h.name)) || (stryMutAct_9fa48("803") ? lentKept.every(l => l.to === h.name && l.address === ip) : (stryCov_9fa48("803"), lentKept.some(stryMutAct_9fa48("804") ? () => undefined : (stryCov_9fa48("804"), l => stryMutAct_9fa48("807") ? l.to === h.name || l.address === ip : stryMutAct_9fa48("806") ? false : stryMutAct_9fa48("805") ? true : (stryCov_9fa48("805", "806", "807"), (stryMutAct_9fa48("809") ? l.to !== h.name : stryMutAct_9fa48("808") ? true : (stryCov_9fa48("808", "809"), l.to === h.name)) && (stryMutAct_9fa48("811") ? l.address !== ip : stryMutAct_9fa48("810") ? true : (stryCov_9fa48("810", "811"), l.address === ip))))))))) continue;
            if (stryMutAct_9fa48("813") ? false : stryMutAct_9fa48("812") ? true : (stryCov_9fa48("812", "813"), owner)) {
              if (stryMutAct_9fa48("814")) {
                {}
              } else {
                stryCov_9fa48("814");
                lentKept.push(stryMutAct_9fa48("815") ? {} : (stryCov_9fa48("815"), {
                  owner: owner.host,
                  address: ip,
                  to: h.name
                }));
                reason(owner.host, lentKey(network.tenant, network.name, ip), stryMutAct_9fa48("816") ? `` : (stryCov_9fa48("816"), `its endpoint on ${h.name} uses ${intToIp(ip)}, inside this host's block`));
                continue;
              }
            }
            const space = spaceOfAddress(spaces, ip);
            const piece = stryMutAct_9fa48("819") ? space || chooseBlock(space, occupied.filter(r => !(r.first === ip && r.last === ip)), ip) : stryMutAct_9fa48("818") ? false : stryMutAct_9fa48("817") ? true : (stryCov_9fa48("817", "818", "819"), space && chooseBlock(space, stryMutAct_9fa48("820") ? occupied : (stryCov_9fa48("820"), occupied.filter(stryMutAct_9fa48("821") ? () => undefined : (stryCov_9fa48("821"), r => stryMutAct_9fa48("822") ? r.first === ip && r.last === ip : (stryCov_9fa48("822"), !(stryMutAct_9fa48("825") ? r.first === ip || r.last === ip : stryMutAct_9fa48("824") ? false : stryMutAct_9fa48("823") ? true : (stryCov_9fa48("823", "824", "825"), (stryMutAct_9fa48("827") ? r.first !== ip : stryMutAct_9fa48("826") ? true : (stryCov_9fa48("826", "827"), r.first === ip)) && (stryMutAct_9fa48("829") ? r.last !== ip : stryMutAct_9fa48("828") ? true : (stryCov_9fa48("828", "829"), r.last === ip)))))))), ip));
            if (stryMutAct_9fa48("832") ? !space && !piece : stryMutAct_9fa48("831") ? false : stryMutAct_9fa48("830") ? true : (stryCov_9fa48("830", "831", "832"), (stryMutAct_9fa48("833") ? space : (stryCov_9fa48("833"), !space)) || (stryMutAct_9fa48("834") ? piece : (stryCov_9fa48("834"), !piece)))) continue;
            kept.push(stryMutAct_9fa48("835") ? {} : (stryCov_9fa48("835"), {
              space: space.key,
              ...piece,
              state: stryMutAct_9fa48("836") ? "" : (stryCov_9fa48("836"), 'pending'),
              host: h.name
            }));
            occupied.push(piece);
            reason(h.name, blockKey(space.key, piece.first), stryMutAct_9fa48("837") ? `` : (stryCov_9fa48("837"), `claimed around ${intToIp(ip)}, which an endpoint here uses outside any block`));
          }
        }
      }
    }

    // Addresses run short in a space when less than a chunk of it is left that nobody holds.
    const short = new Set(stryMutAct_9fa48("838") ? spaces.map(s => s.key) : (stryCov_9fa48("838"), spaces.filter(stryMutAct_9fa48("839") ? () => undefined : (stryCov_9fa48("839"), s => stryMutAct_9fa48("843") ? unoccupied(s, occupied) >= s.chunk : stryMutAct_9fa48("842") ? unoccupied(s, occupied) <= s.chunk : stryMutAct_9fa48("841") ? false : stryMutAct_9fa48("840") ? true : (stryCov_9fa48("840", "841", "842", "843"), unoccupied(s, occupied) < s.chunk))).map(stryMutAct_9fa48("844") ? () => undefined : (stryCov_9fa48("844"), s => s.key))));
    for (const h of hosts) {
      if (stryMutAct_9fa48("845")) {
        {}
      } else {
        stryCov_9fa48("845");
        const lentHere = stryMutAct_9fa48("846") ? lentKept.map(l => l.address) : (stryCov_9fa48("846"), lentKept.filter(stryMutAct_9fa48("847") ? () => undefined : (stryCov_9fa48("847"), l => stryMutAct_9fa48("850") ? l.owner !== h.name : stryMutAct_9fa48("849") ? false : stryMutAct_9fa48("848") ? true : (stryCov_9fa48("848", "849", "850"), l.owner === h.name))).map(stryMutAct_9fa48("851") ? () => undefined : (stryCov_9fa48("851"), l => l.address)));
        const usedHere = stryMutAct_9fa48("852") ? [] : (stryCov_9fa48("852"), [...ips(h.name), ...lentHere]);
        for (const space of spaces) {
          if (stryMutAct_9fa48("853")) {
            {}
          } else {
            stryCov_9fa48("853");
            let mine = stryMutAct_9fa48("855") ? kept.sort((a, b) => a.first - b.first) : stryMutAct_9fa48("854") ? kept.filter(b => b.host === h.name && b.space === space.key) : (stryCov_9fa48("854", "855"), kept.filter(stryMutAct_9fa48("856") ? () => undefined : (stryCov_9fa48("856"), b => stryMutAct_9fa48("859") ? b.host === h.name || b.space === space.key : stryMutAct_9fa48("858") ? false : stryMutAct_9fa48("857") ? true : (stryCov_9fa48("857", "858", "859"), (stryMutAct_9fa48("861") ? b.host !== h.name : stryMutAct_9fa48("860") ? true : (stryCov_9fa48("860", "861"), b.host === h.name)) && (stryMutAct_9fa48("863") ? b.space !== space.key : stryMutAct_9fa48("862") ? true : (stryCov_9fa48("862", "863"), b.space === space.key))))).sort(stryMutAct_9fa48("864") ? () => undefined : (stryCov_9fa48("864"), (a, b) => stryMutAct_9fa48("865") ? a.first + b.first : (stryCov_9fa48("865"), a.first - b.first))));
            const usedIn = stryMutAct_9fa48("866") ? () => undefined : (stryCov_9fa48("866"), (() => {
              const usedIn = (b: IntRange) => stryMutAct_9fa48("867") ? usedHere.length : (stryCov_9fa48("867"), usedHere.filter(stryMutAct_9fa48("868") ? () => undefined : (stryCov_9fa48("868"), ip => stryMutAct_9fa48("871") ? ip >= b.first || ip <= b.last : stryMutAct_9fa48("870") ? false : stryMutAct_9fa48("869") ? true : (stryCov_9fa48("869", "870", "871"), (stryMutAct_9fa48("874") ? ip < b.first : stryMutAct_9fa48("873") ? ip > b.first : stryMutAct_9fa48("872") ? true : (stryCov_9fa48("872", "873", "874"), ip >= b.first)) && (stryMutAct_9fa48("877") ? ip > b.last : stryMutAct_9fa48("876") ? ip < b.last : stryMutAct_9fa48("875") ? true : (stryCov_9fa48("875", "876", "877"), ip <= b.last))))).length);
              return usedIn;
            })());
            const freeOf = stryMutAct_9fa48("878") ? () => undefined : (stryCov_9fa48("878"), (() => {
              const freeOf = (bs: readonly IntRange[]) => bs.reduce(stryMutAct_9fa48("879") ? () => undefined : (stryCov_9fa48("879"), (n, b) => stryMutAct_9fa48("880") ? n + b.last - b.first + 1 + usedIn(b) : (stryCov_9fa48("880"), (stryMutAct_9fa48("881") ? n + b.last - b.first - 1 : (stryCov_9fa48("881"), (stryMutAct_9fa48("882") ? n + b.last + b.first : (stryCov_9fa48("882"), (stryMutAct_9fa48("883") ? n - b.last : (stryCov_9fa48("883"), n + b.last)) - b.first)) + 1)) - usedIn(b))), 0);
              return freeOf;
            })());
            const reserve = (stryMutAct_9fa48("887") ? h.runtimes.length <= 0 : stryMutAct_9fa48("886") ? h.runtimes.length >= 0 : stryMutAct_9fa48("885") ? false : stryMutAct_9fa48("884") ? true : (stryCov_9fa48("884", "885", "886", "887"), h.runtimes.length > 0)) ? lowWater(space) : 0;
            // Addresses run short: release empty blocks, the highest first, while the host keeps its reserve.
            if (stryMutAct_9fa48("889") ? false : stryMutAct_9fa48("888") ? true : (stryCov_9fa48("888", "889"), short.has(space.key))) {
              if (stryMutAct_9fa48("890")) {
                {}
              } else {
                stryCov_9fa48("890");
                for (const b of stryMutAct_9fa48("891") ? [...mine] : (stryCov_9fa48("891"), (stryMutAct_9fa48("892") ? [] : (stryCov_9fa48("892"), [...mine])).reverse())) {
                  if (stryMutAct_9fa48("893")) {
                    {}
                  } else {
                    stryCov_9fa48("893");
                    if (stryMutAct_9fa48("896") ? usedIn(b) > 0 && freeOf(mine) - (b.last - b.first + 1) < reserve : stryMutAct_9fa48("895") ? false : stryMutAct_9fa48("894") ? true : (stryCov_9fa48("894", "895", "896"), (stryMutAct_9fa48("899") ? usedIn(b) <= 0 : stryMutAct_9fa48("898") ? usedIn(b) >= 0 : stryMutAct_9fa48("897") ? false : (stryCov_9fa48("897", "898", "899"), usedIn(b) > 0)) || (stryMutAct_9fa48("902") ? freeOf(mine) - (b.last - b.first + 1) >= reserve : stryMutAct_9fa48("901") ? freeOf(mine) - (b.last - b.first + 1) <= reserve : stryMutAct_9fa48("900") ? false : (stryCov_9fa48("900", "901", "902"), (stryMutAct_9fa48("903") ? freeOf(mine) + (b.last - b.first + 1) : (stryCov_9fa48("903"), freeOf(mine) - (stryMutAct_9fa48("904") ? b.last - b.first - 1 : (stryCov_9fa48("904"), (stryMutAct_9fa48("905") ? b.last + b.first : (stryCov_9fa48("905"), b.last - b.first)) + 1)))) < reserve)))) continue;
                    mine = stryMutAct_9fa48("906") ? mine : (stryCov_9fa48("906"), mine.filter(stryMutAct_9fa48("907") ? () => undefined : (stryCov_9fa48("907"), x => stryMutAct_9fa48("910") ? x === b : stryMutAct_9fa48("909") ? false : stryMutAct_9fa48("908") ? true : (stryCov_9fa48("908", "909", "910"), x !== b))));
                    reason(h.name, blockKey(b.space, b.first), stryMutAct_9fa48("911") ? `` : (stryCov_9fa48("911"), `no endpoint left, and ${space.key} runs short of unclaimed addresses${reserve ? stryMutAct_9fa48("912") ? `` : (stryCov_9fa48("912"), `; the host keeps ${reserve} or more free without it`) : stryMutAct_9fa48("913") ? "Stryker was here!" : (stryCov_9fa48("913"), '')}`));
                  }
                }
              }
            }
            if (stryMutAct_9fa48("916") ? reserve > 0 || freeOf(mine) < reserve : stryMutAct_9fa48("915") ? false : stryMutAct_9fa48("914") ? true : (stryCov_9fa48("914", "915", "916"), (stryMutAct_9fa48("919") ? reserve <= 0 : stryMutAct_9fa48("918") ? reserve >= 0 : stryMutAct_9fa48("917") ? true : (stryCov_9fa48("917", "918", "919"), reserve > 0)) && (stryMutAct_9fa48("922") ? freeOf(mine) >= reserve : stryMutAct_9fa48("921") ? freeOf(mine) <= reserve : stryMutAct_9fa48("920") ? true : (stryCov_9fa48("920", "921", "922"), freeOf(mine) < reserve)))) {
              if (stryMutAct_9fa48("923")) {
                {}
              } else {
                stryCov_9fa48("923");
                const piece = chooseBlock(space, occupied);
                if (stryMutAct_9fa48("925") ? false : stryMutAct_9fa48("924") ? true : (stryCov_9fa48("924", "925"), piece)) {
                  if (stryMutAct_9fa48("926")) {
                    {}
                  } else {
                    stryCov_9fa48("926");
                    mine.push(stryMutAct_9fa48("927") ? {} : (stryCov_9fa48("927"), {
                      space: space.key,
                      ...piece,
                      state: stryMutAct_9fa48("928") ? "" : (stryCov_9fa48("928"), 'pending'),
                      host: h.name
                    }));
                    occupied.push(piece);
                    const before = stryMutAct_9fa48("929") ? freeOf(mine) + (piece.last - piece.first + 1) : (stryCov_9fa48("929"), freeOf(mine) - (stryMutAct_9fa48("930") ? piece.last - piece.first - 1 : (stryCov_9fa48("930"), (stryMutAct_9fa48("931") ? piece.last + piece.first : (stryCov_9fa48("931"), piece.last - piece.first)) + 1)));
                    reason(h.name, blockKey(space.key, piece.first), stryMutAct_9fa48("932") ? `` : (stryCov_9fa48("932"), `reserve for containers from ${h.runtimes.join(stryMutAct_9fa48("933") ? "" : (stryCov_9fa48("933"), ', '))}: ${(stryMutAct_9fa48("936") ? before !== 0 : stryMutAct_9fa48("935") ? false : stryMutAct_9fa48("934") ? true : (stryCov_9fa48("934", "935", "936"), before === 0)) ? stryMutAct_9fa48("937") ? "" : (stryCov_9fa48("937"), 'no address free') : stryMutAct_9fa48("938") ? `` : (stryCov_9fa48("938"), `${before} free, fewer than ${reserve}`)}`));
                  }
                } else {
                  if (stryMutAct_9fa48("939")) {
                    {}
                  } else {
                    stryCov_9fa48("939");
                    out.diagnostics.push(stryMutAct_9fa48("940") ? {} : (stryCov_9fa48("940"), {
                      ...warning(stryMutAct_9fa48("941") ? "" : (stryCov_9fa48("941"), 'address-reserve-unavailable'), stryMutAct_9fa48("942") ? `` : (stryCov_9fa48("942"), `${h.name} runs containers from ${h.runtimes.join(stryMutAct_9fa48("943") ? "" : (stryCov_9fa48("943"), ', '))} but has ${freeOf(mine)} free address(es) in ${space.key} and no free block is left to claim`), undefined, stryMutAct_9fa48("944") ? "" : (stryCov_9fa48("944"), 'free addresses (detach endpoints; empty blocks are released by apply), set a smaller spec.ipam.blockSize, or widen the subnet or ipPool')),
                      address: h.name
                    }));
                  }
                }
              }
            }
            for (const b of mine) out.records[h.name]![blockKey(b.space, b.first)] = blockValue(b);
            if (stryMutAct_9fa48("946") ? false : stryMutAct_9fa48("945") ? true : (stryCov_9fa48("945", "946"), mine.length)) {
              if (stryMutAct_9fa48("947")) {
                {}
              } else {
                stryCov_9fa48("947");
                const size = mine.reduce(stryMutAct_9fa48("948") ? () => undefined : (stryCov_9fa48("948"), (n, b) => stryMutAct_9fa48("949") ? n + b.last - b.first - 1 : (stryCov_9fa48("949"), (stryMutAct_9fa48("950") ? n + b.last + b.first : (stryCov_9fa48("950"), (stryMutAct_9fa48("951") ? n - b.last : (stryCov_9fa48("951"), n + b.last)) - b.first)) + 1)), 0);
                const free = freeOf(mine);
                out.use.push(stryMutAct_9fa48("952") ? {} : (stryCov_9fa48("952"), {
                  host: h.name,
                  space: space.key,
                  blocks: mine.length,
                  size,
                  used: stryMutAct_9fa48("953") ? size + free : (stryCov_9fa48("953"), size - free),
                  free,
                  low: stryMutAct_9fa48("956") ? free < lowWater(space) || short.has(space.key) : stryMutAct_9fa48("955") ? false : stryMutAct_9fa48("954") ? true : (stryCov_9fa48("954", "955", "956"), (stryMutAct_9fa48("959") ? free >= lowWater(space) : stryMutAct_9fa48("958") ? free <= lowWater(space) : stryMutAct_9fa48("957") ? true : (stryCov_9fa48("957", "958", "959"), free < lowWater(space))) && short.has(space.key))
                }));
              }
            }
          }
        }
        for (const l of stryMutAct_9fa48("960") ? lentKept : (stryCov_9fa48("960"), lentKept.filter(stryMutAct_9fa48("961") ? () => undefined : (stryCov_9fa48("961"), x => stryMutAct_9fa48("964") ? x.owner !== h.name : stryMutAct_9fa48("963") ? false : stryMutAct_9fa48("962") ? true : (stryCov_9fa48("962", "963", "964"), x.owner === h.name))))) out.records[h.name]![lentKey(network.tenant, network.name, l.address)] = l.to;
      }
    }
  }
}