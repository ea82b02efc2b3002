// PostgreSQL going away under a running Pushpull, and at start: a server the test owns (a throwaway cluster on its
// own port) is stopped and started again while the app keeps running. Slack must always get an answer in time,
// the person a clear "try again in a moment", /healthz a 503, and nothing may be kept that was not acknowledged;
// when the server is back the same process serves again, without a restart.

import { createServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEADLINE_MS, openPostgres } from '../../src/db/postgres.js';
import { tables } from '../../src/db/store.js';
import { DATABASE_LOST_PARTWAY, DATABASE_OUT_OF_REACH } from '../../src/slack/copy.js';
import { runCli } from '../support/cli.js';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, eventually, input, SIGNING_SECRET } from '../support/harness.js';
import { type PgCluster, startPgCluster } from '../support/pg-cluster.js';
import { type PgHarness, startAppOnPostgres } from '../support/pg-harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
/** Slack shows its own error when the ack takes longer than this. */
const SLACK_ACK_DEADLINE_MS = 3000;

let cluster: PgCluster;
/** Starts the cluster again even when a test fails while it is stopped, so the next test finds it running. */
let restart: (() => Promise<void>) | undefined;
const onTheWayOut = (start: () => Promise<void>) => {
  restart = start;
};
async function startAgain(): Promise<void> {
  const start = restart;
  restart = undefined;
  await start?.();
}
afterEach(async () => {
  await startAgain();
});
beforeAll(async () => {
  cluster = await startPgCluster();
});
afterAll(async () => {
  await cluster?.remove();
});

describe('a PostgreSQL server that goes away while Pushpull runs', () => {
  let h: PgHarness;
  beforeAll(async () => {
    h = await startAppOnPostgres(cluster.url());
  });
  afterAll(async () => {
    await h?.stop();
  });

  const allPulls = async () => {
    const { pulls } = tables(h.store.db);
    return h.store.db.select().from(pulls).orderBy(pulls.id);
  };

  /** A /pull that must be kept: "Pulled in", the row stored, the manager DMed. */
  async function pullWorks(need: string): Promise<void> {
    const res = await h.slack.command('/pull', `<@${MGR}|maria> ${need}`, REQ);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Pulled in');
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR && JSON.stringify(a).includes(need));
    expect((await allPulls()).map((p) => p.need)).toContain(need);
  }

  for (const mode of ['fast', 'immediate'] as const) {
    it(`stopped (${mode}): 503 on /healthz, "try again in a moment" to Slack in time, nothing kept; back without a restart`, async () => {
      await pullWorks(`before the ${mode} stop`);
      await h.app.inflight.drained();
      const before = (await allPulls()).length;
      const dmsBefore = h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR).length;
      const logsBefore = h.logs.length;
      expect((await h.health()).status).toBe(200);

      await cluster.stop(mode);
      onTheWayOut(() => cluster.start());

      // /healthz says so at once, not after the pool's waits.
      const down = await h.health();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ok: false, database: 'unavailable' });
      expect(down.ms).toBeLessThan(2000);

      // A /pull naming its manager goes straight to its write: told to try again, in its ack.
      const pull = await h.slack.command('/pull', `<@${MGR}|maria> while the server is ${mode} down`, REQ);
      expect(pull.status).toBe(200);
      expect(pull.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
      expect(pull.body).toEqual({ response_type: 'ephemeral', text: DATABASE_OUT_OF_REACH });

      // Reads before the ack: `/pull list`, and a `/pull` with no manager named (which looks theirs up).
      for (const text of ['list', 'can we ship on Friday?']) {
        const res = await h.slack.command('/pull', text, REQ);
        expect(res.status, text).toBe(200);
        expect(res.ms, text).toBeLessThan(SLACK_ACK_DEADLINE_MS);
        expect(res.body, text).toEqual({ response_type: 'ephemeral', text: DATABASE_OUT_OF_REACH });
      }

      // The form: the message under its first field, so the modal stays open with what they typed.
      const form = await h.slack.viewSubmission(REQ, 'pull_create', {
        manager: input.user(MGR, 'pull_manager_selected'),
        need: input.text('Submitted while the server is down'),
        kind: input.option('decision'),
      });
      expect(form.status).toBe(200);
      expect(form.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
      expect(form.body).toEqual({ response_action: 'errors', errors: { manager: DATABASE_OUT_OF_REACH } });

      // A Home tab button (acknowledged first, no response_url): a small modal says it where they are.
      const opensBefore = h.fake.callsTo('views.open').length;
      const button = await h.slack.action(REQ, 'home_pull_in', '', { container: 'view' });
      expect(button.status).toBe(200);
      expect(button.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
      const notice = await eventually(() => {
        const opened = h.fake.callsTo('views.open').slice(opensBefore);
        expect(opened).toHaveLength(1);
        return opened[0];
      });
      expect(JSON.stringify(notice?.args.view)).toContain(JSON.stringify(DATABASE_OUT_OF_REACH).slice(1, -1));

      await h.app.inflight.drained();
      // Each failure logged once, with what was asked and by whom; nothing reached Bolt's error handler.
      const logged = h.logs.slice(logsBefore);
      expect(logged.filter((l) => l.includes('a Slack request failed'))).toEqual([]);
      const outOfReach = logged.filter((l) => l.includes('the database is out of reach'));
      expect(outOfReach, outOfReach.join('\n')).toHaveLength(4);
      for (const line of outOfReach) expect(line).toContain(REQ);
      expect(logged.filter((l) => l.includes('could not save a new pull'))).toHaveLength(1);

      await startAgain();
      // Back without a restart: the pool opens new connections on its own.
      await eventually(async () => expect((await h.health()).status).toBe(200), 10_000);
      // Nothing that was refused was kept or sent.
      expect(await allPulls()).toHaveLength(before);
      expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)).toHaveLength(dmsBefore);
      await pullWorks(`after the ${mode} stop`);
      expect(await allPulls()).toHaveLength(before + 1);
    });
  }

  it('stopped partway through a /pull that was kept: says it was saved, not "try again"', async () => {
    const need = 'kept before the server went away';
    // The manager's DM is slow; while Slack takes its time, the server goes away.
    h.fake.failNext('chat.postMessage', { kind: 'slow', ms: 1500 });
    const res = await h.slack.command('/pull', `<@${MGR}|maria> ${need}`, REQ);
    expect(JSON.stringify(res.body)).toContain('Pulled in');
    await eventually(() => expect(h.fake.inFlight).toBe(1));
    await cluster.stop('fast');
    onTheWayOut(() => cluster.start());
    const told = await h.fake.waitForResponse((b) => b.text === DATABASE_LOST_PARTWAY);
    expect(told).toMatchObject({ response_type: 'ephemeral' });
    await h.app.inflight.drained();
    expect(h.fake.responses.filter((r) => r.body.text === DATABASE_OUT_OF_REACH)).toEqual([]);
    await startAgain();
    expect((await allPulls()).map((p) => p.need)).toContain(need);
  });
});

describe('a PostgreSQL server that is down at start', () => {
  it('`pushpull start` prints one line naming the server, and exits 1', async () => {
    const fake = await new FakeSlack().start();
    try {
      await cluster.stop('fast');
      onTheWayOut(() => cluster.start());
      const out = await runCli(['start'], {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: cluster.url(),
        PORT: '0',
      });
      expect(out.code, out.stderr).toBe(1);
      expect(out.stderr).toBe(
        `Pushpull cannot start: PostgreSQL at ${cluster.url()} cannot be reached (ECONNREFUSED): start the server, or fix the host and port in DATABASE_URL\n`,
      );
      expect(fake.calls).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});

describe('a PostgreSQL server that takes connections but never answers', () => {
  it('reads as unavailable to /healthz within its deadline, not after the pool has waited', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    // A pool that would wait far longer for its connection than a load balancer waits for /healthz.
    const store = openPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, {
      connectTimeoutMs: 20_000,
    });
    try {
      const started = performance.now();
      expect(await store.health()).toBe('unavailable');
      const ms = performance.now() - started;
      expect(ms).toBeGreaterThanOrEqual(HEALTH_DEADLINE_MS - 50);
      expect(ms).toBeLessThan(HEALTH_DEADLINE_MS + 1000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await store.close().catch(() => undefined);
      await new Promise<void>((done) => silent.close(() => done()));
    }
  });
});
