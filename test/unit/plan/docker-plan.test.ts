import { describe, expect, it } from 'vitest';
import type { CompiledHost } from '../../../src/compile/compile.js';
import { diffHost } from '../../../src/plan/diff.js';
import { parsePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { projectState } from '../../../src/plan/project.js';
import { unmetAssumptions, withinPlan } from '../../../src/plan/scope.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan } from '../../../src/plan/types.js';
import { headline } from '../../../src/render/plan-text.js';
import type { DockerNetworkState, DockerState, HostState } from '../../../src/state/host-state.js';

/* Docker's side of a host in the plan: what is made, made again and removed, in what order, and how apply checks, projects and reads it back. */

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const net = (name: string, over: Partial<DockerNetworkState> = {}): DockerNetworkState => ({ name, tenant: 'default', network: 'contiv-net', subnet: '10.1.2.0/24', gateway: '10.1.2.1', ...over });
const state = (docker?: DockerState): HostState => ({ host: 'h1', bridges: {}, ...(docker ? { docker } : {}) });
const compiled = (docker?: DockerState): CompiledHost => ({ state: state(docker), owners: {} });

describe('the plan of a Docker host', () => {
  it('starts the plugin and makes every network on a host that has none; nothing more the second time', () => {
    const want = { networks: { 'contiv-net': net('contiv-net'), 'contiv-net/blue': net('contiv-net/blue', { tenant: 'blue' }) }, plugin: { build: A } };
    const changes = diffHost(compiled(want), state());
    expect(changes.map((c) => [c.type, c.action, c.address, c.reason])).toEqual([
      ['docker-plugin', 'create', 'h1/docker-plugin', 'not running'],
      ['docker-network', 'create', 'h1/docker-network/contiv-net', 'default/contiv-net, 10.1.2.0/24 via 10.1.2.1'],
      ['docker-network', 'create', 'h1/docker-network/contiv-net/blue', 'blue/contiv-net, 10.1.2.0/24 via 10.1.2.1'],
    ]);
    expect(headline(changes[0]!)).toBe(`Docker plugin contiv-docker build ${A.slice(0, 12)}: not running`);
    expect(headline(changes[2]!)).toBe('Docker network contiv-net/blue (blue/contiv-net, 10.1.2.0/24 via 10.1.2.1)');
    const file = (path: string): Change => ({ type: 'file', action: 'create', host: 'h1', address: `h1/file${path}`, path, after: { path, sha256: A, mode: '644' }, reason: '' });
    expect(headline(file('/usr/local/lib/contiv/contiv-docker'))).toBe('Docker plugin /usr/local/lib/contiv/contiv-docker');
    expect(headline(file('/etc/systemd/system/contiv-docker.service'))).toBe("Docker plugin's systemd unit /etc/systemd/system/contiv-docker.service");
    expect(diffHost(compiled(want), projectState(state(), changes))).toEqual([]);
  });

  it('restarts a plugin of another build, makes a changed network again, removes one that left, and leaves Docker alone when not asked', () => {
    const have = { networks: { 'db-group': net('db-group', { group: 'db-group' }), old: net('old', { network: 'old' }) }, plugin: { build: B } };
    const want = { networks: { 'db-group': net('db-group', { group: 'db-group', subnet: '10.1.3.0/24', gateway: '10.1.3.1' }) }, plugin: { build: A } };
    const changes = diffHost(compiled(want), state(have));
    expect(changes.map((c) => [c.type, c.action, c.address, c.reason])).toEqual([
      ['docker-plugin', 'update', 'h1/docker-plugin', `runs build ${B.slice(0, 12)}, this contiv's is ${A.slice(0, 12)}`],
      ['docker-network', 'replace', 'h1/docker-network/db-group', 'default/contiv-net group db-group, 10.1.2.0/24 via 10.1.2.1 → default/contiv-net group db-group, 10.1.3.0/24 via 10.1.3.1'],
      ['docker-network', 'delete', 'h1/docker-network/old', 'no longer in the manifests'],
    ]);
    expect(changes[1]).toMatchObject({ before: have.networks['db-group'], after: want.networks['db-group'] });
    expect(projectState(state(have), changes).docker).toEqual(want);
    expect(diffHost(compiled(undefined), state(have))).toEqual([]);
  });

  it('stops the plugin after its networks are removed when the host leaves Docker', () => {
    const have = { networks: { 'contiv-net': net('contiv-net') }, plugin: { build: A } };
    const changes = diffHost(compiled({ networks: {} }), state(have));
    expect(changes.map((c) => [c.type, c.action])).toEqual([
      ['docker-network', 'delete'],
      ['docker-plugin', 'delete'],
    ]);
    expect(changes[1]).toMatchObject({ before: { build: A }, reason: 'the host no longer runs Docker for contiv' });
    expect(changes[1]).not.toHaveProperty('after');
    expect(projectState(state(have), changes).docker).toEqual({ networks: {} });
  });

  it('applies only while Docker is as the plan saw it, and verifies only what it touches', () => {
    const have = { networks: { 'contiv-net': net('contiv-net') }, plugin: { build: B } };
    const want = { networks: { 'contiv-net': net('contiv-net'), 'db-group': net('db-group', { group: 'db-group' }) }, plugin: { build: A } };
    const plan = diffHost(compiled(want), state(have));
    expect(unmetAssumptions(state(have), plan)).toEqual([]);
    // Someone made db-group meanwhile, and the plugin was restarted onto another build.
    const moved = state({ networks: { ...have.networks, 'db-group': net('db-group', { group: 'db-group' }) }, plugin: { build: 'c'.repeat(64) } });
    expect(unmetAssumptions(moved, plan).sort()).toEqual(['h1/docker-network/db-group', 'h1/docker-plugin']);
    // A network the plan does not touch is not verified.
    const other: Change[] = diffHost(compiled({ networks: { x: net('x') } }), state());
    expect(withinPlan(other, plan)).toEqual([]);
    expect(withinPlan(plan, plan)).toEqual(plan);
  });
});

describe('saved plans with Docker changes', () => {
  function planWith(changes: Change[]): Plan {
    return { format_version: PLAN_FORMAT_VERSION, source: { dir: 'm' }, connections: [{ name: 'h1', address: '198.18.0.11', labels: {}, runtimes: ['docker'], ssh: { user: 'root', port: 22, knownHostsFile: '/k' } }] as unknown as Plan['connections'], hosts: [{ host: 'h1', fingerprint: 'sha256:x', changes }], meaning: [], addresses: [], diagnostics: [] };
  }

  it('read back equal, and refused when a name, a state or a build was tampered with', () => {
    const changes = diffHost(compiled({ networks: { 'contiv-net/blue': net('contiv-net/blue', { tenant: 'blue' }) }, plugin: { build: A } }), state());
    const plan = planWith(changes);
    expect(parsePlan(serializePlan(plan))).toEqual({ plan });
    const tampered: Array<[string, (c: Change[]) => void]> = [
      ['Docker network "x; rm -rf /"', (c) => Object.assign(c[1]!, { name: 'x; rm -rf /' })],
      ['Docker network "/x"', (c) => Object.assign(c[1]!, { name: '/x', after: { ...net('/x') } })],
      ['Docker network "contiv-net/blue"', (c) => Object.assign(c[1]!, { after: { ...net('contiv-net/blue'), subnet: '10.1.2.0/24 --x' } })],
      ['Docker network "contiv-net/blue"', (c) => Object.assign(c[1]!, { after: { ...net('contiv-net/blue'), tenant: 'Blue' } })],
      ['Docker network "contiv-net/blue"', (c) => Object.assign(c[1]!, { after: { ...net('other') } })],
      ['Docker plugin build', (c) => Object.assign(c[0]!, { after: { build: 'abc' } })],
      ['Docker network "contiv-net/blue"', (c) => Object.assign(c[1]!, { after: { ...net('contiv-net/blue'), subnet: '10.1.2.0/33' } })],
      ['Docker network "contiv-net/blue"', (c) => Object.assign(c[1]!, { after: { ...net('contiv-net/blue'), subnet: '10.1.2.256/24' } })],
      ['Docker network "contiv-net/blue"', (c) => Object.assign(c[1]!, { after: { ...net('contiv-net/blue'), gateway: '10.1.2.01' } })],
    ];
    for (const [what, edit] of tampered) {
      const copy = structuredClone(changes);
      edit(copy);
      expect(parsePlan(serializePlan(planWith(copy))).problem, what).toContain(what);
    }
  });
});
