import { defineConfig } from 'vitest/config';

/**
 * `npm test`: on SQLite, the unit tests, the end-to-end suite, the tests about SQLite itself and those that start
 * `pushpull` as its own process; on PostgreSQL in this process (PGlite), the end-to-end suite again and the
 * PostgreSQL-only tests PGlite can show, so both dialects are proven on a machine with no database server.
 * What needs a real server (several instances, a server going down) runs with `npm run test:postgres`
 * (vitest.postgres.config.ts). The folders say which store a test needs (README, "Tests").
 */
export default defineConfig({
  test: {
    setupFiles: ['test/support/slack-rules.setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The end-to-end files mostly wait on sockets and child processes, not the CPU: vitest's default of
    // one worker fewer than the cores would run them one at a time on a two-core machine; three keep both busy.
    // No more than three: a PGlite instance takes ~700 MB, and each worker may hold one or two.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: [
            'test/unit/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/sqlite/**/*.test.ts',
            'test/process/**/*.test.ts',
          ],
          env: { PUSHPULL_TEST_STORE: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          // PostgreSQL compiled to WebAssembly, one connection per worker: several times slower than SQLite, and
          // the heaviest tests (200 concurrent /pulls, long fan-outs) need the room on a loaded two-core machine.
          testTimeout: 60_000,
          include: ['test/e2e/**/*.test.ts', 'test/pg/**/*.test.ts'],
          env: { PUSHPULL_TEST_STORE: 'pglite' },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
