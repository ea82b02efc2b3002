import { defineConfig } from 'vitest/config';

/**
 * `npm run test:postgres`: on a real PostgreSQL server (TEST_DATABASE_URL, default the local server's `postgres`
 * database; each test worker creates databases of its own and the run drops them), the end-to-end suite, the tests
 * that start `pushpull` as its own process on the test's database, the PostgreSQL-only tests, and those only a
 * real server can run: several app processes on one database, and a server stopped and started.
 */
export default defineConfig({
  test: {
    include: [
      'test/e2e/**/*.test.ts',
      'test/process/**/*.test.ts',
      'test/pg/**/*.test.ts',
      'test/postgres/**/*.test.ts',
    ],
    setupFiles: ['test/support/slack-rules.setup.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { PUSHPULL_TEST_STORE: 'postgres' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 3,
  },
});
