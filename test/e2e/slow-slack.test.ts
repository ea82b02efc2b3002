// A Slack that posts and answers late, or not at all: the manager gets one DM, and later steps update it in place.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { type Harness, startHarness } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const MGR_DM = `D${MGR.slice(1)}`;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};
/** The manager's DMs as they sit in Slack (a post that timed out is there too). */
const managerDms = () => h.fake.history.get(MGR_DM) ?? [];
const settled = () => h.app.inflight.drained();
/** The harness's client gives up after 1 s; Slack stores the post, then answers after 1.5 s. */
const SLOW = { kind: 'slow-after-post', ms: 1500 } as const;

async function pullAndAcknowledge() {
  const res = await h.slack.command('/pull', `<@${MGR}|maria> Can we ship on Friday?`, REQ);
  expect(JSON.stringify(res.body)).toContain('Pulled in');
  await settled();
  const pull = (await allPulls())[0];
  if (!pull) throw new Error('no pull');
  return pull;
}

describe('a post Slack carried out but answered too late', () => {
  it('reaches the manager once, tagged with the pull; Acknowledge updates that DM', async () => {
    h.fake.failNext('chat.postMessage', SLOW);
    const pull = await pullAndAcknowledge();
    expect(managerDms()).toHaveLength(1);
    const dm = managerDms()[0];
    expect(dm?.metadata).toEqual({ event_type: 'pushpull_pull', event_payload: { pull: pull.id } });
    // Found by its metadata: the pull knows where its DM is, and the requester heard no false alarm.
    expect((await allPulls())[0]).toMatchObject({
      managerChannel: MGR_DM,
      managerTs: dm?.ts,
      managerDmUnknownAt: null,
    });
    expect(h.fake.responses).toHaveLength(0);

    await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
    await settled();
    const updates = h.fake.callsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ channel: MGR_DM, ts: dm?.ts });
    expect(managerDms()).toHaveLength(1);
  });

  it('when the DM cannot be read yet: nothing resent, the requester hears the truth, a later step finds it', async () => {
    h.fake.failNext('chat.postMessage', SLOW);
    h.fake.failNext('conversations.history', { kind: 'error', error: 'internal_error' });
    const pull = await pullAndAcknowledge();
    expect(managerDms()).toHaveLength(1);
    expect((await allPulls())[0]?.managerTs).toBeNull();
    expect((await allPulls())[0]?.managerDmUnknownAt).toBeTypeOf('number');
    const told = h.fake.responses.map((r) => String(r.body.text));
    expect(told).toHaveLength(1);
    expect(told[0]).not.toContain("couldn't DM");
    expect(told[0]).toContain("won't send it twice");

    await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
    await settled();
    const dm = managerDms()[0];
    expect(h.fake.callsTo('chat.update')[0]?.args).toMatchObject({ channel: MGR_DM, ts: dm?.ts });
    expect((await allPulls())[0]).toMatchObject({ managerTs: dm?.ts, managerDmUnknownAt: null });
    expect(managerDms()).toHaveLength(1);
  });
});

describe('a post Slack answered with a 5xx', () => {
  it('is not retried: the DM is read, nothing is there, the requester is told; nothing is posted again', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
    const pull = await pullAndAcknowledge();
    expect(h.fake.callsTo('chat.postMessage#503')).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(1);
    expect(String(h.fake.responses[0]?.body.text)).toContain("can't tell yet");
    await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
    await settled();
    // The step looked again, found nothing, and sent no copy.
    expect(h.fake.callsTo('conversations.history')).toHaveLength(2);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    expect(managerDms()).toHaveLength(0);
  });
});

describe('a rate-limited post', () => {
  it('waits out Retry-After and is sent again: a 429 was not carried out', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 0 });
    await pullAndAcknowledge();
    expect(h.fake.callsTo('chat.postMessage#429')).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(0);
    expect(managerDms()).toHaveLength(1);
  });
});
