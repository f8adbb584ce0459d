import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecords, recordKey } from '../../../src/compile/records.js';
import { BRIDGE, TUNNEL_OFPORT } from '../../../src/compile/pipeline.js';
import { floodVteps, TUNNEL_PORT, vtepPrefixes } from '../../../src/compile/tunnels.js';
import type { CompiledHost } from '../../../src/compile/compile.js';
import type { Model } from '../../../src/model/types.js';
import { endpointsOf } from '../../../src/state/endpoint.js';
import type { HostState } from '../../../src/state/host-state.js';
import { decodeCookie, KIND_KEY } from '../../../src/state/marks.js';
import { expectGolden } from '../golden.js';
import { caseNames, compileAll, flowsText, json, loadModel, readLiveDir, sortDeep, stateWithoutFlows } from './case-support.js';

/*
 * One folder per case under fixtures/compile/: `manifests/` (a manifest dir with its Fabric),
 * optionally `live/<host>.json` (a HostState) or `live/<host>.txt` (a gather capture).
 * Goldens: `allocations.json`, and per host `<host>.flows.txt` (its desired flows, one
 * canonical line each with the owner address) and `<host>.state.json` (bridges and ports).
 * `npm run golden:update` rewrites them; review the diff.
 */
const ROOT = 'fixtures/compile';

interface CompiledCase {
  model: Model;
  live: Record<string, HostState>;
  desired: Record<string, CompiledHost>;
}

async function compileCase(name: string): Promise<CompiledCase & { allocations: ReturnType<typeof compileAll>['allocations'] }> {
  const dir = join(ROOT, name);
  const model = await loadModel(join(dir, 'manifests'));
  const live = Object.fromEntries(Object.entries(readLiveDir(dir)).map(([h, l]) => [h, l.state]));
  const { allocations, desired } = compileAll(model, live);
  return { model, live, desired, allocations };
}

/** Flows per owner kind on one host: pipeline, tunnel, network, endpoint, and any other kind. */
function flowCounts(host: CompiledHost): { total: number; byKind: Map<string, Map<string, number>> } {
  const byKind = new Map<string, Map<string, number>>();
  const flows = Object.values(host.state.bridges[BRIDGE]?.flows ?? {});
  for (const f of flows) {
    const kind = decodeCookie(f.cookie).kind ?? 'foreign';
    const owners = byKind.get(kind) ?? new Map<string, number>();
    owners.set(f.cookie, (owners.get(f.cookie) ?? 0) + 1);
    byKind.set(kind, owners);
  }
  return { total: flows.length, byKind };
}

describe('compile (golden)', () => {
  const cases = caseNames(ROOT);
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      if (!existsSync(join(dir, 'README'))) throw new Error(`${name}: missing README (one line: what this case checks)`);
      const { model, live, desired, allocations } = await compileCase(name);

      expectGolden(join(dir, 'allocations.json'), json(sortDeep(allocations)));
      const hosts = model.fabric.hosts.map((h) => h.name);
      for (const host of hosts) {
        const c = desired[host]!;
        expectGolden(join(dir, `${host}.flows.txt`), flowsText(c.state.bridges[BRIDGE]!.flows, c.owners));
        expectGolden(join(dir, `${host}.state.json`), json(stateWithoutFlows(c.state)));
      }
      // A golden of a host the Fabric no longer has is stale.
      for (const file of readdirSync(dir)) {
        const m = /^(.+)\.(flows\.txt|state\.json)$/.exec(file);
        if (m && !hosts.includes(m[1]!)) throw new Error(`${name}: ${file} belongs to no host of the Fabric; delete it`);
      }

      // Invariants every case must hold, whatever the goldens say.
      for (const host of hosts) {
        const bridge = desired[host]!.state.bridges[BRIDGE]!;
        const ports = Object.values(bridge.ports);
        for (const p of ports) expect(p.name.length, `${host} port ${p.name}`).toBeLessThanOrEqual(15);
        expect(new Set(ports.map((p) => p.name)).size).toBe(ports.length);
        expect(new Set(ports.map((p) => p.ofport)).size, `${host}: ofports unique`).toBe(ports.length);
        // One tunnel port, whatever the Fabric's size; the flood list names every other host's VTEP once.
        expect(ports.filter((p) => p.externalIds[KIND_KEY] === 'tunnel').map((p) => [p.name, p.ofport, p.options['remote_ip']])).toEqual([[TUNNEL_PORT, TUNNEL_OFPORT, 'flow']]);
        expect(floodVteps(bridge).sort()).toEqual(model.fabric.hosts.filter((h) => h.name !== host).map((h) => h.vtep).sort());
        // Endpoints keep the number attach gave them.
        for (const lp of Object.values(live[host]?.bridges[BRIDGE]?.ports ?? {})) {
          const want = bridge.ports[lp.name];
          if (want) expect(want.ofport, `${host}: ${lp.name} keeps its ofport`).toBe(lp.ofport);
        }
      }
      // Fabric-wide: VNIs unique; zones unique; group ids unique per tenant.
      const vnis = Object.values(allocations.vni);
      expect(new Set(vnis).size).toBe(vnis.length);
      const zones = Object.values(allocations.zone);
      expect(new Set(zones).size).toBe(zones.length);
      for (const t of model.tenants) {
        const gids = model.groups.filter((g) => g.tenant === t.name).map((g) => allocations.group[`${t.name}/${g.name}`]);
        expect(new Set(gids).size).toBe(gids.length);
      }
      // A value recorded on the hosts (all agreeing) is kept while its object exists.
      const recorded = new Map<string, Set<string>>();
      for (const state of Object.values(live)) {
        for (const r of parseRecords(state.bridges[BRIDGE]?.externalIds ?? {})) {
          const k = recordKey(r.kind, ...r.parts);
          recorded.set(k, new Set([...(recorded.get(k) ?? []), r.value]));
        }
      }
      for (const n of model.networks) {
        const values = recorded.get(recordKey('vni', n.tenant, n.name));
        if (values?.size === 1 && n.vni === undefined) expect(String(allocations.vni[`${n.tenant}/${n.name}`]), `vni of ${n.tenant}/${n.name}`).toBe([...values][0]);
      }
      for (const g of model.groups) {
        const values = recorded.get(recordKey('gid', g.tenant, g.name));
        if (values?.size === 1) expect(String(allocations.group[`${g.tenant}/${g.name}`]), `gid of ${g.tenant}/${g.name}`).toBe([...values][0]);
      }
      for (const t of model.tenants) {
        const values = recorded.get(recordKey('zone', t.name));
        if (values?.size === 1) expect(String(allocations.zone[t.name]), `zone of ${t.name}`).toBe([...values][0]);
      }
    });
  }

  it('flows per host = constant + VTEP prefixes + c2·networks + c3·local endpoints (never a product, never per peer)', async () => {
    // Every owner of one kind has the same number of flows, in every case: so the count is
    // linear in tunnels, networks and local endpoints, whatever their mix.
    const perOwner = new Map<string, Set<number>>();
    const rows: Array<{ where: string; total: number; tunnels: number; networks: number; endpoints: number; other: number }> = [];
    for (const name of caseNames(ROOT)) {
      const { model, desired, live } = await compileCase(name);
      for (const h of model.fabric.hosts) {
        const c = desired[h.name]!;
        const { total, byKind } = flowCounts(c);
        let other = 0;
        for (const [kind, owners] of byKind) {
          const counts = perOwner.get(kind) ?? new Set<number>();
          for (const n of owners.values()) counts.add(n);
          perOwner.set(kind, counts);
          if (!['pipeline', 'tunnel', 'network', 'endpoint'].includes(kind)) other += [...owners.values()].reduce((a, b) => a + b, 0);
        }
        const networks = new Set(model.networks.map((n) => `${n.tenant}/${n.name}`));
        const endpoints = live[h.name] ? endpointsOf(live[h.name]!).filter((e) => networks.has(`${e.tenant}/${e.network}`)).length : 0;
        rows.push({ where: `${name}/${h.name}`, total, tunnels: vtepPrefixes(model.fabric.hosts).length, networks: model.networks.length, endpoints, other });
      }
    }
    for (const kind of ['pipeline', 'network', 'endpoint']) {
      expect([...(perOwner.get(kind) ?? [])], `flows per ${kind} owner`).toHaveLength(1);
    }
    const one = (kind: string) => [...perOwner.get(kind)!][0]!;
    const [p, c2, c3] = [one('pipeline'), one('network'), one('endpoint')];
    // One admission flow per prefix of the Fabric's VTEPs (one tunnel owner per host).
    for (const r of rows) expect(r.total, r.where).toBe(p + r.tunnels + c2 * r.networks + c3 * r.endpoints + r.other);
    // And the endpoints case really has endpoints: the formula is exercised, not vacuous.
    expect(rows.some((r) => r.endpoints >= 2)).toBe(true);
  });

  it('two tenants with the same network name and subnet stay apart: distinct VNIs, zones, MACs; one endpoint IP in both', async () => {
    const { model, allocations, desired, live } = await compileCase('two-tenants-same-network');
    expect(model.networks.map((n) => `${n.tenant}/${n.name} ${n.subnet.address}/${n.subnet.prefix}`).sort()).toEqual(['green/net 10.1.2.0/24', 'red/net 10.1.2.0/24']);
    expect(allocations.vni['red/net']).not.toBe(allocations.vni['green/net']);
    expect(allocations.zone['red']).not.toBe(allocations.zone['green']);
    const eps = endpointsOf(live['h1']!);
    expect(eps.map((e) => e.ip)).toEqual(['10.1.2.2', '10.1.2.2']);
    expect(eps[0]!.mac).not.toBe(eps[1]!.mac);
    // Each endpoint's flows name its own network's VNI only.
    const flows = Object.values(desired['h1']!.state.bridges[BRIDGE]!.flows);
    for (const e of eps) {
      const vni = allocations.vni[`${e.tenant}/${e.network}`];
      const mine = flows.filter((f) => f.match.includes(e.mac));
      expect(mine.length).toBeGreaterThan(0);
      for (const f of mine) expect(`${f.match} ${f.actions}`).toMatch(new RegExp(`metadata=${vni}\\b|set_field:${vni}->metadata`));
    }
  });
});
