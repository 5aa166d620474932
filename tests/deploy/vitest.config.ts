import { defineConfig } from 'vitest/config';

/**
 * Static checks of the deployment files (docker/, deploy/k8s/, docs/CONFIGURATION.md): no Docker engine, no
 * Postgres or Redis needed. Run from tests/:  npx vitest run --config deploy/vitest.config.ts
 */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    testTimeout: 30_000,
    passWithNoTests: false,
  },
});
