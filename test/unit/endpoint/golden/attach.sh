set -eu
[ -e '/proc/4242/ns/net' ] || { echo 'no network namespace /proc/4242/ns/net on this host' >&2; exit 77; }
made=0
undo() { if [ "$made" = 1 ]; then ovs-vsctl --if-exists del-port contiv0 'cv7c24300bdb1c'; ip link del 'cv7c24300bdb1c' 2>/dev/null || true; fi; }
trap 'rc=$?; [ $rc -eq 0 ] || undo; exit $rc' EXIT
made=1
'nsenter' '--net=/proc/4242/ns/net' '--' 'sh' '-s' "$$" <<'CONTIV_NS_EOF'
set -eu
if 'ip' 'link' 'show' 'eth1' >/dev/null 2>&1; then echo 'namespace /proc/4242/ns/net already has an interface eth1' >&2; exit 1; fi
'ip' 'link' 'add' 'eth1' 'mtu' '1450' 'type' 'veth' 'peer' 'name' 'cv7c24300bdb1c' 'mtu' '1450' 'netns' "$1"
'ip' 'link' 'set' 'eth1' 'address' '02:c3:89:3e:e5:96'
'ip' 'addr' 'add' '10.1.2.16/24' 'dev' 'eth1'
'ip' 'link' 'set' 'lo' 'up'
'ip' 'link' 'set' 'eth1' 'up'
[ -n "$(ip -4 route show default)" ] || 'ip' 'route' 'add' 'default' 'via' '10.1.2.1' 'dev' 'eth1'
'ethtool' '-K' 'eth1' 'tx' 'off' >/dev/null
CONTIV_NS_EOF
'ethtool' '-K' 'cv7c24300bdb1c' 'tx' 'off' >/dev/null
'ip' 'link' 'set' 'cv7c24300bdb1c' 'up'
'ovs-vsctl' '--timeout=30' '--' 'add-port' 'contiv0' 'cv7c24300bdb1c' '--' 'set' 'interface' 'cv7c24300bdb1c' 'ofport_request=4096' '--' 'set' 'port' 'cv7c24300bdb1c' 'external_ids:"contiv.owner"="contiv"' 'external_ids:"contiv.kind"="endpoint"' 'external_ids:"contiv.addr"="h1/endpoint//proc/4242/ns/net#eth1"' 'external_ids:"contiv.tenant"="default"' 'external_ids:"contiv.network"="contiv-net"' 'external_ids:"contiv.ip"="10.1.2.16"' 'external_ids:"contiv.mac"="02:c3:89:3e:e5:96"' 'external_ids:"contiv.netns"="/proc/4242/ns/net"' 'external_ids:"contiv.group"="db-group"' 'external_ids:"contiv.ifname"="eth1"'
[ "$(ovs-vsctl get interface 'cv7c24300bdb1c' ofport)" = 4096 ] || { echo 'Open vSwitch did not give cv7c24300bdb1c port number 4096' >&2; exit 1; }
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
add cookie=0xc104ebbc0db1fcdf,table=0,priority=100,ip,dl_src=02:c3:89:3e:e5:96,in_port=4096,nw_src=10.1.2.16 actions=set_field:2->metadata,set_field:2->reg0,goto_table:5
add cookie=0xc104ebbc0db1fcdf,table=0,priority=100,arp,arp_sha=02:c3:89:3e:e5:96,arp_spa=10.1.2.16,dl_src=02:c3:89:3e:e5:96,in_port=4096 actions=set_field:2->metadata,set_field:2->reg0,goto_table:5
add cookie=0xc104ebbc0db1fcdf,table=10,priority=100,dl_dst=02:c3:89:3e:e5:96,metadata=2 actions=set_field:4096->reg3,set_field:2->reg2,set_field:1->reg4,goto_table:20
add cookie=0xc1022a34125fe4f8,table=5,priority=100,metadata=2 actions=set_field:2->reg6,goto_table:10
add cookie=0xc1022a34125fe4f8,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=2,reg1=0 actions=output:4096,goto_table:70
add cookie=0xc1022a34125fe4f8,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=2,reg1=1 actions=output:4096
CONTIV_FLOWS_EOF
('nsenter' '--net=/proc/4242/ns/net' '--' 'ping' '-b' '-n' '-q' '-c' '1' '-W' '0.2' '10.1.2.255' >/dev/null 2>&1 &)
