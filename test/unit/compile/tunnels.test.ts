import { describe, expect, it } from 'vitest';
import { TUNNEL_PORTS } from '../../../src/compile/pipeline.js';
import { tunnelOfports, tunnelPortName } from '../../../src/compile/tunnels.js';
import type { Host } from '../../../src/model/types.js';
import { loadModel } from './case-support.js';

/*
 * A host's tunnel port numbers: a tunnel keeps a valid number it has, others get the lowest
 * number no port of the bridge holds, and the range has an end.
 */

async function peers(names: string[]): Promise<Host[]> {
  const model = await loadModel('examples/quickstart');
  return names.map((name) => ({ ...model.fabric.hosts[0]!, name }));
}

describe('tunnel port numbers', () => {
  it('a tunnel keeps its number up to the last of the range; a number outside the range is replaced', async () => {
    const hosts = await peers(['h2', 'h3', 'h4', 'h5']);
    const live = { [tunnelPortName('h2')]: TUNNEL_PORTS.last, [tunnelPortName('h3')]: TUNNEL_PORTS.first - 1, [tunnelPortName('h4')]: TUNNEL_PORTS.last + 1, [tunnelPortName('h5')]: TUNNEL_PORTS.first + 1 };
    // h3's and h4's numbers are held by their ports until they are replaced: the new ones avoid them too.
    expect(tunnelOfports(hosts, live)).toEqual({ h2: TUNNEL_PORTS.last, h3: TUNNEL_PORTS.first, h4: TUNNEL_PORTS.first + 2, h5: TUNNEL_PORTS.first + 1 });
  });

  it('two tunnels recorded with one number: the first keeps it, the second gets another', async () => {
    const hosts = await peers(['h2', 'h3']);
    const live = { [tunnelPortName('h2')]: 12, [tunnelPortName('h3')]: 12 };
    expect(tunnelOfports(hosts, live)).toEqual({ h2: 12, h3: TUNNEL_PORTS.first });
  });

  it('the last free number is handed out; past it, too many peers is an error', async () => {
    const hosts = await peers(['h2']);
    const held: Record<string, number> = {};
    for (let n = TUNNEL_PORTS.first; n < TUNNEL_PORTS.last; n++) held[`old${n}`] = n;
    expect(tunnelOfports(hosts, held)).toEqual({ h2: TUNNEL_PORTS.last });
    held['oldlast'] = TUNNEL_PORTS.last;
    expect(() => tunnelOfports(hosts, held)).toThrow(`more than ${TUNNEL_PORTS.last - TUNNEL_PORTS.first + 1} peers`);
  });

  it('a peer name too long for a port name is hashed, and the names stay distinct', () => {
    expect(tunnelPortName('h2')).toBe('vx-h2');
    expect(tunnelPortName('abcdefghijkl')).toBe('vx-abcdefghijkl');
    const long = tunnelPortName('abcdefghijklm');
    expect(long).toMatch(/^vx-[0-9a-f]{12}$/);
    expect(long).not.toBe(tunnelPortName('abcdefghijkln'));
  });
});
