set -eu
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
delete_strict table=0,priority=100,in_port=9,tun_src=198.19.0.12/31,vlan_tci=0x1000/0x1000
modify_strict cookie=0xc10123bf0d244a4c,table=70,priority=50 actions=push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23],set_field:198.19.0.13->tun_dst,output:9
add cookie=0xc103fcdbb471a3cd,table=0,priority=100,in_port=9,tun_src=198.19.0.13,vlan_tci=0x1000/0x1000 actions=goto_table:1
CONTIV_FLOWS_EOF
