import { defineConfig } from 'vitest/config';

/** Unit tests: pure TypeScript in Node, no browser. */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Two cores are shared with a training run: one worker fork keeps the machine responsive.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
  },
});
