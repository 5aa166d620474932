import { defineConfig } from 'vitest/config';

/** Medium (use cases in-process, a fresh database per file), integration (real processes, Postgres and Redis) and browser tests (see global-setup.ts). */
export default defineConfig({
  test: {
    include: ['medium/**/*.test.ts', 'integration/**/*.test.ts', 'deploy/**/*.test.ts', 'browser/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    passWithNoTests: false,
  },
});
