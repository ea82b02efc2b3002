import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { PULL_CREATE_VIEW, PULL_RESOLVE_VIEW } from '../../src/slack/blocks/pulls.js';
import { PUSH_CREATE_VIEW, PUSH_UPDATE_VIEW } from '../../src/slack/blocks/pushes.js';
import { RECOGNIZE_VIEW } from '../../src/slack/blocks/recognitions.js';
import { BOT_TOKEN, eventually, type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { signature, TEAM } from '../support/slack-driver.js';

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
    await h.app.inflight.drained();
    const { pulls } = tables(h.store.db);
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(0);
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
    await h.app.inflight.drained();
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('answers GET /healthz with 200 and a small JSON body', async () => {
    const res = await fetch(`${h.slack.appUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: 'ok' });
  });

  it('retries a DM after 429 Retry-After, not before, so no message is lost', async () => {
    // One Retry-After of one second proves the wait; several 429s in a row are faults.test.ts's storm.
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 1);
    await h.slack.command('/pull', '<@UMGR0001> rate limited?', 'UREQ0001');
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === 'UMGR0001', 8000);
    const limited = h.fake.callsTo('chat.postMessage#429');
    expect(limited).toHaveLength(1);
    // Date.now() has millisecond grain on both sides, so a one-second wait can read as 999 ms.
    expect(dm.at - (limited[0]?.at ?? 0)).toBeGreaterThanOrEqual(995);
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

describe('modals closed with Cancel or ×', () => {
  /** A view_closed payload as Slack documents it: the closed view, and whether the whole stack went. */
  const viewClosed = (callbackId: string, isCleared: boolean) => ({
    type: 'view_closed',
    team: { id: TEAM, domain: 'acme' },
    user: { id: 'UREQ0001', username: 'ureq0001', name: 'ureq0001', team_id: TEAM },
    api_app_id: 'A0PUSHPULL',
    token: 'legacy-verification-token',
    view: {
      id: 'VMODAL',
      team_id: TEAM,
      type: 'modal',
      title: { type: 'plain_text', text: 'Pushpull' },
      blocks: [],
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Send' },
      private_metadata: JSON.stringify({ pullId: 1, resolution: 'decision' }),
      callback_id: callbackId,
      state: { values: {} },
      hash: 'h1',
      clear_on_close: false,
      notify_on_close: true,
      root_view_id: 'VMODAL',
      app_id: 'A0PUSHPULL',
      external_id: '',
      app_installed_team_id: TEAM,
      bot_id: 'BBOT0001',
    },
    is_cleared: isCleared,
  });

  it('acknowledges view_closed for every Pushpull modal with 200 and changes nothing', async () => {
    for (const callbackId of [
      PULL_CREATE_VIEW,
      PULL_RESOLVE_VIEW,
      PUSH_CREATE_VIEW,
      PUSH_UPDATE_VIEW,
      RECOGNIZE_VIEW,
    ]) {
      for (const isCleared of [false, true]) {
        const res = await h.slack.interactive(viewClosed(callbackId, isCleared));
        expect(res.status, `${callbackId} is_cleared=${isCleared}`).toBe(200);
        expect(res.body).toBe('');
      }
    }
    await h.app.inflight.drained();
    const { members, pulls, pushes, recognitions } = tables(h.store.db);
    for (const table of [pulls, pushes, recognitions, members])
      expect(await h.store.db.select().from(table)).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('is never asked for by a Pushpull modal: none sets notify_on_close', async () => {
    await h.slack.command('/pull', '', 'UREQ0001');
    await h.slack.command('/push', 'add', 'UMGR0001');
    await h.slack.shortcut('ULEAD001', 'recognize_advocate');
    await h.slack.command('/push', 'add Land the pilot', 'UMGR0001');
    await h.slack.command('/push', 'update 1', 'UMGR0001');
    await h.slack.command('/pull', '<@UMGR0001> a decision, please', 'UREQ0001');
    const { pulls } = tables(h.store.db);
    const pull = await eventually(async () => {
      const row = (await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0];
      if (!row?.managerTs) throw new Error('manager DM not recorded yet');
      return row;
    });
    await h.slack.action('UMGR0001', 'pull_decision', String(pull.id));
    await h.app.inflight.drained();
    const views = h.fake.calls
      .filter((c) => /^views\.(open|push|update)$/.test(c.method))
      .map((c) => c.args.view as { callback_id?: string; notify_on_close?: boolean });
    expect(new Set(views.map((v) => v.callback_id))).toEqual(
      new Set([PULL_CREATE_VIEW, PUSH_CREATE_VIEW, RECOGNIZE_VIEW, PUSH_UPDATE_VIEW, PULL_RESOLVE_VIEW]),
    );
    for (const view of views) expect(view.notify_on_close, view.callback_id).not.toBe(true);
  });
});

describe('restarts', () => {
  it('keeps every pull across a restart on the same database file', async () => {
    for (const need of ['one', 'two', 'three'])
      await h.slack.command('/pull', `<@UMGR0001> ${need}`, 'UREQ0001');
    await eventually(() => expect(h.fake.callsTo('chat.postMessage')).toHaveLength(3));
    await h.stopApp();
    const again = await startHarness({ dir: h.dir, fake: h.fake });
    const { pulls } = tables(again.store.db);
    try {
      const res = await again.slack.command('/pull', 'list', 'UMGR0001');
      const text = JSON.stringify(res.body);
      for (const need of ['one', 'two', 'three']) expect(text).toContain(need);
      expect(await again.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(3);
    } finally {
      await again.stopApp();
    }
  });
});
