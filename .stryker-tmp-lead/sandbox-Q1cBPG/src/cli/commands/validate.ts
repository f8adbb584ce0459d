// @ts-nocheck
import type { Command } from 'commander';
import { renderDiagnostics, summary } from '../../render/diagnostics-text.js';
import { toJson } from '../../render/json.js';
import { loadFromCli, useColor } from '../load-model.js';
import { formatOf, formatOptions, manifestOptions, type FormatCliOptions, type ManifestCliOptions } from '../options.js';
import type { Model } from '../../model/types.js';

type ValidateOptions = ManifestCliOptions & FormatCliOptions;

export function registerValidate(program: Command, setStatus: (code: number) => void): void {
  const command = program.command('validate').description('Check the manifests: YAML, schemas and semantic rules. Exit 0 when valid, 1 when not.');
  manifestOptions(command);
  formatOptions(command).action(async (dir: string, options: ValidateOptions) => {
      const loaded = await loadFromCli(dir, options);
      const ok = loaded.model !== undefined;
      if (formatOf(options) === 'json') {
        process.stdout.write(`${toJson('validate', { valid: ok, diagnostics: loaded.diagnostics })}\n`);
      } else {
        const parts: string[] = [];
        if (loaded.diagnostics.length) parts.push(renderDiagnostics(loaded.diagnostics, loaded.sources, { color: useColor(options.color) }), '');
        parts.push(ok ? `Valid: ${describe(loaded.model!, loaded.files.length)}.` : `Invalid: ${summary(loaded.diagnostics)}.`);
        process.stdout.write(`${parts.join('\n')}\n`);
      }
      setStatus(ok ? 0 : 1);
    });
}

function describe(model: Model, files: number): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return [
    count(files, 'file'),
    count(model.fabric.hosts.length, 'host'),
    count(model.tenants.length, 'tenant'),
    count(model.networks.length, 'network'),
    count(model.groups.length, 'group'),
    count(model.policies.length, 'policy').replace('policys', 'policies'),
  ].join(', ');
}
