import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSections } from '../../../src/state/parse/sections.js';

describe('gather output sections', () => {
  it('splits at markers and keeps exit statuses', () => {
    const out = '\n@@contiv hostname\nh1\n\n@@contiv status 0\n\n@@contiv flows contiv0\nboom\n@@contiv status 1\n\n@@contiv missing\nethtool\n';
    expect(splitSections(out)).toStrictEqual([
      { name: 'hostname', arg: '', body: 'h1', status: 0 },
      { name: 'flows', arg: 'contiv0', body: 'boom', status: 1 },
      { name: 'missing', arg: '', body: 'ethtool' },
    ]);
  });

  it('splits a real capture into its sections, in order, with their statuses', () => {
    const sections = splitSections(readFileSync('fixtures/probes/gather/flow-variety.txt', 'utf8'));
    expect(sections.map((s) => [s.name, s.arg, s.status])).toStrictEqual([
      ['hostname', '', 0],
      ['missing', '', undefined],
      ['ovs-vswitchd', '', undefined],
      ['ovsdb', '', 0],
      ['flows', 'contiv0', 0],
      ['links', '', 0],
      ['netns', '', undefined],
      ['files', '', undefined],
      ['docker', '', 1],
      ['docker-plugin', '', undefined],
      ['netns-paths', '', undefined],
    ]);
    expect(sections[2]!.body).toBe('running');
    expect(sections[3]!.body.split('\n')).toHaveLength(5);
    const flows = sections[4]!.body.split('\n');
    expect(flows).toHaveLength(11);
    // The body is trimmed as a whole: the first line loses its leading space, the others keep it.
    expect(flows[0]).toBe('cookie=0xc101aabbccddeeff, priority=100,tun_id=0x10,in_port=100 actions=set_field:0x5->reg0,load:0x7->NXM_NX_REG1[],goto_table:10');
    expect(flows[1]).toBe(' cookie=0x1, priority=1 actions=drop');
  });

  it('keeps a multi-line body whole, blank lines inside included, and trims only its ends', () => {
    const out = '@@contiv netns\n\nweb-1\n\ndb-2\n\n@@contiv links\n[]\n@@contiv status 0\n';
    expect(splitSections(out)).toStrictEqual([
      { name: 'netns', arg: '', body: 'web-1\n\ndb-2' },
      { name: 'links', arg: '', body: '[]', status: 0 },
    ]);
  });

  it('drops anything printed before the first marker', () => {
    // e.g. a login banner or a shell warning on stdout ahead of the script's own output.
    expect(splitSections('Welcome to h1\n\n@@contiv hostname\nh1\n@@contiv status 0\n')).toStrictEqual([{ name: 'hostname', arg: '', body: 'h1', status: 0 }]);
    expect(splitSections('no markers at all\n')).toStrictEqual([]);
    expect(splitSections('')).toStrictEqual([]);
  });

  it('reads a marker only at the start of a line and followed by a space', () => {
    const out = '@@contiv flows contiv0\n @@contiv status 1\n@@contivx status 1\n@@contiv status 0\n';
    expect(splitSections(out)).toStrictEqual([{ name: 'flows', arg: 'contiv0', body: '@@contiv status 1\n@@contivx status 1', status: 0 }]);
  });

  it('takes the rest of the marker line as the argument', () => {
    expect(splitSections('@@contiv flows br 0\nx\n@@contiv status 0\n')).toStrictEqual([{ name: 'flows', arg: 'br 0', body: 'x', status: 0 }]);
  });

  it('a section with an empty body still appears', () => {
    expect(splitSections('@@contiv missing\n@@contiv netns\n')).toStrictEqual([
      { name: 'missing', arg: '', body: '' },
      { name: 'netns', arg: '', body: '' },
    ]);
  });

  it('takes a non-zero exit status as a number', () => {
    expect(splitSections('@@contiv links\n@@contiv status 127\n')).toStrictEqual([{ name: 'links', arg: '', body: '', status: 127 }]);
  });
});
