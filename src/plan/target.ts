import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Host } from '../model/types.js';
import { endpointsOf } from '../state/endpoint.js';
import type { LiveHost } from '../state/host-state.js';

/*
 * Sharding a fleet: `--target SEL` and `--exclude SEL` (pure). A selector is
 *
 *   NAME          a host of the Fabric
 *   KEY=VALUE     the hosts whose label KEY is VALUE (the value is everything after the first =)
 *   tenant:NAME   the hosts where tenant NAME has endpoints now
 *
 * Several --target selectors add up; --exclude removes the hosts it selects from that (from
 * every host without --target). A selector that selects no host is a mistake (a typo would
 * otherwise shrink a CI shard silently), and so is a selection left empty.
 *
 * Why a tenant selects the hosts of its endpoints: a tenant's networks, groups and policies
 * become flows on every host, but they only carry traffic where its containers run: a host
 * without the tenant's endpoints neither sends nor receives it, so its copy is inert until one
 * arrives. Applying a tenant's change there first is what a per-tenant CI job needs, and a
 * shard is always a set of whole hosts: a host is applied in one bundle under one lock and one
 * fingerprint, so two jobs that each took "their tenant's flows" of one host would refuse each
 * other's plans. The hosts without the tenant's endpoints catch up with their own shard (or a
 * full apply). Which hosts a tenant has endpoints on is read from the hosts' records.
 */

export type Selector = { kind: 'host'; text: string; name: string } | { kind: 'label'; text: string; key: string; value: string } | { kind: 'tenant'; text: string; tenant: string };

export interface ShardRequest {
  target: readonly string[];
  exclude: readonly string[];
}

/** Host names and tenant names: DNS labels (the Fabric schema's `name`). */
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Label keys and values, as the Fabric schema allows them (a value may be empty). */
const LABEL_KEY = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const TENANT_PREFIX = 'tenant:';

/** One selector's text → the selector, or why it is not one. */
export function parseSelector(text: string): { selector: Selector } | { problem: string } {
  if (text.startsWith(TENANT_PREFIX)) {
    const tenant = text.slice(TENANT_PREFIX.length);
    return NAME.test(tenant) ? { selector: { kind: 'tenant', text, tenant } } : { problem: `"${tenant}" is not a tenant name (a DNS label)` };
  }
  const eq = text.indexOf('=');
  if (eq !== -1) {
    const key = text.slice(0, eq);
    const value = text.slice(eq + 1);
    if (!LABEL_KEY.test(key)) return { problem: `"${key}" is not a label key` };
    if (!LABEL_VALUE.test(value)) return { problem: `"${value}" is not a label value` };
    return { selector: { kind: 'label', text, key, value } };
  }
  return NAME.test(text) ? { selector: { kind: 'host', text, name: text } } : { problem: 'not a host name, a label key=value or tenant:NAME' };
}

/** Whether selecting needs the hosts' endpoints (a tenant selector), so a read before the selection. */
export function needsEndpoints(request: ShardRequest): boolean {
  return [...request.target, ...request.exclude].some((t) => t.startsWith(TENANT_PREFIX));
}

export function isSharded(request: Partial<ShardRequest> | undefined): boolean {
  return (request?.target?.length ?? 0) + (request?.exclude?.length ?? 0) > 0;
}

/** Per host, the tenants that have endpoints there (from the hosts' records). */
export type TenantsOn = Readonly<Record<string, readonly string[]>>;

/** The tenants with endpoints on each host, from what the hosts record (the small read is enough). */
export function tenantsOn(live: Readonly<Record<string, LiveHost>>): TenantsOn {
  return Object.fromEntries(Object.entries(live).map(([h, l]) => [h, [...new Set(endpointsOf(l.state).map((e) => e.tenant))].sort()]));
}

export interface Selection {
  /** The selected hosts, in the order of `hosts`; absent when the selection is refused. */
  hosts?: string[];
  diagnostics: Diagnostic[];
}

/**
 * The hosts a shard covers. `tenantsOn` is needed only with tenant selectors: without it (a
 * saved plan knows no endpoints) they are refused. `where` names the set of hosts in messages.
 */
export function selectShard(hosts: readonly Pick<Host, 'name' | 'labels'>[], request: ShardRequest, tenantsOn?: TenantsOn, where = 'the Fabric'): Selection {
  const diagnostics: Diagnostic[] = [];
  const pick = (option: '--target' | '--exclude', texts: readonly string[]): Set<string> => {
    const names = new Set<string>();
    for (const text of texts) {
      const parsed = parseSelector(text);
      if ('problem' in parsed) {
        diagnostics.push(error('selector-invalid', `${option} ${JSON.stringify(text)}: ${parsed.problem}`, undefined, 'a selector is a host name, a label key=value, or tenant:NAME'));
        continue;
      }
      const s = parsed.selector;
      if (s.kind === 'tenant' && !tenantsOn) {
        diagnostics.push(error('selector-needs-hosts', `${option} ${text}: a tenant selects the hosts where it has endpoints, which only the hosts can say`, undefined, `make the plan with ${option} ${text} (contiv plan ${option} ${text} --out FILE) and apply that`));
        continue;
      }
      const matched = hosts.filter((h) => matches(s, h, tenantsOn));
      if (matched.length === 0) diagnostics.push(error('selector-unmatched', `${option} ${text} matches no host of ${where}${s.kind === 'tenant' ? ` (no host has endpoints of tenant ${s.tenant})` : ''}`));
      for (const h of matched) names.add(h.name);
    }
    return names;
  };
  const target = request.target.length ? pick('--target', request.target) : new Set(hosts.map((h) => h.name));
  const exclude = pick('--exclude', request.exclude);
  if (diagnostics.length) return { diagnostics };
  const selected = hosts.filter((h) => target.has(h.name) && !exclude.has(h.name)).map((h) => h.name);
  if (selected.length === 0) return { diagnostics: [error('shard-empty', `${describeRequest(request)} leaves no host of ${where} to plan`)] };
  return { hosts: selected, diagnostics };
}

function matches(s: Selector, h: Pick<Host, 'name' | 'labels'>, tenantsOn: TenantsOn | undefined): boolean {
  switch (s.kind) {
    case 'host':
      return h.name === s.name;
    case 'label':
      return Object.hasOwn(h.labels, s.key) && h.labels[s.key] === s.value;
    case 'tenant':
      return (tenantsOn?.[h.name] ?? []).includes(s.tenant);
  }
}

/** `--target rack=a --exclude h3`, as the user wrote it. */
export function describeRequest(request: ShardRequest): string {
  return [...request.target.map((t) => `--target ${t}`), ...request.exclude.map((t) => `--exclude ${t}`)].join(' ');
}
