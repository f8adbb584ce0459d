import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_PARALLELISM } from '../host/fleet.js';

/*
 * The options several commands share, declared once so they read and parse the same
 * everywhere (CONTEXT §5: every command that reads DIR takes --fabric; --json is --format json).
 */

/** DIR, --ref, --fabric and --no-color: what every command that reads manifests takes. */
export interface ManifestCliOptions {
  ref?: string;
  fabric?: string;
  fabricRef?: string;
  color?: boolean;
}

export interface FormatCliOptions {
  format: string;
  json?: boolean;
}

export function parseParallelism(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new InvalidArgumentError('a whole number from 1 to 1024');
  return n;
}

export function parseLockTimeout(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 3600) throw new InvalidArgumentError('a whole number of seconds from 0 to 3600');
  return n;
}

/** For repeatable options: `--target a --target b` → ['a', 'b']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function manifestOptions(command: Command, argument: [string, string] = ['[dir]', 'manifest directory']): Command {
  return command
    .argument(argument[0], argument[1], '.')
    .option('--ref <rev>', 'read the manifests as of this Git commit (the working tree is not touched)')
    .option('--fabric <file>', 'use this Fabric instead of the one in DIR')
    .option('--fabric-ref <rev>', "use DIR's Fabric as of this Git commit (CI on pull requests: the base branch), the rest as given")
    .option('--no-color', 'no colours in text output');
}

export function formatOptions(command: Command, formats: string[] = ['text', 'json']): Command {
  return command.addOption(new Option('--format <format>', 'output format').choices(formats).default('text')).option('--json', 'same as --format json');
}

/** The format asked for, --json winning. */
export function formatOf(options: FormatCliOptions): string {
  return options.json ? 'json' : options.format;
}

/** --target/--exclude: a shard of the fleet (src/plan/target.ts). */
export interface ShardCliOptions {
  target: string[];
  exclude: string[];
}

export function shardOptions(command: Command): Command {
  return command
    .option('--target <sel>', 'only these hosts: a host name, a label key=value, or tenant:NAME (the hosts of its endpoints); repeatable, adds up', collect, [])
    .option('--exclude <sel>', 'not these hosts (same selectors), from --target or from every host; repeatable', collect, []);
}

/** --trust-host: whose records are taken where the hosts' records disagree (src/plan/trust.ts). */
export interface TrustCliOptions {
  trustHost?: string;
}

/** For plan and apply (of a DIR): both make a plan from the hosts' records. */
export function trustOptions(command: Command): Command {
  return command.option('--trust-host <name>', "where hosts' records disagree (a VNI, group id or zone recorded with different values, address blocks two hosts claim, the model as last applied), take this host's instead of refusing");
}

/** --base: who may change what, from the pull request's base (src/rbac/). */
export interface BaseCliOptions {
  base?: string;
}

export function baseOptions(command: Command): Command {
  return command.option('--base <ref>', "the pull request's base: every object that changes between it and the manifests must come from commits signed by who may change it, as listed at REF (tenants' owners, the Fabric's admins); checked before any host is contacted");
}

export function hostOptions(command: Command): Command {
  return command
    .addOption(new Option('--parallelism <n>', 'hosts at once').default(DEFAULT_PARALLELISM).argParser(parseParallelism))
    .option('--accept-new-host-keys', 'record host keys of hosts never seen before (never a changed key)');
}
