// @ts-nocheck
import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure functions, golden fixtures; fast, parallel) and `lab`
// (integration on a real lab of namespace hosts: needs root; one lab per run, files in sequence).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['test/support/build.ts'],
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['test/support/build.ts', 'test/harness/global-setup.ts'],
          // One lab for the run: its files run one after another, in one process, whatever the
          // machine's core count (fileParallelism is not a per-project option).
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
