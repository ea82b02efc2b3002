import { configDefaults, defineConfig } from 'vitest/config';
import { SQLITE_ONLY } from './test/stores.js';

/**
 * `npm run test:postgres`: the end-to-end suite on a real PostgreSQL server (TEST_DATABASE_URL, default the local
 * server's `postgres` database; each test worker creates databases of its own and the run drops them), plus the
 * tests only a real server can run: several app processes on one database, and a server stopped and started.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/postgres/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...SQLITE_ONLY],
    setupFiles: ['test/support/slack-rules.setup.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { PUSHPULL_TEST_STORE: 'postgres' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 3,
  },
});
