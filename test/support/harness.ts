// Starts the real app (real Bolt HTTP receiver, a real database with real migrations) against the fake Slack.
// The database is a SQLite file, or PostgreSQL (PGlite or a server) when the vitest project says so
// (test/support/test-stores.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPushpullApp, type PushpullApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { BUSY_TIMEOUT_MS } from '../../src/db/busy.js';
import type { SqliteStore } from '../../src/db/client.js';
import type { Store } from '../../src/db/store.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { FakeSlack } from './fake-slack.js';
import { SlackDriver } from './slack-driver.js';
import { TEST_STORE, testDatabase } from './test-stores.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-bot-token-abcdef';

export interface Harness {
  fake: FakeSlack;
  slack: SlackDriver;
  app: PushpullApp;
  store: Store;
  /** The SQLite store, for tests about SQLite itself; throws when the suite runs on PostgreSQL. */
  sqlite(): SqliteStore;
  dir: string;
  logs: string[];
  clock: { now: number };
  env: Record<string, string>;
  /** Stops the app and closes the database, keeping the file (for restart tests). */
  stopApp(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  now?: number;
  dir?: string;
  fake?: FakeSlack;
  /**
   * How long the app's Web API client waits for an answer before it gives up on an attempt. Short enough
   * that a test of Slack timing out does not wait real seconds, long enough that a healthy answer from
   * the local fake never times out on a loaded machine.
   */
  slackTimeoutMs?: number;
}

/** The harness's Web API retry policy: 3 retries (4 attempts), with backoffs of milliseconds, not seconds. */
export const HARNESS_SLACK_RETRY = { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 20 } as const;

export function tempDir(prefix = 'pushpull-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The app's logger as production configures it, writing into `logs` for a test to read. */
export function capturingLogger(config: Config): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [config.slack.botToken, config.slack.signingSecret ?? ''],
    write: (line) => logs.push(line),
  });
  return { logger, logs };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await new FakeSlack().start());
  const dir = options.dir ?? tempDir();
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${join(dir, 'pushpull.db')}`,
    PORT: '0',
    LOG_LEVEL: 'debug',
    NODE_ENV: 'production',
    // Tests check what is sent, not Slack's pace (test/unit/pace.test.ts and the digest pace test do).
    SLACK_PACE: '*=1000/s',
    ...options.env,
  };
  const config = loadConfig(env);
  const { logger, logs } = capturingLogger(config);
  if (config.database.dialect !== 'sqlite') throw new Error('give the harness no DATABASE_URL but a file');
  const database = await testDatabase(dir, config.database.path);
  const { store } = database;
  // A child process (`pushpull digest send`, `forget`…) started with `h.env` uses the same database.
  if (database.url !== undefined) env.DATABASE_URL = database.url;
  // As in production (src/index.ts): each wait for another writer's lock is short and retried asynchronously.
  if (store.dialect === 'sqlite') (store as SqliteStore).sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const clock = { now: options.now ?? Date.now() };
  const app = createPushpullApp({
    config,
    store,
    logger,
    clock: () => clock.now,
    slackRetry: { ...HARNESS_SLACK_RETRY },
    slackTimeoutMs: options.slackTimeoutMs ?? 1000,
  });
  const { port } = await app.start();
  const slack = new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
  let appStopped = false;
  const stopApp = async () => {
    if (appStopped) return;
    appStopped = true;
    await app.stop();
    await database.release();
  };
  return {
    fake,
    slack,
    app,
    store,
    sqlite() {
      if (store.dialect !== 'sqlite')
        throw new Error(`this test is about SQLite; the suite runs on ${TEST_STORE}`);
      return store as SqliteStore;
    },
    dir,
    logs,
    clock,
    env,
    stopApp,
    async stop() {
      await stopApp();
      if (!options.fake) await fake.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` passes (for effects that happen after the ack). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 15));
    }
  }
}

/** Slack's `state.values` shapes for modal inputs. */
export const input = {
  text: (value: string | null) => ({ value: { type: 'plain_text_input', value } }),
  user: (selected_user: string | null, actionId = 'value') => ({
    [actionId]: { type: 'users_select', selected_user },
  }),
  option: (value: string | null) => ({
    value: {
      type: 'static_select',
      selected_option: value === null ? null : { value, text: { type: 'plain_text', text: value } },
    },
  }),
  date: (selected_date: string | null) => ({ value: { type: 'datepicker', selected_date } }),
  checkboxes: (values: string[]) => ({
    value: {
      type: 'checkboxes',
      selected_options: values.map((v) => ({ value: v, text: { type: 'plain_text', text: v } })),
    },
  }),
};
