set -eu
'ovs-vsctl' '--timeout=30' '--' 'set' 'bridge' 'contiv0' 'external_ids:"contiv.model.0"="z1:nZLBcoMgFEV/JfPWSoWYRfmVkgUKyTClwBA0tY7/3glaITMsMt3B85yLcp2htyaoEV2VQEJe+KADEl199XZwQIFAVSLuMiHHDPGuFLI+rY0MB9HVzmrVT2Upz01WYr/CABRwe2rSzMiAOj1IlAkUcIMwIqh5I+1hW+Nn5+/Mf2ryO3ierHfU7NZjnVnO6vxWtu+n8DEzUIIBZYAZVAyE8rIPypo4UyYOnVfWqzAxoDhubbC91REJvYsMT5aQZmKwVCmbvJbdvBDOtbb31bQ+3BjQmcFF+VtgQE/tkVQMNN93ywOU0q/cpzLrC8WCY8rI9SDjbC+ewbKc092NRpXKfQaKTZIyk9eW/bk/1sh40HN6HG9qzFx+AQ=="'
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
add cookie=0xc102016092215603,table=5,priority=100,metadata=3 actions=set_field:2->reg6,goto_table:10
add cookie=0xc102016092215603,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=0 actions=goto_table:70
add cookie=0xc102016092215603,table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=1 actions=drop
CONTIV_FLOWS_EOF
