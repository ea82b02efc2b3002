import { afterEach, describe, expect, it } from 'vitest';
import { tables, transaction } from '../../src/db/store.js';
import { PROFILES_PER_TICK, sendDigests } from '../../src/scheduler/digest.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import { BOT_TOKEN, type Harness, startHarness } from '../support/harness.js';

const MONDAY_0930_UTC = Date.UTC(2026, 10, 23, 9, 30);
const DAY = 86_400_000;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const isDigest = (args: Record<string, unknown>) =>
  JSON.stringify(args.blocks ?? '').includes('Your week in Pushpull');
const run = () => ({ deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) });

describe('profile refreshes', () => {
  it('2,000 stale profiles do not hold up the first digest; a tick refreshes only a few, stalest first', async () => {
    // users.info's lane needs 3 s for a tick's share (60 at 20/s), far longer than the fan-out takes to start
    // even on a loaded machine; had the refresh gone first, the whole share would come before any digest.
    h = await startHarness({
      now: MONDAY_0930_UTC,
      env: { SLACK_PACE: 'chat.postMessage=200/s,users.info=20/s' },
    });
    const now = h.clock.now;
    const ids = Array.from({ length: 2000 }, (_, i) => `UMGR${String(i).padStart(5, '0')}`);
    const { members, pulls } = tables(h.store.db);
    await transaction(h.store.db, async (tx) => {
      for (let from = 0; from < ids.length; from += 500) {
        const chunk = ids.slice(from, from + 500);
        await tx.insert(members).values(
          chunk.map((userId, j) => ({
            userId,
            timezone: 'UTC',
            // Fetched two to three days ago: every one is stale, UMGR01999 the stalest.
            profileFetchedAt: now - 2 * DAY - (from + j) * 60_000,
            updatedAt: now,
          })),
        );
        await tx.insert(pulls).values(
          chunk.map((userId) => ({
            requesterId: 'UREQ0001',
            managerId: userId,
            need: `Input for ${userId}`,
            createdAt: now - DAY,
          })),
        );
      }
    });

    const scheduler = startScheduler({ deps: h.app.deps, client: run().client, logger: h.app.deps.logger });
    try {
      await h.fake.waitFor('chat.postMessage', isDigest, 60_000);
      await h.fake.waitFor('users.info', undefined, 60_000);
    } finally {
      await scheduler.stop();
    }
    const calls = h.fake.calls.map((c) => c.method);
    const firstDigest = h.fake.calls.findIndex((c) => c.method === 'chat.postMessage' && isDigest(c.args));
    const infosBefore = calls.slice(0, firstDigest).filter((m) => m === 'users.info').length;
    // The refresh runs beside the fan-out, not before it: the first digest goes out while the tick's share of
    // refreshes has barely begun (how far depends on how soon the fan-out's own reads finish).
    expect(infosBefore).toBeLessThan(PROFILES_PER_TICK / 2);
    const refreshed = h.fake.callsTo('users.info').map((c) => c.args.user);
    expect(refreshed.length).toBeLessThanOrEqual(PROFILES_PER_TICK);
    expect(refreshed[0]).toBe('UMGR01999');
    expect(refreshed).toEqual([...refreshed].sort().reverse());
  });
});

describe("quarters in each manager's own timezone", () => {
  it('a manager in Auckland gets the new quarter on New Year morning while UTC is still in the old one', async () => {
    // Thursday Dec 31 22:00 UTC is Friday Jan 1 11:00 in Auckland: digest day there, and 2027 Q1.
    const newYearAuckland = Date.UTC(2026, 11, 31, 22, 0);
    h = await startHarness({ now: newYearAuckland, env: { DIGEST_DAY: 'friday', DIGEST_TIME: '09:00' } });
    const now = h.clock.now;
    const { members, pushes } = tables(h.store.db);
    await h.store.db
      .insert(members)
      .values({ userId: 'UMGRAKL1', timezone: 'Pacific/Auckland', profileFetchedAt: now, updatedAt: now });
    await h.store.db.insert(pushes).values({
      managerId: 'UMGRAKL1',
      ownerId: 'UMGRAKL1',
      quarter: '2027-Q1',
      title: 'Open the Wellington office',
      createdAt: now - 60 * 60_000,
      updatedAt: now - 60 * 60_000,
    });

    const result = await sendDigests(run());
    expect(result.sent).toBe(1);
    const digest = h.fake.callsTo('chat.postMessage', (a) => a.channel === 'UMGRAKL1' && isDigest(a));
    expect(digest).toHaveLength(1);
    const blocks = JSON.stringify(digest[0]?.args.blocks);
    expect(blocks).toContain('Pushes for 2027 Q1');
    expect(blocks).toContain('Open the Wellington office');
  });
});
