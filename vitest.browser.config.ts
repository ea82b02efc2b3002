import { defineConfig } from 'vitest/config';

// Browser tests of the playground in real Chromium (`npm run test:browser`); `npm test` stays browser-free.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
