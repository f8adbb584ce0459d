import type { Command } from 'commander';

/** `contiv lab …`: the local fabric of namespace hosts (filled in by the lab work). */
export function registerLab(program: Command, _setStatus: (code: number) => void): void {
  program.command('lab').description('A local fabric of hosts on network namespaces.');
}
