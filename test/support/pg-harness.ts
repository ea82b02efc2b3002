// The app in-process on a PostgreSQL URL of the test's choosing (a throwaway cluster it can stop and start), opened
// the way `pushpull start` opens it (runtime's openMigrated: migrations, the pool, its idle-error log), against the
// fake Slack. The shared harness (harness.ts) picks its database itself; this one is given it.
import { createPushpullApp, type PushpullApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/db/store.js';
import { openMigrated } from '../../src/runtime.js';
import { FakeSlack } from './fake-slack.js';
import { BOT_TOKEN, capturingLogger, HARNESS_SLACK_RETRY, SIGNING_SECRET } from './harness.js';
import { SlackDriver } from './slack-driver.js';

export interface PgHarness {
  fake: FakeSlack;
  slack: SlackDriver;
  app: PushpullApp;
  store: Store;
  logs: string[];
  /** GET /healthz: its status, body and how long it took. */
  health(): Promise<{ status: number; body: unknown; ms: number }>;
  stop(): Promise<void>;
}

export async function startAppOnPostgres(databaseUrl: string): Promise<PgHarness> {
  const fake = await new FakeSlack().start();
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'debug',
    NODE_ENV: 'production',
    SLACK_PACE: '*=1000/s',
  });
  const { logger, logs } = capturingLogger(config);
  let store: Store | undefined;
  try {
    store = await openMigrated(config, logger);
    const app = createPushpullApp({
      config,
      store,
      logger,
      slackRetry: { ...HARNESS_SLACK_RETRY },
      slackTimeoutMs: 1000,
    });
    const { port } = await app.start();
    const slack = new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
    const opened = store;
    return {
      fake,
      slack,
      app,
      store: opened,
      logs,
      async health() {
        const started = performance.now();
        const res = await fetch(`${slack.appUrl}/healthz`);
        const body: unknown = await res.json();
        return { status: res.status, body, ms: performance.now() - started };
      },
      async stop() {
        await app.stop();
        await opened.close();
        await fake.stop();
      },
    };
  } catch (error) {
    await store?.close();
    await fake.stop();
    throw error;
  }
}
