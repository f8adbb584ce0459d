import { DOCKER_DRIVER, DOCKER_PLUGIN_PATH, DOCKER_PLUGIN_PID_FILE, DOCKER_PLUGIN_SOCKET, DOCKER_UNIT_PATH } from '../compile/docker-runtime.js';
import type { DockerNetworkState } from '../state/host-state.js';
import { shellQuote } from './quote.js';

/*
 * The Docker side of a host's apply, as shell lines: start (or restart) contiv-docker, then
 * make and remove Docker networks through the host's own dockerd. The plugin starts before any
 * network is made (dockerd calls it during `docker network create`); none of its network-level
 * answers takes the host's lock, which apply holds meanwhile.
 */

export const DOCKER_PLUGIN_LOG = '/var/log/contiv-docker.log';
const UNIT = DOCKER_UNIT_PATH.slice(DOCKER_UNIT_PATH.lastIndexOf('/') + 1);

/** Exit status when the plugin did not come up with the build asked for. */
export const EXIT_PLUGIN_DOWN = 70;

/** The shell function that stops a plugin started without systemd, by its pid file (its command line checked first: pids wrap). */
function stopByPidFile(): string[] {
  return [
    'contiv_docker_stop() {',
    `  if [ -f ${DOCKER_PLUGIN_PID_FILE} ] && read -r pid _ < ${DOCKER_PLUGIN_PID_FILE} && tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q contiv-docker; then`,
    '    kill "$pid" 2>/dev/null || true',
    '    i=0; while [ -e "/proc/$pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    '  fi',
    '}',
  ];
}

/** True (status 0) on a host that runs systemd. */
const HAS_SYSTEMD = '[ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1';

/**
 * Start contiv-docker running `build` (or restart it onto that build): through its unit where
 * the host has systemd (which restarts it whenever it stops), else as a detached process whose
 * output goes to DOCKER_PLUGIN_LOG (`contiv plan` shows it as not running when it stops, and
 * the next apply starts it). Waits until the plugin says it serves that build.
 */
export function pluginStartLines(host: string, build: string): string[] {
  return [
    ...stopByPidFile(),
    `if ${HAS_SYSTEMD}; then`,
    `  systemctl daemon-reload && systemctl enable ${UNIT} >/dev/null 2>&1 && systemctl restart ${UNIT}`,
    'else',
    '  contiv_docker_stop',
    `  setsid ${shellQuote(DOCKER_PLUGIN_PATH)} --host ${shellQuote(host)} >>${DOCKER_PLUGIN_LOG} 2>&1 </dev/null &`,
    'fi',
    'i=0',
    `until read -r pid build < ${DOCKER_PLUGIN_PID_FILE} 2>/dev/null && [ "$build" = ${shellQuote(build)} ] && [ -e "/proc/$pid" ] && [ -S ${DOCKER_PLUGIN_SOCKET} ]; do`,
    `  i=$((i+1)); if [ $i -gt 100 ]; then echo "contiv-docker did not start; its log (${DOCKER_PLUGIN_LOG}, or journalctl -u ${UNIT}) ends:" >&2; tail -n 5 ${DOCKER_PLUGIN_LOG} >&2 2>/dev/null || true; exit ${EXIT_PLUGIN_DOWN}; fi`,
    '  sleep 0.1',
    'done',
  ];
}

/** Stop contiv-docker (the runtime left the host's Fabric entry). */
export function pluginStopLines(): string[] {
  return [...stopByPidFile(), `if ${HAS_SYSTEMD}; then systemctl disable --now ${UNIT} >/dev/null 2>&1 || true; else contiv_docker_stop; fi`, `rm -f ${DOCKER_PLUGIN_PID_FILE}`];
}

/** `docker network create` of one contiv network: its tenant, network and group go to both drivers (`-o` to the network driver, `--ipam-opt` to IPAM). */
export function networkCreateLine(n: DockerNetworkState): string {
  const opts = [['contiv.tenant', n.tenant], ['contiv.network', n.network], ...(n.group !== undefined ? [['contiv.group', n.group]] : [])];
  const argv = [
    'docker',
    'network',
    'create',
    '--driver',
    DOCKER_DRIVER,
    '--ipam-driver',
    DOCKER_DRIVER,
    '--subnet',
    n.subnet,
    ...(n.gateway ? ['--gateway', n.gateway] : []),
    ...opts.flatMap(([k, v]) => ['-o', `${k}=${v}`]),
    ...opts.flatMap(([k, v]) => ['--ipam-opt', `${k}=${v}`]),
    ...opts.flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    '--',
    n.name,
  ];
  return `${argv.map(shellQuote).join(' ')} >/dev/null`;
}

/** `docker network rm`; a network already gone is not an error (a second apply, a rollback). */
export function networkRemoveLine(name: string): string {
  const q = shellQuote(name);
  return `if docker network inspect -- ${q} >/dev/null 2>&1; then docker network rm -- ${q} >/dev/null; fi`;
}
