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
