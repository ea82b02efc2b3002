import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { SQLITE_ONLY } from './test/stores.js';

/**
 * `npm test`: every test on SQLite, and the end-to-end suite again on PostgreSQL in this process (PGlite), so
 * both dialects are proven on a machine with no database server. The tests that need a real server (several
 * instances, a server going down) run with `npm run test:postgres` (vitest.postgres.config.ts).
 */
export default defineConfig({
  test: {
    setupFiles: ['test/support/slack-rules.setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The end-to-end files mostly wait on sockets and child processes, not the CPU: vitest's default of
    // one worker fewer than the cores would run them one at a time on a two-core machine; three keep both busy.
    maxWorkers: Math.max(3, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude],
          env: { PUSHPULL_TEST_STORE: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SQLITE_ONLY],
          env: { PUSHPULL_TEST_STORE: 'pglite' },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
