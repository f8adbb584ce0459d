import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNDERLAY_MTU, type HostPlan, type LabPlan } from './plan.js';
import { labPaths } from './paths.js';
import { fileInode, nsInode, readPidFile, runOk, waitForPidFile, waitForSsh } from './proc.js';
import { type LabRecord, recordObject, updateObject } from './record.js';
import { etcHosts, LAB_USER, sshdConfig } from './texts.js';

/**
 * Runs inside the host's network namespace, in a new mount and UTS namespace (propagation
 * slave), and leaves the host's daemons running there. Constant text: every value comes in as
 * a positional argument, never spliced into the script.
 */
const START_SCRIPT = String.raw`
set -eu
host=$1 dir=$2 mgmt_ip=$3 mgmt_prefix=$4 vtep=$5 ul_prefix=$6 mac=$7 user_home=$8 ul_mtu=$9
hostname "$host"
# This host's own /run (sshd, sudo, netns of its containers) and /var/log; the machine's stay hidden.
umount -l /run/netns 2>/dev/null || true
mount -t tmpfs -o mode=0755,size=16m contiv-run /run
mkdir -p /run/sshd /run/openvswitch /run/lock /run/netns
chmod 0755 /run/sshd
mount -t tmpfs -o mode=0755,size=64m contiv-log /var/log
mkdir -p /var/log/openvswitch
# Its own OVS directories: plain ovs-vsctl/ovs-ofctl/ovs-appctl reach this host's OVS, also under sudo.
mount --bind "$dir/ovs/run" /run/openvswitch
mount --bind "$dir/ovs/log" /var/log/openvswitch
mount --bind "$dir/ovs/etc" /etc/openvswitch
if [ -d /var/lib/openvswitch ]; then mount --bind "$dir/ovs/lib" /var/lib/openvswitch; fi
mount --bind "$dir/etc-hosts" /etc/hosts
# root's ~/.bashrc (pyenv init on these machines) costs ~140 ms per ssh command: hide it.
if [ -e /root/.bashrc ]; then mount --bind "$dir/empty" /root/.bashrc; fi
mount --bind "$dir/home" "$user_home"
# Its own CNI plugins and network configurations (what contiv apply writes on a cni host).
mount --bind "$dir/cni/net.d" /etc/cni/net.d
mount --bind "$dir/cni/bin" /opt/cni/bin
# Its own contiv-docker (plugin, systemd unit, Docker networks' records: what apply writes on a docker host).
mount --bind "$dir/contiv/lib" /usr/local/lib/contiv
mount --bind "$dir/contiv/var" /var/lib/contiv
mount --bind "$dir/contiv/systemd" /etc/systemd/system
ip link set lo up
ip addr add "$mgmt_ip/$mgmt_prefix" dev mgmt0
ip link set mgmt0 up
ip link set ul0 up
ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server /etc/openvswitch/conf.db --remote=punix:/run/openvswitch/db.sock \
  --pidfile --detach --no-chdir --log-file </dev/null >/dev/null 2>&1
# As ovs-ctl starts OVS on a real host: OVSDB records the version of ovs-vswitchd (what gather shows).
ovs_version=$(ovs-vswitchd --version | awk '/Open vSwitch/{print $NF}')
ovs-vsctl --no-wait init -- set Open_vSwitch . ovs_version="$ovs_version" external_ids:hostname="$host" external_ids:system-id="$host"
ovs-vswitchd unix:/run/openvswitch/db.sock --pidfile --detach --no-chdir --log-file </dev/null >/dev/null 2>&1
# The host's physical underlay: br-phy (netdev) holds the underlay veth; the VTEP address sits on
# br-phy's internal port, so userspace VXLAN can route and ARP from it.
ovs-vsctl --timeout=30 add-br br-phy -- set bridge br-phy datapath_type=netdev \
  other_config:hwaddr="$mac" -- set interface br-phy mtu_request="$ul_mtu" -- add-port br-phy ul0
ip addr add "$vtep/$ul_prefix" dev br-phy
ip link set br-phy up
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null >/dev/null 2>&1
`;

export interface HostSetupContext {
  plan: LabPlan;
  rec: LabRecord;
  userHome: string;
  /** Test-only failure injection (CONTIV_LAB_FAIL_AT=host:hN). */
  failAt?: string;
}

/** Makes one host: namespace, veths into the fabric, its files, its daemons; records each first. */
export async function setupHost(ctx: HostSetupContext, host: HostPlan): Promise<void> {
  const { plan, rec } = ctx;
  const paths = labPaths(plan.name);
  const hp = paths.host(host.name);

  const ns = recordObject(rec, { kind: 'netns', name: host.netns, role: 'host', host: host.name });
  await runOk(['ip', 'netns', 'add', host.netns]);
  updateObject(rec, ns, { inode: fileInode(`/run/netns/${host.netns}`) });

  // Both veths go straight from the fabric namespace into the host: none touches the root namespace.
  await runOk(['ip', '-n', plan.fabricNs, 'link', 'add', host.fabricMgmtPort, 'type', 'veth', 'peer', 'name', host.mgmtIf, 'netns', host.netns]);
  await runOk(['ip', '-n', plan.fabricNs, 'link', 'add', host.fabricUnderlayPort, 'mtu', String(UNDERLAY_MTU), 'type', 'veth', 'peer', 'name', host.underlayIf, 'mtu', String(UNDERLAY_MTU), 'netns', host.netns]);
  await runOk(['ip', '-n', plan.fabricNs, 'link', 'set', host.fabricMgmtPort, 'master', plan.fabricMgmtBridge, 'up']);
  await runOk(['ip', '-n', plan.fabricNs, 'link', 'set', host.fabricUnderlayPort, 'master', plan.fabricUnderlayBridge, 'up']);

  // Files (all under the lab directory, which is recorded).
  for (const d of [hp.dir, hp.ovsRun, hp.ovsEtc, hp.ovsLib, hp.ovsLog, join(hp.dir, 'cni', 'net.d'), join(hp.dir, 'cni', 'bin'), ...['lib', 'var', 'systemd'].map((d) => join(hp.dir, 'contiv', d))]) mkdirSync(d, { recursive: true, mode: 0o755 });
  writeFileSync(hp.emptyFile, '');
  writeFileSync(hp.etcHosts, etcHosts(plan, host));
  writeFileSync(hp.sshdConfig, sshdConfig({ listen: host.mgmtIp, hostKey: hp.hostKey, pidFile: hp.sshdPid, rootAuthorizedKeys: paths.authorizedKeys }));
  const sshDir = join(hp.userHome, '.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  copyFileSync(paths.authorizedKeys, join(sshDir, 'authorized_keys'));
  chmodSync(join(sshDir, 'authorized_keys'), 0o600);
  const { uid, gid } = userIds(LAB_USER);
  for (const p of [hp.userHome, sshDir, join(sshDir, 'authorized_keys')]) chownSync(p, uid, gid);
  chmodSync(hp.userHome, 0o700);
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `${host.name}.${plan.name}.lab`, '-f', hp.hostKey]);

  const procs = {
    ovsdb: recordObject(rec, { kind: 'process', host: host.name, role: 'ovsdb-server', pidFile: hp.ovsdbPid }),
    vswitchd: recordObject(rec, { kind: 'process', host: host.name, role: 'ovs-vswitchd', pidFile: hp.vswitchdPid }),
    sshd: recordObject(rec, { kind: 'process', host: host.name, role: 'sshd', pidFile: hp.sshdPid }),
  };
  let startError: unknown;
  try {
    await runOk(
      [
        'ip', 'netns', 'exec', host.netns,
        'unshare', '--mount', '--propagation', 'slave', '--uts', '--',
        'sh', '-c', START_SCRIPT, 'contiv-lab-host',
        host.name, hp.dir, host.mgmtIp, String(plan.mgmt.prefix), host.vtep, String(plan.underlay.prefix), host.vtepMac, ctx.userHome, String(UNDERLAY_MTU),
      ],
      { timeoutMs: 90_000 },
    );
  } catch (err) {
    startError = err;
  }
  // Record whatever started, also when a later step failed, so that down stops it by pid.
  for (const p of Object.values(procs)) {
    if (p.kind !== 'process') continue;
    const pid = startError ? readPidFile(p.pidFile) : await waitForPidFile(p.pidFile, 10_000);
    if (pid !== undefined) updateObject(rec, p, { pid });
  }
  if (procs.sshd.kind === 'process' && procs.sshd.pid !== undefined) {
    updateObject(rec, ns, { mntInode: nsInode(procs.sshd.pid, 'mnt') });
  }
  if (startError) throw new Error(`host ${host.name}: ${(startError as Error).message}`);
  if (ctx.failAt === `host:${host.name}`) {
    throw new Error(`host ${host.name}: failure injected by CONTIV_LAB_FAIL_AT=${ctx.failAt} (test only)`);
  }
  for (const p of Object.values(procs)) {
    if (p.kind === 'process' && p.pid === undefined) throw new Error(`host ${host.name}: ${p.role} did not start (no pid in ${p.pidFile})`);
  }
  if (!(await waitForSsh(host.mgmtIp, 22, 20_000))) {
    throw new Error(`host ${host.name}: sshd does not answer on ${host.mgmtIp}:22 (see ${hp.sshdLog})`);
  }
}

export function hostPublicKey(labName: string, host: string): string {
  return readFileSync(labPaths(labName).host(host).hostPubKey, 'utf8');
}

function userIds(user: string): { uid: number; gid: number } {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === user) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`user ${user} does not exist`);
}

export function userHome(user: string): string | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === user) return f[5];
  }
  return undefined;
}
