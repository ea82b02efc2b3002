// Several instances, one behaviour: three real `pushpull start` processes on one PostgreSQL database, all talking
// to one fake Slack, with signed requests spread across them the way a load balancer would.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/config.js';
import { applyPostgresMigrations, openPostgres, type PostgresStore } from '../../src/db/postgres.js';
import { tables } from '../../src/db/store.js';
import { STALE_MS } from '../../src/scheduler/instances.js';
import { CLI_SCRIPT, TSX_LOADER } from '../support/cli.js';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, eventually, input, SIGNING_SECRET } from '../support/harness.js';
import { createTestDatabase } from '../support/pg-cluster.js';
import { SlackDriver, TEAM } from '../support/slack-driver.js';

const DAY = 86_400_000;
const isDigest = (args: Record<string, unknown>) =>
  JSON.stringify(args.blocks ?? '').includes('Your week in Pushpull');

/**
 * `pushpull start` as its own process, and the port it says it listens on. Like test/support/process.ts, with
 * room for three processes compiling through tsx at once on a busy machine.
 */
async function spawnInstance(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_SCRIPT, 'start'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pushpull did not start:\n${output}`)), 120_000);
    const read = (d: Buffer) => {
      output += d.toString();
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`pushpull exited with ${code}:\n${output}`)));
  });
  return { child, port, output: () => output };
}

interface Instance {
  child: ChildProcess;
  slack: SlackDriver;
  output: () => string;
}

interface Cluster {
  fake: FakeSlack;
  store: PostgresStore;
  instances: Instance[];
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A fresh database on the shared server, migrated and seeded by `seed`, then three instances started at once on
 * it. `env` adds to what every instance is given.
 */
async function cluster(
  options: {
    env?: Record<string, string>;
    seed?: (store: PostgresStore) => Promise<void>;
    before?: (fake: FakeSlack) => void;
    /** Holds every instance at its first digest claim until all three are up, so they fan out together. */
    together?: boolean;
  } = {},
): Promise<Cluster> {
  const fake = await new FakeSlack().start();
  const database = await createTestDatabase();
  await applyPostgresMigrations(database.url);
  const store = openPostgres(database.url, { poolSize: 4 });
  await options.seed?.(store);
  options.before?.(fake);
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    // Not today: no digest goes out unless a test says so.
    DIGEST_DAY: WEEKDAYS[(new Date().getUTCDay() + 6 + 3) % 7] as string,
    ...options.env,
  };
  // Three processes booting at once can take a while on a busy machine: a digest due now would be all sent by
  // the first before the last is up. A lock on the claims table holds each at its first claim instead.
  const gate = options.together ? await store.pool.connect() : undefined;
  await gate?.query('begin; lock table digest_claims in access exclusive mode');
  const started = await Promise.all([0, 1, 2].map(() => spawnInstance(env)));
  await gate?.query('commit');
  gate?.release();
  const instances = started.map(({ child, port, output }) => ({
    child,
    output,
    slack: new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake),
  }));
  return {
    fake,
    store,
    instances,
    env,
    async stop() {
      for (const { child } of instances)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(
        instances.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) resolve();
              else child.once('exit', () => resolve());
            }),
        ),
      );
      await store.close();
      await fake.stop();
      await database.drop();
    },
  };
}

/** Posts `body` to each instance at the same moment, as Slack's retry of one request would reach another. */
function toEach(instances: Instance[], body: string, contentType: string, headers?: Record<string, string>) {
  const timestamp = Math.floor(Date.now() / 1000);
  return Promise.all(
    instances.map(({ slack }) =>
      slack.post(body, contentType, { timestamp, ...(headers ? { headers } : {}) }),
    ),
  );
}

describe('three instances answering Slack', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({ env: { LOG_LEVEL: 'debug' } });
  }, 150_000);
  afterAll(() => c?.stop());

  const pullsWith = async (need: string) =>
    (await c.store.db.select().from(tables(c.store.db).pulls)).filter((p) => p.need === need);

  it('stores every acknowledged /pull exactly once, a request delivered to two instances included', async () => {
    // Each instance answers a first request before the spread: its code is loaded and its pool connected.
    await Promise.all(c.instances.map(({ slack }) => slack.command('/pull', 'help', 'UREQ0999')));
    const sent: { need: string; status: number }[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const need = `Spread ${i} ${randomUUID().slice(0, 6)}`;
        const requester = `UREQ${String(i % 8).padStart(4, '0')}`;
        const instance = c.instances[i % 3] as Instance;
        const res = await instance.slack.command('/pull', `<@UMGR0001> ${need}`, requester);
        sent.push({ need, status: res.status });
      }),
    );
    // The same signed command, delivered to two instances at once (a Slack retry after a slow ack).
    const twice = `Delivered twice ${randomUUID().slice(0, 6)}`;
    const body = c.instances[0]?.slack.commandBody('/pull', `<@UMGR0001> ${twice}`, 'UREQ0100') ?? '';
    const answers = await toEach(c.instances.slice(1), body, 'application/x-www-form-urlencoded');
    for (const a of answers) expect(a.status).toBe(200);

    // A busy machine can miss Slack's 3 s for a few (Slack then shows the person an error): an acknowledged
    // pull is stored exactly once, any other at most once.
    const acknowledged = sent.filter(({ status }) => status === 200);
    expect(acknowledged.length).toBeGreaterThanOrEqual(sent.length / 2);
    for (const { need, status } of sent) {
      const stored = (await pullsWith(need)).length;
      if (status === 200) expect(stored, need).toBe(1);
      else expect(stored, need).toBeLessThanOrEqual(1);
    }
    expect(await pullsWith(twice)).toHaveLength(1);
    await eventually(() =>
      expect(c.fake.callsTo('chat.postMessage', (a) => String(a.text).includes(twice))).toHaveLength(1),
    );
  });

  it('holds the limits when one person hits several instances at the same instant', async () => {
    // Ten pulls a minute per person: twelve at once across three instances store ten.
    const requester = 'UREQ0200';
    const need = `At once ${randomUUID().slice(0, 6)}`;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (c.instances[i % 3] as Instance).slack.command('/pull', `<@UMGR0002> ${need} ${i}`, requester),
      ),
    );
    for (const a of answers) expect(a.status).toBe(200);
    const { pulls, pushes } = tables(c.store.db);
    const stored = (await c.store.db.select().from(pulls)).filter((p) => p.requesterId === requester);
    expect(stored).toHaveLength(10);

    // Three pushes a quarter per manager: six at once across three instances store three.
    const manager = 'UMGR0300';
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (c.instances[i % 3] as Instance).slack.command('/push', `add Focus ${i}`, manager),
      ),
    );
    const added = (await c.store.db.select().from(pushes)).filter((p) => p.managerId === manager);
    expect(added).toHaveLength(3);
  });

  it("resolves a pull once when the manager's button reaches two instances at once", async () => {
    const requester = 'UREQ0400';
    const manager = 'UMGR0400';
    const need = `Button ${randomUUID().slice(0, 6)}`;
    await c.instances[0]?.slack.command('/pull', `<@${manager}> ${need}`, requester);
    const pull = await eventually(async () => {
      const found = (await pullsWith(need))[0];
      if (!found?.managerTs) throw new Error('manager DM not recorded yet');
      return found;
    });
    const toRequester = () => c.fake.callsTo('chat.postMessage', (a) => a.channel === requester);
    const updates = () => c.fake.callsTo('chat.update', (a) => a.ts === pull.managerTs);

    // Acknowledge, pressed on two instances at once.
    const [one, two] = c.instances.slice(1) as [Instance, Instance];
    await Promise.all([
      one.slack.action(manager, 'pull_acknowledge', String(pull.id)),
      two.slack.action(manager, 'pull_acknowledge', String(pull.id)),
    ]);
    await eventually(() => expect(updates()).toHaveLength(1));
    await eventually(() => expect(toRequester()).toHaveLength(1));

    // Decision, submitted from two modals at once, each through its own instance: one answer is kept.
    const metadata = JSON.stringify({ pullId: pull.id, resolution: 'decision' });
    await Promise.all(
      [one, two].map((instance, i) =>
        instance.slack.viewSubmission(manager, 'pull_resolve', { note: input.text(`Answer ${i}`) }, metadata),
      ),
    );
    await eventually(() => expect(updates()).toHaveLength(2));
    await eventually(() => expect(toRequester()).toHaveLength(2));
    const [resolved] = await pullsWith(need);
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'decision' });
    // Nothing more arrives once both instances are done.
    await Promise.all(c.instances.map(({ slack }) => fetch(`${slack.appUrl}/healthz`)));
    expect(updates()).toHaveLength(2);
    expect(toRequester()).toHaveLength(2);
  });

  it('handles an event Slack retries to a different instance once', async () => {
    const user = 'UHOME0001';
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: TEAM,
      api_app_id: 'A0PUSHPULL',
      event: { type: 'app_home_opened', user, tab: 'home', channel: 'D1', event_ts: '1.2' },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: 'UBOT0001', is_bot: true }],
    });
    const published = () => c.fake.callsTo('views.publish', (a) => a.user_id === user);
    // Which instances dropped it as another's: each says so in its log (LOG_LEVEL=debug).
    const skipped = () =>
      c.instances.filter(({ output }) =>
        output()
          .split('\n')
          .some(
            (line) => line.includes('skipped an event another instance handled') && line.includes(eventId),
          ),
      ).length;
    // The first delivery and Slack's retry reach two instances at the same moment…
    for (const a of await toEach(c.instances.slice(0, 2), body, 'application/json'))
      expect(a.status).toBe(200);
    // …and a later retry reaches the third.
    const retry = await toEach(c.instances.slice(2), body, 'application/json', {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(retry[0]?.status).toBe(200);
    // Every delivery is accounted for: two dropped, one handled; the Home tab was published once.
    await eventually(() => {
      expect(skipped()).toBe(2);
      expect(published()).toHaveLength(1);
    }, 15_000);
    const { requestsSeen } = tables(c.store.db);
    const keys = (await c.store.db.select().from(requestsSeen)).map((r) => r.key);
    expect(keys).toContain(`event:${eventId}`);
  });
});

/** `count` managers, each with a pull from last week and a known timezone: all due for this week's digest. */
function managersDue(count: number) {
  const managers = Array.from({ length: count }, (_, i) => `UMGR${String(i).padStart(5, '0')}`);
  const seed = async (store: PostgresStore) => {
    const { members, pulls } = tables(store.db);
    const now = Date.now();
    await store.db
      .insert(members)
      .values(managers.map((m) => ({ userId: m, timezone: 'UTC', profileFetchedAt: now, updatedAt: now })));
    await store.db.insert(pulls).values(
      managers.map((m) => ({
        requesterId: 'UREQ0001',
        managerId: m,
        need: `for ${m}`,
        createdAt: now - DAY,
      })),
    );
  };
  const today = WEEKDAYS[(new Date().getUTCDay() + 6) % 7] as string;
  return { managers, seed, env: { DIGEST_DAY: today, DIGEST_TIME: '00:00' } };
}

describe('three instances sending the weekly digest', () => {
  let c: Cluster | undefined;
  afterAll(() => c?.stop());

  it('sends it once per manager, one instance SIGKILLed mid fan-out: the others complete the week', async () => {
    const { managers, seed, env } = managersDue(30);
    c = await cluster({
      seed,
      env: { ...env, SLACK_PACE: '*=1000/s' },
      // Slow answers keep every instance mid fan-out long enough to be killed there.
      before: (fake) => fake.failNext('chat.postMessage', { kind: 'slow', ms: 1500 }, 200),
      together: true,
    });
    const { store, fake, instances } = c;
    const { digestClaims } = tables(store.db);

    // Kill the first instance seen holding a claim it is sending.
    const victim = await eventually(async () => {
      const sending = (await store.db.select().from(digestClaims)).filter(
        (claim) => claim.status === 'sending',
      );
      const holder = instances.find((i) =>
        sending.some((claim) => claim.claimedBy.startsWith(`${i.child.pid}-`)),
      );
      if (!holder) throw new Error('no instance is sending yet');
      return holder;
    }, 30_000);
    const held = (await store.db.select().from(digestClaims)).filter(
      (claim) => claim.status === 'sending' && claim.claimedBy.startsWith(`${victim.child.pid}-`),
    );
    victim.child.kill('SIGKILL');
    expect(held.length).toBeGreaterThan(0);

    // The living end the dead one's leases once its heartbeat is stale, and retake those managers.
    await eventually(async () => {
      const claims = await store.db.select().from(digestClaims);
      expect(claims.filter((claim) => claim.status === 'sent')).toHaveLength(managers.length);
    }, STALE_MS + 30_000);
    await eventually(() => expect(fake.inFlight).toBe(0));
    for (const m of managers)
      expect(
        fake.callsTo('chat.postMessage', (a) => a.channel === m && isDigest(a)),
        m,
      ).toHaveLength(1);
    const claims = await store.db.select().from(digestClaims);
    for (const claim of held) {
      const now = claims.find((x) => x.managerId === claim.managerId);
      expect(now?.claimedBy).not.toBe(claim.claimedBy);
    }
    const survivors = instances.filter((i) => i !== victim);
    expect(survivors.some((i) => i.output().includes('ended the digest leases'))).toBe(true);
  }, 240_000);
});

describe('three instances fanning out against a rate limit', () => {
  let c: Cluster | undefined;
  afterAll(() => c?.stop());

  it('share the budget: together they stay within the limit and meet no 429', async () => {
    // A limit each instance could exceed alone (this machine posts well above it): only a shared budget stays under.
    const { managers, seed, env } = managersDue(90);
    const perSecond = 6;
    c = await cluster({
      seed,
      env: { ...env, SLACK_PACE: `chat.postMessage=${perSecond}/s,*=16/s` },
      // Slack's limit one call above the pace: three processes' posts reach the fake with their own delays, and
      // a window can catch one early. Unshared, the three would post near 16 a second, far past it.
      before: (fake) => {
        fake.rateLimit('chat.postMessage', perSecond + 1);
        fake.rateLimit('*', 17);
      },
      together: true,
    });
    const { store, fake } = c;
    const { digestClaims } = tables(store.db);
    await eventually(async () => {
      const claims = await store.db.select().from(digestClaims);
      expect(claims.filter((claim) => claim.status === 'sent')).toHaveLength(managers.length);
    }, 60_000);
    expect(fake.rateLimitedCount).toBe(0);
    for (const m of managers)
      expect(
        fake.callsTo('chat.postMessage', (a) => a.channel === m),
        m,
      ).toHaveLength(1);
    // All three took part: the budget was shared, not left to one.
    const claimants = new Set((await store.db.select().from(digestClaims)).map((claim) => claim.claimedBy));
    expect(claimants.size).toBe(3);
  }, 240_000);
});
