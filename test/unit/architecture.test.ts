import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The shape of the code, as a lint rule (ARCHITECTURE.md): the core stages are pure functions
 * over plain data — they import no fs, child_process, network, ssh2, ink or react; only
 * src/host/ssh-transport.ts imports ssh2.
 */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Modules a file imports at run time (type-only imports erase at compile time). */
function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].map((m) => m[1]!);
}

const IMPURE = /^(node:)?(fs|fs\/promises|child_process|net|dgram|http|https|readline|readline\/promises)$|^ssh2$|^ink$|^react$|^simple-git$/;
const PURE_STAGES = ['src/compile', 'src/plan', 'src/policy', 'src/state', 'src/ipam', 'src/model', 'src/diagnostics'];
/** src/render is pure too, except its ink views, which draw on the terminal. */
const RENDER = files('src/render').filter((f) => !f.startsWith('src/render/ink/'));
const PURE_FILES = ['src/verify/expectations.ts', 'src/verify/probe-script.ts', 'src/manifest/load.ts', 'src/manifest/normalize.ts', 'src/manifest/parse-yaml.ts', 'src/manifest/locate.ts', 'src/apply/script.ts', 'src/apply/quote.ts', 'src/endpoint/plan.ts', 'src/endpoint/names.ts', 'src/endpoint/script.ts', 'src/endpoint/request.ts', 'src/apply/deadman.ts', ...['keys', 'identity', 'changes', 'touched', 'access', 'decide'].map((f) => `src/rbac/${f}.ts`)];

describe('architecture', () => {
  const pure = [...PURE_STAGES.flatMap(files), ...RENDER, ...PURE_FILES];

  it.each(pure)('%s is pure (no I/O imports)', (file) => {
    expect(imports(file).filter((m) => IMPURE.test(m))).toEqual([]);
  });

  it('ink and react live in src/render/ink only, which displays and decides nothing', () => {
    const users = files('src').filter((f) => imports(f).some((m) => m === 'ink' || m === 'react'));
    expect(users.every((f) => f.startsWith('src/render/ink/'))).toBe(true);
    expect(users.length).toBeGreaterThan(0);
  });

  it('only the ssh2 transport imports ssh2', () => {
    const users = files('src').filter((f) => imports(f).includes('ssh2'));
    expect(users).toEqual(['src/host/ssh-transport.ts']);
  });

  it('the pure stages never import the host or apply stages (which talk to hosts)', () => {
    for (const file of PURE_STAGES.flatMap(files)) {
      expect(imports(file).filter((m) => /\/(host|apply|lab|cli)\//.test(m)), file).toEqual([]);
    }
  });
});
