import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CNI_PLUGIN_PATH, cniConfPath, cniFiles, cniNetworkName } from '../../../src/compile/cni-files.js';
import { compileAll, loadModel } from './case-support.js';

/*
 * The CNI files of a host with `runtimes: [cni]`: the plugin, and one configuration list per
 * network and per group, named as a runtime's `--network` takes them (the tenant after a dot
 * outside default). Quickstart: default's and blue's contiv-net, default's web-group and db-group.
 */

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('CNI files', () => {
  it('none on a host without the cni runtime (docker alone is not cni)', async () => {
    const model = await loadModel('examples/quickstart');
    expect(cniFiles(model, { ...model.fabric.hosts[0]!, runtimes: [] }, 'a'.repeat(64))).toEqual({});
    expect(cniFiles(model, { ...model.fabric.hosts[0]!, runtimes: ['docker'] }, 'a'.repeat(64))).toEqual({});
  });

  it('the plugin (the bundle, executable) and a conflist per network and group, each naming host, tenant, network and group', async () => {
    const model = await loadModel('examples/quickstart');
    const files = cniFiles(model, { ...model.fabric.hosts[1]!, runtimes: ['docker', 'cni'] }, 'b'.repeat(64));
    expect(Object.keys(files).sort()).toEqual([
      '/etc/cni/net.d/50-contiv-contiv-net.blue.conflist',
      '/etc/cni/net.d/50-contiv-contiv-net.conflist',
      '/etc/cni/net.d/50-contiv-db-group.conflist',
      '/etc/cni/net.d/50-contiv-web-group.conflist',
      '/opt/cni/bin/contiv',
    ]);
    expect(files[CNI_PLUGIN_PATH]).toEqual({ path: '/opt/cni/bin/contiv', sha256: 'b'.repeat(64), mode: '755', bundle: 'contiv-cni' });
    const conf = (name: string) => {
      const f = files[cniConfPath(name)]!;
      expect(f.path).toBe(cniConfPath(name));
      expect(f.mode).toBe('644');
      expect(f.sha256).toBe(sha(f.content!));
      expect(f.content!.endsWith('}\n')).toBe(true);
      return JSON.parse(f.content!) as unknown;
    };
    const list = (name: string, contiv: Record<string, string>) => ({ cniVersion: '1.0.0', name, plugins: [{ type: 'contiv', contiv: { owner: 'contiv', ...contiv } }] });
    expect(conf('contiv-net')).toEqual(list('contiv-net', { host: 'h2', tenant: 'default', network: 'contiv-net' }));
    expect(conf('contiv-net.blue')).toEqual(list('contiv-net.blue', { host: 'h2', tenant: 'blue', network: 'contiv-net' }));
    expect(conf('db-group')).toEqual(list('db-group', { host: 'h2', tenant: 'default', network: 'contiv-net', group: 'db-group' }));
    expect(conf('web-group')).toEqual(list('web-group', { host: 'h2', tenant: 'default', network: 'contiv-net', group: 'web-group' }));
  });

  it("a group of another tenant is named with its tenant too", () => {
    expect(cniNetworkName('blue', 'db-group')).toBe('db-group.blue');
    expect(cniNetworkName('default', 'db-group')).toBe('db-group');
  });

  it('compile gives only the hosts with the cni runtime their files', async () => {
    const model = structuredClone(await loadModel('examples/quickstart'));
    model.fabric.hosts[1]!.runtimes = ['cni'];
    const { desired } = compileAll(model, {});
    expect(Object.keys(desired['h2']!.state.files ?? {}).length).toBe(5);
    expect(Object.keys(desired['h1']!.state.files ?? {})).toEqual([]);
  });
});
