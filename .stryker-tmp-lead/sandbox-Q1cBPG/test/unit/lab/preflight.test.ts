// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { checkPackages, checkRoot, DEBIAN_PACKAGES, installCommand, missingPackages, REQUIREMENTS } from '../../../src/lab/preflight.js';
import { jsonObjectEnd } from '../../../src/lab/unixctl.js';

describe('lab preflight', () => {
  it('names the missing package and the exact command that installs it', () => {
    const found = (f: string) => f !== 'sshd' && f !== 'ovs-vswitchd' && f !== 'ovsdb-server';
    expect(missingPackages(found)).toEqual({ files: ['sshd', 'ovsdb-server', 'ovs-vswitchd'], pkgs: ['openssh-server', 'openvswitch-switch'] });
    expect(() => checkPackages(found)).toThrow(UserError);
    expect(() => checkPackages(found)).toThrow(
      'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server openvswitch-switch',
    );
    expect(() => checkPackages(() => true)).not.toThrow();
  });

  it('asks for root', () => {
    expect(() => checkRoot(1000)).toThrow(/needs root/);
    expect(() => checkRoot(0)).not.toThrow();
  });

  it('installs in CI every package the lab checks for', () => {
    const essential = new Set(['passwd', 'mount', 'openssh-client']); // always there, or pulled in by openssh-server
    for (const r of REQUIREMENTS) if (!essential.has(r.pkg)) expect(DEBIAN_PACKAGES).toContain(r.pkg);
    expect(installCommand(['sudo'])).toBe('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sudo');
  });
});

describe('unixctl framing', () => {
  it('finds the end of the first JSON object, strings and escapes included', () => {
    expect(jsonObjectEnd('{"id":0,"result":"OK\\n"}{"id":1')).toBe(24);
    expect(jsonObjectEnd('{"a":"}{\\""}')).toBe(12);
    expect(jsonObjectEnd('{"id":0,')).toBe(-1);
  });
});
