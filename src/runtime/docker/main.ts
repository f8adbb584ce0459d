/*
 * The entry point of contiv-docker (bundled by scripts/build-plugins.mjs into one file, which
 * `contiv apply` installs as /usr/local/lib/contiv/contiv-docker on hosts with
 * `runtimes: [docker]` and starts: by its systemd unit where the host has systemd, else as a
 * detached process). It serves Docker's network and IPAM driver calls on
 * /run/docker/plugins/contiv.sock until it is stopped, and says in its pid file which build it
 * runs, so `contiv plan` tells a plugin that runs an older build from one that runs this one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DOCKER_PLUGIN_PID_FILE, DOCKER_PLUGIN_SOCKET } from '../../compile/docker-runtime.js';
import { LocalTransport } from '../../host/local-transport.js';
import { makeDriver, NETWORKS_DIR } from './driver.js';
import { serve } from './server.js';

const HOST = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} contiv-docker: ${line}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { host: { type: 'string' }, socket: { type: 'string' }, 'pid-file': { type: 'string' } }, strict: true });
  const host = values.host;
  if (!host || !HOST.test(host)) {
    log('usage: contiv-docker --host NAME (the host\'s name in the Fabric) [--socket PATH] [--pid-file PATH]');
    process.exit(2);
  }
  const socket = values.socket ?? DOCKER_PLUGIN_SOCKET;
  const pidFile = values['pid-file'] ?? DOCKER_PLUGIN_PID_FILE;
  const build = createHash('sha256').update(readFileSync(process.argv[1]!)).digest('hex');
  const driver = makeDriver({ host, transport: new LocalTransport(), networksDir: NETWORKS_DIR, log });
  const server = await serve(socket, driver, log);
  writeFileSync(pidFile, `${process.pid} ${build}\n`);
  log(`serving ${socket} for host ${host} (build ${build.slice(0, 12)})`);
  const stop = (signal: string): void => {
    log(`${signal}: stopping`);
    server.close();
    rmSync(socket, { force: true });
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  log(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
