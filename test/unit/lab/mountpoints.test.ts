import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureMountPoints, otherLabs, releaseMountPoints } from '../../../src/lab/mountpoints.js';
import { labPaths } from '../../../src/lab/paths.js';
import type { LabRecord } from '../../../src/lab/record.js';

// Mount points made under a temporary directory instead of /, and labs under a temporary CONTIV_HOME.
let tmp: string;
let savedHome: string | undefined;

function newLab(name: string): LabRecord {
  mkdirSync(labPaths(name).dir, { recursive: true });
  return { version: 1, name, state: 'up', options: { name, hosts: 1, mgmtSubnet: '198.18.0.0/24', underlaySubnet: '198.19.0.0/24' }, createdAt: '', objects: [] };
}

function dropLab(name: string): void {
  rmSync(labPaths(name).dir, { recursive: true, force: true });
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'contiv-mp-'));
  savedHome = process.env.CONTIV_HOME;
  process.env.CONTIV_HOME = join(tmp, 'home');
});

afterEach(() => {
  if (savedHome === undefined) delete process.env.CONTIV_HOME;
  else process.env.CONTIV_HOME = savedHome;
  rmSync(tmp, { recursive: true, force: true });
});

describe('lab mount points', () => {
  it('counts other labs and labs being made, not this lab’s own lock nor a test run’s marker', () => {
    const labs = join(tmp, 'home', 'labs');
    mkdirSync(join(labs, 'a'), { recursive: true });
    mkdirSync(join(labs, 'c'));
    for (const f of ['.a.lock', '.b.lock', '.ctest.test-run']) writeFileSync(join(labs, f), '1\n');
    expect(otherLabs('a')).toEqual(['b', 'c']);
    expect(otherLabs('c')).toEqual(['a', 'b']);
    rmSync(join(labs, 'c'), { recursive: true });
    rmSync(join(labs, '.b.lock'));
    expect(otherLabs('a')).toEqual([]);
  });

  it('makes only what is missing (a file mount point as an empty file), recorded', () => {
    mkdirSync(join(tmp, 'etc'));
    const rec = newLab('one');
    ensureMountPoints(rec, [{ path: join(tmp, 'var/lib/containers') }, { path: join(tmp, 'etc/containers/containers.conf'), file: true }]);
    expect(rec.objects).toEqual([
      { kind: 'mountpoint', path: join(tmp, 'var') },
      { kind: 'mountpoint', path: join(tmp, 'var/lib') },
      { kind: 'mountpoint', path: join(tmp, 'var/lib/containers') },
      { kind: 'mountpoint', path: join(tmp, 'etc/containers') },
      { kind: 'mountpoint', path: join(tmp, 'etc/containers/containers.conf'), file: true },
    ]);
    const conf = statSync(join(tmp, 'etc/containers/containers.conf'));
    expect(conf.isFile() && conf.size === 0).toBe(true);
    // A second lab finds them all there: it makes and records nothing.
    const two = newLab('two');
    ensureMountPoints(two, [{ path: join(tmp, 'var/lib/containers') }, { path: join(tmp, 'etc/containers/containers.conf'), file: true }]);
    expect(two.objects).toEqual([]);
  });

  it('leaves them while another lab is up, and the last lab removes them even when another lab made them', () => {
    const a = newLab('a');
    const paths = [{ path: join(tmp, 'x/cni') }, { path: join(tmp, 'x/containers.conf'), file: true }];
    ensureMountPoints(a, paths);
    const b = newLab('b');
    ensureMountPoints(b, paths);

    // a goes first: b's hosts may mount on them.
    dropLab('a');
    const first = releaseMountPoints(a);
    expect(first.warnings).toEqual([]);
    expect(first.extra).toEqual([`left ${join(tmp, 'x')}, ${join(tmp, 'x/cni')}, ${join(tmp, 'x/containers.conf')} (lab b may use them)`]);
    expect(existsSync(join(tmp, 'x/cni'))).toBe(true);

    // b goes last, its record lists none of them: they go all the same, deepest first.
    dropLab('b');
    expect(releaseMountPoints(b)).toEqual({ extra: [], warnings: [] });
    expect(existsSync(join(tmp, 'x'))).toBe(false);
    expect(existsSync(join(tmp, 'home', 'lab-mountpoints'))).toBe(false);
  });

  it('leaves a mount point that is no longer empty, says so once, and forgets it', () => {
    const a = newLab('a');
    ensureMountPoints(a, [{ path: join(tmp, 'lib/containers') }, { path: join(tmp, 'containers.conf'), file: true }]);
    writeFileSync(join(tmp, 'lib/containers/mine'), 'x');
    writeFileSync(join(tmp, 'containers.conf'), '[engine]\n');
    dropLab('a');
    const res = releaseMountPoints(a);
    // Deepest (longest) first.
    expect(res.warnings).toEqual([
      `${join(tmp, 'containers.conf')} not removed: it is no longer the empty file the lab made`,
      `${join(tmp, 'lib/containers')} not removed: ENOTEMPTY`,
      `${join(tmp, 'lib')} not removed: ENOTEMPTY`,
    ]);
    expect(readdirSync(join(tmp, 'lib/containers'))).toEqual(['mine']);
    // Forgotten: the next last lab neither touches nor mentions them.
    const c = newLab('c');
    dropLab('c');
    expect(releaseMountPoints(c)).toEqual({ extra: [], warnings: [] });
  });
});
