set -eu
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
delete cookie=0xc104ebbc0db1fcdf/-1
add cookie=0xc1022a34125fe4f8,table=5,priority=100,metadata=2 actions=set_field:2->reg6,goto_table:10
add cookie=0xc1022a34125fe4f8,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=2,reg1=0 actions=goto_table:70
add cookie=0xc1022a34125fe4f8,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=2,reg1=1 actions=drop
CONTIV_FLOWS_EOF
'ovs-vsctl' '--timeout=30' '--if-exists' 'del-port' 'contiv0' 'cv7c24300bdb1c'
ip link del 'cv7c24300bdb1c' 2>/dev/null || true
