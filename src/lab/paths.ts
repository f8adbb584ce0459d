import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where labs keep their state: ~/.contiv/labs/<name>/. CONTIV_HOME (default ~/.contiv)
 * moves the whole tree, e.g. for a test that must not see a developer's labs.
 */
export function contivHome(): string {
  return process.env.CONTIV_HOME ?? join(homedir(), '.contiv');
}

export function labsDir(): string {
  return join(contivHome(), 'labs');
}

export interface LabPaths {
  dir: string;
  record: string;
  lock: string;
  key: string;
  pubKey: string;
  knownHosts: string;
  fabric: string;
  /** authorized_keys for root on every host (contivlab gets its own copy in its home). */
  authorizedKeys: string;
  /** The image every runtime of every host imports (`--runtime podman`, `--runtime docker`): busybox-static, tarred. */
  image: string;
  host(name: string): HostPaths;
}

export interface HostPaths {
  dir: string;
  sshdConfig: string;
  sshdLog: string;
  sshdPid: string;
  hostKey: string;
  hostPubKey: string;
  /** Bind-mounted over /run/openvswitch, /etc/openvswitch, /var/lib/openvswitch, /var/log/openvswitch. */
  ovsRun: string;
  ovsEtc: string;
  ovsLib: string;
  ovsLog: string;
  ovsdbPid: string;
  vswitchdPid: string;
  /** Bind-mounted over /etc/hosts, /root/.bashrc and /home/contivlab. */
  etcHosts: string;
  emptyFile: string;
  userHome: string;
  startLog: string;
  /** podman's state of the host (`--runtime podman`), bind-mounted over the standard paths. */
  podman: {
    dir: string;
    /** over /var/lib/containers: images, containers, podman's database */
    storage: string;
    /** over /var/lib/cni: libcni's result cache (what a CNI DEL gets as prevResult) */
    cniLib: string;
    /** over /etc/containers/containers.conf */
    containersConf: string;
  };
  /** docker's state of the host (`--runtime docker`): dockerd's and containerd's, bind-mounted over the standard paths. */
  docker: {
    dir: string;
    /** over /var/lib/docker: dockerd's data root (images, containers, volumes) */
    dataRoot: string;
    /** over /var/lib/containerd: containerd's root */
    containerdRoot: string;
    /** over /opt/containerd: containerd's plugin directory (empty) */
    containerdOpt: string;
    /** over /etc/docker: daemon.json, and the key.json dockerd 20.10 writes there */
    etc: string;
    /** containerd's settings (its --config; CRI off) */
    containerdConfig: string;
    dockerdPid: string;
    containerdPid: string;
    dockerdLog: string;
    containerdLog: string;
  };
}

export function labPaths(name: string): LabPaths {
  const dir = join(labsDir(), name);
  return {
    dir,
    record: join(dir, 'record.json'),
    lock: join(labsDir(), `.${name}.lock`),
    key: join(dir, 'id_ed25519'),
    pubKey: join(dir, 'id_ed25519.pub'),
    knownHosts: join(dir, 'known_hosts'),
    fabric: join(dir, 'fabric.yaml'),
    authorizedKeys: join(dir, 'authorized_keys'),
    image: join(dir, 'contiv-lab.tar'),
    host(h: string): HostPaths {
      const hd = join(dir, 'hosts', h);
      const ovs = join(hd, 'ovs');
      return {
        dir: hd,
        sshdConfig: join(hd, 'sshd_config'),
        sshdLog: join(hd, 'sshd.log'),
        sshdPid: join(hd, 'sshd.pid'),
        hostKey: join(hd, 'ssh_host_ed25519_key'),
        hostPubKey: join(hd, 'ssh_host_ed25519_key.pub'),
        ovsRun: join(ovs, 'run'),
        ovsEtc: join(ovs, 'etc'),
        ovsLib: join(ovs, 'lib'),
        ovsLog: join(ovs, 'log'),
        ovsdbPid: join(ovs, 'run', 'ovsdb-server.pid'),
        vswitchdPid: join(ovs, 'run', 'ovs-vswitchd.pid'),
        etcHosts: join(hd, 'etc-hosts'),
        emptyFile: join(hd, 'empty'),
        userHome: join(hd, 'home'),
        startLog: join(hd, 'start.log'),
        podman: {
          dir: join(hd, 'podman'),
          storage: join(hd, 'podman', 'storage'),
          cniLib: join(hd, 'podman', 'cni-lib'),
          containersConf: join(hd, 'podman', 'containers.conf'),
        },
        docker: {
          dir: join(hd, 'docker'),
          dataRoot: join(hd, 'docker', 'data-root'),
          containerdRoot: join(hd, 'docker', 'containerd-root'),
          containerdOpt: join(hd, 'docker', 'containerd-opt'),
          etc: join(hd, 'docker', 'etc'),
          containerdConfig: join(hd, 'docker', 'containerd.toml'),
          dockerdPid: join(hd, 'docker', 'dockerd.pid'),
          containerdPid: join(hd, 'docker', 'containerd.pid'),
          dockerdLog: join(hd, 'docker', 'dockerd.log'),
          containerdLog: join(hd, 'docker', 'containerd.log'),
        },
      };
    },
  };
}

/** `~/…` when the path is under the home directory (as the quickstart Fabric writes it). */
export function tildePath(path: string): string {
  const home = homedir();
  return path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}
