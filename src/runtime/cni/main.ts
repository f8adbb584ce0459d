/*
 * The entry point of contiv-cni (bundled by scripts/build-plugins.mjs into one file, which
 * `contiv apply` installs as /opt/cni/bin/contiv on hosts with `runtimes: [cni]`).
 */
import { runPlugin } from './plugin.js';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.exitCode = await runPlugin({ env: process.env, stdin: Buffer.concat(chunks).toString('utf8'), write: (text) => process.stdout.write(text) });
}

void main();
