// Starting against a Slack that cannot vouch for the app, and a signing secret that does not match: clear lines
// for the operator, on whichever database the suite runs.

import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPushpullApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { StartupError } from '../../src/runtime.js';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { signature } from '../support/slack-driver.js';
import { cleanups, fakeSlack, scratch, undoAll } from '../support/start-checks.js';
import { testDatabase } from '../support/test-stores.js';

afterEach(undoAll);

describe('a Slack that does not answer', () => {
  async function startAgainst(apiUrl: string): Promise<unknown> {
    const dir = scratch();
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
      PORT: '0',
    });
    const { store, release } = await testDatabase(dir, join(dir, 'p.db'));
    cleanups.push(release);
    const app = createPushpullApp({
      config,
      store,
      logger: createLogger({ level: 'error', format: 'json', write: () => {} }),
      slackRetry: { retries: 1, minTimeout: 10, maxTimeout: 20 },
      slackTimeoutMs: 1000,
    });
    return app.start().then(
      () => app.stop().then(() => 'started'),
      (error: unknown) => error,
    );
  }

  it('unreachable: one line naming SLACK_API_URL', async () => {
    const free = createServer();
    const closed = await new Promise<number>((done) =>
      free.listen(0, '127.0.0.1', () => done((free.address() as AddressInfo).port)),
    );
    await new Promise<void>((done) => free.close(() => done()));
    const url = `http://127.0.0.1:${closed}/api/`;
    // Nothing listens there any more: the connection is refused.
    const error = await startAgainst(url);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Slack could not be reached at ${url.replace(/\./g, '\\.')} \\(.+\\): check the network, or SLACK_API_URL\\.$`,
      ),
    );
  });

  it('answering HTTP 503: one line naming SLACK_API_URL', async () => {
    const fake = await fakeSlack();
    fake.failNext('auth.test', { kind: 'http', status: 503 }, 5);
    const error = await startAgainst(fake.apiUrl);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe(
      `Slack answered HTTP 503 when checking SLACK_BOT_TOKEN at ${fake.apiUrl}: try again in a minute, or check SLACK_API_URL.`,
    );
  });
});

describe('a wrong signing secret', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('is refused with 401 and hints once, not per request, to check SLACK_SIGNING_SECRET', async () => {
    h = await startHarness();
    const hints = () => h?.logs.filter((l) => l.includes('check SLACK_SIGNING_SECRET')) ?? [];
    expect(hints()).toHaveLength(0);
    for (const n of [1, 2, 3]) {
      const body = `command=%2Fpull&text=list&user_id=UREQ0001&trigger_id=t${n}`;
      const ts = Math.floor(Date.now() / 1000);
      const res = await h.slack.post(body, 'application/x-www-form-urlencoded', {
        timestamp: ts,
        signature: signature('another-apps-signing-secret', ts, body),
      });
      expect(res.status).toBe(401);
    }
    expect(hints()).toHaveLength(1);
    // Ten minutes on, a still-wrong secret is mentioned again, with how many were refused meanwhile.
    h.clock.now += 10 * 60_000;
    const body = 'command=%2Fpull&text=list&user_id=UREQ0001&trigger_id=t4';
    const res = await h.slack.post(body, 'application/x-www-form-urlencoded', { signature: 'v0=bad' });
    expect(res.status).toBe(401);
    expect(hints()).toHaveLength(2);
    expect(hints()[1]).toContain('"refused":3');
  });
});
