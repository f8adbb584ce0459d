import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';

/*
 * The trust anchors are not a pull request's to choose: a Fabric read from the manifests keeps
 * its key and known_hosts files in ~/.ssh or ~/.contiv (with --accept-new-host-keys contiv
 * appends to the known_hosts file: a Fabric naming victim/authorized_keys wrote a key line
 * there). A Fabric the operator gave (--fabric, --fabric-ref: test/unit/cli/fabric-ref.test.ts)
 * may name any file.
 */

const HOME = '/home/ci';
const fabric = (known: string, identity = '~/.ssh/id_ed25519') =>
  `apiVersion: contiv.io/v1\nkind: Fabric\nmetadata:\n  name: lab\nspec:\n  ssh:\n    identityFile: ${identity}\n    knownHostsFile: ${known}\n  hosts:\n    - name: h1\n      address: 198.18.0.11\n`;
const load = (text: string, confine = true) => loadManifests({ files: [{ path: 'fabric.yaml', absPath: '/repo/m/fabric.yaml', text }], home: HOME, ...(confine ? { confineFabricPaths: true } : {}) });

describe('a Fabric from the manifests does not choose the trust anchors', () => {
  it('key and known_hosts files in ~/.ssh or ~/.contiv are fine', () => {
    for (const known of ['~/.ssh/known_hosts', '~/.contiv/labs/x/known_hosts', `${HOME}/.ssh/ci_hosts`]) expect(load(fabric(known)).diagnostics, known).toEqual([]);
  });

  it('anything else is an error at its line, once per file, with the way out', () => {
    const r = load(fabric('victim/authorized_keys', '/etc/ssh/ssh_host_ed25519_key'));
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.source?.line, d.message])).toEqual([
      ['fabric-path-untrusted', 7, 'identityFile /etc/ssh/ssh_host_ed25519_key is outside ~/.ssh and ~/.contiv, and this Fabric comes from the manifests (a pull request could have written it)'],
      ['fabric-path-untrusted', 8, 'knownHostsFile /repo/m/victim/authorized_keys is outside ~/.ssh and ~/.contiv, and this Fabric comes from the manifests (a pull request could have written it)'],
    ]);
    expect(r.diagnostics[1]!.hint).toBe('keep it in ~/.ssh or ~/.contiv, or give the Fabric from a trusted place: --fabric-ref BASE (the base branch) or --fabric FILE');
    // Out through .. or the folder itself is out.
    for (const known of ['~/.ssh/../.bashrc', '~/.ssh', '~/.sshx/known_hosts']) expect(load(fabric(known)).diagnostics.map((d) => d.code), known).toEqual(['fabric-path-untrusted']);
    // A Fabric the operator gave (--fabric, --fabric-ref) may name any file.
    expect(load(fabric('victim/authorized_keys'), false).diagnostics).toEqual([]);
  });
});

