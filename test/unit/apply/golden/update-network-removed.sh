set -eu
'ovs-vsctl' '--timeout=30' '--' 'set' 'bridge' 'contiv0' 'external_ids:"contiv.model.0"="z1:lZJBboMwEEWvEs0aXEzIxlfpdAHYiUZ1PcgxRBRx96qGxiCxSHf2570PZjxByy7QIG6khTbXurdB6Ca/ee47UFBCdkQ8TELOG8R3RyXL09yZcNJN3rGldjyWtr3JSuxX6EGBrC5FypwJorG9ERtBgSyEFKUo3srqtK7l3vl75z+0ju32fOtJFLxPCKQRFIJEyBA0edMGYhczcjHsPLGnMCIoGbccuGUbkdB2kamTpY0bEeYsdZevdRcvlNfW8mMx2Yc7gpoQruTvAUFdqnOZIdj6uZt/QWP8wn2SWz4ojiq2DLXtTcyeI0SY54/07wZHR2PaA4cz2dzBb3YmtuzVGK9uFOYf"'
ovs-ofctl -O OpenFlow14 --bundle add-flows 'contiv0' - <<'CONTIV_FLOWS_EOF'
delete_strict table=5,priority=100,metadata=3
delete_strict table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=0
delete_strict table=10,priority=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,metadata=3,reg1=1
CONTIV_FLOWS_EOF
