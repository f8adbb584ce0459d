set -eu
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
modify_strict cookie=0xc1022a34125fe4f8,table=5,priority=100,metadata=2 actions=set_field:2->reg6,goto_table:10
modify_strict cookie=0xc10123bf0d244a4c,table=0,priority=0 actions=drop
CONTIV_FLOWS_EOF
