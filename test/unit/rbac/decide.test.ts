import { describe, expect, it } from 'vitest';
import type { ObjectChange } from '../../../src/rbac/changes.js';
import { decide, type CommitCheck } from '../../../src/rbac/decide.js';
import { fingerprint } from '../../../src/rbac/keys.js';

/*
 * decide() on plain data, for what the real-git goldens (golden.test.ts) cannot show alone: a
 * signer is known by the key git verified, never by the name it reports.
 */

// Two well-formed ed25519 keys (32 bytes each).
const key = (byte: number) => `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, byte)]).toString('base64')}`;
const BLUE_ALICE = key(1);
const RED_ALICE = key(2);
const at = { file: 'blue/net.yaml', line: 4, col: 9 };
const change: ObjectChange = { id: { kind: 'Network', tenant: 'blue', name: 'web' }, action: 'update', ownersChanged: false, otherChanged: true, source: at, at: 'tree' };
const commit = (signer: string, k: string, result = 'G'): CommitCheck => ({ hash: 'a'.repeat(40), short: 'aaaaaaa', result, signer, key: fingerprint(k)!, touched: ['Network/blue/web'] });
const access = {
  owners: { blue: [{ name: 'alice', key: BLUE_ALICE, source: at }], red: [{ name: 'alice', key: RED_ALICE, source: at }] },
};

describe('decide', () => {
  it("blue's alice may change blue; red's alice, whom git also reports as alice, may not", () => {
    expect(decide({ base: 'main', changes: [change], commits: [commit('alice', BLUE_ALICE)], access }).diagnostics).toEqual([]);
    const refused = decide({ base: 'main', changes: [change], commits: [commit('alice', RED_ALICE)], access });
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['rbac-refused']);
    expect(refused.diagnostics[0]!.message).toBe('Network blue/web (tenant blue): changed by commit aaaaaaa, which is signed by alice, who is not an owner of tenant blue nor an admin at main');
  });

  it('a good signature by a listed key is still refused when git did not say G (expired, revoked)', () => {
    for (const result of ['X', 'Y', 'R', 'E', 'B']) {
      expect(decide({ base: 'main', changes: [change], commits: [commit('alice', BLUE_ALICE, result)], access }).diagnostics.map((d) => d.code)).toEqual(['rbac-refused']);
    }
  });

  it('a deleted object is named where it was at the base', () => {
    const gone = decide({ base: 'origin/main', changes: [{ ...change, action: 'delete', at: 'base' }], commits: [commit('mallory', key(3), 'U')], access });
    expect(gone.diagnostics[0]!.source).toEqual({ ...at, file: 'blue/net.yaml@origin/main' });
    expect(gone.approvals).toEqual([{ tenant: 'blue', level: 'owners', signers: ['alice'], open: false, objects: ['Network blue/web (delete)'], refused: true }]);
  });
});
