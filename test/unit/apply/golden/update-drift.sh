set -eu
'ovs-vsctl' '--timeout=30' '--' 'set' 'bridge' 'contiv0' 'fail_mode=secure' '--' 'remove' 'bridge' 'contiv0' 'external_ids' '"contiv.vni.default.contiv-net"'
