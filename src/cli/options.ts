import { InvalidArgumentError } from 'commander';

export function parseParallelism(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new InvalidArgumentError('a whole number from 1 to 1024');
  return n;
}

/** For repeatable options: `--target a --target b` → ['a', 'b']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
