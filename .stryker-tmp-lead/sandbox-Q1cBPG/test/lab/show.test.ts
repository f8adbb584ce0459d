// @ts-nocheck
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../src/lab/paths.js';
import { CTEST, execIn } from '../harness/lab.js';
import { contiv } from '../support/cli.js';

const fabric = labPaths(CTEST.name).fabric;
const tmp = mkdtempSync(join(tmpdir(), 'contiv-show-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('contiv show on the lab', () => {
  it('shows every host, with the lab underlay bridge as unmanaged', () => {
    const run = contiv(['show', 'examples/quickstart', '--fabric', fabric]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const h of ['h1', 'h2', 'h3']) expect(run.stdout).toContain(`host ${h} (hostname ${h}, Open vSwitch 3.1.0)`);
    expect(run.stdout).toContain('bridges: br-phy');
  });

  it('lists a contiv bridge with its tunnels, flows per owner and foreign objects', async () => {
    await execIn('h2', ['ovs-vsctl', '--', 'add-br', 'contiv0', '--', 'set', 'bridge', 'contiv0', 'datapath_type=netdev', 'fail_mode=secure', 'external_ids:contiv.owner=contiv',
      '--', 'add-port', 'contiv0', 'vx-h1', '--', 'set', 'interface', 'vx-h1', 'type=vxlan', 'options:remote_ip=198.19.100.11', 'options:key=flow', 'ofport_request=100',
      '--', 'set', 'port', 'vx-h1', 'external_ids:contiv.owner=contiv', 'external_ids:contiv.kind=tunnel',
      '--', 'add-port', 'contiv0', 'theirs', '--', 'set', 'interface', 'theirs', 'type=internal']);
    try {
      await execIn('h2', ['ovs-ofctl', 'add-flow', 'contiv0', 'cookie=0xc101000000000001,table=0,priority=1,actions=drop']);
      await execIn('h2', ['ovs-ofctl', 'add-flow', 'contiv0', 'cookie=0x5,table=0,priority=2,actions=drop']);
      const run = contiv(['show', 'examples/quickstart', '--fabric', fabric, '--host', 'h2']);
      expect(run.status).toBe(0);
      expect(run.stdout).not.toContain('host h1');
      expect(run.stdout).toContain('bridge contiv0: datapath netdev, fail_mode secure');
      expect(run.stdout).toContain('tunnels: vx-h1 → 198.19.100.11');
      expect(run.stdout).toContain('flows: 1 (pipeline 1)');
      expect(run.stdout).toContain('ports: contiv0/theirs');
      expect(run.stdout).toContain('flows: 1 on contiv0');
      const json = JSON.parse(contiv(['show', 'examples/quickstart', '--fabric', fabric, '--host', 'h2', '--json']).stdout);
      expect(json.format_version).toBe('1.0');
      expect(json.hosts[0].fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Object.keys(json.hosts[0].state.bridges)).toEqual(['contiv0']);
    } finally {
      await execIn('h2', ['ovs-vsctl', '--if-exists', 'del-br', 'contiv0']);
    }
  });

  it('reports an unreachable host, still shows the others, and exits 1', () => {
    const broken = join(tmp, 'fabric.yaml');
    // h3's SSH port moved to one where nothing listens.
    writeFileSync(broken, readFileSync(fabric, 'utf8').replace(/(- name: h3\n(?:\s+\w+: .*\n)*?\s+datapath: netdev)/, '$1\n      ssh: { port: 2 }'));
    const run = contiv(['show', 'examples/quickstart', '--fabric', broken]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('host h1 (hostname h1');
    expect(run.stdout).toContain('host h3: UNREACHABLE');
    expect(run.stdout).toMatch(/h3: cannot connect to root@198\.18\.100\.13:2: ECONNREFUSED/);
    expect(run.stdout).toContain('1 of 3 hosts could not be read.');
  });

  it('refuses an unknown --host by name', () => {
    const run = contiv(['show', 'examples/quickstart', '--fabric', fabric, '--host', 'h7']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Error: unknown host h7; the Fabric has h1, h2, h3\n');
  });
});
