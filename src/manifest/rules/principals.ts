import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { SourcePos } from '../../diagnostics/diagnostic.js';
import type { Principal } from '../../model/types.js';
import { keyBlob } from '../../rbac/keys.js';
import type { RuleContext } from './context.js';
import { where } from './context.js';

/*
 * Tenants' owners and the Fabric's admins (who may change what: src/rbac/). The schema checks
 * the shape of a key; here, that it is a key of the type it names, and that one key means one
 * person: git names a signer by their key, so a key listed under two names could be either.
 */

interface Listed {
  principal: Principal;
  keyAt: SourcePos;
  list: string;
}

function listed(ctx: RuleContext): Listed[] {
  const out: Listed[] = [];
  for (const fabric of ctx.fabrics) {
    (fabric.admins ?? []).forEach((p, i) => out.push({ principal: p, keyAt: fabric.at[`spec.admins.${i}.key`] ?? p.source, list: 'the admins' }));
  }
  for (const tenant of ctx.tenants) {
    (tenant.owners ?? []).forEach((p, i) => out.push({ principal: p, keyAt: tenant.at[`spec.owners.${i}.key`] ?? p.source, list: `the owners of tenant ${tenant.name}` }));
  }
  return out;
}

export function principalKeysWellFormed(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { principal, keyAt, list } of listed(ctx)) {
    const parsed = keyBlob(principal.key);
    if ('problem' in parsed) out.push(error('principal-key-invalid', `key of ${principal.name} (${list}): ${parsed.problem}`, keyAt, 'paste the whole line of their .pub file, e.g. ~/.ssh/id_ed25519.pub'));
  }
  return out;
}

export function principalKeysDistinct(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const first = new Map<string, Listed>();
  for (const entry of listed(ctx)) {
    const seen = first.get(entry.principal.key);
    if (!seen) first.set(entry.principal.key, entry);
    else if (seen.principal.name !== entry.principal.name) {
      out.push(error('principal-key-shared', `${entry.principal.name} (${entry.list}) has the key of ${seen.principal.name} (${seen.list}, ${where(seen.keyAt)}): a signature names one key, so it could be either`, entry.keyAt, 'give each person their own key, or the same name wherever the key is listed'));
    }
  }
  return out;
}
