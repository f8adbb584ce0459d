import { defineConfig } from 'vitest/config';

/*
 * The unit tests as Stryker runs them (npm run mutation): the pure core's tests, without the
 * build step and without tests that run the built CLI (dist/ is never mutated, so they could
 * not kill a mutant and would only cost time).
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/cli/**', 'test/unit/manifest/git-ref.test.ts', 'node_modules/**'],
    // Instrumented code on a busy machine runs several times slower than the plain unit run.
    testTimeout: 60_000,
  },
});
