// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { splitSections } from '../../../src/state/parse/sections.js';

describe('gather output sections', () => {
  it('splits at markers and keeps exit statuses', () => {
    const out = '\n@@contiv hostname\nh1\n\n@@contiv status 0\n\n@@contiv flows contiv0\nboom\n@@contiv status 1\n\n@@contiv missing\nethtool\n';
    expect(splitSections(out)).toEqual([
      { name: 'hostname', arg: '', body: 'h1', status: 0 },
      { name: 'flows', arg: 'contiv0', body: 'boom', status: 1 },
      { name: 'missing', arg: '', body: 'ethtool' },
    ]);
  });
});
