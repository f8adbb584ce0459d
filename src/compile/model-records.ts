import type { Model, NumberRange, Peer, Protocol, Rule } from '../model/types.js';
import { parseRecords, recordKey, type ParsedRecord } from './records.js';

/*
 * The model as last applied, recorded on every host (see records.ts): networks' addressing,
 * groups' network and policies, policies' rules. A plan reads it back to refuse changes that
 * would strand endpoints and to say what a policy change means — without a state file.
 */

export interface RecordedNetwork {
  tenant: string;
  name: string;
  subnet: string;
  gateway?: string;
  vni?: number;
}

export interface RecordedGroup {
  tenant: string;
  name: string;
  network: string;
  policies: string[];
  /** `first-last` */
  ipPool?: string;
}

export type RecordedRule = Omit<Rule, 'source'>;

export interface RecordedPolicy {
  tenant: string;
  name: string;
  rules: RecordedRule[];
}

export interface RecordedModel {
  networks: RecordedNetwork[];
  groups: RecordedGroup[];
  policies: RecordedPolicy[];
  /** The endpoints' MTU (absent on hosts applied before it was recorded). */
  mtu?: number;
}

export function modelRecords(model: Model): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of model.networks) out[recordKey('net', n.tenant, n.name)] = `${n.subnet.address}/${n.subnet.prefix}${n.gateway ? ` ${n.gateway}` : ''}`;
  for (const g of model.groups) out[recordKey('grp', g.tenant, g.name)] = `${g.network} ${g.policies.join(',')}`.trim();
  for (const p of model.policies) out[recordKey('pol', p.tenant, p.name)] = JSON.stringify(p.rules.map(({ source: _source, ...rule }) => rule));
  for (const g of model.groups) if (g.ipPool) out[recordKey('pool', g.tenant, g.name)] = `${g.ipPool.first}-${g.ipPool.last}`;
  out[recordKey('mtu')] = String(model.fabric.mtu);
  return out;
}

// Hosts with the same records (one array: parseRecords) share one reading. Callers never change it.
const read = new WeakMap<readonly ParsedRecord[], RecordedModel>();

/** Reads the recorded model back from a bridge's external_ids; unreadable entries are skipped. */
export function readModelRecords(externalIds: Record<string, string>): RecordedModel {
  const records = parseRecords(externalIds);
  let out = read.get(records);
  if (!out) read.set(records, (out = readOnce(records)));
  return out;
}

function readOnce(records: readonly ParsedRecord[]): RecordedModel {
  const out: RecordedModel = { networks: [], groups: [], policies: [] };
  const vnis = new Map<string, number>();
  const pools = new Map<string, string>();
  for (const r of records) {
    if (r.kind === 'vni') vnis.set(r.parts.join('/'), Number(r.value));
    else if (r.kind === 'pool') pools.set(r.parts.join('/'), r.value);
    else if (r.kind === 'mtu' && /^\d+$/.test(r.value)) out.mtu = Number(r.value);
  }
  for (const r of records) {
    const [tenant, name] = r.parts;
    if (!tenant || !name) continue;
    if (r.kind === 'net') {
      const [subnet, gateway] = r.value.split(' ');
      const vni = vnis.get(`${tenant}/${name}`);
      out.networks.push({ tenant, name, subnet: subnet!, ...(gateway ? { gateway } : {}), ...(vni !== undefined ? { vni } : {}) });
    } else if (r.kind === 'grp') {
      const [network, policies] = r.value.split(' ');
      const pool = pools.get(`${tenant}/${name}`);
      out.groups.push({ tenant, name, network: network!, policies: policies ? policies.split(',') : [], ...(pool ? { ipPool: pool } : {}) });
    } else if (r.kind === 'pol') {
      try {
        const rules = JSON.parse(r.value) as Array<{ id: string; direction: 'in' | 'out'; priority: number; protocol: Protocol; ports?: NumberRange; peer?: Peer; action: 'allow' | 'deny' }>;
        out.policies.push({ tenant, name, rules });
      } catch {
        // A record someone edited by hand: treated as absent.
      }
    }
  }
  const byName = (a: { tenant: string; name: string }, b: { tenant: string; name: string }) => (`${a.tenant}/${a.name}` < `${b.tenant}/${b.name}` ? -1 : 1);
  out.networks.sort(byName);
  out.groups.sort(byName);
  out.policies.sort(byName);
  return out;
}

/** Whether a reading holds no model: a host contiv never applied. */
export function recordsNoModel(m: RecordedModel): boolean {
  return m.networks.length === 0 && m.groups.length === 0 && m.policies.length === 0 && m.mtu === undefined;
}

// Hosts with the same records share one reading (readModelRecords), so one identity.
const identities = new WeakMap<RecordedModel, string>();

/**
 * A text two readings share exactly when they hold the same model: hosts whose model chunks
 * differ in their compression alone, or that recorded one key each (older contivs), compare
 * alike. Lists are sorted by readOnce, so the text depends on the records only.
 */
export function modelIdentity(m: RecordedModel): string {
  let out = identities.get(m);
  if (out === undefined) identities.set(m, (out = JSON.stringify(m)));
  return out;
}
