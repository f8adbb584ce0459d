#!/usr/bin/env node
/*
 * Part of `npm run build`: each runtime plugin as one self-contained file (its modules bundled
 * by esbuild), so a host needs Node and that file only. `contiv apply` installs them on hosts
 * whose Fabric entry lists the runtime: dist/contiv-cni.cjs as /opt/cni/bin/contiv
 * (`runtimes: [cni]`), dist/contiv-docker.cjs as /usr/local/lib/contiv/contiv-docker
 * (`runtimes: [docker]`).
 */
import { build } from 'esbuild';

// The second line is the mark gather recognises an installed plugin by (CNI_PLUGIN_MARK in
// src/compile/cni-files.ts, DOCKER_PLUGIN_MARK in src/compile/docker-runtime.ts).
const PLUGINS = [
  { name: 'contiv-cni', entry: 'runtime/cni/main.js' },
  { name: 'contiv-docker', entry: 'runtime/docker/main.js' },
];

await Promise.all(
  PLUGINS.map(({ name, entry }) =>
    build({
      entryPoints: [new URL(`../dist/${entry}`, import.meta.url).pathname],
      outfile: new URL(`../dist/${name}.cjs`, import.meta.url).pathname,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      banner: { js: `#!/usr/bin/env node\n// ${name}: installed by contiv apply; apply replaces this file, do not edit it` },
      logLevel: 'warning',
    }),
  ),
);
