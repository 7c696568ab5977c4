import { defineConfig } from 'vitest/config';

/** End-to-end tests: Node drives Debian Chromium through playwright-core (see test/e2e/browser.ts). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    passWithNoTests: true,
  },
});
