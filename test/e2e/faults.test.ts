// Slack misbehaving on every Web API method Pushpull calls: nothing crashes, nothing is lost,
// and the person is told when what they did could not be delivered.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import type { Fault } from '../support/fake-slack.js';
import { eventually, HARNESS_SLACK_RETRY, type Harness, input, startHarness } from '../support/harness.js';
import { TEAM } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

/**
 * For the timeout cases the app gives up on an answer after TIMEOUT_MS, and the fake answers after three
 * times that: every attempt times out, yet a test waits a second in all, not four.
 */
const TIMEOUT_MS = 250;
const ATTEMPTS = HARNESS_SLACK_RETRY.retries + 1;
const SLACK_ERRORS = ['channel_not_found', 'not_in_channel', 'user_not_found', 'account_inactive'];
// One error answer is final; 500s and timeouts are retried, so one per attempt exhausts the retries.
const FAULTS: [string, Fault, number][] = [
  ...SLACK_ERRORS.map((error): [string, Fault, number] => [error, { kind: 'error', error }, 1]),
  ['500s', { kind: 'http', status: 500 }, ATTEMPTS],
  ['timeout', { kind: 'slow', ms: 3 * TIMEOUT_MS }, ATTEMPTS],
];

async function start(fault?: Fault) {
  h = await startHarness({
    env: { RECOGNITION_CHANNEL: 'C0KUDOS1' },
    ...(fault?.kind === 'slow' ? { slackTimeoutMs: TIMEOUT_MS } : {}),
  });
}

async function stillServing() {
  expect((await fetch(`${h.slack.appUrl}/healthz`)).status).toBe(200);
  const res = await h.slack.command('/pull', 'list', REQ);
  expect(res.status).toBe(200);
  await h.app.inflight.drained();
}

async function openPull(need = 'faulty?') {
  await h.slack.command('/pull', `<@${MGR}> ${need}`, REQ);
  const { pulls } = tables(h.store.db);
  await eventually(async () =>
    expect((await h.store.db.select().from(pulls).orderBy(pulls.id)).at(-1)?.managerTs).toBeTruthy(),
  );
  return (await h.store.db.select().from(pulls).orderBy(pulls.id)).at(-1) as typeof pulls.$inferSelect;
}

describe('chat.postMessage to the manager', () => {
  for (const [name, fault, times] of FAULTS) {
    it(`${name}: the pull is kept and the requester is told it could not be delivered`, async () => {
      await start(fault);
      h.fake.failNext('chat.postMessage', fault, times);
      const res = await h.slack.command('/pull', `<@${MGR}> despite ${name}`, REQ);
      expect(res.status).toBe(200);
      const warning = await h.fake.waitForResponse(
        (b) => /couldn't DM|can't tell yet/.test(String(b.text)),
        15_000,
      );
      expect(String(warning.text)).toContain('saved');
      const { pulls } = tables(h.store.db);
      expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(1);
      await stillServing();
    }, 30_000);
  }

  it('a 429 storm is waited out and the DM still lands', async () => {
    await start();
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 3);
    await h.slack.command('/pull', `<@${MGR}> storm`, REQ);
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR, 10_000);
    expect(h.fake.responses.filter((r) => String(r.body.text).includes("couldn't DM"))).toHaveLength(0);
  });
});

describe('chat.postMessage to the requester (an answer)', () => {
  for (const [name, fault, times] of FAULTS) {
    it(`${name}: the answer is kept and the manager is told the requester was not reached`, async () => {
      await start(fault);
      const pull = await openPull();
      h.fake.failNext('chat.postMessage', fault, times);
      await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
      const told = await h.fake.waitForResponse((b) => String(b.text).includes("couldn't DM"), 15_000);
      expect(String(told.text)).toContain(`<@${REQ}>`);
      const { pulls } = tables(h.store.db);
      expect((await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0]?.status).toBe(
        'acknowledged',
      );
      await stillServing();
    }, 30_000);
  }
});

describe('other methods', () => {
  for (const [name, fault, times] of FAULTS) {
    it(`chat.update ${name}: the answer still counts and reaches the requester`, async () => {
      await start(fault);
      const pull = await openPull();
      h.fake.failNext('chat.update', fault, times);
      const metadata = JSON.stringify({ pullId: pull.id, resolution: 'your-call' });
      expect(
        (await h.slack.viewSubmission(MGR, 'pull_resolve', { note: input.text(null) }, metadata)).body,
      ).toBe('');
      await h.fake.waitFor(
        'chat.postMessage',
        (a) => a.channel === REQ && String(a.text).includes('Your call'),
        15_000,
      );
      const { pulls } = tables(h.store.db);
      expect((await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0]?.status).toBe('resolved');
      await stillServing();
    }, 30_000);

    it(`views.open ${name}: the person is told the form would not open`, async () => {
      await start(fault);
      h.fake.failNext('views.open', fault, times);
      await h.slack.command('/pull', '', REQ);
      const told = await h.fake.waitForResponse(
        (b) => String(b.text).includes('would not open the form'),
        15_000,
      );
      expect(told).toMatchObject({ response_type: 'ephemeral' });
      await stillServing();
    }, 30_000);

    it(`views.publish ${name}: the Home tab stays stale, nothing else breaks`, async () => {
      await start(fault);
      h.fake.failNext('views.publish', fault, times);
      const res = await h.slack.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1' });
      expect(res.status).toBe(200);
      await h.app.inflight.drained();
      expect(h.logs.some((l) => l.includes('could not publish the Home tab'))).toBe(true);
      await stillServing();
    }, 30_000);

    it(`users.info ${name}: the pull goes through on what is known`, async () => {
      await start(fault);
      h.fake.failNext('users.info', fault, times);
      await h.slack.command('/pull', `<@${MGR}> profile trouble`, REQ);
      await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR, 15_000);
      await stillServing();
    }, 30_000);

    it(`chat.getPermalink ${name}: the recognition is kept and delivered without a link`, async () => {
      await start(fault);
      h.fake.failNext('chat.getPermalink', fault, times);
      await h.slack.viewSubmission(
        'ULEAD001',
        'recognize_advocate_submit',
        {
          advocate: input.user('UADV0001'),
          function: input.option('support'),
          what: input.text('Stayed late for the launch'),
          share: input.checkboxes(['share']),
        },
        JSON.stringify({ source: { channel: 'C0SALES', ts: '1.1' } }),
      );
      await h.fake.waitFor('chat.postMessage', (a) => a.channel === 'UADV0001', 15_000);
      const { recognitions } = tables(h.store.db);
      expect(
        (await h.store.db.select().from(recognitions).orderBy(recognitions.id).limit(1))[0]?.permalink,
      ).toBeNull();
      await stillServing();
    }, 30_000);
  }
});

describe('Slack retries of events', () => {
  /** An Events API delivery as Slack sends it; a retry carries the same event_id and x-slack-retry-num. */
  function homeOpened(eventId: string, retryNum?: number) {
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: TEAM,
      api_app_id: 'A0PUSHPULL',
      event: { type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1', event_ts: '1.2' },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: 'UBOT0001', is_bot: true }],
    });
    const headers = retryNum
      ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' }
      : undefined;
    return h.slack.post(body, 'application/json', headers ? { headers } : {});
  }
  const publishedTo = (user: string) => h.fake.callsTo('views.publish', (a) => a.user_id === user);

  it('a redelivered app_home_opened is acknowledged and not handled again', async () => {
    await start();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    expect((await homeOpened(eventId)).status).toBe(200);
    await h.app.inflight.drained();
    expect(publishedTo(REQ)).toHaveLength(1);
    const { members, pulls } = tables(h.store.db);
    const homeOpenedAt = (await h.store.db.select().from(members).orderBy(members.userId).limit(1))[0]
      ?.homeOpenedAt;
    h.clock.now += 60_000;

    for (const retryNum of [1, 2, 3]) expect((await homeOpened(eventId, retryNum)).status).toBe(200);
    await h.app.inflight.drained();
    expect(publishedTo(REQ)).toHaveLength(1);
    expect(await h.store.db.select().from(members).orderBy(members.userId)).toMatchObject([
      { userId: REQ, homeOpenedAt },
    ]);
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(0);
  });

  it('a retry whose first delivery never arrived is handled, once', async () => {
    await start();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    expect((await homeOpened(eventId, 1)).status).toBe(200);
    expect((await homeOpened(eventId, 2)).status).toBe(200);
    await h.app.inflight.drained();
    expect(publishedTo(REQ)).toHaveLength(1);
    const { members } = tables(h.store.db);
    expect((await h.store.db.select().from(members).orderBy(members.userId).limit(1))[0]?.homeOpenedAt).toBe(
      h.clock.now,
    );
  });

  it('a new app_home_opened (a new event_id) publishes the Home tab again', async () => {
    await start();
    await homeOpened(`Ev${randomUUID().slice(0, 8)}`);
    await homeOpened(`Ev${randomUUID().slice(0, 8)}`);
    await h.app.inflight.drained();
    expect(publishedTo(REQ)).toHaveLength(2);
  });
});
