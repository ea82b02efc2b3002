// Replays and double submissions: the same request twice creates once and tells everyone once.
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { REQUEST_KEPT_MS } from '../../src/domain/requests.js';
import { type Harness, input, startHarness } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const ADV = 'UADV0001';
const KUDOS = 'C0KUDOS1';
const FORM = 'application/x-www-form-urlencoded';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};
const dmsTo = (user: string) => h.fake.callsTo('chat.postMessage', (a) => a.channel === user);
/** Everything the app does after its acks (DMs, Home refreshes) is done. */
const settled = () => h.app.inflight.drained();

describe('a replayed /pull', () => {
  it('creates one pull and one DM, and answers every replay as it answered the first', async () => {
    h = await startHarness();
    const body = h.slack.commandBody('/pull', `<@${MGR}|maria> Can we ship on Friday?`, REQ);
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.slack.post(body, FORM);
      expect(res.status).toBe(200);
      answers.push(JSON.stringify(res.body));
      await settled();
    }
    expect(await allPulls()).toHaveLength(1);
    expect(dmsTo(MGR)).toHaveLength(1);
    expect(answers[0]).toContain('Pulled in');
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toBe(answers[0]);
  });

  it('still creates a second pull for a second /pull with the same words', async () => {
    h = await startHarness();
    for (let i = 0; i < 2; i++) {
      await h.slack.command('/pull', `<@${MGR}|maria> Can we ship on Friday?`, REQ);
      await settled();
    }
    expect(await allPulls()).toHaveLength(2);
    expect(dmsTo(MGR)).toHaveLength(2);
  });

  it('forgets a request after a day, deleting old keys when new ones are written', async () => {
    h = await startHarness();
    await h.slack.command('/pull', `<@${MGR}|maria> first`, REQ);
    await settled();
    const { requestsSeen } = tables(h.store.db);
    expect(await h.store.db.select().from(requestsSeen).orderBy(requestsSeen.key)).toHaveLength(1);
    h.clock.now += REQUEST_KEPT_MS + 1;
    await h.slack.command('/pull', `<@${MGR}|maria> second`, REQ);
    await settled();
    expect(await h.store.db.select().from(requestsSeen).orderBy(requestsSeen.key)).toHaveLength(1);
  });
});

describe('a replayed /push', () => {
  it('add and done: one push, one update, the same answer each time', async () => {
    h = await startHarness();
    for (const text of ['add Win Initech', 'done 1']) {
      const body = h.slack.commandBody('/push', text, MGR);
      const first = await h.slack.post(body, FORM);
      await settled();
      const again = await h.slack.post(body, FORM);
      await settled();
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    }
    const { pushUpdates, pushes } = tables(h.store.db);
    expect(await h.store.db.select().from(pushes).orderBy(pushes.id)).toMatchObject([
      { title: 'Win Initech', status: 'done' },
    ]);
    expect(await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id)).toHaveLength(1);
  });
});

describe('a modal submitted twice', () => {
  it('pull form: one pull, one DM to the manager, one confirmation to the requester', async () => {
    h = await startHarness();
    const values = {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text('Define success for the pilot'),
      kind: input.option('define-success'),
    };
    for (let i = 0; i < 2; i++) {
      const res = await h.slack.viewSubmission(REQ, 'pull_create', values, '', { id: 'VPULL1', hash: 'h7' });
      expect(res.body).toBe('');
      await settled();
    }
    expect(await allPulls()).toHaveLength(1);
    expect(dmsTo(MGR)).toHaveLength(1);
    expect(dmsTo(REQ)).toHaveLength(1);
  });

  it('recognition: one recognition, one DM, one channel post', async () => {
    h = await startHarness({ env: { RECOGNITION_CHANNEL: KUDOS } });
    const values = {
      advocate: input.user(ADV),
      function: input.option('finance'),
      what: input.text('Turned the credit check around in a day'),
      project: input.text('Initech renewal'),
      share: input.checkboxes(['share']),
    };
    for (let i = 0; i < 2; i++) {
      const res = await h.slack.viewSubmission('ULEAD001', 'recognize_advocate_submit', values, '{}', {
        id: 'VREC1',
        hash: 'h3',
      });
      expect(res.body).toBe('');
      await settled();
    }
    const { recognitions } = tables(h.store.db);
    expect(await h.store.db.select().from(recognitions).orderBy(recognitions.id)).toHaveLength(1);
    expect(dmsTo(ADV)).toHaveLength(1);
    expect(dmsTo(KUDOS)).toHaveLength(1);
  });

  it('push update: one update recorded, the owner told once', async () => {
    h = await startHarness();
    const OWNER = 'UOWN0001';
    const add = await h.slack.viewSubmission(MGR, 'push_create', {
      title: input.text('Win Initech'),
      owner: input.user(OWNER),
    });
    expect(add.body).toBe('');
    await settled();
    const { pushUpdates, pushes } = tables(h.store.db);
    const pushId = (await h.store.db.select().from(pushes).orderBy(pushes.id))[0]?.id;
    expect(pushId).toBeTypeOf('number');
    const ownerDmsBefore = dmsTo(OWNER).length;
    for (let i = 0; i < 2; i++) {
      const res = await h.slack.viewSubmission(
        MGR,
        'push_update',
        { status: input.option('at-risk'), note: input.text('Legal review slipping') },
        JSON.stringify({ pushId }),
        { id: 'VUPD1', hash: 'h9' },
      );
      expect(res.body).toBe('');
      await settled();
    }
    expect(await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id)).toHaveLength(1);
    expect(dmsTo(OWNER).length - ownerDmsBefore).toBe(1);
  });

  it('push form: one push', async () => {
    h = await startHarness();
    for (let i = 0; i < 2; i++) {
      await h.slack.viewSubmission(MGR, 'push_create', { title: input.text('Win Initech') }, '', {
        id: 'VPUSH1',
        hash: 'h1',
      });
      await settled();
    }
    const { pushes } = tables(h.store.db);
    expect(await h.store.db.select().from(pushes).orderBy(pushes.id)).toHaveLength(1);
  });
});

describe('a button pressed twice', () => {
  async function openPull() {
    await h.slack.command('/pull', `<@${MGR}|maria> Can we ship on Friday?`, REQ);
    await settled();
    const pull = (await allPulls())[0];
    if (!pull) throw new Error('no pull');
    return pull;
  }

  it('Acknowledge: the requester is told once, the manager is not told anything', async () => {
    h = await startHarness();
    const pull = await openPull();
    for (let i = 0; i < 2; i++) {
      await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
      await settled();
    }
    expect((await allPulls())[0]?.status).toBe('acknowledged');
    expect(dmsTo(REQ)).toHaveLength(1);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('Your call submitted twice: resolved once, the requester is told once', async () => {
    h = await startHarness();
    const pull = await openPull();
    const metadata = JSON.stringify({ pullId: pull.id, resolution: 'your-call' });
    for (let i = 0; i < 2; i++) {
      const res = await h.slack.viewSubmission(MGR, 'pull_resolve', {}, metadata, {
        id: 'VRES1',
        hash: 'h2',
      });
      expect(res.body).toBe('');
      await settled();
    }
    expect((await allPulls())[0]?.status).toBe('resolved');
    expect(dmsTo(REQ)).toHaveLength(1);
  });
});
