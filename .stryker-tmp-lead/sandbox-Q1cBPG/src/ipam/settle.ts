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
import type { IntRange } from '../manifest/ipv4.js';
import { parseBlocks, type Block } from './records.js';

/** `tenant/network` of a space key (blocks of one network must never overlap, whatever their space). */
export function networkOfSpace(space: string): string {
  if (stryMutAct_9fa48("1214")) {
    {}
  } else {
    stryCov_9fa48("1214");
    return stryMutAct_9fa48("1215") ? space.split('/').join('/') : (stryCov_9fa48("1215"), space.split(stryMutAct_9fa48("1216") ? "" : (stryCov_9fa48("1216"), '/')).slice(0, 2).join(stryMutAct_9fa48("1217") ? "" : (stryCov_9fa48("1217"), '/')));
  }
}

/**
 * The claim protocol's decision, for a block `host` recorded as pending, from a read of every
 * host made after that record was written: confirm it when no other host records an
 * overlapping block of the same network, pending or claimed; else withdraw it (the other may
 * withdraw too: both then try again, and never both keep it).
 */
export function settleClaim(host: string, claim: Pick<Block, 'space'> & IntRange, fleet: Record<string, Record<string, string>>): {
  confirm: true;
} | {
  confirm: false;
  rival: string;
} {
  if (stryMutAct_9fa48("1218")) {
    {}
  } else {
    stryCov_9fa48("1218");
    const network = networkOfSpace(claim.space);
    for (const [other, ids] of Object.entries(fleet)) {
      if (stryMutAct_9fa48("1219")) {
        {}
      } else {
        stryCov_9fa48("1219");
        if (stryMutAct_9fa48("1222") ? other !== host : stryMutAct_9fa48("1221") ? false : stryMutAct_9fa48("1220") ? true : (stryCov_9fa48("1220", "1221", "1222"), other === host)) continue;
        const clash = parseBlocks(ids).find(stryMutAct_9fa48("1223") ? () => undefined : (stryCov_9fa48("1223"), b => stryMutAct_9fa48("1226") ? networkOfSpace(b.space) === network && b.first <= claim.last || claim.first <= b.last : stryMutAct_9fa48("1225") ? false : stryMutAct_9fa48("1224") ? true : (stryCov_9fa48("1224", "1225", "1226"), (stryMutAct_9fa48("1228") ? networkOfSpace(b.space) === network || b.first <= claim.last : stryMutAct_9fa48("1227") ? true : (stryCov_9fa48("1227", "1228"), (stryMutAct_9fa48("1230") ? networkOfSpace(b.space) !== network : stryMutAct_9fa48("1229") ? true : (stryCov_9fa48("1229", "1230"), networkOfSpace(b.space) === network)) && (stryMutAct_9fa48("1233") ? b.first > claim.last : stryMutAct_9fa48("1232") ? b.first < claim.last : stryMutAct_9fa48("1231") ? true : (stryCov_9fa48("1231", "1232", "1233"), b.first <= claim.last)))) && (stryMutAct_9fa48("1236") ? claim.first > b.last : stryMutAct_9fa48("1235") ? claim.first < b.last : stryMutAct_9fa48("1234") ? true : (stryCov_9fa48("1234", "1235", "1236"), claim.first <= b.last)))));
        if (stryMutAct_9fa48("1238") ? false : stryMutAct_9fa48("1237") ? true : (stryCov_9fa48("1237", "1238"), clash)) return stryMutAct_9fa48("1239") ? {} : (stryCov_9fa48("1239"), {
          confirm: stryMutAct_9fa48("1240") ? true : (stryCov_9fa48("1240"), false),
          rival: other
        });
      }
    }
    return stryMutAct_9fa48("1241") ? {} : (stryCov_9fa48("1241"), {
      confirm: stryMutAct_9fa48("1242") ? false : (stryCov_9fa48("1242"), true)
    });
  }
}