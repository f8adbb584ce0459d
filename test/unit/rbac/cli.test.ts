import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnContiv } from '../../support/cli.js';
import { makeKeys, Repo, type Keys } from './repo.js';

/*
 * `contiv plan --base REF` as a user runs it, on a real repository with real signatures. The
 * check comes before any host is contacted: the Fabric's one host is a local port that counts
 * connections, so a refusal is shown to have connected nothing, and an allowed change to go on
 * to the hosts (where this port, which speaks no SSH, stops the plan).
 */

let keys: Keys;
let server: Server;
let port = 0;
const connections: Socket[] = [];

const agent = process.env['SSH_AUTH_SOCK'];
beforeAll(async () => {
  keys = makeKeys();
  // Without a key the plan stops before connecting; an agent that is not there gets it to connect.
  process.env['SSH_AUTH_SOCK'] = join(keys.folder, 'no-agent');
  server = createServer((socket) => {
    connections.push(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  if (agent === undefined) delete process.env['SSH_AUTH_SOCK'];
  else process.env['SSH_AUTH_SOCK'] = agent;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const fabric = () => `apiVersion: contiv.io/v1
kind: Fabric
metadata:
  name: lab
spec:
  ssh: { port: ${port} }
  admins:
    - { name: ops, key: "{{ops}}" }
  hosts:
    - name: h1
      address: 127.0.0.1
      vtep: 192.0.2.1
`;
const tenants = `apiVersion: contiv.io/v1
kind: Tenant
metadata:
  name: blue
spec:
  owners:
    - { name: alice, key: "{{alice}}" }
---
apiVersion: contiv.io/v1
kind: Tenant
metadata:
  name: green
`;
const net = (name: string, tenant: string, subnet: string) => `apiVersion: contiv.io/v1
kind: Network
metadata:
  name: ${name}
  tenant: ${tenant}
spec:
  subnet: ${subnet}
`;

function repoWithBranch(signer: 'alice' | 'mallory'): Repo {
  const repo = new Repo(keys);
  repo.write({ 'm/fabric.yaml': fabric(), 'm/tenants.yaml': tenants, 'm/blue/net.yaml': net('web', 'blue', '10.1.0.0/24'), 'm/green/net.yaml': net('lawn', 'green', '10.2.0.0/24') });
  repo.commit('unsigned', 'base');
  repo.git('checkout', '-q', '-b', 'pr');
  repo.write({ 'm/blue/net.yaml': net('web', 'blue', '10.1.0.0/25'), 'm/green/net.yaml': net('lawn', 'green', '10.2.0.0/25') });
  repo.commit(signer, 'change');
  return repo;
}

describe('contiv plan --base', () => {
  it("refuses a stranger's commit at the object's file:line, before any host is contacted", async () => {
    const repo = repoWithBranch('mallory');
    try {
      const before = connections.length;
      const r = await spawnContiv(['plan', join(repo.root, 'm'), '--base', 'main', '--format', 'markdown']);
      expect(r.status).toBe(1);
      const short = repo.git('rev-parse', '--short', 'HEAD').trim();
      expect(r.stdout).toContain(`${join(repo.root, 'm')}/blue/net.yaml:4:9: error rbac-refused: Network blue/web (tenant blue): changed by commit ${short}, which is signed by an unknown key`);
      expect(r.stdout).toContain("need commits signed by one of the owners of tenant blue (alice) or an admin (ops), as listed at main");
      expect(r.stdout).toContain('No plan: these changes need signatures they do not have');
      // Green has no owners: said, not refused.
      expect(r.stdout).toContain('warning tenant-open: tenant green has no owners at main');
      expect(connections.length).toBe(before);
    } finally {
      repo.remove();
    }
  });

  it("lets an owner's signed change through to the hosts (which this port stops)", async () => {
    const repo = repoWithBranch('alice');
    try {
      const before = connections.length;
      const r = await spawnContiv(['plan', join(repo.root, 'm'), '--base', 'main']);
      expect(r.stdout + r.stderr).not.toContain('rbac-refused');
      expect(r.stderr).toContain('warning tenant-open: tenant green has no owners at main');
      expect(r.status).toBe(1);
      expect(connections.length).toBeGreaterThan(before);
    } finally {
      repo.remove();
    }
  });

  it('refuses uncommitted manifest changes, and a --base that is no commit', async () => {
    const repo = repoWithBranch('alice');
    try {
      repo.write({ 'm/blue/extra.yaml': net('extra', 'blue', '10.9.0.0/24') });
      const dirty = await spawnContiv(['plan', join(repo.root, 'm'), '--base', 'main']);
      expect(dirty.status).toBe(1);
      // Named as the loader names it, so the message shows the file's line.
      const extra = join(repo.root, 'm', 'blue', 'extra.yaml');
      expect(dirty.stdout).toContain(`${extra}:1:1: error rbac-uncommitted: ${extra} has changes that are not committed`);
      // Ignored by Git, read by the loader: no signed commit vouches for it either.
      writeFileSync(join(repo.root, '.git', 'info', 'exclude'), 'extra.yaml\n');
      const ignored = await spawnContiv(['plan', join(repo.root, 'm'), '--base', 'main']);
      expect(ignored.status).toBe(1);
      expect(ignored.stdout).toContain(`error rbac-uncommitted: ${extra} has changes that are not committed`);
      const unknown = await spawnContiv(['plan', join(repo.root, 'm'), '--base', 'no-such-branch']);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('--base: cannot read');
    } finally {
      repo.remove();
    }
  });
});
