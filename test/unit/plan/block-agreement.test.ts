import { describe, expect, it } from 'vitest';
import { blocksAgree } from '../../../src/plan/block-agreement.js';
import { fleet } from './records-support.js';

/*
 * Claimed address blocks of one network that two hosts both record: no contiv leaves that
 * (the claim protocol never confirms a block another host records), so the plan is refused,
 * naming the hosts and their blocks, unless --trust-host names one of them: its blocks stay,
 * the others' overlapping ones are left out of the address plan.
 */

const block = (space: string, first: string, last: string, state = 'claimed') => ({ [`contiv.block.${space}.${first.replaceAll('.', '-')}`]: `${first}-${last} ${state}` });
const HINT = "no contiv claims a block another host holds: find out which host's records are right (records edited by hand, or written by a host that lies, are not); then plan again with --trust-host NAME to take that host's records where hosts disagree";

describe('blocksAgree', () => {
  it('refuses claimed blocks of two hosts that overlap, naming each host with its blocks and the addresses in question', () => {
    const live = fleet({ h1: block('default.web', '10.1.0.16', '10.1.0.31'), h2: block('default.web', '10.1.0.0', '10.1.0.63'), h3: block('default.web', '10.1.0.64', '10.1.0.79') });
    expect(blocksAgree(live)).toEqual({
      diagnostics: [{ severity: 'error', code: 'address-blocks-disagree', message: 'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.63): h2 (10.1.0.0-10.1.0.63), h1 (10.1.0.16-10.1.0.31)', hint: HINT }],
      dropped: {},
    });
  });

  it('leaves alone what the claim protocol settles or what never clashes: a pending claim, blocks side by side, another network, one host', () => {
    expect(blocksAgree(fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.15'), h2: block('default.web', '10.1.0.0', '10.1.0.15', 'pending') })).diagnostics).toEqual([]);
    expect(blocksAgree(fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.15'), h2: block('default.web', '10.1.0.16', '10.1.0.31') })).diagnostics).toEqual([]);
    expect(blocksAgree(fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.15'), h2: block('blue.web', '10.1.0.0', '10.1.0.15') })).diagnostics).toEqual([]);
    expect(blocksAgree(fleet({ h1: { ...block('default.web', '10.1.0.0', '10.1.0.15'), ...block('default.web.fe', '10.1.0.8', '10.1.0.11') } })).diagnostics).toEqual([]);
  });

  it("a group's pool and its network's space are one network's addresses", () => {
    const live = fleet({ h1: block('default.web.fe', '10.1.0.100', '10.1.0.107'), h2: block('default.web', '10.1.0.96', '10.1.0.111') });
    expect(blocksAgree(live).diagnostics.map((d) => d.message)).toEqual(['hosts claim the same addresses of default/web (10.1.0.96-10.1.0.111): h2 (10.1.0.96-10.1.0.111), h1 (10.1.0.100-10.1.0.107)']);
  });

  it('a block claimed over many hosts is one refusal, naming a few hosts and how many more', () => {
    const ids: Record<string, Record<string, string>> = { h0: block('default.web', '10.1.0.0', '10.1.0.255') };
    for (let i = 1; i <= 8; i++) ids[`h${i}`] = block('default.web', `10.1.0.${i * 16}`, `10.1.0.${i * 16 + 15}`);
    expect(blocksAgree(fleet(ids)).diagnostics.map((d) => d.message)).toEqual([
      'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.255): h0 (10.1.0.0-10.1.0.255), h1 (10.1.0.16-10.1.0.31), h2 (10.1.0.32-10.1.0.47), h3 (10.1.0.48-10.1.0.63) and 5 more hosts',
    ]);
  });
});

describe('blocksAgree with --trust-host', () => {
  it("keeps the trusted host's blocks: the others' overlapping ones go, each with why, and a warning says so", () => {
    const live = fleet({
      h1: block('default.web', '10.1.0.0', '10.1.0.15'),
      h2: { ...block('default.web', '10.1.0.8', '10.1.0.23'), ...block('default.web', '10.1.0.32', '10.1.0.47') },
    });
    expect(blocksAgree(live, 'h1')).toEqual({
      diagnostics: [{ severity: 'warning', code: 'host-records-trusted', message: "taken from h1 (--trust-host) where hosts claim the same addresses: h1 keeps its blocks; these go: h2's 10.1.0.8-10.1.0.23 of default/web" }],
      dropped: { h2: { 'contiv.block.default.web.10-1-0-8': "overlaps h1's block 10.1.0.0-10.1.0.15, and h1 is trusted (--trust-host)" } },
    });
  });

  it('finds the trusted block a block overlaps among many, the one reaching furthest', () => {
    const live = fleet({
      h1: { ...block('default.web', '10.1.0.0', '10.1.0.127'), ...block('default.web', '10.1.0.16', '10.1.0.31'), ...block('default.web', '10.1.0.200', '10.1.0.207') },
      h2: { ...block('default.web', '10.1.0.100', '10.1.0.103'), ...block('default.web', '10.1.0.150', '10.1.0.151'), ...block('default.web', '10.1.0.204', '10.1.0.220') },
    });
    const r = blocksAgree(live, 'h1');
    expect(r.dropped).toEqual({
      h2: {
        'contiv.block.default.web.10-1-0-100': "overlaps h1's block 10.1.0.0-10.1.0.127, and h1 is trusted (--trust-host)",
        'contiv.block.default.web.10-1-0-204': "overlaps h1's block 10.1.0.200-10.1.0.207, and h1 is trusted (--trust-host)",
      },
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['host-records-trusted']);
  });

  it('still refuses blocks that overlap where the trusted host holds none', () => {
    const live = fleet({ h1: block('default.web', '10.1.0.0', '10.1.0.15'), h2: block('default.web', '10.1.0.8', '10.1.0.23'), h3: block('default.web', '10.1.0.64', '10.1.0.79') });
    expect(blocksAgree(live, 'h3')).toEqual({
      diagnostics: [{ severity: 'error', code: 'address-blocks-disagree', message: 'hosts claim the same addresses of default/web (10.1.0.0-10.1.0.23): h1 (10.1.0.0-10.1.0.15), h2 (10.1.0.8-10.1.0.23); h3 (--trust-host) holds none of them', hint: HINT }],
      dropped: {},
    });
  });
});
