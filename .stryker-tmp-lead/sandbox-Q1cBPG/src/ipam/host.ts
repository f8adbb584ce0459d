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
import { ipToInt } from '../manifest/ipv4.js';
import type { Endpoint } from '../state/endpoint.js';
import { parseBlocks, parseLent, type Block } from './records.js';

/*
 * One host's addresses, from its own records alone: what the host-local endpoint path and
 * `contiv show` need (no manifests, no other host).
 */

/** Addresses of a network this host must not hand out: its endpoints' and the ones it lent. */
export function takenAddresses(externalIds: Record<string, string>, endpoints: readonly Endpoint[], tenant: string, network: string): Set<number> {
  if (stryMutAct_9fa48("965")) {
    {}
  } else {
    stryCov_9fa48("965");
    const taken = new Set<number>();
    for (const e of endpoints) if (stryMutAct_9fa48("968") ? e.tenant === tenant || e.network === network : stryMutAct_9fa48("967") ? false : stryMutAct_9fa48("966") ? true : (stryCov_9fa48("966", "967", "968"), (stryMutAct_9fa48("970") ? e.tenant !== tenant : stryMutAct_9fa48("969") ? true : (stryCov_9fa48("969", "970"), e.tenant === tenant)) && (stryMutAct_9fa48("972") ? e.network !== network : stryMutAct_9fa48("971") ? true : (stryCov_9fa48("971", "972"), e.network === network)))) taken.add(ipToInt(e.ip));
    for (const l of parseLent(externalIds)) if (stryMutAct_9fa48("975") ? l.tenant === tenant || l.network === network : stryMutAct_9fa48("974") ? false : stryMutAct_9fa48("973") ? true : (stryCov_9fa48("973", "974", "975"), (stryMutAct_9fa48("977") ? l.tenant !== tenant : stryMutAct_9fa48("976") ? true : (stryCov_9fa48("976", "977"), l.tenant === tenant)) && (stryMutAct_9fa48("979") ? l.network !== network : stryMutAct_9fa48("978") ? true : (stryCov_9fa48("978", "979"), l.network === network)))) taken.add(l.address);
    return taken;
  }
}

/** The lowest address of the host's confirmed blocks of `space` that is not taken. */
export function freeAddress(externalIds: Record<string, string>, space: string, taken: ReadonlySet<number>): number | undefined {
  if (stryMutAct_9fa48("980")) {
    {}
  } else {
    stryCov_9fa48("980");
    for (const b of parseBlocks(externalIds)) {
      if (stryMutAct_9fa48("981")) {
        {}
      } else {
        stryCov_9fa48("981");
        if (stryMutAct_9fa48("984") ? b.space !== space && b.state !== 'claimed' : stryMutAct_9fa48("983") ? false : stryMutAct_9fa48("982") ? true : (stryCov_9fa48("982", "983", "984"), (stryMutAct_9fa48("986") ? b.space === space : stryMutAct_9fa48("985") ? false : (stryCov_9fa48("985", "986"), b.space !== space)) || (stryMutAct_9fa48("988") ? b.state === 'claimed' : stryMutAct_9fa48("987") ? false : (stryCov_9fa48("987", "988"), b.state !== (stryMutAct_9fa48("989") ? "" : (stryCov_9fa48("989"), 'claimed')))))) continue;
        for (let n = b.first; stryMutAct_9fa48("992") ? n > b.last : stryMutAct_9fa48("991") ? n < b.last : stryMutAct_9fa48("990") ? false : (stryCov_9fa48("990", "991", "992"), n <= b.last); stryMutAct_9fa48("993") ? n-- : (stryCov_9fa48("993"), n++)) if (stryMutAct_9fa48("996") ? false : stryMutAct_9fa48("995") ? true : stryMutAct_9fa48("994") ? taken.has(n) : (stryCov_9fa48("994", "995", "996"), !taken.has(n))) return n;
      }
    }
    return undefined;
  }
}

/** The host's confirmed block holding `address` in `space`, if any. */
export function ownBlockOf(externalIds: Record<string, string>, space: string, address: number): Block | undefined {
  if (stryMutAct_9fa48("997")) {
    {}
  } else {
    stryCov_9fa48("997");
    return parseBlocks(externalIds).find(stryMutAct_9fa48("998") ? () => undefined : (stryCov_9fa48("998"), b => stryMutAct_9fa48("1001") ? b.space === space && b.state === 'claimed' && b.first <= address || address <= b.last : stryMutAct_9fa48("1000") ? false : stryMutAct_9fa48("999") ? true : (stryCov_9fa48("999", "1000", "1001"), (stryMutAct_9fa48("1003") ? b.space === space && b.state === 'claimed' || b.first <= address : stryMutAct_9fa48("1002") ? true : (stryCov_9fa48("1002", "1003"), (stryMutAct_9fa48("1005") ? b.space === space || b.state === 'claimed' : stryMutAct_9fa48("1004") ? true : (stryCov_9fa48("1004", "1005"), (stryMutAct_9fa48("1007") ? b.space !== space : stryMutAct_9fa48("1006") ? true : (stryCov_9fa48("1006", "1007"), b.space === space)) && (stryMutAct_9fa48("1009") ? b.state !== 'claimed' : stryMutAct_9fa48("1008") ? true : (stryCov_9fa48("1008", "1009"), b.state === (stryMutAct_9fa48("1010") ? "" : (stryCov_9fa48("1010"), 'claimed')))))) && (stryMutAct_9fa48("1013") ? b.first > address : stryMutAct_9fa48("1012") ? b.first < address : stryMutAct_9fa48("1011") ? true : (stryCov_9fa48("1011", "1012", "1013"), b.first <= address)))) && (stryMutAct_9fa48("1016") ? address > b.last : stryMutAct_9fa48("1015") ? address < b.last : stryMutAct_9fa48("1014") ? true : (stryCov_9fa48("1014", "1015", "1016"), address <= b.last)))));
  }
}
export interface BlockUse extends Block {
  used: number;
}

/** Each block of the host with how many of its addresses are in use (for `contiv show`). */
export function blockUse(externalIds: Record<string, string>, endpoints: readonly Endpoint[]): BlockUse[] {
  if (stryMutAct_9fa48("1017")) {
    {}
  } else {
    stryCov_9fa48("1017");
    return parseBlocks(externalIds).map(b => {
      if (stryMutAct_9fa48("1018")) {
        {}
      } else {
        stryCov_9fa48("1018");
        const [tenant, network] = b.space.split('/') as [string, string];
        const taken = takenAddresses(externalIds, endpoints, tenant, network);
        let used = 0;
        for (const n of taken) if (stryMutAct_9fa48("1021") ? n >= b.first || n <= b.last : stryMutAct_9fa48("1020") ? false : stryMutAct_9fa48("1019") ? true : (stryCov_9fa48("1019", "1020", "1021"), (stryMutAct_9fa48("1024") ? n < b.first : stryMutAct_9fa48("1023") ? n > b.first : stryMutAct_9fa48("1022") ? true : (stryCov_9fa48("1022", "1023", "1024"), n >= b.first)) && (stryMutAct_9fa48("1027") ? n > b.last : stryMutAct_9fa48("1026") ? n < b.last : stryMutAct_9fa48("1025") ? true : (stryCov_9fa48("1025", "1026", "1027"), n <= b.last)))) stryMutAct_9fa48("1028") ? used-- : (stryCov_9fa48("1028"), used++);
        return stryMutAct_9fa48("1029") ? {} : (stryCov_9fa48("1029"), {
          ...b,
          used
        });
      }
    });
  }
}