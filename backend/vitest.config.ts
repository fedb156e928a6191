import { defineConfig } from 'vitest/config';

/**
 * Every test file runs twice: against the embedded defaults (PGlite, no Redis)
 * and against the real PostgreSQL and Redis of the machine (DESIGN.md §4).
 */
const common = {
  include: ['src/**/*.test.ts'],
  globalSetup: ['src/test/global-setup.ts'],
  setupFiles: ['src/test/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...common, name: 'embedded', env: { MEDIANEST_TEST_MODE: 'embedded' } } },
      { test: { ...common, name: 'services', env: { MEDIANEST_TEST_MODE: 'services' } } },
    ],
  },
});
