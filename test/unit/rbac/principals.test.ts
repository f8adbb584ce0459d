import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { fingerprint, keyBlob } from '../../../src/rbac/keys.js';

/*
 * Owners and admins as the manifests write them: the schema's shape, the rules' checks (a key is
 * a key of its type; one key, one name), the model keeping them with their positions, and the
 * fingerprint git will report for a key, checked against ssh-keygen's own.
 */

let folder: string;
const pub: Record<string, string> = {};
const printed: Record<string, string> = {};
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'contiv-principals-'));
  for (const [name, type] of [['ed', 'ed25519'], ['ec', 'ecdsa'], ['rsa', 'rsa']] as const) {
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', `${name} key`, '-f', join(folder, name)]);
    pub[name] = readFileSync(join(folder, `${name}.pub`), 'utf8').trim();
    printed[name] = execFileSync('ssh-keygen', ['-lf', join(folder, `${name}.pub`)], { encoding: 'utf8' }).split(' ')[1]!;
  }
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const fabric = (admins: string) => `apiVersion: contiv.io/v1
kind: Fabric
metadata:
  name: lab
spec:
${admins}  hosts:
    - name: h1
      address: 192.0.2.1
`;
const tenant = (owners: string) => `apiVersion: contiv.io/v1
kind: Tenant
metadata:
  name: blue
spec:
${owners}`;

function load(fabricText: string, tenantText: string) {
  return loadManifests({ files: [{ path: 'fabric.yaml', absPath: '/m/fabric.yaml', text: fabricText }, { path: 'tenant.yaml', absPath: '/m/tenant.yaml', text: tenantText }], home: '/home/user' });
}
const codes = (r: ReturnType<typeof load>) => r.diagnostics.map((d) => `${d.source?.file}:${d.source?.line} ${d.code}`);

describe('owners and admins', () => {
  it('fingerprints are ssh-keygen\'s for ed25519, ecdsa and rsa keys, the comment aside', () => {
    for (const name of ['ed', 'ec', 'rsa']) expect(fingerprint(pub[name]!)).toBe(printed[name]);
  });

  it('the model keeps each with its key (without the comment) and where its name is written', () => {
    const r = load(fabric(`  admins:\n    - { name: ops, key: "${pub['ed']}" }\n`), tenant(`  owners:\n    - name: alice\n      key: "${pub['ec']}"\n    - name: bob\n      key: ${pub['rsa']!.split(' ').slice(0, 2).join(' ')}\n`));
    expect(codes(r)).toEqual([]);
    expect(r.model!.fabric.admins).toEqual([{ name: 'ops', key: pub['ed']!.split(' ').slice(0, 2).join(' '), source: { file: 'fabric.yaml', line: 7, col: 15 } }]);
    const blue = r.model!.tenants.find((t) => t.name === 'blue')!;
    expect(blue.owners!.map((o) => [o.name, o.source.line])).toEqual([['alice', 7], ['bob', 9]]);
    expect(blue.owners![0]!.key).toBe(pub['ec']!.split(' ').slice(0, 2).join(' '));
    // Absent lists stay absent: open, not "nobody".
    expect(r.model!.tenants.find((t) => t.name === 'default')!.owners).toBeUndefined();
  });

  it('refuses an empty list, a name that is no DNS label, a key of no known type, and a line break in a key', () => {
    const r = load(fabric('  admins: []\n'), tenant(`  owners:\n    - name: Alice@example\n      key: "${pub['ed']}"\n    - name: bob\n      key: "ssh-dss AAAAB3NzaC1kc3M"\n    - name: carol\n      key: "${pub['ed']}\\nevil ssh-ed25519 AAAA"\n`));
    expect(codes(r)).toEqual(['fabric.yaml:6 schema-min-items', 'tenant.yaml:7 schema-pattern', 'tenant.yaml:10 schema-pattern', 'tenant.yaml:12 schema-pattern']);
  });

  it('refuses a key that is not the type it names, or is cut short (principal-key-invalid)', () => {
    const [, edData] = pub['ed']!.split(' ');
    const r = load(fabric(`  admins:\n    - { name: ops, key: "ssh-rsa ${edData}" }\n`), tenant(`  owners:\n    - name: alice\n      key: "ssh-ed25519 ${edData!.slice(0, 40)}"\n`));
    expect(codes(r)).toEqual(['fabric.yaml:7 principal-key-invalid', 'tenant.yaml:8 principal-key-invalid']);
    expect(keyBlob(`ssh-rsa ${edData}`)).toEqual({ problem: 'the key says "ssh-rsa" but holds a ssh-ed25519 key' });
  });

  it('refuses one key under two names (principal-key-shared); the same name twice is one person', () => {
    const r = load(fabric(`  admins:\n    - { name: ops, key: "${pub['ed']}" }\n`), tenant(`  owners:\n    - { name: ops, key: "${pub['ed']}" }\n    - { name: alice, key: "${pub['ed']}" }\n`));
    expect(codes(r)).toEqual(['tenant.yaml:8 principal-key-shared']);
  });
});
