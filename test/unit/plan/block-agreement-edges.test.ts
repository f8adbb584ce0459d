import { describe, expect, it } from 'vitest';
import { blocksAgree } from '../../../src/plan/block-agreement.js';
import { TRUST_HINT } from '../../../src/plan/trust.js';
import { fleet } from './records-support.js';

/*
 * The edges of blocksAgree: blocks of several networks read in any order, blocks that share one
 * address, which trusted block a dropped block is said to overlap, and how many sets and hosts
 * a refusal or a --trust-host warning names.
 */

const block = (space: string, first: string, last: string) => ({ [`contiv.block.${space}.${first.replaceAll('.', '-')}`]: `${first}-${last} claimed` });
const messages = (d: { message: string }[]) => d.map((x) => x.message);
const why = (keeper: string) => `overlaps h1's block ${keeper}, and h1 is trusted (--trust-host)`;

describe('blocksAgree: networks and addresses', () => {
  it("finds a network's overlapping blocks though hosts read between them hold another network's", () => {
    // web's blocks are read first and last, app's (at higher addresses) between them.
    const a = fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.15'), h2: block('default.app', '10.9.0.0', '10.9.0.15'), h3: block('default.web', '10.1.0.8', '10.1.0.23') });
    expect(messages(blocksAgree(a).diagnostics)).toEqual(['hosts claim the same addresses of default/web (10.1.0.0-10.1.0.23): h1 (10.1.0.0-10.1.0.15), h3 (10.1.0.8-10.1.0.23)']);
    // app's blocks read first and last, web's (at lower addresses) between them.
    const b = fleet({ h1: block('default.app', '10.9.0.0', '10.9.0.15'), h2: block('default.web', '10.1.0.0', '10.1.0.15'), h3: block('default.app', '10.8.0.0', '10.9.0.5') });
    expect(messages(blocksAgree(b).diagnostics)).toEqual(['hosts claim the same addresses of default/app (10.8.0.0-10.9.0.15): h3 (10.8.0.0-10.9.0.5), h1 (10.9.0.0-10.9.0.15)']);
  });

  it("names each network's refusal in network order", () => {
    const live = fleet({
      h1: { ...block('default.web', '10.1.0.0', '10.1.0.15'), ...block('default.app', '10.9.0.0', '10.9.0.15') },
      h2: { ...block('default.web', '10.1.0.8', '10.1.0.23'), ...block('default.app', '10.9.0.8', '10.9.0.23') },
    });
    expect(messages(blocksAgree(live).diagnostics)).toEqual([
      'hosts claim the same addresses of default/app (10.9.0.0-10.9.0.23): h1 (10.9.0.0-10.9.0.15), h2 (10.9.0.8-10.9.0.23)',
      'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.23): h1 (10.1.0.0-10.1.0.15), h2 (10.1.0.8-10.1.0.23)',
    ]);
  });

  it("a network's blocks do not reach into the next network's: its last end is not theirs", () => {
    // app's one block ends far above web's blocks, which lie side by side.
    const live = fleet({ h1: { ...block('default.app', '10.9.0.0', '10.9.0.255'), ...block('default.web', '10.1.0.0', '10.1.0.15') }, h2: block('default.web', '10.1.0.16', '10.1.0.31') });
    expect(blocksAgree(live).diagnostics).toEqual([]);
  });

  it('blocks that share their one end address overlap', () => {
    expect(messages(blocksAgree(fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.15'), h2: block('default.web', '10.1.0.15', '10.1.0.31') })).diagnostics)).toEqual([
      'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.31): h1 (10.1.0.0-10.1.0.15), h2 (10.1.0.15-10.1.0.31)',
    ]);
  });

  it('blocks starting at one address are named smaller first, whatever order the hosts were read in', () => {
    expect(messages(blocksAgree(fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.63'), h2: block('default.web', '10.1.0.0', '10.1.0.15') })).diagnostics)).toEqual([
      'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.63): h2 (10.1.0.0-10.1.0.15), h1 (10.1.0.0-10.1.0.63)',
    ]);
  });

  it('names every block of a host in the set, once per host', () => {
    const live = fleet({ h1: { ...block('default.web', '10.1.0.0', '10.1.0.15'), ...block('default.web', '10.1.0.16', '10.1.0.31') }, h2: block('default.web', '10.1.0.8', '10.1.0.23') });
    expect(messages(blocksAgree(live).diagnostics)).toEqual(['hosts claim the same addresses of default/web (10.1.0.0-10.1.0.31): h1 (10.1.0.0-10.1.0.15, 10.1.0.16-10.1.0.31), h2 (10.1.0.8-10.1.0.23)']);
  });

  it('names five hosts in full; a sixth makes it four and how many more', () => {
    const ids = (n: number) => {
      const out: Record<string, Record<string, string>> = { h0: block('default.web', '10.1.0.0', '10.1.0.255') };
      for (let i = 1; i < n; i++) out[`h${i}`] = block('default.web', `10.1.0.${i * 16}`, `10.1.0.${i * 16 + 15}`);
      return out;
    };
    expect(messages(blocksAgree(fleet(ids(5))).diagnostics)).toEqual([
      'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.255): h0 (10.1.0.0-10.1.0.255), h1 (10.1.0.16-10.1.0.31), h2 (10.1.0.32-10.1.0.47), h3 (10.1.0.48-10.1.0.63), h4 (10.1.0.64-10.1.0.79)',
    ]);
    expect(messages(blocksAgree(fleet(ids(6))).diagnostics)).toEqual([
      'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.255): h0 (10.1.0.0-10.1.0.255), h1 (10.1.0.16-10.1.0.31), h2 (10.1.0.32-10.1.0.47), h3 (10.1.0.48-10.1.0.63) and 2 more hosts',
    ]);
  });
});

describe('blocksAgree with --trust-host: which blocks go', () => {
  it('a block goes for the trusted block it overlaps, though an earlier trusted block ends before it', () => {
    const live = fleet({
      h1: { ...block('default.web', '10.1.0.0', '10.1.0.15'), ...block('default.web', '10.1.0.32', '10.1.0.47') },
      h2: block('default.web', '10.1.0.8', '10.1.0.40'),
      h3: block('default.web', '10.1.0.44', '10.1.0.50'),
    });
    expect(blocksAgree(live, 'h1').dropped).toEqual({
      h2: { 'contiv.block.default.web.10-1-0-8': why('10.1.0.32-10.1.0.47') },
      h3: { 'contiv.block.default.web.10-1-0-44': why('10.1.0.32-10.1.0.47') },
    });
  });

  it('of trusted blocks reaching as far, names the first', () => {
    const live = fleet({ h1: { ...block('default.web', '10.1.0.0', '10.1.0.31'), ...block('default.web', '10.1.0.16', '10.1.0.31') }, h2: block('default.web', '10.1.0.20', '10.1.0.40') });
    expect(blocksAgree(live, 'h1').dropped).toEqual({ h2: { 'contiv.block.default.web.10-1-0-20': why('10.1.0.0-10.1.0.31') } });
  });

  it('a block that ends before every trusted block starts stays, though other blocks link it to them', () => {
    const live = fleet({
      h1: { ...block('default.web', '10.1.0.32', '10.1.0.47'), ...block('default.web', '10.1.0.36', '10.1.0.50') },
      h2: block('default.web', '10.1.0.0', '10.1.0.15'),
      h3: block('default.web', '10.1.0.8', '10.1.0.40'),
    });
    const r = blocksAgree(live, 'h1');
    expect(r.dropped).toEqual({ h3: { 'contiv.block.default.web.10-1-0-8': why('10.1.0.36-10.1.0.50') } });
    expect(messages(r.diagnostics)).toEqual(["taken from h1 (--trust-host) where hosts claim the same addresses: h1 keeps its blocks; these go: h3's 10.1.0.8-10.1.0.40 of default/web"]);
  });

  it('a block that starts after the trusted block before it ends stays; one sharing an end address with it goes', () => {
    const live = fleet({
      h1: block('default.web', '10.1.0.16', '10.1.0.31'),
      h2: block('default.web', '10.1.0.8', '10.1.0.40'),
      h3: block('default.web', '10.1.0.36', '10.1.0.47'),
      h4: block('default.web', '10.1.0.31', '10.1.0.33'),
      h5: block('default.web', '10.1.0.0', '10.1.0.16'),
    });
    const r = blocksAgree(live, 'h1');
    expect(r.dropped).toEqual({
      h2: { 'contiv.block.default.web.10-1-0-8': why('10.1.0.16-10.1.0.31') },
      h4: { 'contiv.block.default.web.10-1-0-31': why('10.1.0.16-10.1.0.31') },
      h5: { 'contiv.block.default.web.10-1-0-0': why('10.1.0.16-10.1.0.31') },
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['host-records-trusted']);
  });
});

describe('blocksAgree: how many sets are named', () => {
  // `count` sets of blocks h1 and h2 both claim, apart from one another.
  const sets = (count: number) => {
    const h1: Record<string, string> = {};
    const h2: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      Object.assign(h1, block('default.web', `10.1.0.${i * 16}`, `10.1.0.${i * 16 + 7}`));
      Object.assign(h2, block('default.web', `10.1.0.${i * 16 + 4}`, `10.1.0.${i * 16 + 11}`));
    }
    return fleet({ h1, h2 });
  };

  it('ten sets are ten errors; an eleventh is told as one more, with the same code and hint', () => {
    expect(blocksAgree(sets(10)).diagnostics).toHaveLength(10);
    const d = blocksAgree(sets(11)).diagnostics;
    expect(d).toHaveLength(11);
    expect(d[9]!.message).toBe('hosts claim the same addresses of default/web (10.1.0.144-10.1.0.155): h1 (10.1.0.144-10.1.0.151), h2 (10.1.0.148-10.1.0.155)');
    expect(d[10]).toEqual({ severity: 'error', code: 'address-blocks-disagree', message: 'and 1 more sets of blocks that hosts claim alike', hint: TRUST_HINT });
  });

  it('the warning for blocks that go names ten of them, then how many more', () => {
    const gone = (count: number) => Array.from({ length: count }, (_, i) => `h2's 10.1.0.${i * 16 + 4}-10.1.0.${i * 16 + 11} of default/web`);
    const head = 'taken from h1 (--trust-host) where hosts claim the same addresses: h1 keeps its blocks; these go: ';
    expect(blocksAgree(sets(10), 'h1').diagnostics).toEqual([{ severity: 'warning', code: 'host-records-trusted', message: `${head}${gone(10).join(', ')}` }]);
    expect(blocksAgree(sets(12), 'h1').diagnostics).toEqual([{ severity: 'warning', code: 'host-records-trusted', message: `${head}${gone(10).join(', ')} and 2 more` }]);
  });
});
