// Slack misbehaving on every Web API method Pushpull calls: nothing crashes, nothing is lost,
// and the person is told when what they did could not be delivered.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { members, pulls, recognitions } from '../../src/db/schema.js';
import type { Fault } from '../support/fake-slack.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ env: { RECOGNITION_CHANNEL: 'C0KUDOS1' } });
});
afterEach(async () => {
  await h.stop();
});

const SLACK_ERRORS = ['channel_not_found', 'not_in_channel', 'user_not_found', 'account_inactive'];
// Retries are 3 in the harness: four 500s exhaust them; a 1.2 s answer exceeds the harness's 1 s timeout.
const FAULTS: [string, Fault, number][] = [
  ...SLACK_ERRORS.map((error): [string, Fault, number] => [error, { kind: 'error', error }, 1]),
  ['500s', { kind: 'http', status: 500 }, 4],
  ['timeout', { kind: 'slow', ms: 1200 }, 4],
];

async function stillServing() {
  expect((await fetch(`${h.slack.appUrl}/healthz`)).status).toBe(200);
  const res = await h.slack.command('/pull', 'list', REQ);
  expect(res.status).toBe(200);
  await h.app.inflight.drained();
}

async function openPull(need = 'faulty?') {
  await h.slack.command('/pull', `<@${MGR}> ${need}`, REQ);
  await eventually(() => expect(h.store.db.select().from(pulls).all().at(-1)?.managerTs).toBeTruthy());
  return h.store.db.select().from(pulls).all().at(-1) as typeof pulls.$inferSelect;
}

describe('chat.postMessage to the manager', () => {
  for (const [name, fault, times] of FAULTS) {
    it(`${name}: the pull is kept and the requester is told it could not be delivered`, async () => {
      h.fake.failNext('chat.postMessage', fault, times);
      const res = await h.slack.command('/pull', `<@${MGR}> despite ${name}`, REQ);
      expect(res.status).toBe(200);
      const warning = await h.fake.waitForResponse(
        (b) => /couldn't DM|can't tell yet/.test(String(b.text)),
        15_000,
      );
      expect(String(warning.text)).toContain('saved');
      expect(h.store.db.select().from(pulls).all()).toHaveLength(1);
      await stillServing();
    }, 30_000);
  }

  it('a 429 storm is waited out and the DM still lands', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 3);
    await h.slack.command('/pull', `<@${MGR}> storm`, REQ);
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR, 10_000);
    expect(h.fake.responses.filter((r) => String(r.body.text).includes("couldn't DM"))).toHaveLength(0);
  });
});

describe('chat.postMessage to the requester (an answer)', () => {
  for (const [name, fault, times] of FAULTS) {
    it(`${name}: the answer is kept and the manager is told the requester was not reached`, async () => {
      const pull = await openPull();
      h.fake.failNext('chat.postMessage', fault, times);
      await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
      const told = await h.fake.waitForResponse((b) => String(b.text).includes("couldn't DM"), 15_000);
      expect(String(told.text)).toContain(`<@${REQ}>`);
      expect(h.store.db.select().from(pulls).get()?.status).toBe('acknowledged');
      await stillServing();
    }, 30_000);
  }
});

describe('other methods', () => {
  for (const [name, fault, times] of FAULTS) {
    it(`chat.update ${name}: the answer still counts and reaches the requester`, async () => {
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
      expect(h.store.db.select().from(pulls).get()?.status).toBe('resolved');
      await stillServing();
    }, 30_000);

    it(`views.open ${name}: the person is told the form would not open`, async () => {
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
      h.fake.failNext('views.publish', fault, times);
      const res = await h.slack.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1' });
      expect(res.status).toBe(200);
      await h.app.inflight.drained();
      expect(h.logs.some((l) => l.includes('could not publish the Home tab'))).toBe(true);
      await stillServing();
    }, 30_000);

    it(`users.info ${name}: the pull goes through on what is known`, async () => {
      h.fake.failNext('users.info', fault, times);
      await h.slack.command('/pull', `<@${MGR}> profile trouble`, REQ);
      await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR, 15_000);
      await stillServing();
    }, 30_000);

    it(`chat.getPermalink ${name}: the recognition is kept and delivered without a link`, async () => {
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
      expect(h.store.db.select().from(recognitions).get()?.permalink).toBeNull();
      await stillServing();
    }, 30_000);
  }
});

describe('Slack retries of events', () => {
  it('a retried app_home_opened does not double anything', async () => {
    await h.slack.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1' });
    await h.slack.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1' }, { retryNum: 1 });
    await h.slack.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1' }, { retryNum: 2 });
    await h.app.inflight.drained();
    expect(h.store.db.select().from(members).all()).toHaveLength(1);
    expect(h.store.db.select().from(pulls).all()).toHaveLength(0);
    const published = h.fake.callsTo('views.publish', (a) => a.user_id === REQ);
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(new Set(published.map((c) => JSON.stringify(c.args.view))).size).toBe(1);
  });
});
