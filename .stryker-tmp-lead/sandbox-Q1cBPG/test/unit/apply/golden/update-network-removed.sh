set -eu
'ovs-vsctl' '--timeout=30' '--' 'remove' 'bridge' 'contiv0' 'external_ids' '"contiv.net.default.extra-net"' '"contiv.vni.default.extra-net"'
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
delete_strict table=5,priority=100,metadata=3
delete_strict table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=0
delete_strict table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=1
CONTIV_FLOWS_EOF
