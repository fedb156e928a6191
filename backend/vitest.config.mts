import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Every unit and integration test file (beside the code in src/, and the
 * harness's own in test/) runs twice: against the embedded defaults (PGlite,
 * no Redis) and against the real PostgreSQL and Redis of the machine
 * (127.0.0.1:5432 and :6379, each run in its own database and key prefix).
 * End-to-end tests (e2e/: browser, monitoring stack) start whole systems and
 * run once, in their own project.
 */
const UNIT_TESTS = ['src/**/*.test.ts', 'test/**/*.test.ts'];

const common = {
  globalSetup: ['test/global-setup.ts'],
  setupFiles: ['test/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  // Vitest's default is one worker fewer than the cores: on a 2-core CI machine, one file at a time. Most files wait
  // on sockets, databases and child processes rather than compute, so two at a time roughly halves the wall time.
  maxWorkers: 2,
};

export default defineConfig({
  // The contract's TypeScript source, so tests never run against a stale packages/contracts/dist.
  resolve: { alias: { '@medianest/contracts': fileURLToPath(new URL('../packages/contracts/src/index.ts', import.meta.url)) } },
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'embedded',
          include: UNIT_TESTS,
          env: { MEDIANEST_TEST_MODE: 'embedded' },
        },
      },
      {
        test: {
          ...common,
          name: 'services',
          include: UNIT_TESTS,
          env: { MEDIANEST_TEST_MODE: 'services' },
        },
      },
      {
        test: {
          ...common,
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          env: { MEDIANEST_TEST_MODE: 'embedded' },
          testTimeout: 300_000,
          hookTimeout: 180_000,
          // One file at a time. `npm test` runs this project as a Vitest run of its own beside the unit
          // projects (scripts/run-tests.mjs): in one run Vitest would start it only after every other project,
          // and its ~8 minutes, mostly waiting on alerts, browsers and a cluster, would follow the units' ~9.
          fileParallelism: false,
        },
      },
      {
        // `npm run drill`: production intervals, minutes long; not part of `npm test`.
        test: {
          ...common,
          name: 'drill',
          include: ['e2e/**/*.drill.ts'],
          env: { MEDIANEST_TEST_MODE: 'services' },
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
