import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pulls } from '../../src/db/schema.js';
import { BOT_TOKEN, eventually, type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { signature } from '../support/slack-driver.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('the HTTP receiver', () => {
  it('refuses a bad signature before any work', async () => {
    const res = await h.slack.command('/pull', '<@UMGR0001> sneaky', 'UREQ0001', {
      signature: 'v0=deadbeef',
    });
    expect(res.status).toBe(401);
    expect(h.store.db.select().from(pulls).all()).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('refuses a stale (replayed) request even with a valid signature', async () => {
    const old = Math.floor(Date.now() / 1000) - 10 * 60;
    const body = 'command=%2Fpull&text=list&user_id=UREQ0001&trigger_id=t';
    const res = await h.slack.post(body, 'application/x-www-form-urlencoded', {
      timestamp: old,
      signature: signature(SIGNING_SECRET, old, body),
    });
    expect(res.status).toBe(401);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('answers GET /healthz with 200 and a small JSON body', async () => {
    const res = await fetch(`${h.slack.appUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: 'ok' });
  });

  it('answers /healthz with 503 when the database is gone', async () => {
    h.store.sqlite.close();
    const res = await fetch(`${h.slack.appUrl}/healthz`);
    expect(res.status).toBe(503);
  });

  it('retries a DM after 429 Retry-After so no message is lost', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 2);
    await h.slack.command('/pull', '<@UMGR0001> rate limited?', 'UREQ0001');
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === 'UMGR0001', 8000);
    const limited = h.fake.callsTo('chat.postMessage#429');
    expect(limited).toHaveLength(2);
    expect(dm.at - (limited[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('never writes tokens or the signing secret to its logs', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'invalid_auth' });
    await h.slack.command('/pull', '<@UMGR0001> anything', 'UREQ0001');
    await h.slack.command('/pull', 'list', 'UREQ0001', { signature: 'v0=bad' });
    await eventually(() => expect(h.logs.some((l) => l.includes('invalid_auth'))).toBe(true));
    expect(h.logs.length).toBeGreaterThan(0);
    for (const line of h.logs) {
      expect(line).not.toContain(BOT_TOKEN);
      expect(line).not.toContain(SIGNING_SECRET);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});

describe('restarts', () => {
  it('keeps every pull across a restart on the same database file', async () => {
    for (const need of ['one', 'two', 'three'])
      await h.slack.command('/pull', `<@UMGR0001> ${need}`, 'UREQ0001');
    await eventually(() => expect(h.fake.callsTo('chat.postMessage')).toHaveLength(3));
    await h.stopApp();
    const again = await startHarness({ dir: h.dir, fake: h.fake });
    try {
      const res = await again.slack.command('/pull', 'list', 'UMGR0001');
      const text = JSON.stringify(res.body);
      for (const need of ['one', 'two', 'three']) expect(text).toContain(need);
      expect(again.store.db.select().from(pulls).all()).toHaveLength(3);
    } finally {
      await again.stopApp();
    }
  });
});
