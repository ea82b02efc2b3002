// The digest is a lease, not a flag: nothing doubled by a slow Slack, nothing lost to a missed day, a late hour
// or a timezone move. (Crashes and shutdowns of real processes: test/process/digest-lease.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { claimFor, MAX_ATTEMPTS, UNKNOWN_SETTLE_MS } from '../../src/domain/digest-claims.js';
import { sendDigests, sendOverdueReminders } from '../../src/scheduler/digest.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { digestClient, digestsIn, managerWithPull } from '../support/digests.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';

const DAY = 86_400_000;
const SUNDAY_NOON = Date.UTC(2026, 10, 22, 12, 0);
const MONDAY_0930 = Date.UTC(2026, 10, 23, 9, 30);
const TUESDAY_0900 = Date.UTC(2026, 10, 24, 9, 0);

const cleanups: (() => unknown)[] = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

function harness(): Harness {
  if (!h) throw new Error('no harness');
  return h;
}

function tickWith(fake: FakeSlack) {
  const { app } = harness();
  return startScheduler({ deps: app.deps, client: digestClient(fake, 5000), logger: app.deps.logger });
}

describe('a slow Slack never produces copies', () => {
  it('a digest Slack posted but answered after the timeout goes out once: later ticks find it in the DM', async () => {
    h = await startHarness({ now: MONDAY_0930 });
    await managerWithPull(harness(), 'UMGRUTC1', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'slow-after-post', ms: 400 }, 20);
    const run = { deps: h.app.deps, client: digestClient(h.fake) };

    const first = await sendDigests(run);
    expect(first).toMatchObject({ sent: 0, unknown: 1, failed: 0 });
    await eventually(() => expect(h?.fake.inFlight).toBe(0));
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('digest outcome unknown'))).toBe(true);

    // Ticks go on; the first one after the answer had time to settle reads the DM and finds the copy.
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      h.clock.now += 5 * 60_000;
      await sendDigests(run);
    }
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
    const landed = h.fake.history
      .get('DMGRUTC1')
      ?.find((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'pushpull_digest');
    expect(landed?.metadata).toEqual({
      event_type: 'pushpull_digest',
      event_payload: { week: '2026-W48', manager: 'UMGRUTC1' },
    });
    expect(await claimFor(h.store.db, 'UMGRUTC1', '2026-W48')).toMatchObject({
      status: 'sent',
      messageTs: landed?.ts,
    });
  });

  it('a 5xx is an unknown outcome too: the DM is read, nothing is there, so it is sent, once', async () => {
    h = await startHarness({ now: MONDAY_0930 });
    await managerWithPull(harness(), 'UMGRUTC1', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
    // The fault is an answer, not silence: no call here needs to time out.
    const run = { deps: h.app.deps, client: digestClient(h.fake, 5000) };
    expect(await sendDigests(run)).toMatchObject({ sent: 0, unknown: 1 });
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(0);
    // Not before the outcome has settled…
    expect(await sendDigests(run)).toMatchObject({ sent: 0, unknown: 1 });
    h.clock.now += UNKNOWN_SETTLE_MS + 1;
    expect(await sendDigests(run)).toMatchObject({ sent: 1, retaken: 1, found: 0 });
    expect(h.fake.callsTo('conversations.history')).toHaveLength(1);
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
  });

  it('an overdue reminder Slack answered too late is not sent again', async () => {
    h = await startHarness({ now: TUESDAY_0900 - 60 * 60_000 });
    await managerWithPull(harness(), 'UMGRUTC1', 'UTC', 'Sign-off on the SOW');
    const { pulls } = tables(h.store.db);
    await h.store.db.update(pulls).set({ neededBy: '2026-11-23' });
    h.clock.now = TUESDAY_0900;
    h.fake.failNext('chat.postMessage', { kind: 'slow-after-post', ms: 400 }, 20);
    const run = { deps: h.app.deps, client: digestClient(h.fake) };
    expect(await sendOverdueReminders(run)).toBe(0);
    await eventually(() => expect(h?.fake.inFlight).toBe(0));
    for (let i = 0; i < 3; i++) {
      h.clock.now += 60 * 60_000;
      await sendOverdueReminders(run);
    }
    const reminders = h.fake.callsTo('chat.postMessage', (a) =>
      String(a.text).includes('still waiting on you'),
    );
    expect(reminders).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('overdue reminder outcome unknown'))).toBe(true);
  });
});

describe('due until sent within the week', () => {
  it('a process started the day after digest day sends; a manager new since then waits for the next digest day', async () => {
    h = await startHarness({ now: SUNDAY_NOON });
    await managerWithPull(harness(), 'UMGRUTC1', 'UTC');
    h.clock.now = TUESDAY_0900 + 60 * 60_000; // down all Monday
    await managerWithPull(harness(), 'UMGRNEW1', 'UTC', 'First pull ever');
    const scheduler = tickWith(h.fake);
    try {
      await scheduler.tick();
      expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
      expect(digestsIn(h.fake, 'UMGRNEW1')).toHaveLength(0);
      h.clock.now += DAY;
      await scheduler.tick();
      expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
      expect(digestsIn(h.fake, 'UMGRNEW1')).toHaveLength(0);
      h.clock.now = Date.UTC(2026, 10, 30, 9, 0);
      await scheduler.tick();
      expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(2);
      expect(digestsIn(h.fake, 'UMGRNEW1')).toHaveLength(1);
    } finally {
      await scheduler.stop();
    }
  });

  it('DIGEST_TIME 23:58 with ticks at 23:55 and 00:00 the next day sends at 00:00', async () => {
    h = await startHarness({ now: SUNDAY_NOON, env: { DIGEST_TIME: '23:58' } });
    await managerWithPull(harness(), 'UMGRUTC1', 'UTC');
    const scheduler = tickWith(h.fake);
    try {
      h.clock.now = Date.UTC(2026, 10, 23, 23, 55);
      await scheduler.tick();
      expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(0);
      h.clock.now = Date.UTC(2026, 10, 24, 0, 0);
      await scheduler.tick();
      expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
      expect((await claimFor(h.store.db, 'UMGRUTC1', '2026-W48'))?.status).toBe('sent');
    } finally {
      await scheduler.stop();
    }
  });

  it('a manager whose timezone moves east past the digest time still gets the week', async () => {
    h = await startHarness({ now: Date.UTC(2026, 10, 22, 17, 0) });
    await managerWithPull(harness(), 'UMGRMOVE', 'America/Los_Angeles');
    const scheduler = tickWith(h.fake);
    try {
      h.clock.now = Date.UTC(2026, 10, 23, 16, 55); // 08:55 Monday in Los Angeles
      await scheduler.tick();
      expect(digestsIn(h.fake, 'UMGRMOVE')).toHaveLength(0);
      // They fly to Tokyo; the day-old profile is read again: it is 02:05 Tuesday there.
      h.fake.users.set('UMGRMOVE', { tz: 'Asia/Tokyo' });
      h.clock.now = Date.UTC(2026, 10, 23, 17, 5);
      await scheduler.tick();
      const { members } = tables(h.store.db);
      expect((await h.store.db.select().from(members)).find((m) => m.userId === 'UMGRMOVE')?.timezone).toBe(
        'Asia/Tokyo',
      );
      expect(digestsIn(h.fake, 'UMGRMOVE')).toHaveLength(1);
    } finally {
      await scheduler.stop();
    }
  });
});
