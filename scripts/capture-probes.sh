#!/usr/bin/env bash
# Captures gather outputs from real lab hosts into fixtures/probes/gather/, for the parser tests.
# Usage: scripts/capture-probes.sh   (needs root; brings up its own lab and removes it)
# CAPTURE_LAB / CAPTURE_MGMT_SUBNET / CAPTURE_UNDERLAY_SUBNET pick another lab name and subnets.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
lab=${CAPTURE_LAB:-probes}
mgmt=${CAPTURE_MGMT_SUBNET:-198.18.60.0/24}
underlay=${CAPTURE_UNDERLAY_SUBNET:-198.19.60.0/24}
net=${mgmt%.0/24}
contiv() { node bin/contiv.js "$@"; }
sleepers=()
cleanup() {
  for pid in "${sleepers[@]}"; do kill "$pid" 2>/dev/null || true; done
  contiv lab down --name "$lab" >/dev/null
}
trap cleanup EXIT
contiv lab up --name "$lab" --hosts 3 --mgmt-subnet "$mgmt" --underlay-subnet "$underlay" >/dev/null 2>&1
fabric=~/.contiv/labs/$lab/fabric.yaml
key=~/.contiv/labs/$lab/id_ed25519
kh=~/.contiv/labs/$lab/known_hosts
on() { local host=$1; shift; ssh -i "$key" -o UserKnownHostsFile="$kh" -o StrictHostKeyChecking=yes -o BatchMode=yes "root@$host" "$@"; }
gather() { node -e "import('./dist/host/gather-script.js').then(m => process.stdout.write(m.GATHER_SCRIPT))" | on "$1" sh -s; }
out=fixtures/probes/gather
mkdir -p "$out"

# An empty host: only the lab's own underlay bridge, which is not contiv's.
gather "$net.11" > "$out/empty-host.txt"

# A bridge holding one flow of each form the canonical-form parser must understand.
on "$net.11" sh -s <<'SH'
set -e
ovs-vsctl -- add-br contiv0 -- set bridge contiv0 datapath_type=netdev fail_mode=secure external_ids:contiv.owner=contiv
cat > /tmp/probe-flows.txt <<'FLOWS'
add cookie=0xc101aabbccddeeff,table=0,priority=100,in_port=100,tun_id=0x10 actions=set_field:0x5->reg0,load:0x7->NXM_NX_REG1[],goto_table:10
add cookie=0xc102aabbccddeeff,table=10,priority=200,ip,nw_dst=10.1.2.0/24,dl_vlan=5 actions=strip_vlan,resubmit(,20)
add cookie=0xc102aabbccddeeff,table=10,priority=210,tcp,tp_dst=5432,reg0=5,metadata=0x1 actions=ct(commit,zone=5),output:100
add cookie=0xc102aabbccddeeff,table=20,priority=10,tcp6 actions=drop
add cookie=0xc102aabbccddeeff,table=20,priority=11,ip,nw_proto=6,tp_dst=0x1000/0xf000 actions=conjunction(7,1/2)
add cookie=0xc102aabbccddeeff,table=20,priority=12,conj_id=7,ip actions=set_field:0x3e8->tun_id,output:100
add cookie=0xc102aabbccddeeff,table=20,priority=13,ct_state=+new+trk,ip actions=ct(table=30,zone=NXM_NX_REG6[0..15])
add cookie=0xc102aabbccddeeff,table=20,priority=14,arp,arp_tpa=10.1.2.5 actions=push_vlan:0x8100,set_field:4102->vlan_vid,output:100
add cookie=0xc102aabbccddeeff,table=20,priority=15,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=move:NXM_NX_REG0[0..15]->NXM_NX_TUN_ID[0..15],output:100
add cookie=0xc102aabbccddeeff,table=20,priority=16,udp,tp_dst=53 actions=set_field:0x10->tun_id,output:in_port
add cookie=0x1,table=0,priority=1 actions=drop
FLOWS
ovs-ofctl --bundle add-flows contiv0 /tmp/probe-flows.txt
rm -f /tmp/probe-flows.txt
SH
gather "$net.11" > "$out/flow-variety.txt"

# A host with a contiv bridge: a tunnel, an endpoint port, an unmarked port, 10k flows of ours, 3 foreign.
on "$net.12" sh -s <<SH
set -e
ovs-vsctl -- add-br contiv0 -- set bridge contiv0 datapath_type=netdev fail_mode=secure \
    external_ids:contiv.owner=contiv external_ids:contiv.kind=bridge external_ids:contiv.addr=h2/bridge/contiv0 \
  -- add-port contiv0 vx-h1 -- set interface vx-h1 type=vxlan options:remote_ip=${underlay%.0/24}.11 options:key=flow options:dst_port=4789 ofport_request=100 \
  -- set port vx-h1 protected=true external_ids:contiv.owner=contiv external_ids:contiv.kind=tunnel external_ids:contiv.addr=h2/tunnel/h1 \
  -- add-port contiv0 ep1 -- set interface ep1 type=internal ofport_request=4096 mtu_request=1450 \
  -- set port ep1 external_ids:contiv.owner=contiv external_ids:contiv.kind=endpoint external_ids:contiv.tenant=default external_ids:contiv.network=contiv-net external_ids:contiv.group=web-group external_ids:contiv.ip=10.1.2.10 external_ids:contiv.netns=web-1 \
  -- add-port contiv0 mine -- set interface mine type=internal
SH
on "$net.12" sh -s <<'SH'
set -e
{
  for i in $(seq 0 9999); do
    printf 'add cookie=0xc1040000000%05x,table=10,priority=100,metadata=0x%x,dl_dst=02:00:00:%02x:%02x:%02x actions=set_field:0x%x->reg3,goto_table:20\n' "$i" $((i % 7)) $((i >> 16)) $(((i >> 8) & 255)) $((i & 255)) $((4096 + i % 100))
  done
  echo 'add cookie=0x1,table=0,priority=1 actions=drop'
  echo 'add cookie=0x2,table=0,priority=2,arp actions=drop'
  echo 'add table=0,priority=3,ip actions=drop'
} > /tmp/probe-flows.txt
ovs-ofctl --bundle add-flows contiv0 /tmp/probe-flows.txt
rm -f /tmp/probe-flows.txt
SH
gather "$net.12" > "$out/contiv-bridge-10k-flows.txt"

# The quickstart applied by contiv on all three hosts (the hand-made bridges removed first).
on "$net.11" ovs-vsctl del-br contiv0
on "$net.12" ovs-vsctl del-br contiv0
contiv apply examples/quickstart --fabric "$fabric" --auto-approve >/dev/null

# h2 with endpoints attached by contiv: one by name (a container under /run/netns), two by a
# namespace path (a process's /proc/PID/ns/net, as runtimes pass; each its own namespace), one
# of whose processes is gone: its endpoint is still in OVSDB, its path not among the netns-paths.
contiv lab run h2 web-2 --name "$lab" >/dev/null
contiv attach examples/quickstart --fabric "$fabric" --host h2 --netns web-2 --network contiv-net --group web-group >/dev/null
for tag in 1 2; do
  contiv lab run h2 "runtime-$tag" --name "$lab" >/dev/null
  node bin/contiv.js lab exec --name "$lab" "runtime-$tag" -- sleep "6$tag.613" </dev/null >/dev/null 2>&1 &
  sleepers+=($!)
done
pids=()
for tag in 1 2; do
  pid=
  for _ in $(seq 50); do pid=$(pgrep -f "^sleep 6$tag.613$" || true); [ -n "$pid" ] && break; sleep 0.1; done
  [ -n "$pid" ] || { echo "no sleeper 6$tag.613" >&2; exit 1; }
  pids+=("$pid")
  contiv attach examples/quickstart --fabric "$fabric" --host h2 --netns "/proc/$pid/ns/net" --network contiv-net >/dev/null
done
kill "${pids[1]}"
while [ -e "/proc/${pids[1]}" ]; do sleep 0.1; done
gather "$net.12" > "$out/endpoints-by-path.txt"

# h3 with contiv's bridge and a stopped ovs-vswitchd (its recorded pid, checked to be it):
# OVSDB still answers, flows cannot be dumped, so none are.
pid=$(cat ~/.contiv/labs/"$lab"/hosts/h3/ovs/run/ovs-vswitchd.pid)
tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q '^ovs-vswitchd ' || { echo "pid $pid is not ovs-vswitchd" >&2; exit 1; }
kill "$pid"
while [ -e "/proc/$pid" ]; do sleep 0.1; done
gather "$net.13" > "$out/vswitchd-stopped.txt"
ls -la "$out"
