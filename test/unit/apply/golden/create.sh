set -eu
'ovs-vsctl' '--timeout=30' '--' 'add-br' 'contiv0' '--' 'set' 'bridge' 'contiv0' 'datapath_type=netdev' 'fail_mode=secure' '--' 'set' 'bridge' 'contiv0' 'external_ids:"contiv.owner"="contiv"' 'external_ids:"contiv.kind"="bridge"' 'external_ids:"contiv.addr"="h1/bridge/contiv0"' 'external_ids:"contiv.model.0"="z1:lZJBboMwEEWvEs0aXEzIxlfpdAHYiUZ1PcgxRBRx96qGxiCxSHf2570PZjxByy7QIG6khTbXurdB6Ca/ee47UFBCdkQ8TELOG8R3RyXL09yZcNJN3rGldjyWtr3JSuxX6EGBrC5FypwJorG9ERtBgSyEFKUo3srqtK7l3vl75z+0ju32fOtJFLxPCKQRFIJEyBA0edMGYhczcjHsPLGnMCIoGbccuGUbkdB2kamTpY0bEeYsdZevdRcvlNfW8mMx2Yc7gpoQruTvAUFdqnOZIdj6uZt/QWP8wn2SWz4ojiq2DLXtTcyeI0SY54/07wZHR2PaA4cz2dzBb3YmtuzVGK9uFOYf"' '--' 'add-port' 'contiv0' 'contiv-vxlan' '--' 'set' 'interface' 'contiv-vxlan' 'type=vxlan' 'ofport_request=9' '--' 'set' 'interface' 'contiv-vxlan' 'options:"remote_ip"="flow"' 'options:"local_ip"="198.19.0.11"' 'options:"key"="flow"' 'options:"dst_port"="4789"' '--' 'set' 'port' 'contiv-vxlan' 'protected=true' '--' 'set' 'port' 'contiv-vxlan' 'external_ids:"contiv.owner"="contiv"' 'external_ids:"contiv.kind"="tunnel"' 'external_ids:"contiv.addr"="h1/tunnel"'
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
add cookie=0xc102cf6c5ac54af5,table=5,priority=100,metadata=1 actions=set_field:1->reg6,goto_table:10
add cookie=0xc102cf6c5ac54af5,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=1,reg1=0 actions=goto_table:70
add cookie=0xc102cf6c5ac54af5,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=1,reg1=1 actions=drop
add cookie=0xc1022a34125fe4f8,table=5,priority=100,metadata=2 actions=set_field:2->reg6,goto_table:10
add cookie=0xc1022a34125fe4f8,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=2,reg1=0 actions=goto_table:70
add cookie=0xc1022a34125fe4f8,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=2,reg1=1 actions=drop
add cookie=0xc10123bf0d244a4c,table=0,priority=0 actions=drop
add cookie=0xc10123bf0d244a4c,table=1,priority=100,vlan_tci=0x1000/0x1000 actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],move:NXM_OF_VLAN_TCI[0..11]->NXM_NX_REG0[0..11],pop_vlan,set_field:1->reg1,learn(table=11,idle_timeout=300,priority=100,cookie=0xc107d78e3c38d98d,OXM_OF_METADATA[],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_TUN_IPV4_DST[],load:0x9->NXM_NX_REG3[0..15],load:0x2->NXM_NX_REG4[0..2]),goto_table:5
add cookie=0xc10123bf0d244a4c,table=1,priority=0 actions=drop
add cookie=0xc10123bf0d244a4c,table=5,priority=0 actions=drop
add cookie=0xc10123bf0d244a4c,table=10,priority=50 actions=resubmit(,11),goto_table:20
add cookie=0xc10123bf0d244a4c,table=20,priority=100,ip,reg4=1 actions=ct(table=30,zone=NXM_NX_REG6[0..15])
add cookie=0xc10123bf0d244a4c,table=20,priority=90,reg4=1 actions=output:NXM_NX_REG3[0..15]
add cookie=0xc10123bf0d244a4c,table=20,priority=80,reg1=1 actions=drop
add cookie=0xc10123bf0d244a4c,table=20,priority=70,ip,reg4=2 actions=ct(commit,zone=NXM_NX_REG6[0..15]),goto_table:70
add cookie=0xc10123bf0d244a4c,table=20,priority=60,reg4=2 actions=goto_table:70
add cookie=0xc10123bf0d244a4c,table=20,priority=50,ip actions=ct(commit,zone=NXM_NX_REG6[0..15]),goto_table:70
add cookie=0xc10123bf0d244a4c,table=20,priority=40 actions=goto_table:70
add cookie=0xc10123bf0d244a4c,table=30,priority=200,ct_state=+inv+trk actions=drop
add cookie=0xc10123bf0d244a4c,table=30,priority=190,ct_state=+est+trk actions=output:NXM_NX_REG3[0..15]
add cookie=0xc10123bf0d244a4c,table=30,priority=190,ct_state=+rel+trk actions=output:NXM_NX_REG3[0..15]
add cookie=0xc10123bf0d244a4c,table=30,priority=100,ct_state=+new+trk actions=goto_table:40
add cookie=0xc10123bf0d244a4c,table=30,priority=0 actions=drop
add cookie=0xc10123bf0d244a4c,table=40,priority=0 actions=goto_table:50
add cookie=0xc10123bf0d244a4c,table=50,priority=0 actions=goto_table:60
add cookie=0xc10123bf0d244a4c,table=60,priority=0,ip actions=ct(commit,zone=NXM_NX_REG6[0..15]),output:NXM_NX_REG3[0..15]
add cookie=0xc10123bf0d244a4c,table=70,priority=100,reg4=2 actions=push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23],output:NXM_NX_REG3[0..15]
add cookie=0xc10123bf0d244a4c,table=70,priority=50 actions=push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23],set_field:198.19.0.12->tun_dst,output:9,set_field:198.19.0.13->tun_dst,output:9
add cookie=0xc106ccda95fcb4a5,table=40,priority=13,tcp,metadata=2,reg2=2 actions=drop
add cookie=0xc106ef17bba4abfb,table=40,priority=30,tcp,metadata=2,reg0=3,reg2=2,tp_dst=5432 actions=goto_table:50
add cookie=0xc103fcdbb471a3cd,table=0,priority=100,in_port=9,tun_src=198.19.0.11,vlan_tci=0x1000/0x1000 actions=goto_table:1
add cookie=0xc103fcdbb471a3cd,table=0,priority=100,in_port=9,tun_src=198.19.0.12/31,vlan_tci=0x1000/0x1000 actions=goto_table:1
CONTIV_FLOWS_EOF
