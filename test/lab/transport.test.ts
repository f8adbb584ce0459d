import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherFleet, gatherHost } from '../../src/host/gather.js';
import { SshTransport } from '../../src/host/ssh-transport.js';
import { HostError } from '../../src/host/transport.js';
import { labPaths } from '../../src/lab/paths.js';
import { loadManifests } from '../../src/manifest/load.js';
import { readManifestDir, readSourceFile } from '../../src/manifest/read-sources.js';
import type { Host } from '../../src/model/types.js';
import { run } from '../../src/lab/proc.js';
import { CTEST, execIn } from '../harness/lab.js';

/** The hosts of the test lab, as the loader makes them from its Fabric. */
async function labHosts(): Promise<Host[]> {
  const result = loadManifests({
    files: await readManifestDir('examples/quickstart'),
    fabricFile: await readSourceFile(labPaths(CTEST.name).fabric),
    home: homedir(),
  });
  if (!result.model) throw new Error(`lab fabric does not load: ${JSON.stringify(result.diagnostics)}`);
  return result.model.fabric.hosts;
}

function withSsh(host: Host, ssh: Partial<Host['ssh']>): Host {
  return { ...host, ssh: { ...host.ssh, ...ssh } };
}

async function expectHostError(p: Promise<unknown>, kind: HostError['kind']): Promise<HostError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HostError);
  expect((e as HostError).kind).toBe(kind);
  return e as HostError;
}

let hosts: Host[];
let tmp: string;

beforeAll(async () => {
  hosts = await labHosts();
  tmp = mkdtempSync(join(tmpdir(), 'contiv-transport-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ssh transport on the lab', () => {
  it('accepts known host keys and gathers every host over one connection each', async () => {
    const transport = new SshTransport();
    try {
      const outcomes = await gatherFleet(transport, hosts, 32);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
      const names = outcomes.map((o) => (o.ok ? o.value.facts.hostname : ''));
      expect(names).toEqual(['h1', 'h2', 'h3']);
      // The connection is reused: the remote shell's parent, sshd's per-connection process,
      // is the same for two execs of one transport and differs for another transport.
      const first = await transport.exec(hosts[0]!, 'echo $PPID');
      const again = await transport.exec(hosts[0]!, 'echo $PPID');
      expect(Number(first.stdout)).toBeGreaterThan(1);
      expect(again.stdout).toBe(first.stdout);
      const other = new SshTransport();
      try {
        expect((await other.exec(hosts[0]!, 'echo $PPID')).stdout).not.toBe(first.stdout);
      } finally {
        await other.close();
      }
    } finally {
      await transport.close();
    }
  });

  it('reaches a host through a jump host (h1 as the bastion of h2), checking the jump host\'s key too', async () => {
    const [h1, h2] = [hosts[0]!, hosts[1]!];
    // h2's sshd answers only h1 from now on: the direct way is closed.
    const nft = (...args: string[]) => execIn('h2', ['nft', ...args]);
    expect((await nft('add', 'table', 'inet', 'contivjump')).code).toBe(0);
    try {
      await nft('add', 'chain', 'inet', 'contivjump', 'in', '{ type filter hook input priority 0; policy accept; }');
      expect((await nft('add', 'rule', 'inet', 'contivjump', 'in', 'tcp', 'dport', '22', 'ip', 'saddr', '!=', h1.address, 'drop')).code).toBe(0);
      const direct = new SshTransport({ connectTimeoutMs: 2000 });
      try {
        await expectHostError(direct.exec(h2, 'true'), 'unreachable');
      } finally {
        await direct.close();
      }
      const viaH1 = withSsh(h2, { proxyJump: { user: 'root', address: h1.address, port: 22 } });
      const transport = new SshTransport();
      try {
        expect((await transport.exec(viaH1, 'cat /proc/sys/kernel/hostname')).stdout.trim()).toBe('h2');
        expect((await gatherHost(transport, viaH1)).facts.hostname).toBe('h2');
      } finally {
        await transport.close();
      }
      // The jump host's key is checked against the same known_hosts: without h1's line, refused.
      const knownHosts = join(tmp, 'without-h1');
      writeFileSync(knownHosts, readFileSync(labPaths(CTEST.name).knownHosts, 'utf8').split('\n').filter((l) => !l.startsWith(`${h1.address} `)).join('\n'));
      const strict = new SshTransport();
      try {
        const e = await expectHostError(strict.exec(withSsh(viaH1, { knownHostsFile: knownHosts }), 'true'), 'host-key-unknown');
        expect(e.message).toMatch(new RegExp(`^h2: through jump host root@${h1.address.replace(/\./g, '\\.')}:22: host key SHA256:\\S+ of ${h1.address.replace(/\./g, '\\.')} is not in ${knownHosts}$`));
      } finally {
        await strict.close();
      }
    } finally {
      await nft('delete', 'table', 'inet', 'contivjump');
    }
  });

  it('refuses a changed host key, naming the host and both fingerprints', async () => {
    const knownHosts = join(tmp, 'changed');
    // h1's entry replaced by h2's key: the key h1 presents is then "changed".
    const lines = readFileSync(labPaths(CTEST.name).knownHosts, 'utf8').trim().split('\n');
    const h2Key = lines.find((l) => l.startsWith(`${hosts[1]!.address} `))!.split(' ').slice(1).join(' ');
    writeFileSync(knownHosts, `${hosts[0]!.address} ${h2Key}\n`);
    const transport = new SshTransport({ acceptNewHostKeys: true });
    try {
      const e = await expectHostError(transport.exec(withSsh(hosts[0]!, { knownHostsFile: knownHosts }), 'true'), 'host-key-changed');
      expect(e.message).toMatch(/^h1: HOST KEY CHANGED/);
      expect(e.message.match(/SHA256:[A-Za-z0-9+/]{43}/g)).toHaveLength(2);
      // --accept-new-host-keys never replaces a changed key.
      expect(readFileSync(knownHosts, 'utf8')).toBe(`${hosts[0]!.address} ${h2Key}\n`);
    } finally {
      await transport.close();
    }
  });

  it('refuses an unknown host key, then records it with --accept-new-host-keys', async () => {
    const knownHosts = join(tmp, 'empty');
    writeFileSync(knownHosts, '');
    const host = withSsh(hosts[1]!, { knownHostsFile: knownHosts });
    const strict = new SshTransport();
    try {
      const e = await expectHostError(strict.exec(host, 'true'), 'host-key-unknown');
      expect(e.message).toMatch(/^h2: host key SHA256:/);
      expect(e.hint).toMatch(/--accept-new-host-keys/);
    } finally {
      await strict.close();
    }
    const accepting = new SshTransport({ acceptNewHostKeys: true });
    try {
      expect((await accepting.exec(host, 'hostname')).stdout.trim()).toBe('h2');
    } finally {
      await accepting.close();
    }
    const recorded = readFileSync(knownHosts, 'utf8');
    expect(recorded).toMatch(new RegExp(`^${hosts[1]!.address.replaceAll('.', '\\.')} ssh-ed25519 `));
    const again = new SshTransport();
    try {
      expect((await again.exec(host, 'true')).code).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('refuses a wrong user and a wrong key as authentication failures', async () => {
    const transport = new SshTransport();
    try {
      const e = await expectHostError(transport.exec(withSsh(hosts[0]!, { user: 'nobody' }), 'true'), 'auth');
      expect(e.message).toMatch(/^h1: authentication failed for nobody@/);
      // A real key that the host does not authorize.
      const otherKey = join(tmp, 'other_key');
      await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
      const wrongKey = await expectHostError(transport.exec(withSsh(hosts[1]!, { identityFile: otherKey }), 'true'), 'auth');
      expect(wrongKey.message).toContain(otherKey);
      // A file that is not a key at all is a configuration problem, not a crash.
      const garbage = join(tmp, 'garbage_key');
      writeFileSync(garbage, 'not a key\n');
      const bad = await expectHostError(transport.exec(withSsh(hosts[1]!, { identityFile: garbage }), 'true'), 'config');
      expect(bad.message).toMatch(/^h2: cannot use identityFile/);
    } finally {
      await transport.close();
    }
  });

  it('logs in with RSA and ECDSA keys as with ed25519, and calls a key with a passphrase a configuration problem', async () => {
    const authorized = labPaths(CTEST.name).authorizedKeys;
    const before = readFileSync(authorized, 'utf8');
    // A transport per key: one keeps its connection to a host for the run.
    const withKey = async <T>(use: (t: SshTransport) => Promise<T>): Promise<T> => {
      const transport = new SshTransport();
      try {
        return await use(transport);
      } finally {
        await transport.close();
      }
    };
    try {
      for (const [type, bits] of [['rsa', '2048'], ['ecdsa', '256']] as const) {
        const key = join(tmp, `login_${type}`);
        await run(['ssh-keygen', '-q', '-t', type, '-b', bits, '-N', '', '-f', key]);
        // Refused before its key is authorized, let in after: the login is this key's.
        await withKey((t) => expectHostError(t.exec(withSsh(hosts[0]!, { identityFile: key }), 'true'), 'auth'));
        writeFileSync(authorized, `${readFileSync(authorized, 'utf8')}${readFileSync(`${key}.pub`, 'utf8')}`);
        const r = await withKey((t) => t.exec(withSsh(hosts[0]!, { identityFile: key }), 'hostname'));
        expect([type, r.code, r.stdout.trim()]).toEqual([type, 0, 'h1']);
      }
      const locked = join(tmp, 'login_locked');
      await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', 'secret', '-f', locked]);
      const e = await withKey((t) => expectHostError(t.exec(withSsh(hosts[0]!, { identityFile: locked }), 'true'), 'config'));
      expect(e.message).toMatch(/^h1: cannot use identityFile .*passphrase/);
    } finally {
      writeFileSync(authorized, before);
    }
  });

  it('reports a host that is down while the others are gathered', async () => {
    const down: Host = withSsh({ ...hosts[2]!, name: 'h9' }, { port: 2 }); // nothing listens on port 2
    const transport = new SshTransport();
    try {
      const outcomes = await gatherFleet(transport, [hosts[0]!, down, hosts[1]!], 32);
      expect(outcomes.map((o) => [o.host, o.ok])).toEqual([['h1', true], ['h9', false], ['h2', true]]);
      const failed = outcomes[1]!;
      if (failed.ok) throw new Error('unreachable');
      expect(failed.error.kind).toBe('unreachable');
      expect(failed.error.message).toMatch(/^h9: cannot connect to root@.*:2: ECONNREFUSED/);
    } finally {
      await transport.close();
    }
  });

  it('times a command out and reconnects for the next one', async () => {
    const transport = new SshTransport();
    try {
      const started = Date.now();
      await expectHostError(transport.exec(hosts[0]!, 'sleep 20', { timeoutMs: 700 }), 'timeout');
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await transport.exec(hosts[0]!, 'echo back')).stdout).toBe('back\n');
    } finally {
      await transport.close();
    }
  });

  it('names a missing ovs-vsctl', async () => {
    // Hide ovs-vsctl in h3's own mount namespace only, for this test.
    const empty = join(tmp, 'not-executable');
    writeFileSync(empty, '');
    await execIn('h3', ['mount', '--bind', empty, '/usr/bin/ovs-vsctl']);
    const transport = new SshTransport();
    try {
      const e = await expectHostError(gatherHost(transport, hosts[2]!), 'missing-binary');
      expect(e.message).toBe('h3: ovs-vsctl not found on the host');
    } finally {
      await transport.close();
      await execIn('h3', ['umount', '/usr/bin/ovs-vsctl']);
    }
  });

  it('runs as a non-root user through sudo, and says so when sudo wants a password', async () => {
    const transport = new SshTransport();
    const asUser = withSsh(hosts[0]!, { user: 'contivlab' });
    try {
      const live = await gatherHost(transport, asUser);
      expect(live.facts.hostname).toBe('h1');
      expect(live.unmanaged.bridges).toContain('br-phy');
      expect((await transport.exec(asUser, 'id -u')).stdout.trim()).toBe('0');
    } finally {
      await transport.close();
    }
    // In h1's mount namespace only: the lab user's sudoers rule without NOPASSWD.
    const sudoers = join(tmp, 'sudoers');
    writeFileSync(sudoers, 'contivlab ALL=(ALL:ALL) ALL\n', { mode: 0o440 });
    await execIn('h1', ['mount', '--bind', sudoers, '/etc/sudoers.d/contiv-lab']);
    const again = new SshTransport();
    try {
      const e = await expectHostError(again.exec(asUser, 'true'), 'sudo');
      expect(e.message).toBe('h1: user contivlab needs a password for sudo');
    } finally {
      await again.close();
      await execIn('h1', ['umount', '/etc/sudoers.d/contiv-lab']);
    }
  });
});
