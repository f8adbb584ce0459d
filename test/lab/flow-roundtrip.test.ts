import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { gatherHost } from '../../src/host/gather.js';
import { SshTransport } from '../../src/host/ssh-transport.js';
import { labPaths } from '../../src/lab/paths.js';
import { loadManifests } from '../../src/manifest/load.js';
import { readManifestDir, readSourceFile } from '../../src/manifest/read-sources.js';
import { formatFlow, parseFlowLine } from '../../src/state/flow-canonical.js';
import { flowKey, type Flow } from '../../src/state/host-state.js';
import { cookieFor } from '../../src/state/marks.js';
import { CTEST, execIn } from '../harness/lab.js';

/**
 * A flow as contiv writes it and the same flow as OVS prints it back must compare equal, or no
 * plan could ever say "No changes". Flows in every form the pipeline uses are written in
 * canonical form, installed on a lab host, gathered back over SSH and compared.
 */
const WRITTEN = [
  'table=0,priority=100,ip,in_port=4096,dl_src=02:00:0a:01:02:0a,nw_src=10.1.2.10 actions=set_field:200->metadata,set_field:2->reg0,goto_table:5',
  'table=0,priority=100,arp,in_port=4096,dl_src=02:00:0a:01:02:0a,arp_spa=10.1.2.10,arp_sha=02:00:0a:01:02:0a actions=set_field:200->metadata,set_field:2->reg0,goto_table:5',
  'table=0,priority=100,in_port=100,vlan_tci=0x1000/0x1000 actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],move:NXM_OF_VLAN_TCI[0..11]->NXM_NX_REG0[0..11],pop_vlan,set_field:1->reg1,goto_table:5',
  'table=0,priority=0 actions=drop',
  'table=0,priority=100,in_port=9,tun_src=198.19.0.11,vlan_tci=0x1000/0x1000 actions=goto_table:1',
  'table=0,priority=100,in_port=9,tun_src=198.19.0.12/31,vlan_tci=0x1000/0x1000 actions=goto_table:1',
  'table=1,priority=100,vlan_tci=0x1000/0x1000 actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],move:NXM_OF_VLAN_TCI[0..11]->NXM_NX_REG0[0..11],pop_vlan,set_field:1->reg1,learn(table=11,idle_timeout=300,priority=100,cookie=0xc107000000000000,OXM_OF_METADATA[],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_TUN_IPV4_DST[],load:0x9->NXM_NX_REG3[0..15],load:0x2->NXM_NX_REG4[0..2]),goto_table:5',
  'table=70,priority=50 actions=push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23],set_field:198.19.0.12->tun_dst,output:9,set_field:198.19.0.13->tun_dst,output:9',
  'table=5,priority=100,metadata=200 actions=set_field:3->reg6,goto_table:10',
  'table=10,priority=200,reg1=0,metadata=200,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=output:4096,output:4097,goto_table:70',
  'table=10,priority=100,metadata=200,dl_dst=02:00:0a:01:02:0a actions=set_field:4096->reg3,set_field:2->reg2,set_field:1->reg4,goto_table:20',
  'table=10,priority=50,metadata=200 actions=resubmit(,11),goto_table:20',
  'table=20,priority=100,ip,reg4=1 actions=ct(table=30,zone=NXM_NX_REG6[0..15])',
  'table=20,priority=70,ip,reg4=2 actions=ct(commit,zone=NXM_NX_REG6[0..15]),goto_table:70',
  'table=30,priority=200,ct_state=+inv+trk actions=drop',
  'table=30,priority=190,ct_state=+est+trk actions=output:NXM_NX_REG3[0..15]',
  'table=40,priority=31,tcp,metadata=200,reg0=3,reg2=2,tp_dst=5432 actions=goto_table:50',
  'table=40,priority=31,tcp,metadata=200,reg2=2,tp_dst=0x1f40/0xffc0 actions=drop',
  'table=40,priority=12,udp,metadata=200,nw_src=10.1.0.0/16,reg2=2 actions=drop',
  'table=40,priority=12,ip,nw_proto=47,reg2=2 actions=drop',
  'table=40,priority=12,icmp,reg2=2 actions=goto_table:50',
  'table=50,priority=21,ip,metadata=200,nw_dst=0.0.0.0/0,reg0=4 actions=drop',
  'table=60,priority=0,ip actions=ct(commit,zone=NXM_NX_REG6[0..15]),output:NXM_NX_REG3[0..15]',
  'table=70,priority=100,reg4=2 actions=push_vlan:0x8100,move:NXM_NX_REG0[0..11]->NXM_OF_VLAN_TCI[0..11],move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23],output:NXM_NX_REG3[0..15]',
  'table=11,priority=0 actions=learn(table=11,idle_timeout=300,priority=100,cookie=0xc107000000000000,OXM_OF_METADATA[],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG3[0..15],load:0x2->NXM_NX_REG4[0..2])',
];

describe('flow round trip on a lab host', () => {
  it('every flow form written in canonical form is gathered back equal', async () => {
    const cookie = cookieFor('pipeline', 'roundtrip');
    const flows: Flow[] = WRITTEN.map((line) => parseFlowLine(`cookie=0x${cookie},${line}`)!);
    const file = flows.map((f) => `add ${formatFlow(f)}`).join('\n');
    await execIn('h1', ['ovs-vsctl', '--', 'add-br', 'contiv0', '--', 'set', 'bridge', 'contiv0', 'datapath_type=netdev', 'fail_mode=secure', 'external_ids:contiv.owner=contiv']);
    const model = loadManifests({ files: await readManifestDir('examples/quickstart'), fabricFile: await readSourceFile(labPaths(CTEST.name).fabric), home: homedir() }).model!;
    const transport = new SshTransport();
    try {
      const install = await transport.exec(model.fabric.hosts[0]!, `cat > /tmp/contiv-roundtrip.flows <<'EOF'\n${file}\nEOF\novs-ofctl --bundle add-flows contiv0 /tmp/contiv-roundtrip.flows; rc=$?; rm -f /tmp/contiv-roundtrip.flows; exit $rc\n`);
      expect(install.stderr).toBe('');
      expect(install.code).toBe(0);
      const live = await gatherHost(transport, model.fabric.hosts[0]!);
      const gathered = live.state.bridges['contiv0']!.flows;
      expect(gathered).toEqual(Object.fromEntries(flows.map((f) => [flowKey(f), f])));
    } finally {
      await transport.close();
      await execIn('h1', ['ovs-vsctl', '--if-exists', 'del-br', 'contiv0']);
    }
  });
});
