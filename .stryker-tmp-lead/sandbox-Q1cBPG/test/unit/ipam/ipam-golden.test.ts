// @ts-nocheck
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planIpam, type HostAddresses } from '../../../src/ipam/fleet.js';
import { parseBlocks } from '../../../src/ipam/records.js';
import { networkOfSpace } from '../../../src/ipam/settle.js';
import { ipToInt } from '../../../src/manifest/ipv4.js';
import type { Endpoint } from '../../../src/state/endpoint.js';
import { caseNames, json, loadModel } from '../compile/case-support.js';
import { expectGolden } from '../golden.js';

/*
 * The address plan, one folder per case under fixtures/ipam/:
 *   manifests/      the Fabric (hosts, runtimes) and networks
 *   live.json       per host: `records` (its bridge's external_ids address records) and
 *                   `endpoints` ({netns, ip, network, tenant?, group?}, all alive)
 *   plan.json       golden: per host the records the plan wants and why each changes, the use
 *                   per host and space, the diagnostic codes
 * Whatever the case, the invariants below hold: no address in two kept blocks of a network,
 * every endpoint inside one of its host's blocks or lent to it, no block handed in advance to a
 * host without runtimes.
 */
const ROOT = 'fixtures/ipam';

interface LiveCase {
  hosts: Record<string, { records?: Record<string, string>; endpoints?: Array<{ netns: string; ip: string; network: string; tenant?: string; group?: string }> }>;
}

function liveOf(c: LiveCase): Record<string, HostAddresses> {
  return Object.fromEntries(
    Object.entries(c.hosts).map(([host, h]) => [
      host,
      {
        externalIds: h.records ?? {},
        endpoints: (h.endpoints ?? []).map((e, i): Endpoint => ({ host, port: `cv${i}`, ofport: 4096 + i, tenant: e.tenant ?? 'default', network: e.network, ip: e.ip, mac: '02:00:00:00:00:00', netns: e.netns, ...(e.group ? { group: e.group } : {}) })),
      },
    ]),
  );
}

describe('address plan (golden)', () => {
  const cases = caseNames(ROOT);
  it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));
  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README (one line: what this case checks)`);
      const model = await loadModel(join(dir, 'manifests'));
      const live = liveOf(JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as LiveCase);
      const plan = planIpam(model, live);
      const changed = Object.fromEntries(
        Object.entries(plan.reasons)
          .filter(([, r]) => Object.keys(r).length)
          .map(([h, r]) => [h, Object.fromEntries(Object.entries(r).sort())]),
      );
      const records = Object.fromEntries(Object.entries(plan.records).map(([h, r]) => [h, Object.fromEntries(Object.entries(r).sort())]));
      expectGolden(join(dir, 'plan.json'), json({ records, reasons: changed, use: plan.use, diagnostics: plan.diagnostics.map((d) => `${d.address ?? '-'} ${d.code}`) }));

      // Invariants, whatever the golden says.
      for (const network of model.networks) {
        const kept = Object.entries(plan.records).flatMap(([h, r]) => parseBlocks(r).filter((b) => networkOfSpace(b.space) === `${network.tenant}/${network.name}`).map((b) => ({ host: h, ...b })));
        for (const a of kept) for (const b of kept) if (a !== b) expect(a.first > b.last || b.first > a.last, `${a.host} ${a.first}-${a.last} vs ${b.host} ${b.first}-${b.last}`).toBe(true);
        for (const [host, l] of Object.entries(live)) {
          for (const e of l.endpoints.filter((x) => x.tenant === network.tenant && x.network === network.name)) {
            const ip = ipToInt(e.ip);
            const mine = kept.some((b) => b.host === host && b.first <= ip && ip <= b.last);
            const lent = Object.entries(plan.records).some(([, r]) => Object.entries(r).some(([k, v]) => k.startsWith(`contiv.lent.${network.tenant}.${network.name}.`) && k.endsWith(`.${e.ip.replaceAll('.', '-')}`) && v === host));
            expect(mine || lent, `${host}'s endpoint ${e.ip} is in its block or lent to it`).toBe(true);
          }
        }
      }
      // Nothing in advance for a host without runtimes: a block it did not hold is only ever claimed around its own endpoint.
      for (const h of model.fabric.hosts.filter((x) => x.runtimes.length === 0)) {
        const before = new Set(Object.keys(live[h.name]?.externalIds ?? {}));
        const ips = (live[h.name]?.endpoints ?? []).map((e) => ipToInt(e.ip));
        for (const [key, value] of Object.entries(plan.records[h.name]!)) {
          if (before.has(key) || !key.startsWith('contiv.block.')) continue;
          const [b] = parseBlocks({ [key]: value });
          expect(ips.some((ip) => ip >= b!.first && ip <= b!.last), `${h.name} gains ${key} without an endpoint in it`).toBe(true);
        }
      }
    });
  }
});
