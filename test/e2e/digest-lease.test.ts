// The digest is a lease, not a flag: nothing doubled by a slow Slack, nothing lost to a crash, a
// shutdown, a missed day, a late hour or a timezone move.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/config.js';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { tables } from '../../src/db/store.js';
import { claimFor, LEASE_MS, MAX_ATTEMPTS, UNKNOWN_SETTLE_MS } from '../../src/domain/digest-claims.js';
import { sendDigests, sendOverdueReminders } from '../../src/scheduler/digest.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import { runCli } from '../support/cli.js';
import { FakeSlack } from '../support/fake-slack.js';
import {
  BOT_TOKEN,
  eventually,
  type Harness,
  SIGNING_SECRET,
  startHarness,
  tempDir,
} from '../support/harness.js';
import { spawnPushpull } from '../support/process.js';

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

const isDigest = (args: Record<string, unknown>) =>
  JSON.stringify(args.blocks ?? '').includes('Your week in Pushpull');
const digestsIn = (fake: FakeSlack, user: string) =>
  fake.callsTo('chat.postMessage', (a) => a.channel === user && isDigest(a));

/** The fan-out client as the app builds it, with a timeout short enough for a test to outlast. */
const client = (fake: FakeSlack, timeoutMs = 150) =>
  fanOutClient(BOT_TOKEN, fake.apiUrl, undefined, { timeoutMs });

function harness(): Harness {
  if (!h) throw new Error('no harness');
  return h;
}

async function managerWithPull(managerId: string, tz: string, need = 'Pricing for Initech?') {
  const { fake, slack } = harness();
  fake.users.set(managerId, { tz });
  await slack.command('/pull', `<@${managerId}> ${need}`, 'UREQ0001');
  await fake.waitFor('chat.postMessage', (a) => a.channel === managerId && String(a.text).includes(need));
}

function tickWith(fake: FakeSlack) {
  const { app } = harness();
  return startScheduler({ deps: app.deps, client: client(fake, 5000), logger: app.deps.logger });
}

describe('a slow Slack never produces copies', () => {
  it('a digest Slack posted but answered after the timeout goes out once: later ticks find it in the DM', async () => {
    h = await startHarness({ now: MONDAY_0930 });
    await managerWithPull('UMGRUTC1', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'slow-after-post', ms: 400 }, 20);
    const run = { deps: h.app.deps, client: client(h.fake) };

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
    await managerWithPull('UMGRUTC1', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
    const run = { deps: h.app.deps, client: client(h.fake) };
    expect(await sendDigests(run)).toMatchObject({ sent: 0, unknown: 1 });
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(0);
    // Not before the outcome has settled…
    expect(await sendDigests(run)).toMatchObject({ sent: 0, unknown: 1 });
    h.clock.now += UNKNOWN_SETTLE_MS + 1;
    expect(await sendDigests(run)).toMatchObject({ sent: 1, retaken: 1, found: 0 });
    expect(h.fake.callsTo('conversations.history')).toHaveLength(1);
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
  });

  it('when the DM cannot be read, an unknown digest is never resent, and `digest send` says so', async () => {
    h = await startHarness();
    await managerWithPull('UMGRUTC1', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'slow-after-post', ms: 400 }, 20);
    h.fake.failNext('conversations.history', { kind: 'error', error: 'missing_scope' }, 20);
    const run = { deps: h.app.deps, client: client(h.fake) };
    await sendDigests(run, { force: true });
    await eventually(() => expect(h?.fake.inFlight).toBe(0));
    for (let i = 0; i < MAX_ATTEMPTS + 1; i++) {
      h.clock.now += UNKNOWN_SETTLE_MS + 1;
      expect(await sendDigests(run, { force: true })).toMatchObject({ sent: 0, unknown: 1 });
    }
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('could not be checked') && l.includes('missing_scope'))).toBe(true);
    const cli = await runCli(['digest', 'send'], h.env);
    expect(cli.stdout).toContain('0 sent');
    expect(cli.stdout).toContain('1 outcome unknown');
    expect(cli.code).toBe(1);
    expect(digestsIn(h.fake, 'UMGRUTC1')).toHaveLength(1);
  });

  it('an overdue reminder Slack answered too late is not sent again', async () => {
    h = await startHarness({ now: TUESDAY_0900 - 60 * 60_000 });
    await managerWithPull('UMGRUTC1', 'UTC', 'Sign-off on the SOW');
    const { pulls } = tables(h.store.db);
    await h.store.db.update(pulls).set({ neededBy: '2026-11-23' });
    h.clock.now = TUESDAY_0900;
    h.fake.failNext('chat.postMessage', { kind: 'slow-after-post', ms: 400 }, 20);
    const run = { deps: h.app.deps, client: client(h.fake) };
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
    await managerWithPull('UMGRUTC1', 'UTC');
    h.clock.now = TUESDAY_0900 + 60 * 60_000; // down all Monday
    await managerWithPull('UMGRNEW1', 'UTC', 'First pull ever');
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
    await managerWithPull('UMGRUTC1', 'UTC');
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
    await managerWithPull('UMGRMOVE', 'America/Los_Angeles');
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

describe('a real process stopped mid fan-out', () => {
  /** A database with `count` managers due today (in the real clock: the process cannot be told the time). */
  async function seeded(count: number) {
    const fake = await new FakeSlack().start();
    const dir = tempDir();
    cleanups.push(
      () => fake.stop(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const store = openDatabase(join(dir, 'pushpull.db'));
    applyMigrations(store);
    const { members, pulls } = tables(store.db);
    const now = Date.now();
    const managers = Array.from({ length: count }, (_, i) => `UMGR${String(i).padStart(4, '0')}`);
    for (const m of managers) {
      await store.db
        .insert(members)
        .values({ userId: m, timezone: 'UTC', profileFetchedAt: now, updatedAt: now });
      await store.db
        .insert(pulls)
        .values({ requesterId: 'UREQ0001', managerId: m, need: `for ${m}`, createdAt: now - DAY });
    }
    await store.close();
    const today = WEEKDAYS[(new Date(now).getUTCDay() + 6) % 7] as string;
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${join(dir, 'pushpull.db')}`,
      DIGEST_DAY: today,
      DIGEST_TIME: '00:00',
      SLACK_PACE: '*=1000/s',
    };
    return { fake, dir, env, managers };
  }

  function exitOf(child: ChildProcess): Promise<number | null> {
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  it('SIGKILL: the claims it held are reported as held, then expire, and the next instance completes the week once per manager', async () => {
    const { fake, dir, env, managers } = await seeded(20);
    fake.failNext('chat.postMessage', { kind: 'slow', ms: 500 }, 100);
    const { child } = await spawnPushpull(env);
    const exited = exitOf(child);
    await eventually(
      () => expect(fake.callsTo('chat.postMessage', isDigest).length).toBeGreaterThanOrEqual(4),
      20_000,
    );
    child.kill('SIGKILL');
    await exited;
    // What the dead process had asked Slack for still lands.
    await eventually(() => expect(fake.inFlight).toBe(0));

    const probe = openDatabase(join(dir, 'pushpull.db'));
    const probed = tables(probe.db);
    const held = (await probe.db.select().from(probed.digestClaims)).filter((c) => c.status === 'sending');
    await probe.close();
    expect(held.length).toBeGreaterThan(0);

    // Within the lease, `digest send` reports them as held and sends everyone else.
    const cli = await runCli(['digest', 'send'], env);
    expect(cli.stdout).toContain(`${held.length} being sent by another run`);
    expect(cli.code).toBe(0);

    // Once the lease has run out, the next instance reads each DM: what landed is marked, the rest sent.
    h = await startHarness({ dir, fake, now: Date.now() + LEASE_MS + 1000 });
    const result = await sendDigests({ deps: h.app.deps, client: client(fake, 5000) });
    expect(result.retaken).toBe(held.length);
    expect(result.found + result.sent).toBe(held.length);
    for (const m of managers) expect(digestsIn(fake, m), m).toHaveLength(1);
    const { digestClaims } = tables(h.store.db);
    expect(
      (await h.store.db.select().from(digestClaims).orderBy(digestClaims.managerId)).map((c) => c.status),
    ).toEqual(managers.map(() => 'sent'));
  }, 60_000);

  it('SIGTERM during a rate-limited fan-out exits at once, leaving nothing held; the next run sends everyone once', async () => {
    const { fake, dir, env, managers } = await seeded(8);
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 120 }, 4);
    const { child, output } = await spawnPushpull(env);
    const exited = exitOf(child);
    await eventually(() => expect(fake.callsTo('chat.postMessage#429')).toHaveLength(4), 20_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('stopped cleanly');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);

    const probe = openDatabase(join(dir, 'pushpull.db'));
    expect(await probe.db.select().from(tables(probe.db).digestClaims)).toEqual([]);
    await probe.close();

    const next = await runCli(['digest', 'send'], env);
    expect(next.stdout).toContain(`${managers.length} sent`);
    for (const m of managers) expect(digestsIn(fake, m), m).toHaveLength(1);
  }, 40_000);
});
