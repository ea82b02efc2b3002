import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { sendDigests, sendOverdueReminders } from '../../src/scheduler/digest.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import { digestsIn, isDigest, managerWithPull } from '../support/digests.js';
import { BOT_TOKEN, type Harness, startHarness } from '../support/harness.js';

const MONDAY_0930_UTC = Date.UTC(2026, 10, 23, 9, 30);
const DAY = 86_400_000;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const digestsTo = (user: string) => digestsIn(h.fake, user);
const run = () => ({ deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) });

/** The one pull there is. */
const onlyPull = async () => {
  const { pulls } = tables(h.store.db);
  return (await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0];
};

describe('the tick', () => {
  it('sends only to managers for whom it is digest time in their own timezone, once', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    await managerWithPull(h, 'UMGRLAX1', 'America/Los_Angeles');
    const scheduler = startScheduler({ deps: h.app.deps, client: run().client, logger: h.app.deps.logger });
    try {
      await scheduler.tick();
      expect(digestsTo('UMGRUTC1')).toHaveLength(1);
      expect(digestsTo('UMGRLAX1')).toHaveLength(0);
      const digest = digestsTo('UMGRUTC1')[0];
      expect(JSON.stringify(digest?.args.blocks)).toContain('Pricing for Initech?');
      expect(JSON.stringify(digest?.args.blocks)).toContain('"Your call"');

      h.clock.now = Date.UTC(2026, 10, 23, 17, 5); // 09:05 in Los Angeles
      await scheduler.tick();
      expect(digestsTo('UMGRLAX1')).toHaveLength(1);
      expect(digestsTo('UMGRUTC1')).toHaveLength(1);

      h.clock.now += 60 * 60_000;
      await scheduler.tick();
      expect(h.fake.callsTo('chat.postMessage').filter((c) => isDigest(c.args))).toHaveLength(2);
    } finally {
      await scheduler.stop();
    }
  });

  it('uses the cached timezone: no users.info per digest once profiles are fresh', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    await sendDigests(run());
    await h.app.inflight.drained(); // nothing from the setup lands after the reset
    h.fake.reset();
    h.clock.now += 7 * DAY; // next Monday; the profile was refreshed an hour ago
    const { members } = tables(h.store.db);
    await h.store.db.update(members).set({ profileFetchedAt: h.clock.now - 60 * 60_000 });
    const result = await sendDigests(run());
    expect(result.sent).toBe(1);
    expect(h.fake.callsTo('users.info')).toHaveLength(0);
    expect(h.fake.callsTo('conversations.open')).toHaveLength(0);
  });

  it('lets the digest buttons answer the pull', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    await sendDigests(run());
    const pull = await onlyPull();
    await h.slack.action('UMGRUTC1', 'pull_acknowledge', String(pull?.id));
    await h.fake.waitFor('chat.update');
    expect((await onlyPull())?.status).toBe('acknowledged');
  });
});

describe('exactly once per manager per week', () => {
  it('sends nothing to a manager with nothing to say', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    const pull = await onlyPull();
    await h.slack.action('UREQ0001', 'pull_withdraw', String(pull?.id), { container: 'ephemeral' });
    await h.fake.waitFor('chat.update');
    h.clock.now += 7 * DAY;
    const result = await sendDigests(run());
    expect(result).toMatchObject({ sent: 0, empty: 1 });
    expect(digestsTo('UMGRUTC1')).toHaveLength(0);
  });

  it('survives a 429 storm and delivers every digest', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    for (let i = 0; i < 12; i++)
      // Two requesters, so the per-person limit on pulls a minute never refuses one.
      await managerWithPull(h, `UMGR${String(i).padStart(4, '0')}`, 'UTC', `storm ${i}`, `UREQ000${i % 2}`);
    h.fake.rateLimit('chat.postMessage', 4);
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 3);
    const result = await sendDigests(run());
    expect(result).toMatchObject({ sent: 12, failed: 0 });
    expect(result.rateLimited).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) expect(digestsTo(`UMGR${String(i).padStart(4, '0')}`)).toHaveLength(1);
  });

  it('retries a send Slack refused on a later tick, a bounded number of times, and logs the error', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    await managerWithPull(h, 'UMGRUTC2', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'account_inactive' });
    const first = await sendDigests({ ...run(), concurrency: 1 });
    expect(first).toMatchObject({ sent: 1, failed: 1 });
    expect(h.logs.some((l) => l.includes('account_inactive') && l.includes('digest not delivered'))).toBe(
      true,
    );
    const second = await sendDigests(run());
    expect(second).toMatchObject({ sent: 1, failed: 0 });
    expect(digestsTo('UMGRUTC1')).toHaveLength(1);
    expect(digestsTo('UMGRUTC2')).toHaveLength(1);

    // A manager Slack keeps refusing is tried three times in all, then left alone.
    h.clock.now += 7 * DAY;
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' }, 10);
    for (let i = 0; i < 5; i++) await sendDigests(run());
    const { digestClaims } = tables(h.store.db);
    const claims = await h.store.db
      .select()
      .from(digestClaims)
      .where(eq(digestClaims.week, '2026-W49'))
      .orderBy(digestClaims.managerId);
    expect(claims.map((c) => [c.status, c.attempts])).toEqual([
      ['failed', 3],
      ['failed', 3],
    ]);
  });
});

describe('overdue reminders', () => {
  it('remind the manager once, on a weekday at their digest time', async () => {
    const tuesday0800 = Date.UTC(2026, 10, 24, 8, 0);
    h = await startHarness({ now: tuesday0800 });
    await managerWithPull(h, 'UMGRUTC1', 'UTC', 'Sign-off on the SOW');
    const { pulls } = tables(h.store.db);
    await h.store.db.update(pulls).set({ neededBy: '2026-11-23' });
    await sendDigests(run()); // refresh profiles; Tuesday is no digest day
    expect(await sendOverdueReminders(run())).toBe(0); // 08:00 is before the digest time
    h.clock.now = Date.UTC(2026, 10, 24, 9, 0);
    expect(await sendOverdueReminders(run())).toBe(1);
    const reminder = await h.fake.waitFor('chat.postMessage', (a) =>
      String(a.text).includes('still waiting on you'),
    );
    expect(JSON.stringify(reminder.args.blocks)).toContain('Sign-off on the SOW');
    h.clock.now += 60 * 60_000;
    expect(await sendOverdueReminders(run())).toBe(0);
    h.clock.now += DAY;
    expect(await sendOverdueReminders(run())).toBe(0);
  });

  it('do not fire for a pull the digest already flagged overdue', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    const { pulls } = tables(h.store.db);
    await h.store.db.update(pulls).set({ neededBy: '2026-11-20' });
    await sendDigests(run());
    expect(JSON.stringify(digestsTo('UMGRUTC1')[0]?.args.blocks)).toContain('overdue');
    h.clock.now += DAY;
    expect(await sendOverdueReminders(run())).toBe(0);
  });
});
