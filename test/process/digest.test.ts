// `pushpull digest send` and `digest preview` as their own processes on the app's database, and two of them
// sending at the same moment.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { runCli } from '../support/cli.js';
import { digestsIn, managerWithPull } from '../support/digests.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { type Harness, startHarness } from '../support/harness.js';

const DAY = 86_400_000;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const digestsTo = (user: string) => digestsIn(h.fake, user);

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

describe('`pushpull digest`', () => {
  it('`pushpull digest send` twice sends once, and prints what it did', async () => {
    h = await startHarness();
    await managerWithPull(h, 'UMGRUTC1', 'UTC');
    const first = await runCli(['digest', 'send'], h.env);
    expect(first.stdout).toContain('1 sent');
    expect(first.code).toBe(0);
    const second = await runCli(['digest', 'send'], h.env);
    expect(second.stdout).toContain('0 sent, 1 skipped');
    expect(digestsTo('UMGRUTC1')).toHaveLength(1);
  });

  it('two processes sending against one database at the same moment send once per manager', async () => {
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
    await managerWithPull(h, 'UMGRUTC1', 'UTC', 'Preview me');
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
