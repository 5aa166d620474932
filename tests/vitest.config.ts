import { defineConfig } from 'vitest/config';

/** Integration tests: real Postgres and Redis, one fresh database per run (see global-setup.ts). */
export default defineConfig({
  test: {
    include: ['integration/**/*.test.ts', 'deploy/**/*.test.ts', 'browser/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    passWithNoTests: false,
  },
});
