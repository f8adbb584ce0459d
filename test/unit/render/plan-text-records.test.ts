import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../src/compile/model-blob.js';
import { modelRecordsReadable } from '../../../src/plan/checks.js';
import { diffHost } from '../../../src/plan/diff.js';
import type { Change } from '../../../src/plan/types.js';
import { details } from '../../../src/render/plan-text.js';
import type { BridgeState, LiveHost } from '../../../src/state/host-state.js';
import { ownerIds } from '../../../src/state/marks.js';

/*
 * The recorded model is kept in compressed chunks; a reviewer reads records. A plan's bridge
 * update shows the records that change, one line per allocation and one line for the model as
 * applied, and never the chunks' text. A host whose chunks cannot be read is named.
 */

const OWNER = ownerIds('bridge', 'h1/bridge/contiv0');
const RECORDS = { 'contiv.vni.default.web': '5', 'contiv.net.default.web': '10.1.2.0/24 10.1.2.1', 'contiv.pol.default.p': '[]', 'contiv.mtu': '1450' };
const bridge = (externalIds: Record<string, string>): BridgeState => ({ name: 'contiv0', datapathType: 'netdev', failMode: 'secure', externalIds, ports: {}, flows: {} });

function update(before: Record<string, string>, after: Record<string, string>): Change {
  const [c] = diffHost({ state: { host: 'h1', bridges: { contiv0: bridge({ ...OWNER, ...after }) } }, owners: {} }, { host: 'h1', bridges: { contiv0: bridge({ ...OWNER, ...before }) } });
  if (!c) throw new Error('no change');
  return c;
}

describe('a bridge update of the recorded model, as the plan shows it', () => {
  it('an allocation that moves is a line of its own; the model as applied is one line; the chunks never show', () => {
    const lines = details(update(encodeModel(RECORDS), encodeModel({ ...RECORDS, 'contiv.vni.default.web': '6', 'contiv.pol.default.p': '[{"id":"1"}]', 'contiv.mtu': '1400' })), 20);
    expect(lines).toEqual(['~ externalIds.contiv.vni.default.web: 5 → 6', '~ recorded model: 2 entries (networks, groups, policies as applied)']);
  });

  it('records of an older contiv moving into chunks, unchanged, say so in one line', () => {
    expect(details(update(RECORDS, encodeModel(RECORDS)), 20)).toEqual(['~ recorded model: its records are written again in the form this contiv writes (contiv.model.*), unchanged']);
  });

  it('a new network on a bridge of records in chunks: its VNI, and one entry', () => {
    const { 'contiv.vni.default.web': _v, 'contiv.net.default.web': _n, ...rest } = RECORDS;
    expect(details(update(encodeModel(rest), encodeModel(RECORDS)), 20)).toEqual(['~ externalIds.contiv.vni.default.web: (none) → 5', '~ recorded model: 1 entry (networks, groups, policies as applied)']);
  });
});

describe('a host whose records cannot be read', () => {
  it('is a warning naming the host and the bridge; readable and absent records are not', () => {
    const live = (ids: Record<string, string>) => ({ state: { host: 'h', bridges: { contiv0: bridge(ids) } } }) as unknown as LiveHost;
    const out = modelRecordsReadable({ h1: live({ ...OWNER, ...encodeModel(RECORDS) }), h2: live({ ...OWNER, 'contiv.model.0': 'z1:damaged' }), h3: live(OWNER) });
    expect(out).toEqual([
      {
        severity: 'warning',
        code: 'model-records-unreadable',
        message: "h2: the records contiv keeps on bridge contiv0 (external_ids contiv.model.*) cannot be read; they are written again from the manifests and the other hosts' records",
        address: 'h2',
      },
    ]);
  });
});
