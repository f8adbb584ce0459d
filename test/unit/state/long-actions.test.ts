import { describe, expect, it } from 'vitest';
import { canonicalActions, longActionShortcuts } from '../../../src/state/flow-canonical.js';

/*
 * The flood-list shortcut (flow-canonical.ts): a long action list that differs from the last
 * canonical one only in a stretch of plain canonical actions is taken as canonical without being
 * read action by action. Each case says whether the shortcut was taken, and that the result is
 * what reading every action gives.
 */
const peers = (skip: number[] = [], n = 120): string[] => Array.from({ length: n }, (_, i) => i + 1).filter((i) => !skip.includes(i)).map((i) => `set_field:198.19.${i >> 8}.${i & 255}->tun_dst,output:9`);
const list = (parts: string[]): string => parts.join(',');
/** Forgets the last list: a long one that is not canonical as printed. */
const forget = (): void => void canonicalActions(list(['12', ...peers()]));
/** The result and whether the shortcut gave it. */
function read(actions: string): { out: string; shortcut: boolean } {
  const before = longActionShortcuts();
  const out = canonicalActions(actions);
  return { out, shortcut: longActionShortcuts() > before };
}
/** What reading every action gives (no last list to compare with). */
function slow(actions: string): string {
  forget();
  return canonicalActions(actions);
}

describe('long action lists', () => {
  it('a list that only lacks a peer of the last canonical one is taken as it is', () => {
    const base = list(peers());
    expect(base.length).toBeGreaterThan(2_000);
    forget();
    expect(read(base)).toEqual({ out: base, shortcut: false });
    const other = list(peers([57]));
    expect(read(other)).toEqual({ out: other, shortcut: true });
    // The one just read is the next to compare with: one more peer gone.
    expect(read(list(peers([57, 58])))).toEqual({ out: list(peers([57, 58])), shortcut: true });
    // Its first or last peer gone.
    expect(read(list(peers([1])))).toMatchObject({ shortcut: false });
    expect(read(list(peers([1, 120])))).toMatchObject({ shortcut: true });
  });

  it('a stretch that is not canonical as printed is read action by action', () => {
    forget();
    canonicalActions(list(peers()));
    const bare = list([...peers().slice(0, 60), '12', ...peers().slice(61)]);
    expect(read(bare)).toEqual({ out: slow(bare), shortcut: false });
    expect(slow(bare)).toContain(',output:12,');
    canonicalActions(list(peers()));
    const load = list([...peers().slice(0, 60), 'load:0x1->NXM_NX_REG0[]', ...peers().slice(61)]);
    expect(read(load)).toEqual({ out: slow(load), shortcut: false });
    expect(slow(load)).not.toContain('NXM_NX_REG0');
    for (const odd of [' output:9', 'output:9 ', '']) {
      canonicalActions(list(peers()));
      const spaced = list([...peers().slice(0, 60), odd, ...peers().slice(61)]);
      expect([odd, read(spaced)]).toEqual([odd, { out: slow(spaced), shortcut: false }]);
    }
  });

  it('a difference at the very start, or before the last bracket, is read action by action', () => {
    forget();
    canonicalActions(list(peers()));
    const start = list(['output:7', ...peers().slice(1)]);
    expect(read(start)).toEqual({ out: slow(start), shortcut: false });
    const head = ['resubmit(,10)', 'push:NXM_NX_REG0[]'];
    forget();
    canonicalActions(list([...head, ...peers()]));
    // After the brackets: the shortcut holds.
    expect(read(list([...head, ...peers([80])]))).toMatchObject({ shortcut: true });
    // Within them: not.
    const inside = list(['resubmit(,11)', head[1]!, ...peers([80])]);
    expect(read(inside)).toEqual({ out: slow(inside), shortcut: false });
  });

  it('no shortcut from a list that was not canonical as printed, or whose brackets do not close', () => {
    forget();
    const notCanonical = list(['12', ...peers()]);
    canonicalActions(notCanonical);
    expect(read(list(['12', ...peers([40])]))).toMatchObject({ shortcut: false });
    forget();
    const open = list(['resubmit(,10', ...peers()]);
    canonicalActions(open);
    const next = list(['resubmit(,10', ...peers([40])]);
    expect(read(next)).toEqual({ out: slow(next), shortcut: false });
  });

  it('short lists never take it', () => {
    forget();
    canonicalActions(list(peers()));
    const short = list(peers([], 10));
    expect(short.length).toBeLessThan(2_000);
    expect(read(short)).toEqual({ out: short, shortcut: false });
  });

  it('finds the stretch that differs wherever it falls, on either side of the chunks compared whole', () => {
    // 120 peers: a list of some 4,600 characters, compared 512 at a time from each end.
    for (let at = 1; at < 120; at++) {
      forget();
      canonicalActions(list(peers()));
      const bare = list([...peers().slice(0, at), '12', ...peers().slice(at + 1)]);
      expect([at, read(bare)]).toEqual([at, { out: slow(bare), shortcut: false }]);
      canonicalActions(list(peers()));
      const gone = list(peers([at + 1]));
      expect([at, read(gone)]).toEqual([at, { out: gone, shortcut: true }]);
      // Two differences apart: a peer gone, and further on a bare port, read from the end.
      for (const apart of [3, 15, 40]) {
        if (at + apart >= 119) continue;
        canonicalActions(list(peers()));
        const both = list([...peers().slice(0, at), ...peers().slice(at + 1, at + apart), '12', ...peers().slice(at + apart + 1)]);
        expect([at, apart, read(both)]).toEqual([at, apart, { out: slow(both), shortcut: false }]);
      }
    }
  });

  it('reads the whole action a difference falls in, up to its comma, not only the characters that differ', () => {
    // strip_vlan is printed pop_vlan: only "strip" differs from the last list, and "strip" alone would pass.
    forget();
    canonicalActions(list([...peers().slice(0, 60), 'pop_vlan', ...peers().slice(60)]));
    const strip = list([...peers().slice(0, 60), 'strip_vlan', ...peers().slice(60)]);
    expect(read(strip)).toEqual({ out: slow(strip), shortcut: false });
    expect(slow(strip)).toContain(',pop_vlan,');
  });
});
