// The digest lease across real processes on one database: `digest send` says what it could not know, and an
// instance killed or stopped mid fan-out leaves the week to the next one, sent once per manager.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/config.js';
import { tables } from '../../src/db/store.js';
import { LEASE_MS, MAX_ATTEMPTS, UNKNOWN_SETTLE_MS } from '../../src/domain/digest-claims.js';
import { sendDigests } from '../../src/scheduler/digest.js';
import { runCli } from '../support/cli.js';
import { digestClient, digestsIn, isDigest, managerWithPull } from '../support/digests.js';
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
import { processDatabase } from '../support/test-stores.js';

const DAY = 86_400_000;

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

describe('`digest send` when a DM cannot be read', () => {
  it('when the DM cannot be read, an unknown digest is never resent, and `digest send` says so', async () => {
    h = await startHarness();
    await managerWithPull(harness(), 'UMGRUTC1', 'UTC');
    h.fake.failNext('chat.postMessage', { kind: 'slow-after-post', ms: 400 }, 20);
    h.fake.failNext('conversations.history', { kind: 'error', error: 'missing_scope' }, 20);
    const run = { deps: h.app.deps, client: digestClient(h.fake) };
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
    const database = await processDatabase(dir);
    const { store } = database;
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
    // Given back for the process and the probes below, which take it again by `dir`.
    await database.release();
    const today = WEEKDAYS[(new Date(now).getUTCDay() + 6) % 7] as string;
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: database.url,
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
    // Killed while a post is still in flight: its claim is held (between two posts it might hold none).
    await eventually(() => {
      expect(fake.callsTo('chat.postMessage', isDigest).length).toBeGreaterThanOrEqual(4);
      expect(fake.inFlight).toBeGreaterThan(0);
    }, 20_000);
    child.kill('SIGKILL');
    await exited;
    // What the dead process had asked Slack for still lands.
    await eventually(() => expect(fake.inFlight).toBe(0));

    const probe = await processDatabase(dir);
    const probed = tables(probe.store.db);
    const held = (await probe.store.db.select().from(probed.digestClaims)).filter(
      (c) => c.status === 'sending',
    );
    await probe.release();
    expect(held.length).toBeGreaterThan(0);

    // Within the lease, `digest send` reports them as held and sends everyone else.
    const cli = await runCli(['digest', 'send'], env);
    expect(cli.stdout).toContain(`${held.length} being sent by another run`);
    expect(cli.code).toBe(0);

    // Once the lease has run out, the next instance reads each DM: what landed is marked, the rest sent. It
    // has the same digest day and time as the one that died (today, 00:00): with the defaults (Monday 09:00)
    // the week's digest would be due on some days of the week and not on others.
    h = await startHarness({
      dir,
      fake,
      now: Date.now() + LEASE_MS + 1000,
      env: { DIGEST_DAY: env.DIGEST_DAY, DIGEST_TIME: env.DIGEST_TIME },
    });
    const result = await sendDigests({ deps: h.app.deps, client: digestClient(fake, 5000) });
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

    const probe = await processDatabase(dir);
    expect(await probe.store.db.select().from(tables(probe.store.db).digestClaims)).toEqual([]);
    await probe.release();

    const next = await runCli(['digest', 'send'], env);
    expect(next.stdout).toContain(`${managers.length} sent`);
    for (const m of managers) expect(digestsIn(fake, m), m).toHaveLength(1);
  }, 40_000);
});
