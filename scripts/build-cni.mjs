#!/usr/bin/env node
/*
 * Part of `npm run build`: contiv-cni as one self-contained file, dist/contiv-cni.cjs (its
 * modules bundled by esbuild), so a host needs Node and this file only. `contiv apply` installs
 * it as /opt/cni/bin/contiv on hosts whose Fabric entry lists `runtimes: [cni]`.
 */
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../dist/runtime/cni/main.js', import.meta.url).pathname],
  outfile: new URL('../dist/contiv-cni.cjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The mark gather recognises the installed plugin by (CNI_PLUGIN_MARK in src/compile/cni-files.ts).
  banner: { js: '#!/usr/bin/env node\n// contiv-cni: installed by contiv apply; apply replaces this file, do not edit it' },
  logLevel: 'warning',
});
