import { accessSync, constants } from 'node:fs';
import { UserError } from '../cli/errors.js';
import type { LabRuntime } from './runtimes.js';

/**
 * What `lab up` needs on the machine, and the Debian package that brings each piece.
 * scripts/install-deps.sh (used by .ci/run and the demo) installs the same packages (DEBIAN_PACKAGES,
 * PODMAN_PACKAGES, DOCKER_PACKAGES); keep the two in step.
 */
export const REQUIREMENTS: ReadonlyArray<{ file: string; pkg: string }> = [
  { file: 'ip', pkg: 'iproute2' },
  { file: 'unshare', pkg: 'util-linux' },
  { file: 'nsenter', pkg: 'util-linux' },
  { file: 'mount', pkg: 'mount' },
  { file: 'sshd', pkg: 'openssh-server' },
  { file: 'ssh-keygen', pkg: 'openssh-client' },
  { file: 'ovsdb-server', pkg: 'openvswitch-switch' },
  { file: 'ovs-vswitchd', pkg: 'openvswitch-switch' },
  { file: 'ovs-vsctl', pkg: 'openvswitch-switch' },
  { file: 'ovsdb-tool', pkg: 'openvswitch-switch' },
  { file: '/usr/share/openvswitch/vswitch.ovsschema', pkg: 'openvswitch-switch' },
  { file: 'ping', pkg: 'iputils-ping' },
  { file: 'ethtool', pkg: 'ethtool' },
  { file: 'sudo', pkg: 'sudo' },
  { file: 'useradd', pkg: 'passwd' },
];

/**
 * What `lab up --runtime podman` needs besides: podman (which pulls conmon and its
 * configuration files), runc (podman depends on crun | runc, and only runc works in a lab host:
 * crun fails on a hybrid cgroup machine), a static busybox for the image, and tar to pack it.
 * No CNI plugin package: each host has its own /opt/cni/bin, podman brings loopback up itself.
 */
export const PODMAN_REQUIREMENTS: ReadonlyArray<{ file: string; pkg: string }> = [
  { file: 'podman', pkg: 'podman' },
  { file: 'conmon', pkg: 'conmon' },
  { file: 'runc', pkg: 'runc' },
  { file: '/bin/busybox', pkg: 'busybox-static' },
  { file: 'tar', pkg: 'tar' },
];

/** The packages scripts/install-deps.sh installs for podman in lab hosts. */
export const PODMAN_PACKAGES = ['podman', 'runc', 'busybox-static'];

/**
 * What `lab up --runtime docker` needs besides: Debian's docker.io (dockerd 20.10, and a docker
 * client; a newer standalone client earlier on the PATH works as well), which depends on
 * containerd (with its runc shim) and runc; a static busybox for the image, and tar to pack it.
 * The machine's own docker daemon is neither needed nor used: each host runs its own.
 */
export const DOCKER_REQUIREMENTS: ReadonlyArray<{ file: string; pkg: string }> = [
  { file: 'dockerd', pkg: 'docker.io' },
  { file: 'docker', pkg: 'docker.io' },
  { file: 'containerd', pkg: 'containerd' },
  { file: 'containerd-shim-runc-v2', pkg: 'containerd' },
  { file: 'runc', pkg: 'runc' },
  { file: 'setsid', pkg: 'util-linux' },
  { file: '/bin/busybox', pkg: 'busybox-static' },
  { file: 'tar', pkg: 'tar' },
];

/** The packages scripts/install-deps.sh installs for docker in lab hosts (docker.io brings containerd and runc). */
export const DOCKER_PACKAGES = ['docker.io', 'busybox-static'];

/** Everything the lab and its tests use, for .ci/run and for the message below. */
export const DEBIAN_PACKAGES = [
  'openssh-server',
  'openvswitch-switch',
  'iproute2',
  'nftables',
  'ethtool',
  'iputils-ping',
  'sudo',
  'util-linux',
  'procps',
];

export function installCommand(pkgs: string[]): string {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function defaultFound(file: string): boolean {
  const candidates = file.startsWith('/')
    ? [file]
    : [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH].map((d) => `${d}/${file}`);
  return candidates.some((c) => {
    try {
      accessSync(c, file.startsWith('/') ? constants.R_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The packages whose files are missing (pure given `found`; unit-tested with a fake). */
export function missingPackages(
  found: (file: string) => boolean = defaultFound,
  runtimes: readonly LabRuntime[] = [],
): { files: string[]; pkgs: string[] } {
  const wanted = [
    ...REQUIREMENTS,
    ...(runtimes.includes('podman') ? PODMAN_REQUIREMENTS : []),
    ...(runtimes.includes('docker') ? DOCKER_REQUIREMENTS : []),
  ];
  // Each file once (podman and docker both need runc, busybox, tar).
  const files = [...new Map(wanted.map((r) => [r.file, r])).values()].filter((r) => !found(r.file));
  return { files: files.map((f) => f.file), pkgs: [...new Set(files.map((f) => f.pkg))] };
}

export function checkRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid !== 0) {
    throw new UserError(
      'contiv lab needs root: it creates network and mount namespaces, veths and daemons. ' +
        'Run it as root (e.g. `sudo contiv lab up`).',
    );
  }
}

/** Throws a UserError naming the missing packages and the exact command that installs them. */
export function checkPackages(found?: (file: string) => boolean, runtimes: readonly LabRuntime[] = []): void {
  const { files, pkgs } = missingPackages(found, runtimes);
  if (pkgs.length === 0) return;
  throw new UserError(
    `contiv lab needs ${pkgs.length === 1 ? 'the package' : 'the packages'} ${pkgs.join(', ')} ` +
      `(missing: ${files.join(', ')}). Install with:\n  ${installCommand(pkgs)}`,
  );
}

export function preflight(runtimes: readonly LabRuntime[] = []): void {
  checkRoot();
  checkPackages(undefined, runtimes);
}
