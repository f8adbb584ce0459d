set -eu
exec 9>/run/contiv.lock
flock -w 30 9 || { echo "another contiv run holds /run/contiv.lock" >&2; exit 75; }
'ovs-vsctl' '--timeout=30' '--' 'set' 'bridge' 'contiv0' 'fail_mode=secure' '--' 'set' 'bridge' 'contiv0' 'external_ids:"contiv.vni.default.contiv-net"="2"'
