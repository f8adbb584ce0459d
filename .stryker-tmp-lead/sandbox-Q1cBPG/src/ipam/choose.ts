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
import { chunkOf, intersect, sizeOf, type AddressSpace } from './spaces.js';

/** Sorted, merged copy of `ranges` (touching ranges join). */
export function merge(ranges: readonly IntRange[]): IntRange[] {
  if (stryMutAct_9fa48("407")) {
    {}
  } else {
    stryCov_9fa48("407");
    const sorted = stryMutAct_9fa48("408") ? [...ranges] : (stryCov_9fa48("408"), (stryMutAct_9fa48("409") ? [] : (stryCov_9fa48("409"), [...ranges])).sort(stryMutAct_9fa48("410") ? () => undefined : (stryCov_9fa48("410"), (a, b) => stryMutAct_9fa48("411") ? a.first + b.first : (stryCov_9fa48("411"), a.first - b.first))));
    const out: IntRange[] = stryMutAct_9fa48("412") ? ["Stryker was here"] : (stryCov_9fa48("412"), []);
    for (const r of sorted) {
      if (stryMutAct_9fa48("413")) {
        {}
      } else {
        stryCov_9fa48("413");
        const last = out[stryMutAct_9fa48("414") ? out.length + 1 : (stryCov_9fa48("414"), out.length - 1)];
        if (stryMutAct_9fa48("417") ? last || r.first <= last.last + 1 : stryMutAct_9fa48("416") ? false : stryMutAct_9fa48("415") ? true : (stryCov_9fa48("415", "416", "417"), last && (stryMutAct_9fa48("420") ? r.first > last.last + 1 : stryMutAct_9fa48("419") ? r.first < last.last + 1 : stryMutAct_9fa48("418") ? true : (stryCov_9fa48("418", "419", "420"), r.first <= (stryMutAct_9fa48("421") ? last.last - 1 : (stryCov_9fa48("421"), last.last + 1)))))) last.last = stryMutAct_9fa48("422") ? Math.min(last.last, r.last) : (stryCov_9fa48("422"), Math.max(last.last, r.last));else out.push(stryMutAct_9fa48("423") ? {} : (stryCov_9fa48("423"), {
          ...r
        }));
      }
    }
    return out;
  }
}

/** Sorted disjoint `ranges` less sorted merged `holes`, in one sweep. */
function subtractSorted(ranges: readonly IntRange[], holes: readonly IntRange[]): IntRange[] {
  if (stryMutAct_9fa48("424")) {
    {}
  } else {
    stryCov_9fa48("424");
    const out: IntRange[] = stryMutAct_9fa48("425") ? ["Stryker was here"] : (stryCov_9fa48("425"), []);
    let h = 0;
    for (const r of ranges) {
      if (stryMutAct_9fa48("426")) {
        {}
      } else {
        stryCov_9fa48("426");
        let start = r.first;
        while (stryMutAct_9fa48("428") ? h < holes.length || holes[h]!.last < start : stryMutAct_9fa48("427") ? false : (stryCov_9fa48("427", "428"), (stryMutAct_9fa48("431") ? h >= holes.length : stryMutAct_9fa48("430") ? h <= holes.length : stryMutAct_9fa48("429") ? true : (stryCov_9fa48("429", "430", "431"), h < holes.length)) && (stryMutAct_9fa48("434") ? holes[h]!.last >= start : stryMutAct_9fa48("433") ? holes[h]!.last <= start : stryMutAct_9fa48("432") ? true : (stryCov_9fa48("432", "433", "434"), holes[h]!.last < start)))) stryMutAct_9fa48("435") ? h-- : (stryCov_9fa48("435"), h++);
        let k = h;
        while (stryMutAct_9fa48("437") ? k < holes.length || holes[k]!.first <= r.last : stryMutAct_9fa48("436") ? false : (stryCov_9fa48("436", "437"), (stryMutAct_9fa48("440") ? k >= holes.length : stryMutAct_9fa48("439") ? k <= holes.length : stryMutAct_9fa48("438") ? true : (stryCov_9fa48("438", "439", "440"), k < holes.length)) && (stryMutAct_9fa48("443") ? holes[k]!.first > r.last : stryMutAct_9fa48("442") ? holes[k]!.first < r.last : stryMutAct_9fa48("441") ? true : (stryCov_9fa48("441", "442", "443"), holes[k]!.first <= r.last)))) {
          if (stryMutAct_9fa48("444")) {
            {}
          } else {
            stryCov_9fa48("444");
            if (stryMutAct_9fa48("448") ? holes[k]!.first <= start : stryMutAct_9fa48("447") ? holes[k]!.first >= start : stryMutAct_9fa48("446") ? false : stryMutAct_9fa48("445") ? true : (stryCov_9fa48("445", "446", "447", "448"), holes[k]!.first > start)) out.push(stryMutAct_9fa48("449") ? {} : (stryCov_9fa48("449"), {
              first: start,
              last: stryMutAct_9fa48("450") ? holes[k]!.first + 1 : (stryCov_9fa48("450"), holes[k]!.first - 1)
            }));
            start = stryMutAct_9fa48("451") ? Math.min(start, holes[k]!.last + 1) : (stryCov_9fa48("451"), Math.max(start, stryMutAct_9fa48("452") ? holes[k]!.last - 1 : (stryCov_9fa48("452"), holes[k]!.last + 1)));
            stryMutAct_9fa48("453") ? k-- : (stryCov_9fa48("453"), k++);
          }
        }
        if (stryMutAct_9fa48("457") ? start > r.last : stryMutAct_9fa48("456") ? start < r.last : stryMutAct_9fa48("455") ? false : stryMutAct_9fa48("454") ? true : (stryCov_9fa48("454", "455", "456", "457"), start <= r.last)) out.push(stryMutAct_9fa48("458") ? {} : (stryCov_9fa48("458"), {
          first: start,
          last: r.last
        }));
      }
    }
    return out;
  }
}

/** How many addresses of `space` nobody occupies. */
export function unoccupied(space: AddressSpace, occupied: readonly IntRange[]): number {
  if (stryMutAct_9fa48("459")) {
    {}
  } else {
    stryCov_9fa48("459");
    return sizeOf(subtractSorted(space.segments, merge(occupied)));
  }
}

/** The ranges of sorted disjoint `ranges` that overlap `window`, clipped to it (binary search: ranges may be many). */
function within(ranges: readonly IntRange[], window: IntRange): IntRange[] {
  if (stryMutAct_9fa48("460")) {
    {}
  } else {
    stryCov_9fa48("460");
    let lo = 0;
    let hi = ranges.length;
    while (stryMutAct_9fa48("463") ? lo >= hi : stryMutAct_9fa48("462") ? lo <= hi : stryMutAct_9fa48("461") ? false : (stryCov_9fa48("461", "462", "463"), lo < hi)) {
      if (stryMutAct_9fa48("464")) {
        {}
      } else {
        stryCov_9fa48("464");
        const mid = (stryMutAct_9fa48("465") ? lo - hi : (stryCov_9fa48("465"), lo + hi)) >> 1;
        if (stryMutAct_9fa48("469") ? ranges[mid]!.last >= window.first : stryMutAct_9fa48("468") ? ranges[mid]!.last <= window.first : stryMutAct_9fa48("467") ? false : stryMutAct_9fa48("466") ? true : (stryCov_9fa48("466", "467", "468", "469"), ranges[mid]!.last < window.first)) lo = stryMutAct_9fa48("470") ? mid - 1 : (stryCov_9fa48("470"), mid + 1);else hi = mid;
      }
    }
    const out: IntRange[] = stryMutAct_9fa48("471") ? ["Stryker was here"] : (stryCov_9fa48("471"), []);
    for (let i = lo; stryMutAct_9fa48("473") ? i < ranges.length || ranges[i]!.first <= window.last : stryMutAct_9fa48("472") ? false : (stryCov_9fa48("472", "473"), (stryMutAct_9fa48("476") ? i >= ranges.length : stryMutAct_9fa48("475") ? i <= ranges.length : stryMutAct_9fa48("474") ? true : (stryCov_9fa48("474", "475", "476"), i < ranges.length)) && (stryMutAct_9fa48("479") ? ranges[i]!.first > window.last : stryMutAct_9fa48("478") ? ranges[i]!.first < window.last : stryMutAct_9fa48("477") ? true : (stryCov_9fa48("477", "478", "479"), ranges[i]!.first <= window.last))); stryMutAct_9fa48("480") ? i-- : (stryCov_9fa48("480"), i++)) out.push(stryMutAct_9fa48("481") ? {} : (stryCov_9fa48("481"), {
      first: stryMutAct_9fa48("482") ? Math.min(ranges[i]!.first, window.first) : (stryCov_9fa48("482"), Math.max(ranges[i]!.first, window.first)),
      last: stryMutAct_9fa48("483") ? Math.max(ranges[i]!.last, window.last) : (stryCov_9fa48("483"), Math.min(ranges[i]!.last, window.last))
    }));
    return out;
  }
}
function largest(ranges: readonly IntRange[]): IntRange | undefined {
  if (stryMutAct_9fa48("484")) {
    {}
  } else {
    stryCov_9fa48("484");
    let best: IntRange | undefined;
    for (const r of ranges) if (stryMutAct_9fa48("487") ? !best && r.last - r.first > best.last - best.first : stryMutAct_9fa48("486") ? false : stryMutAct_9fa48("485") ? true : (stryCov_9fa48("485", "486", "487"), (stryMutAct_9fa48("488") ? best : (stryCov_9fa48("488"), !best)) || (stryMutAct_9fa48("491") ? r.last - r.first <= best.last - best.first : stryMutAct_9fa48("490") ? r.last - r.first >= best.last - best.first : stryMutAct_9fa48("489") ? false : (stryCov_9fa48("489", "490", "491"), (stryMutAct_9fa48("492") ? r.last + r.first : (stryCov_9fa48("492"), r.last - r.first)) > (stryMutAct_9fa48("493") ? best.last + best.first : (stryCov_9fa48("493"), best.last - best.first)))))) best = r;
    return best;
  }
}

/**
 * A block for a host to claim in `space`, avoiding `occupied` (every block any host records in
 * this network, and every endpoint address of the network): the first whole chunk nobody uses;
 * else the largest piece of the first chunk nobody uses that the gateway or a pool cuts; else
 * the largest free piece of any chunk. With `want`, the free piece of its chunk that holds it.
 * Undefined when nothing is free.
 */
export function chooseBlock(space: AddressSpace, occupied: readonly IntRange[], want?: number): IntRange | undefined {
  if (stryMutAct_9fa48("494")) {
    {}
  } else {
    stryCov_9fa48("494");
    const free = subtractSorted(space.segments, merge(occupied));
    if (stryMutAct_9fa48("497") ? want === undefined : stryMutAct_9fa48("496") ? false : stryMutAct_9fa48("495") ? true : (stryCov_9fa48("495", "496", "497"), want !== undefined)) return within(free, chunkOf(want, space.chunk)).find(stryMutAct_9fa48("498") ? () => undefined : (stryCov_9fa48("498"), r => stryMutAct_9fa48("501") ? r.first <= want || want <= r.last : stryMutAct_9fa48("500") ? false : stryMutAct_9fa48("499") ? true : (stryCov_9fa48("499", "500", "501"), (stryMutAct_9fa48("504") ? r.first > want : stryMutAct_9fa48("503") ? r.first < want : stryMutAct_9fa48("502") ? true : (stryCov_9fa48("502", "503", "504"), r.first <= want)) && (stryMutAct_9fa48("507") ? want > r.last : stryMutAct_9fa48("506") ? want < r.last : stryMutAct_9fa48("505") ? true : (stryCov_9fa48("505", "506", "507"), want <= r.last)))));
    let cut: IntRange | undefined;
    let partial: IntRange | undefined;
    let next = stryMutAct_9fa48("508") ? +1 : (stryCov_9fa48("508"), -1);
    for (const f of free) {
      if (stryMutAct_9fa48("509")) {
        {}
      } else {
        stryCov_9fa48("509");
        for (let c = stryMutAct_9fa48("510") ? Math.min(chunkOf(f.first, space.chunk).first, next) : (stryCov_9fa48("510"), Math.max(chunkOf(f.first, space.chunk).first, next)); stryMutAct_9fa48("513") ? c > f.last : stryMutAct_9fa48("512") ? c < f.last : stryMutAct_9fa48("511") ? false : (stryCov_9fa48("511", "512", "513"), c <= f.last); stryMutAct_9fa48("514") ? c -= space.chunk : (stryCov_9fa48("514"), c += space.chunk)) {
          if (stryMutAct_9fa48("515")) {
            {}
          } else {
            stryCov_9fa48("515");
            next = stryMutAct_9fa48("516") ? c - space.chunk : (stryCov_9fa48("516"), c + space.chunk);
            const window = stryMutAct_9fa48("517") ? {} : (stryCov_9fa48("517"), {
              first: c,
              last: stryMutAct_9fa48("518") ? c + space.chunk + 1 : (stryCov_9fa48("518"), (stryMutAct_9fa48("519") ? c - space.chunk : (stryCov_9fa48("519"), c + space.chunk)) - 1)
            });
            const pieces = within(free, window);
            const best = largest(pieces);
            if (stryMutAct_9fa48("522") ? false : stryMutAct_9fa48("521") ? true : stryMutAct_9fa48("520") ? best : (stryCov_9fa48("520", "521", "522"), !best)) continue;
            if (stryMutAct_9fa48("525") ? sizeOf(pieces) !== sizeOf(intersect(space.segments, window)) : stryMutAct_9fa48("524") ? false : stryMutAct_9fa48("523") ? true : (stryCov_9fa48("523", "524", "525"), sizeOf(pieces) === sizeOf(intersect(space.segments, window)))) {
              if (stryMutAct_9fa48("526")) {
                {}
              } else {
                stryCov_9fa48("526");
                if (stryMutAct_9fa48("529") ? best.first === window.first || best.last === window.last : stryMutAct_9fa48("528") ? false : stryMutAct_9fa48("527") ? true : (stryCov_9fa48("527", "528", "529"), (stryMutAct_9fa48("531") ? best.first !== window.first : stryMutAct_9fa48("530") ? true : (stryCov_9fa48("530", "531"), best.first === window.first)) && (stryMutAct_9fa48("533") ? best.last !== window.last : stryMutAct_9fa48("532") ? true : (stryCov_9fa48("532", "533"), best.last === window.last)))) return best;
                stryMutAct_9fa48("534") ? cut &&= best : (stryCov_9fa48("534"), cut ??= best);
              }
            } else if (stryMutAct_9fa48("537") ? !partial && best.last - best.first > partial.last - partial.first : stryMutAct_9fa48("536") ? false : stryMutAct_9fa48("535") ? true : (stryCov_9fa48("535", "536", "537"), (stryMutAct_9fa48("538") ? partial : (stryCov_9fa48("538"), !partial)) || (stryMutAct_9fa48("541") ? best.last - best.first <= partial.last - partial.first : stryMutAct_9fa48("540") ? best.last - best.first >= partial.last - partial.first : stryMutAct_9fa48("539") ? false : (stryCov_9fa48("539", "540", "541"), (stryMutAct_9fa48("542") ? best.last + best.first : (stryCov_9fa48("542"), best.last - best.first)) > (stryMutAct_9fa48("543") ? partial.last + partial.first : (stryCov_9fa48("543"), partial.last - partial.first)))))) {
              if (stryMutAct_9fa48("544")) {
                {}
              } else {
                stryCov_9fa48("544");
                partial = best;
              }
            }
          }
        }
      }
    }
    return stryMutAct_9fa48("545") ? cut && partial : (stryCov_9fa48("545"), cut ?? partial);
  }
}