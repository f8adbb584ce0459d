import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatherHost, readHostRecords } from '../../../src/host/gather.js';
import { GATHER_SCRIPT, GATHER_SCRIPT_LOCK_HELD, LOCK_FILE, OVSDB_COMMANDS, RECORDS_SCRIPT } from '../../../src/host/gather-script.js';
import { HostError, type ExecResult, type HostTarget, type Transport } from '../../../src/host/transport.js';
import { OVSDB_TABLES } from '../../../src/state/parse/live-host.js';

// Captures of GATHER_SCRIPT on lab hosts (scripts/capture-probes.sh).
const probe = (name: string) => readFileSync(`fixtures/probes/gather/${name}.txt`, 'utf8');

const HOST: HostTarget = { name: 'h1', address: '198.18.110.11', ssh: { user: 'root', port: 22 } } as HostTarget;

/** A transport whose every exec prints `stdout`; records the scripts it was given. */
function answering(stdout: string): Transport & { scripts: string[] } {
  const scripts: string[] = [];
  return {
    scripts,
    exec: async (_host, script): Promise<ExecResult> => {
      scripts.push(script);
      return { code: 0, stdout, stderr: '' };
    },
    hold: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
}

async function gatherError(stdout: string): Promise<HostError> {
  try {
    await gatherHost(answering(stdout), HOST);
  } catch (e) {
    if (e instanceof HostError) return e;
    throw e;
  }
  throw new Error('expected a HostError');
}

describe('gather of one host', () => {
  it('a host whose ovs-vswitchd is stopped is reported as such, not as a failed flow dump', async () => {
    const error = await gatherError(probe('vswitchd-stopped'));
    expect(error.kind).toBe('command');
    expect(error.message).toMatch(/^h1: ovs-vswitchd is not running/);
    expect(error.hint).toBe('start Open vSwitch on the host');
  });

  it('reads a host with endpoints, by one exec of the gather script', async () => {
    const transport = answering(probe('endpoints-by-path'));
    const live = await gatherHost(transport, HOST);
    expect(transport.scripts).toStrictEqual([GATHER_SCRIPT]);
    expect(Object.keys(live.state.bridges)).toStrictEqual(['contiv0']);
  });

  it('a run that holds the host\'s lock reads without waiting for it', async () => {
    const transport = answering(probe('endpoints-by-path'));
    await gatherHost(transport, HOST, { lockHeld: true });
    expect(transport.scripts).toStrictEqual([GATHER_SCRIPT_LOCK_HELD]);
  });

  it('a missing binary gather needs is named; one only apply needs is left to the plan', async () => {
    const withMissing = (names: string) => probe('empty-host').replace('\n@@contiv missing\n', `\n@@contiv missing\n${names}`);
    const error = await gatherError(withMissing('ovs-ofctl\n'));
    expect(error.kind).toBe('missing-binary');
    expect(error.message).toBe('h1: ovs-ofctl not found on the host');
    const live = await gatherHost(answering(withMissing('ethtool\n')), HOST);
    expect(live.facts.missing).toStrictEqual(['ethtool']);
  });

  it('the records read needs no ovs-vswitchd: it is parsed from the same sections', async () => {
    const live = await readHostRecords(answering(probe('vswitchd-stopped')), HOST);
    expect(Object.keys(live.state.bridges)).toStrictEqual(['contiv0']);
  });
});

describe('the gather scripts', () => {
  it('the ovs-vsctl commands print the tables in the order the parser takes them', () => {
    const reads: Record<(typeof OVSDB_TABLES)[number], RegExp> = {
      'contiv-bridges': /^--columns=name find Bridge external_ids:contiv\.owner=contiv$/,
      'open-vswitch': / list Open_vSwitch$/,
      bridges: / list Bridge$/,
      ports: / list Port$/,
      interfaces: / list Interface$/,
    };
    expect(OVSDB_COMMANDS).toHaveLength(OVSDB_TABLES.length);
    OVSDB_TABLES.forEach((table, i) => expect(OVSDB_COMMANDS[i]).toMatch(reads[table]));
  });

  it('the gather waits (10 s at most) for a change in progress, holding the lock shared while it reads; the locked run\'s read does not', () => {
    const shared = `if [ -r ${LOCK_FILE} ] && command -v flock >/dev/null 2>&1; then exec 8<${LOCK_FILE}; flock -s -w 10 8 || true; fi\n`;
    expect(GATHER_SCRIPT).toContain(shared);
    expect(GATHER_SCRIPT.indexOf(shared)).toBeLessThan(GATHER_SCRIPT.indexOf('section ovsdb'));
    expect(GATHER_SCRIPT_LOCK_HELD).not.toContain('flock -s');
    expect(GATHER_SCRIPT_LOCK_HELD).toBe(GATHER_SCRIPT.replace(shared, ''));
  });

  it('read OVSDB with one ovs-vsctl call; ovs-appctl only where the pidfile does not show a running ovs-vswitchd', () => {
    for (const script of [GATHER_SCRIPT, RECORDS_SCRIPT]) expect(script.match(/ovs-vsctl --timeout/g)).toHaveLength(1);
    expect(RECORDS_SCRIPT).not.toContain('ovs-appctl');
    expect(GATHER_SCRIPT.match(/ovs-appctl/g)).toHaveLength(1);
    expect(GATHER_SCRIPT).toMatch(/\nif \[ "\$vswitchd" = stopped \] && ovs-appctl --timeout=10 -t ovs-vswitchd version >\/dev\/null 2>&1; then vswitchd=running; fi\n/);
  });
});
