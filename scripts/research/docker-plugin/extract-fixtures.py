#!/usr/bin/env python3
"""Writes fixtures/docker/requests/*.json from /tmp/rsch-dock/plugin.log: for each fixture, the
first request (path, in the section after marker MARK, matching PRED) exactly as Docker sent it
(keys in Docker's order), pretty-printed. Run from the repository root."""
import json, os, sys

LOG = sys.argv[1] if len(sys.argv) > 1 else '/tmp/rsch-dock/plugin.log'
OUT = 'fixtures/docker/requests'
entries, mark = [], None
for line in open(LOG):
    e = json.loads(line)
    if 'mark' in e:
        mark = e['mark']; continue
    if 'path' in e:
        e['_mark'] = mark; entries.append(e)

def body(e): return e['body'] if isinstance(e['body'], dict) else {}

SPECS = [
    # file, marker, path, predicate
    ('IpamDriver.RequestPool', 'Q1 create contiv-net/blue', 'IpamDriver.RequestPool', None),
    ('IpamDriver.RequestPool-group', 'Q3 gateway choice 3', 'IpamDriver.RequestPool', None),
    ('IpamDriver.RequestPool-no-options', 'Q1 names', 'IpamDriver.RequestPool', None),
    ('IpamDriver.RequestAddress-gateway', 'Q1 create contiv-net/blue', 'IpamDriver.RequestAddress', None),
    ('IpamDriver.RequestAddress-gateway-no-address', 'Q1 names', 'IpamDriver.RequestAddress', None),
    ('IpamDriver.RequestAddress', 'Q2 run c1', 'IpamDriver.RequestAddress', None),
    ('IpamDriver.RequestAddress-ip', 'Q2 run c2 --ip', 'IpamDriver.RequestAddress', None),
    ('IpamDriver.ReleaseAddress', 'Q4 rm -f c3', 'IpamDriver.ReleaseAddress', None),
    ('IpamDriver.ReleaseAddress-gateway', 'Q7 rm with stopped containers', 'IpamDriver.ReleaseAddress', lambda b: b.get('Address') == '10.1.2.1'),
    ('IpamDriver.ReleasePool', 'Q7 rm with stopped containers', 'IpamDriver.ReleasePool', None),
    ('NetworkDriver.CreateNetwork', 'Q1 create contiv-net/blue', 'NetworkDriver.CreateNetwork', None),
    ('NetworkDriver.CreateNetwork-group', 'Q3 gateway choice 3', 'NetworkDriver.CreateNetwork', None),
    ('NetworkDriver.CreateNetwork-no-options', 'Q1 names', 'NetworkDriver.CreateNetwork', None),
    ('NetworkDriver.DeleteNetwork', 'Q7 rm with stopped containers', 'NetworkDriver.DeleteNetwork', None),
    ('NetworkDriver.CreateEndpoint', 'Q2 run c1', 'NetworkDriver.CreateEndpoint', None),
    ('NetworkDriver.CreateEndpoint-ip', 'Q2 run c2 --ip', 'NetworkDriver.CreateEndpoint', None),
    ('NetworkDriver.CreateEndpoint-mac-ports', 'Q2 run c3 --mac-address --label --network-alias -p', 'NetworkDriver.CreateEndpoint', None),
    ('NetworkDriver.Join', 'Q2 run c1', 'NetworkDriver.Join', None),
    ('NetworkDriver.Join-ports', 'Q2 run c3 --mac-address --label --network-alias -p', 'NetworkDriver.Join', None),
    ('NetworkDriver.ProgramExternalConnectivity', 'Q2 run c1', 'NetworkDriver.ProgramExternalConnectivity', None),
    ('NetworkDriver.EndpointOperInfo', 'Q2 run c1', 'NetworkDriver.EndpointOperInfo', None),
    ('NetworkDriver.RevokeExternalConnectivity', 'Q4 rm -f c3', 'NetworkDriver.RevokeExternalConnectivity', None),
    ('NetworkDriver.Leave', 'Q4 rm -f c3', 'NetworkDriver.Leave', None),
    ('NetworkDriver.DeleteEndpoint', 'Q4 rm -f c3', 'NetworkDriver.DeleteEndpoint', None),
]
os.makedirs(OUT, exist_ok=True)
for name, mark, path, pred in SPECS:
    hit = next((e for e in entries if e['_mark'] == mark and e['path'] == path and (pred is None or pred(body(e)))), None)
    if hit is None:
        sys.exit(f'no {path} after marker {mark!r}')
    with open(f'{OUT}/{name}.json', 'w') as f:
        json.dump(hit['body'], f, indent=2); f.write('\n')
    print(f'{OUT}/{name}.json  ({hit["t"]}, answered {json.dumps(hit["answer"])[:80]})')
