// @ts-nocheck
import type { Host } from '../model/types.js';

/**
 * `--target SEL`: a host name, or `key=value` matching a host label. Several selectors add up.
 * Returns the selected host names, or the selectors that matched nothing.
 */
export function selectHosts(hosts: readonly Pick<Host, 'name' | 'labels'>[], selectors: readonly string[]): { names: Set<string>; unmatched: string[] } {
  const names = new Set<string>();
  const unmatched: string[] = [];
  for (const sel of selectors) {
    const eq = sel.indexOf('=');
    const matched = hosts.filter((h) => (eq === -1 ? h.name === sel : h.labels[sel.slice(0, eq)] === sel.slice(eq + 1)));
    if (matched.length === 0) unmatched.push(sel);
    for (const h of matched) names.add(h.name);
  }
  return { names, unmatched };
}
