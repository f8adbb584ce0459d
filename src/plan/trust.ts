import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { closest } from '../manifest/suggest.js';
import type { Model } from '../model/types.js';

/*
 * `--trust-host NAME`: where hosts' records disagree (an allocation recorded with different
 * values, address blocks two hosts claim, the model as last applied), the named host's records
 * are taken instead of refusing the plan. Only a person can tell which host is right, so the
 * plan never picks one by itself; it names the hosts and waits for this flag.
 */

export const TRUST_FLAG = '--trust-host';

/** What a refusal over disagreeing records offers. */
export const TRUST_HINT = `find out which host's records are right (records edited by hand, or written by a host that lies, are not); then plan again with ${TRUST_FLAG} NAME to take that host's records where hosts disagree`;

/** A --trust-host that names no host of the Fabric: a user's mistake, said before any host is read. */
export function unknownTrustedHost(model: Pick<Model, 'fabric'>, name: string | undefined): Diagnostic | undefined {
  if (name === undefined) return undefined;
  const names = model.fabric.hosts.map((h) => h.name);
  if (names.includes(name)) return undefined;
  const near = closest(name, names);
  return error('trust-host-unknown', `${TRUST_FLAG} ${JSON.stringify(name)} is not a host of the Fabric`, undefined, near ? `did you mean ${TRUST_FLAG} ${near}?` : `name one of the Fabric's hosts`);
}
