import type { HostPlan, LabPlan } from './plan.js';
import { fabricRuntimes } from './runtimes.js';

/** The texts a lab writes (pure: unit-tested). */

export const LAB_USER = 'contivlab';

export function sshdConfig(o: {
  listen: string;
  hostKey: string;
  pidFile: string;
  rootAuthorizedKeys: string;
}): string {
  return [
    '# sshd of one contiv lab host (written by `contiv lab up`).',
    `ListenAddress ${o.listen}:22`,
    `HostKey ${o.hostKey}`,
    `PidFile ${o.pidFile}`,
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    `AllowUsers root ${LAB_USER}`,
    // OpenSSH 9.2's default (sntrup761x25519) costs ~100 ms more CPU per handshake.
    'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'MaxStartups 100:30:200',
    'MaxSessions 64',
    'Subsystem sftp internal-sftp',
    // The lab user's home is a lab directory bind-mounted over /home/contivlab on the host.
    'AuthorizedKeysFile .ssh/authorized_keys',
    'Match User root',
    `    AuthorizedKeysFile ${o.rootAuthorizedKeys}`,
    '',
  ].join('\n');
}

export function etcHosts(plan: LabPlan, host: HostPlan): string {
  const lines = ['127.0.0.1 localhost', `127.0.1.1 ${host.name}`, '::1 localhost ip6-localhost ip6-loopback'];
  for (const h of plan.hosts) lines.push(`${h.mgmtIp} ${h.name}`);
  return lines.join('\n') + '\n';
}

export function knownHosts(entries: Array<{ address: string; publicKey: string }>): string {
  return entries.map((e) => `${e.address} ${e.publicKey.trim().split(/\s+/).slice(0, 2).join(' ')}`).join('\n') + '\n';
}

/** A Fabric for the lab (the format of examples/quickstart/fabric.yaml). */
export function fabricYaml(plan: LabPlan, o: { identityFile: string; knownHostsFile: string }): string {
  const runtimes = fabricRuntimes(plan.runtimes);
  const hosts = plan.hosts
    .map((h) =>
      [
        `    - name: ${h.name}`,
        `      address: ${h.mgmtIp}`,
        `      vtep: ${h.vtep}`,
        '      datapath: netdev',
        ...(runtimes.length ? [`      runtimes: [${runtimes.join(', ')}]`] : []),
      ].join('\n'),
    )
    .join('\n');
  const using = plan.runtimes.length ? ` with ${plan.runtimes.join(', ')}` : '';
  return `# The hosts of the local lab "${plan.name}" (${plan.hosts.length} hosts${using}), written by \`contiv lab up\`.
apiVersion: contiv.io/v1
kind: Fabric
metadata:
  name: lab
spec:
  vxlanPort: 4789
  vniRange: 1-10000
  mtu: 1450
  ssh:
    user: root
    port: 22
    identityFile: ${o.identityFile}
    knownHostsFile: ${o.knownHostsFile}
  hosts:
${hosts}
`;
}

/**
 * /etc/containers/containers.conf of a podman host (measured: scripts/research/podman-cni/FINDINGS.md).
 * default_ulimits = [] is what podman needs here (its default nofile exceeds the machine's hard
 * limit, and a lab has no CAP_SYS_RESOURCE); NET_RAW lets busybox ping (Debian drops it); the
 * rest pins podman's choices should crun, netavark or systemd appear on the machine.
 */
export function containersConf(): string {
  return [
    '# podman settings of one contiv lab host (written by `contiv lab up --runtime podman`).',
    '[containers]',
    'default_ulimits = []',
    'default_capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "NET_RAW"]',
    '[network]',
    'network_backend = "cni"',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    '',
  ].join('\n');
}

/**
 * containerd's settings in a docker host (its --config; Debian's /etc/containerd/config.toml is
 * the machine's and is not read): its root, state and socket at the standard paths, which are
 * the host's own (bind mounts, and the host's /run); no CRI plugin (dockerd is its only client)
 * and no snapshotter that would probe the kernel for aufs, btrfs, zfs or device-mapper.
 */
export function containerdConfig(): string {
  return [
    '# containerd of one contiv lab host (written by `contiv lab up --runtime docker`), for its dockerd only.',
    'version = 2',
    'root = "/var/lib/containerd"',
    'state = "/run/containerd"',
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]',
    '',
    '[grpc]',
    '  address = "/run/containerd/containerd.sock"',
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    '  path = "/opt/containerd"',
    '',
  ].join('\n');
}

/**
 * /etc/docker/daemon.json of a docker host (every setting here, none on dockerd's command line:
 * dockerd refuses one given twice). Its data root, exec root, socket and containerd are the
 * standard paths, each the host's own; its pid file is in the lab directory, where down reads
 * it. `bridge: none`, `iptables: false`, `ip-forward: false` (and with them no masquerading and
 * no userland proxy): dockerd changes nothing in the host's network namespace — no docker0, no
 * ip_forward, no FORWARD policy or DOCKER chains. cgroupfs with the parent /docker, which is the
 * host's own (…/contiv-<lab>-<host>/docker on the machine, see src/lab/cgroups.ts).
 * (No `shutdown-timeout`: it cannot shorten the 10 s dockerd gives each running container whose
 * PID 1 ignores SIGTERM when dockerd stops; `lab down` removes the containers first instead.)
 */
export function dockerDaemonJson(o: { pidFile: string }): string {
  const conf = {
    'data-root': '/var/lib/docker',
    'exec-root': '/run/docker',
    pidfile: o.pidFile,
    hosts: ['unix:///run/docker.sock'],
    containerd: '/run/containerd/containerd.sock',
    'exec-opts': ['native.cgroupdriver=cgroupfs'],
    'cgroup-parent': '/docker',
    bridge: 'none',
    iptables: false,
    'ip-forward': false,
    'ip-masq': false,
    'userland-proxy': false,
    'storage-driver': 'overlay2',
    'log-driver': 'json-file',
  };
  return JSON.stringify(conf, null, 2) + '\n';
}
