import { describeHosts } from '../render/host-list.js';

/**
 * The hosts holding a record, for a diagnostic: one host by its name, more as the plan lines
 * name them ("3 hosts (h1–h3)", "998 hosts (h1–h997, h999)"), so a message stays one line at
 * a thousand hosts. `total`: how many hosts were read.
 */
export function holders(hosts: readonly string[], total: number): string {
  return hosts.length === 1 ? hosts[0]! : describeHosts(hosts, total);
}
