// @ts-nocheck
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * Golden files: compare `actual` with the file's content, or rewrite the file when
 * UPDATE_GOLDEN=1 (`npm run golden:update`). A missing golden file is a failure, not a pass.
 */
export function expectGolden(path: string, actual: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run npm run golden:update and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
