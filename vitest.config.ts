import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The playground in Chromium runs with `npm run test:browser`; `npm test` needs no browser.
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    setupFiles: ['test/support/slack-rules.setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The end-to-end files mostly wait on sockets and child processes, not the CPU: vitest's default of
    // one worker fewer than the cores would run them one at a time on a two-core machine; three keep both busy.
    maxWorkers: Math.max(3, availableParallelism()),
  },
});
