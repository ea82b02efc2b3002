import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { sendDigests, sendOverdueReminders } from '../../src/scheduler/digest.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import { runCli } from '../support/cli.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, type Harness, startHarness } from '../support/harness.js';

const MONDAY_0930_UTC = Date.UTC(2026, 10, 23, 9, 30);
const DAY = 86_400_000;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const isDigest = (args: Record<string, unknown>) =>
  JSON.stringify(args.blocks ?? '').includes('Your week in Pushpull');
const digestsTo = (user: string) =>
  h.fake.callsTo('chat.postMessage', (a) => a.channel === user && isDigest(a));
const run = () => ({ deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) });

/**
 * Stands between several processes and the fake Slack, each process on its own path (`/a/api/…`). The
 * first chat.postMessage is held until every process has posted one (or one has finished): whatever their
 * start-up times, all of them are claiming and sending at the same moment.
 */
async function postingBarrier(fake: FakeSlack, names: string[]) {
  const posted = new Set<string>();
  let held = 0;
  let allPostedWhenOpened = false;
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = () => {
      allPostedWhenOpened ||= posted.size === names.length;
      resolve();
    };
  });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const [, name = '', method = ''] = /^\/([^/]+)\/api\/(.+)$/.exec(req.url ?? '') ?? [];
    if (method === 'chat.postMessage') {
      posted.add(name);
      if (posted.size === names.length) open();
      else {
        held += 1;
        await opened;
      }
    }
    const answer = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded',
        authorization: req.headers.authorization ?? '',
      },
      body: Buffer.concat(chunks),
    });
    const retryAfter = answer.headers.get('retry-after');
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
      ...(retryAfter ? { 'retry-after': retryAfter } : {}),
    });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: (name: string) => `http://127.0.0.1:${port}/${name}/api/`,
    /** A process that has finished will post nothing more: nobody waits for it. */
    finished: () => open(),
    held: () => held,
    allPostedWhenOpened: () => allPostedWhenOpened,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The one pull there is. */
const onlyPull = async () => {
  const { pulls } = tables(h.store.db);
  return (await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0];
};

/** A manager with an open pull, as Slack would create it. */
async function managerWithPull(
  managerId: string,
  tz: string,
  need = 'Pricing for Initech?',
  requester = 'UREQ0001',
) {
  h.fake.users.set(managerId, { tz });
  await h.slack.command('/pull', `<@${managerId}> ${need}`, requester);
  await h.fake.waitFor('chat.postMessage', (a) => a.channel === managerId && String(a.text).includes(need));
}

describe('the tick', () => {
  it('sends only to managers for whom it is digest time in their own timezone, once', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull('UMGRUTC1', 'UTC');
    await managerWithPull('UMGRLAX1', 'America/Los_Angeles');
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
    await managerWithPull('UMGRUTC1', 'UTC');
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
    await managerWithPull('UMGRUTC1', 'UTC');
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
    await managerWithPull('UMGRUTC1', 'UTC');
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
      await managerWithPull(`UMGR${String(i).padStart(4, '0')}`, 'UTC', `storm ${i}`, `UREQ000${i % 2}`);
    h.fake.rateLimit('chat.postMessage', 4);
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 3);
    const result = await sendDigests(run());
    expect(result).toMatchObject({ sent: 12, failed: 0 });
    expect(result.rateLimited).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) expect(digestsTo(`UMGR${String(i).padStart(4, '0')}`)).toHaveLength(1);
  });

  it('retries a send Slack refused on a later tick, a bounded number of times, and logs the error', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    await managerWithPull('UMGRUTC1', 'UTC');
    await managerWithPull('UMGRUTC2', 'UTC');
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

  it('`pushpull digest send` twice sends once, and prints what it did', async () => {
    h = await startHarness();
    await managerWithPull('UMGRUTC1', 'UTC');
    const first = await runCli(['digest', 'send'], h.env);
    expect(first.stdout).toContain('1 sent');
    expect(first.code).toBe(0);
    const second = await runCli(['digest', 'send'], h.env);
    expect(second.stdout).toContain('0 sent, 1 skipped');
    expect(digestsTo('UMGRUTC1')).toHaveLength(1);
  });

  it('two processes sending against one database file at the same moment send once per manager', async () => {
    h = await startHarness();
    const managers = Array.from({ length: 20 }, (_, i) => `UMGR${String(i).padStart(4, '0')}`);
    const now = Date.now();
    const { members, pulls } = tables(h.store.db);
    for (const m of managers) {
      await h.store.db
        .insert(members)
        .values({ userId: m, timezone: 'UTC', profileFetchedAt: now, updatedAt: now });
      await h.store.db
        .insert(pulls)
        .values({ requesterId: 'UREQ0001', managerId: m, need: `for ${m}`, createdAt: now - DAY });
    }
    const barrier = await postingBarrier(h.fake, ['a', 'b']);
    try {
      const send = (name: string) =>
        runCli(['digest', 'send'], { ...h.env, SLACK_API_URL: barrier.apiUrl(name) }).finally(
          barrier.finished,
        );
      const [a, b] = await Promise.all([send('a'), send('b')]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      // The overlap was real: one process's sends were in flight while the other claimed and sent.
      expect(barrier.held()).toBeGreaterThan(0);
      expect(barrier.allPostedWhenOpened()).toBe(true);
      for (const m of managers) expect(digestsTo(m), m).toHaveLength(1);
      const sent = [a, b].map((r) => Number(/(\d+) sent/.exec(r.stdout)?.[1]));
      expect((sent[0] ?? 0) + (sent[1] ?? 0)).toBe(20);
    } finally {
      await barrier.close();
    }
  });

  it('`pushpull digest preview` prints the digest and sends nothing', async () => {
    h = await startHarness();
    await managerWithPull('UMGRUTC1', 'UTC', 'Preview me');
    await h.app.inflight.drained(); // nothing from the setup lands after the reset
    h.fake.reset();
    const out = await runCli(['digest', 'preview', '--manager', 'UMGRUTC1'], h.env);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Pulls awaiting you (1)');
    expect(out.stdout).toContain('Preview me');
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    const bad = await runCli(['digest', 'preview'], h.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--manager');
  });
});

describe('overdue reminders', () => {
  it('remind the manager once, on a weekday at their digest time', async () => {
    const tuesday0800 = Date.UTC(2026, 10, 24, 8, 0);
    h = await startHarness({ now: tuesday0800 });
    await managerWithPull('UMGRUTC1', 'UTC', 'Sign-off on the SOW');
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
    await managerWithPull('UMGRUTC1', 'UTC');
    const { pulls } = tables(h.store.db);
    await h.store.db.update(pulls).set({ neededBy: '2026-11-20' });
    await sendDigests(run());
    expect(JSON.stringify(digestsTo('UMGRUTC1')[0]?.args.blocks)).toContain('overdue');
    h.clock.now += DAY;
    expect(await sendOverdueReminders(run())).toBe(0);
  });
});
