import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The cpu-backend reference runs in the kernel checks take seconds on a busy 2-core machine.
  test: { include: ['src/**/*.spec.ts'], passWithNoTests: false, testTimeout: 60_000 },
});
