import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { networkCreateLine, networkRemoveLine, pluginStartLines, pluginStopLines } from '../../../src/apply/docker.js';
import { hostScript } from '../../../src/apply/script.js';
import { diffHost } from '../../../src/plan/diff.js';
import type { DockerNetworkState } from '../../../src/state/host-state.js';

/* The Docker part of a host's apply script: the order that keeps Docker answered, and the commands as the host's shell reads them. */

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const net = (name: string, over: Partial<DockerNetworkState> = {}): DockerNetworkState => ({ name, tenant: 'blue', network: 'contiv-net', subnet: '10.1.2.0/24', gateway: '10.1.2.1', ...over });

/** Each word single-quoted, as apply quotes every word. */
const q = (words: string): string => words.split(' ').map((w) => `'${w}'`).join(' ');

/** The shell parses it (dash, as /bin/sh on the hosts): a quoting mistake fails here. */
function parses(script: string): void {
  const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('Docker lines of apply', () => {
  it('makes a network with contiv’s drivers, its subnet and gateway, and its tenant, network and group for both drivers', () => {
    const line = networkCreateLine(net('db-group/blue', { group: 'db-group' }));
    expect(line).toBe(
      `${q('docker network create --driver contiv --ipam-driver contiv --subnet 10.1.2.0/24 --gateway 10.1.2.1 -o contiv.tenant=blue -o contiv.network=contiv-net -o contiv.group=db-group --ipam-opt contiv.tenant=blue --ipam-opt contiv.network=contiv-net --ipam-opt contiv.group=db-group --label contiv.tenant=blue --label contiv.network=contiv-net --label contiv.group=db-group -- db-group/blue')} >/dev/null`,
    );
    expect(networkCreateLine(net('n', { gateway: undefined }))).not.toContain('--gateway');
    expect(networkRemoveLine('contiv-net/blue')).toBe("if docker network inspect -- 'contiv-net/blue' >/dev/null 2>&1; then docker network rm -- 'contiv-net/blue' >/dev/null; fi");
    for (const script of [line, networkRemoveLine("it's"), pluginStartLines('h1', A).join('\n'), pluginStopLines().join('\n')]) parses(script);
  });

  it('starts the plugin for its host through systemd where there is one, else detached, and waits for the build it asked for', () => {
    const lines = pluginStartLines('h1', A).join('\n');
    expect(lines).toContain('systemctl daemon-reload && systemctl enable contiv-docker.service >/dev/null 2>&1 && systemctl restart contiv-docker.service');
    expect(lines).toContain("setsid '/usr/local/lib/contiv/contiv-docker' --host 'h1' >>/var/log/contiv-docker.log 2>&1 </dev/null &");
    expect(lines).toContain(`[ "$build" = '${A}' ]`);
  });

  it('orders a host’s script: networks removed while the plugin answers, files, the plugin started, networks made', () => {
    const have = { networks: { 'db-group': net('db-group', { group: 'db-group' }), old: net('old') }, plugin: { build: B } };
    const want = { networks: { 'db-group': net('db-group', { group: 'db-group', subnet: '10.1.3.0/24', gateway: '10.1.3.1' }), fresh: net('fresh') }, plugin: { build: A } };
    const changes = diffHost({ state: { host: 'h1', bridges: {}, docker: want, files: { '/etc/systemd/system/contiv-docker.service': { path: '/etc/systemd/system/contiv-docker.service', sha256: 'c'.repeat(64), mode: '644', content: 'unit\n' } } }, owners: {} }, { host: 'h1', bridges: {}, docker: have, files: {} });
    const script = hostScript(changes);
    parses(script);
    const at = (text: string) => {
      const i = script.indexOf(text);
      expect(i, text).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [at("docker network rm -- 'db-group'"), at("docker network rm -- 'old'"), at('base64 -d'), at("setsid '/usr/local/lib/contiv/contiv-docker'"), at("'--' 'db-group' >/dev/null"), at("'--' 'fresh' >/dev/null")];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Restarted onto the new build, never stopped: the host keeps Docker.
    expect(script).not.toContain('systemctl disable');
    expect(script).not.toContain('rm -f /run/contiv-docker.pid');
  });

  it('stops the plugin after the host’s networks are gone, when the host leaves Docker', () => {
    const changes = diffHost({ state: { host: 'h1', bridges: {}, docker: { networks: {} } }, owners: {} }, { host: 'h1', bridges: {}, docker: { networks: { n: net('n') }, plugin: { build: A } } });
    const script = hostScript(changes);
    parses(script);
    expect(script.indexOf("docker network rm -- 'n'")).toBeLessThan(script.indexOf('systemctl disable --now contiv-docker.service'));
    expect(script).not.toContain('setsid');
  });
});
