import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Host } from '../../model/types.js';
import type { RuleContext } from './context.js';
import { where } from './context.js';
import { isIpv4 } from '../ipv4.js';
import { isAbsolute, relative } from 'node:path';

const MAX_VNI = 16_777_215;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * A Fabric from the manifest set (a pull request can change it) must not choose the trust
 * anchors: with --accept-new-host-keys contiv appends to the known_hosts file, and it checks
 * hosts against it. So its key and known_hosts files lie in ~/.ssh or ~/.contiv; a Fabric that
 * names others comes with --fabric-ref (from a trusted branch) or --fabric.
 */
export function fabricPathsConfined(ctx: RuleContext): Diagnostic[] {
  const folders = ctx.confineTo;
  if (!folders) return [];
  const inside = (p: string) => folders.some((f) => !relative(f, p).startsWith('..') && !isAbsolute(relative(f, p)) && relative(f, p) !== '');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const fabric of ctx.fabrics) {
    for (const host of fabric.hosts) {
      for (const field of ['knownHostsFile', 'identityFile'] as const) {
        const path = host.ssh[field];
        if (path === undefined || inside(path) || seen.has(`${field} ${path}`)) continue;
        seen.add(`${field} ${path}`);
        const at = host.at[`ssh.${field}`] ?? fabric.at[`spec.ssh.${field}`] ?? host.source;
        out.push(error('fabric-path-untrusted', `${field} ${path} is outside ~/.ssh and ~/.contiv, and this Fabric comes from the manifests (a pull request could have written it)`, at, 'keep it in ~/.ssh or ~/.contiv, or give the Fabric from a trusted place: --fabric-ref BASE (the base branch) or --fabric FILE'));
      }
    }
  }
  return out;
}

/** A jump host's port is a port. */
export function proxyJumpWellFormed(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const fabric of ctx.fabrics) {
    for (const host of fabric.hosts) {
      const jump = host.ssh.proxyJump;
      if (!jump) continue;
      const at = host.at['ssh.proxyJump'] ?? fabric.at['spec.ssh.proxyJump'] ?? host.source;
      if (jump.port < 1 || jump.port > 65535) out.push(error('proxy-jump-port', `jump host ${jump.address}: port ${jump.port} is not a port (1-65535)`, at));
    }
  }
  return out;
}

/** Exactly one Fabric per manifest set. */
export function exactlyOneFabric(ctx: RuleContext): Diagnostic[] {
  if (ctx.fabrics.length === 0) {
    if (!ctx.expectFabric) return [];
    // With --fabric the set's own Fabric is ignored, so an empty --fabric file leaves none.
    if (ctx.fabricFile !== undefined) {
      return [error('fabric-missing', `the --fabric file holds no Fabric document`, { file: ctx.fabricFile, line: 1, col: 1 }, 'point --fabric at a file with a document of kind: Fabric')];
    }
    return [error('fabric-missing', 'no Fabric document found: exactly one is needed (the hosts and fabric-wide settings)', undefined, 'add a document of kind: Fabric, or pass --fabric FILE')];
  }
  const [first, ...others] = ctx.fabrics;
  return others.map((f) => error('fabric-duplicate', `a second Fabric "${f.name}": exactly one is allowed (the first is at ${where(first!.source)})`, f.source));
}

/** Host names, SSH addresses and VTEPs each identify one host. */
export function uniqueHosts(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const fabric of ctx.fabrics) {
    const fields: Array<['name' | 'address' | 'vtep', string]> = [
      ['name', 'host-name-duplicate'],
      ['address', 'host-address-duplicate'],
      ['vtep', 'host-vtep-duplicate'],
    ];
    for (const [field, code] of fields) {
      const seen = new Map<string, Host>();
      for (const host of fabric.hosts) {
        const value = host[field];
        const first = seen.get(value);
        // Two hosts that both default their vtep to one address: the address duplicate says it.
        if (first && field === 'vtep' && defaultVtep(host) && defaultVtep(first)) continue;
        if (first) {
          const pos = host.at[field] ?? host.at['address'] ?? host.source;
          out.push(error(code, `host "${host.name}": ${field} ${value} is already used by host "${first.name}" (${where(first.at[field] ?? first.source)})`, pos));
        } else {
          seen.set(value, host);
        }
      }
    }
  }
  return out;
}

/** The vtep was left out, so it is the host's address. */
function defaultVtep(host: Host): boolean {
  return host.at['vtep'] === undefined;
}

/**
 * A host address is an IPv4 address or a DNS name. The schema's pattern admits both, so
 * `999.18.0.11` passes it as a "name"; but an all-numeric name is not a hostname (RFC 3696)
 * and four numbers are clearly meant as IPv4, so they must be a valid IPv4 address.
 */
export function hostAddressWellFormed(ctx: RuleContext): Diagnostic[] {
  return ctx.fabrics.flatMap((fabric) =>
    fabric.hosts
      .filter((h) => /^[0-9.]+$/.test(h.address) && !isIpv4(h.address))
      .map((h) => error('host-address-invalid', `host "${h.name}": address ${h.address} is neither an IPv4 address nor a DNS name`, h.at['address'] ?? h.source)),
  );
}

/** A host reached by DNS name needs an explicit VXLAN address. */
export function vtepIsAddress(ctx: RuleContext): Diagnostic[] {
  return ctx.fabrics.flatMap((fabric) =>
    fabric.hosts
      // An address of digits and dots is IPv4 or reported by hostAddressWellFormed.
      .filter((h) => !IPV4.test(h.vtep) && !/^[0-9.]+$/.test(h.vtep))
      .map((h) =>
        error('host-vtep-required', `host "${h.name}": address ${h.address} is a DNS name, so vtep (its VXLAN IPv4 address) must be given`, h.at['address'] ?? h.source),
      ),
  );
}

export function vniRangeWellFormed(ctx: RuleContext): Diagnostic[] {
  return ctx.fabrics.flatMap((fabric) => {
    const { first, last } = fabric.vniRange;
    const pos = fabric.at['spec.vniRange'] ?? fabric.source;
    if (first < 1 || last > MAX_VNI) return [error('vni-range-invalid', `vniRange ${first}-${last} must lie within 1-${MAX_VNI}`, pos)];
    if (first > last) return [error('vni-range-invalid', `vniRange ${first}-${last} is reversed`, pos, `write ${last}-${first}`)];
    return [];
  });
}
