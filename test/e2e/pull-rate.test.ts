// A per-person limit on pulls per minute: a burst at one colleague is refused kindly, counted in the database.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { PULLS_PER_MINUTE } from '../../src/domain/pulls.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const OTHER = 'UOTH0001';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const pullsBy = async (user: string) => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).where(eq(pulls.requesterId, user)).orderBy(pulls.id);
};
const dmsTo = (user: string) => h.fake.callsTo('chat.postMessage', (a) => a.channel === user);

/** Sends `n` pulls one after another and checks each was pulled in. */
async function pullMany(n: number, from = REQ, label = 'need') {
  for (let i = 1; i <= n; i++) {
    const res = await h.slack.command('/pull', `<@${MGR}|maya> ${label} ${i}`, from);
    expect(JSON.stringify(res.body)).toContain('Pulled in');
  }
}

describe('pulls per person per minute', () => {
  it(`lets ${PULLS_PER_MINUTE} through, refuses the next kindly, and sends the manager no more DMs`, async () => {
    expect(PULLS_PER_MINUTE).toBe(10);
    await pullMany(10);
    const res = await h.slack.command('/pull', `<@${MGR}|maya> one more`, REQ);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(res.body)).toContain('10 pulls in a minute');
    expect(JSON.stringify(res.body)).not.toContain('Pulled in');
    await eventually(() => expect(dmsTo(MGR)).toHaveLength(10));
    await h.app.inflight.drained();
    expect(dmsTo(MGR)).toHaveLength(10);
    expect(await pullsBy(REQ)).toHaveLength(10);
    expect((await pullsBy(REQ)).map((p) => p.need)).not.toContain('one more');
  });

  it('lets pulls through again once the minute has passed', async () => {
    await pullMany(10);
    h.clock.now += 30_000;
    const refused = await h.slack.command('/pull', `<@${MGR}|maya> too soon`, REQ);
    expect(JSON.stringify(refused.body)).toContain('10 pulls in a minute');
    h.clock.now += 30_000;
    const res = await h.slack.command('/pull', `<@${MGR}|maya> a minute later`, REQ);
    expect(JSON.stringify(res.body)).toContain('Pulled in');
    await eventually(() => expect(dmsTo(MGR)).toHaveLength(11));
    expect(await pullsBy(REQ)).toHaveLength(11);
  });

  it('is per person: a colleague can still pull while one person is at the limit', async () => {
    await pullMany(10);
    const res = await h.slack.command('/pull', `<@${MGR}|maya> my own question`, OTHER);
    expect(JSON.stringify(res.body)).toContain('Pulled in');
    expect(await pullsBy(OTHER)).toHaveLength(1);
  });

  it('refuses the pull form with a field error and stores nothing', async () => {
    await pullMany(10);
    const res = await h.slack.viewSubmission(REQ, 'pull_create', {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text('From the form'),
      kind: input.option('decision'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: { need: expect.stringContaining('10 pulls in a minute') },
    });
    await h.app.inflight.drained();
    expect(await pullsBy(REQ)).toHaveLength(10);
    await eventually(() => expect(dmsTo(MGR)).toHaveLength(10));
  });

  it('holds across a restart: the count lives in the database', async () => {
    await pullMany(10);
    const now = h.clock.now;
    await h.stopApp();
    const again = await startHarness({ dir: h.dir, fake: h.fake, now: now + 1000 });
    const { pulls } = tables(again.store.db);
    try {
      const res = await again.slack.command('/pull', `<@${MGR}|maya> after restart`, REQ);
      expect(JSON.stringify(res.body)).toContain('10 pulls in a minute');
      expect(await again.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(10);
    } finally {
      await again.stopApp();
    }
  });
});
