set -eu
'ovs-vsctl' '--timeout=30' '--' 'set' 'bridge' 'contiv0' 'external_ids:"contiv.net.default.extra-net"="10.9.0.0/24 10.9.0.1"' 'external_ids:"contiv.vni.default.extra-net"="3"'
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
add cookie=0xc102016092215603,table=5,priority=100,metadata=3 actions=set_field:2->reg6,goto_table:10
add cookie=0xc102016092215603,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=0 actions=goto_table:70
add cookie=0xc102016092215603,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=1 actions=drop
CONTIV_FLOWS_EOF
