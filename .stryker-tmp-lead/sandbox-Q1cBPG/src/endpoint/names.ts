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
import { createHash } from 'node:crypto';
import { DEFAULT_IFNAME } from '../state/endpoint.js';

/*
 * Names an endpoint's request may carry and the names contiv gives its devices. Every value
 * here reaches a root shell on a host, so each is checked against a strict pattern first.
 */

const NETNS_NAME = stryMutAct_9fa48("4") ? /^[A-Za-z0-9][^A-Za-z0-9_.-]{0,62}$/ : stryMutAct_9fa48("3") ? /^[A-Za-z0-9][A-Za-z0-9_.-]$/ : stryMutAct_9fa48("2") ? /^[^A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/ : stryMutAct_9fa48("1") ? /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}/ : stryMutAct_9fa48("0") ? /[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/ : (stryCov_9fa48("0", "1", "2", "3", "4"), /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/);
/** An absolute path without `..`, blanks or shell syntax (a runtime's /proc/PID/ns/net, /run/docker/netns/ID …). */
const NETNS_PATH = stryMutAct_9fa48("9") ? /^(\/[^A-Za-z0-9_.-]+){1,16}$/ : stryMutAct_9fa48("8") ? /^(\/[A-Za-z0-9_.-]){1,16}$/ : stryMutAct_9fa48("7") ? /^(\/[A-Za-z0-9_.-]+)$/ : stryMutAct_9fa48("6") ? /^(\/[A-Za-z0-9_.-]+){1,16}/ : stryMutAct_9fa48("5") ? /(\/[A-Za-z0-9_.-]+){1,16}$/ : (stryCov_9fa48("5", "6", "7", "8", "9"), /^(\/[A-Za-z0-9_.-]+){1,16}$/);
const IFNAME = stryMutAct_9fa48("14") ? /^[A-Za-z0-9][^A-Za-z0-9_.-]{0,14}$/ : stryMutAct_9fa48("13") ? /^[A-Za-z0-9][A-Za-z0-9_.-]$/ : stryMutAct_9fa48("12") ? /^[^A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/ : stryMutAct_9fa48("11") ? /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}/ : stryMutAct_9fa48("10") ? /[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/ : (stryCov_9fa48("10", "11", "12", "13", "14"), /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/);

/**
 * A network namespace as the user or a runtime names it: a name under /run/netns, or a path.
 * Paths under /run/netns (and /var/run/netns) become the name, so one namespace has one
 * spelling. Undefined when it is neither.
 */
export function normalizeNetns(text: string): string | undefined {
  if (stryMutAct_9fa48("15")) {
    {}
  } else {
    stryCov_9fa48("15");
    const named = (stryMutAct_9fa48("20") ? /^(?:\/var)?\/run\/netns\/([/]+)$/ : stryMutAct_9fa48("19") ? /^(?:\/var)?\/run\/netns\/([^/])$/ : stryMutAct_9fa48("18") ? /^(?:\/var)\/run\/netns\/([^/]+)$/ : stryMutAct_9fa48("17") ? /^(?:\/var)?\/run\/netns\/([^/]+)/ : stryMutAct_9fa48("16") ? /(?:\/var)?\/run\/netns\/([^/]+)$/ : (stryCov_9fa48("16", "17", "18", "19", "20"), /^(?:\/var)?\/run\/netns\/([^/]+)$/)).exec(text);
    const candidate = named ? named[1]! : text;
    if (stryMutAct_9fa48("23") ? NETNS_NAME.test(candidate) && candidate !== '.' || candidate !== '..' : stryMutAct_9fa48("22") ? false : stryMutAct_9fa48("21") ? true : (stryCov_9fa48("21", "22", "23"), (stryMutAct_9fa48("25") ? NETNS_NAME.test(candidate) || candidate !== '.' : stryMutAct_9fa48("24") ? true : (stryCov_9fa48("24", "25"), NETNS_NAME.test(candidate) && (stryMutAct_9fa48("27") ? candidate === '.' : stryMutAct_9fa48("26") ? true : (stryCov_9fa48("26", "27"), candidate !== (stryMutAct_9fa48("28") ? "" : (stryCov_9fa48("28"), '.')))))) && (stryMutAct_9fa48("30") ? candidate === '..' : stryMutAct_9fa48("29") ? true : (stryCov_9fa48("29", "30"), candidate !== (stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), '..')))))) return candidate;
    if (stryMutAct_9fa48("34") ? NETNS_PATH.test(text) || !text.split('/').some(p => p === '..' || p === '.') : stryMutAct_9fa48("33") ? false : stryMutAct_9fa48("32") ? true : (stryCov_9fa48("32", "33", "34"), NETNS_PATH.test(text) && (stryMutAct_9fa48("35") ? text.split('/').some(p => p === '..' || p === '.') : (stryCov_9fa48("35"), !(stryMutAct_9fa48("36") ? text.split('/').every(p => p === '..' || p === '.') : (stryCov_9fa48("36"), text.split(stryMutAct_9fa48("37") ? "" : (stryCov_9fa48("37"), '/')).some(stryMutAct_9fa48("38") ? () => undefined : (stryCov_9fa48("38"), p => stryMutAct_9fa48("41") ? p === '..' && p === '.' : stryMutAct_9fa48("40") ? false : stryMutAct_9fa48("39") ? true : (stryCov_9fa48("39", "40", "41"), (stryMutAct_9fa48("43") ? p !== '..' : stryMutAct_9fa48("42") ? false : (stryCov_9fa48("42", "43"), p === (stryMutAct_9fa48("44") ? "" : (stryCov_9fa48("44"), '..')))) || (stryMutAct_9fa48("46") ? p !== '.' : stryMutAct_9fa48("45") ? false : (stryCov_9fa48("45", "46"), p === (stryMutAct_9fa48("47") ? "" : (stryCov_9fa48("47"), '.'))))))))))))) return text;
    return undefined;
  }
}

/** Where a namespace is on the host. */
export function netnsPath(netns: string): string {
  if (stryMutAct_9fa48("48")) {
    {}
  } else {
    stryCov_9fa48("48");
    return (stryMutAct_9fa48("49") ? netns.endsWith('/') : (stryCov_9fa48("49"), netns.startsWith(stryMutAct_9fa48("50") ? "" : (stryCov_9fa48("50"), '/')))) ? netns : stryMutAct_9fa48("51") ? `` : (stryCov_9fa48("51"), `/run/netns/${netns}`);
  }
}
export function isValidIfname(name: string): boolean {
  if (stryMutAct_9fa48("52")) {
    {}
  } else {
    stryCov_9fa48("52");
    return stryMutAct_9fa48("55") ? IFNAME.test(name) && name !== '.' || name !== '..' : stryMutAct_9fa48("54") ? false : stryMutAct_9fa48("53") ? true : (stryCov_9fa48("53", "54", "55"), (stryMutAct_9fa48("57") ? IFNAME.test(name) || name !== '.' : stryMutAct_9fa48("56") ? true : (stryCov_9fa48("56", "57"), IFNAME.test(name) && (stryMutAct_9fa48("59") ? name === '.' : stryMutAct_9fa48("58") ? true : (stryCov_9fa48("58", "59"), name !== (stryMutAct_9fa48("60") ? "" : (stryCov_9fa48("60"), '.')))))) && (stryMutAct_9fa48("62") ? name === '..' : stryMutAct_9fa48("61") ? true : (stryCov_9fa48("61", "62"), name !== (stryMutAct_9fa48("63") ? "" : (stryCov_9fa48("63"), '..')))));
  }
}

/** A stable, locally administered MAC for an address of a network (unique per tenant and network). */
export function endpointMac(tenant: string, network: string, ip: string): string {
  if (stryMutAct_9fa48("64")) {
    {}
  } else {
    stryCov_9fa48("64");
    const h = createHash(stryMutAct_9fa48("65") ? "" : (stryCov_9fa48("65"), 'sha256')).update(stryMutAct_9fa48("66") ? `` : (stryCov_9fa48("66"), `${tenant}/${network}/${ip}`)).digest();
    return (stryMutAct_9fa48("67") ? [] : (stryCov_9fa48("67"), [stryMutAct_9fa48("68") ? "" : (stryCov_9fa48("68"), '02'), ...(stryMutAct_9fa48("69") ? [] : (stryCov_9fa48("69"), [...h.subarray(0, 5)])).map(stryMutAct_9fa48("70") ? () => undefined : (stryCov_9fa48("70"), b => b.toString(16).padStart(2, stryMutAct_9fa48("71") ? "" : (stryCov_9fa48("71"), '0'))))])).join(stryMutAct_9fa48("72") ? "" : (stryCov_9fa48("72"), ':'));
  }
}

/**
 * The OVS port (host side of the veth) of an endpoint: `cv` and 12 hex digits, so it fits
 * Linux's 15 characters. eth0 keeps the name endpoints had before --ifname existed.
 */
export function endpointPortName(host: string, netns: string, ifname: string = DEFAULT_IFNAME): string {
  if (stryMutAct_9fa48("73")) {
    {}
  } else {
    stryCov_9fa48("73");
    const id = (stryMutAct_9fa48("76") ? ifname !== DEFAULT_IFNAME : stryMutAct_9fa48("75") ? false : stryMutAct_9fa48("74") ? true : (stryCov_9fa48("74", "75", "76"), ifname === DEFAULT_IFNAME)) ? stryMutAct_9fa48("77") ? `` : (stryCov_9fa48("77"), `${host}/${netns}`) : stryMutAct_9fa48("78") ? `` : (stryCov_9fa48("78"), `${host}/${netns}#${ifname}`);
    return stryMutAct_9fa48("79") ? `` : (stryCov_9fa48("79"), `cv${stryMutAct_9fa48("80") ? createHash('sha256').update(id).digest('hex') : (stryCov_9fa48("80"), createHash(stryMutAct_9fa48("81") ? "" : (stryCov_9fa48("81"), 'sha256')).update(id).digest(stryMutAct_9fa48("82") ? "" : (stryCov_9fa48("82"), 'hex')).slice(0, 12))}`);
  }
}