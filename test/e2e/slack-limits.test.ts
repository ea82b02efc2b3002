// Slack's Block Kit limits under data that grows: every surface stays within what Slack accepts.
// The fake Slack refuses a breach (and the driver checks ack bodies); each test also says which limit it drives.
import { afterEach, describe, expect, it } from 'vitest';
import { tables, transaction } from '../../src/db/store.js';
import { slackMessage } from '../support/block-kit.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';
import { escapeTyped, mention, typed } from '../support/slack-driver.js';

const MGR = 'UMGR0001';
const REQ = 'UREQ0001';
const NOV_2026 = Date.UTC(2026, 10, 24, 15);

let h: Harness;
afterEach(async () => {
  await h?.stop();
});
const start = async (env: Record<string, string> = {}) => {
  h = await startHarness({ env, now: NOV_2026 });
  return h;
};

/** What the fake and the driver found wrong so far, taken so the assertion names it. */
const breaches = () =>
  h.fake.takeViolations().flatMap((v) => v.breaches.map((b) => `${v.method}: ${slackMessage(b)}`));

/** The call to `method`, whether Slack took it or refused it (`method#error`), so a refusal is named. */
const answered = (method: string, predicate: (a: Record<string, unknown>) => boolean = () => true) =>
  eventually(() => {
    const call = h.fake.calls.find((c) => c.method.split('#')[0] === method && predicate(c.args));
    if (!call) throw new Error(`no ${method} call yet`);
    return call;
  });

type Block = { type: string; elements?: { text?: string }[] };
const blocksOf = (body: unknown): Block[] => (body as { blocks?: Block[] }).blocks ?? [];

describe('/push list', () => {
  it('stays within 50 blocks after many add and drop cycles', async () => {
    await start();
    const { pushes } = tables(h.store.db);
    for (let i = 1; i <= 60; i++) {
      await h.slack.command('/push', `add Cycle ${i}`, MGR);
      const list = await h.store.db.select().from(pushes).orderBy(pushes.id);
      const open = list.filter((p) => p.status === 'on-track');
      // Its number in `/push list` is its position among this quarter's pushes, oldest first.
      const position = list.indexOf(open[0] as (typeof list)[number]) + 1;
      await h.slack.command('/push', `drop ${position}`, MGR);
    }
    expect(await h.store.db.select().from(pushes).orderBy(pushes.id)).toHaveLength(60);
    const res = await h.slack.command('/push', 'list', MGR);
    expect(res.status).toBe(200);
    expect(breaches()).toEqual([]);
    expect(blocksOf(res.body).length).toBeLessThanOrEqual(50);
    // Closed pushes share one line, keeping the numbers `/push done N` and `/push drop N` use.
    expect(JSON.stringify(res.body)).toContain('*60.* Dropped: Cycle 60');
  });

  it('keeps the previous-quarter summary within 3,000 characters', async () => {
    await start();
    const { pushes } = tables(h.store.db);
    await h.store.db.insert(pushes).values(
      Array.from({ length: 60 }, (_, n) => {
        const i = n + 1;
        return {
          managerId: MGR,
          ownerId: MGR,
          quarter: '2026-Q4',
          title: `A long-winded push title number ${i} & some more words to fill it up`,
          status: 'dropped' as const,
          createdAt: NOV_2026 + i,
          updatedAt: NOV_2026 + i,
          closedAt: NOV_2026 + i,
        };
      }),
    );
    h.clock.now = Date.UTC(2027, 0, 5, 12);
    const res = await h.slack.command('/push', 'list', MGR);
    expect(breaches()).toEqual([]);
    const contexts = blocksOf(res.body).filter((b) => b.type === 'context');
    for (const c of contexts)
      for (const e of c.elements ?? []) expect([...(e.text ?? '')].length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(res.body)).toContain('2026 Q4');
  });

  it('answers 6,000 characters of junk with a short reply', async () => {
    await start();
    const junk = escapeTyped('zq<&>🎉'.repeat(1000));
    for (const text of [junk, `list ${junk}`, `done ${junk}`]) {
      const res = await h.slack.command('/push', text, MGR);
      expect(res.status).toBe(200);
      const reply = String((res.body as { text?: unknown }).text ?? '');
      expect(reply.length).toBeGreaterThan(0);
      expect(reply.length).toBeLessThanOrEqual(300);
      // A cut never leaves half an emoji or half an entity.
      expect(reply).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(reply).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(breaches()).toEqual([]);
  });
});

describe('the recognition form', () => {
  // Slack channel names run to 80 characters; "Share it in #…" must still fit an option's 75.
  const LONG = `#${'k'.repeat(80)}`;

  it('opens from the global shortcut with a long recognition channel name', async () => {
    await start({ RECOGNITION_CHANNEL: LONG });
    const res = await h.slack.shortcut('ULEAD001', 'recognize_advocate');
    expect(res.status).toBe(200);
    const open = await answered('views.open');
    expect(breaches()).toEqual([]);
    expect(open.method).toBe('views.open');
  });

  it('opens from the message shortcut with a long recognition channel name', async () => {
    await start({ RECOGNITION_CHANNEL: LONG });
    await h.slack.messageShortcut('ULEAD001', 'recognize_advocate_message', {
      user: 'UADV0001',
      text: 'Closed it',
      ts: '1732000000.000100',
    });
    const open = await answered('views.open');
    expect(breaches()).toEqual([]);
    expect(open.method).toBe('views.open');
  });
});

describe('a new pull', () => {
  it('tells the manager it was asked under a minute ago, never "just now ago"', async () => {
    await start();
    await h.slack.command('/pull', typed`${mention(MGR, 'maria')} Can we ship Friday?`, REQ);
    const dm = await answered('chat.postMessage', (a) => a.channel === MGR);
    const text = JSON.stringify(dm.args.blocks) + String(dm.args.text);
    expect(text).toContain('Can we ship Friday?');
    expect(text).not.toContain('just now ago');
    expect(breaches()).toEqual([]);
  });
});

describe('the Home tab', () => {
  it('stays within 100 blocks with hundreds of pulls, pushes and recognitions', async () => {
    await start();
    const { pulls, pushes, recognitions } = tables(h.store.db);
    const others = Array.from({ length: 300 }, (_, i) => ({ i, other: `UOTH${String(i).padStart(4, '0')}` }));
    const pullRows = others.flatMap(({ i, other }) => [
      { requesterId: other, managerId: MGR, need: `awaiting ${i}`, createdAt: NOV_2026 - i },
      { requesterId: MGR, managerId: other, need: `sent ${i}`, createdAt: NOV_2026 - i },
    ]);
    await transaction(h.store.db, async (tx) => {
      for (let from = 0; from < pullRows.length; from += 500)
        await tx.insert(pulls).values(pullRows.slice(from, from + 500));
      await tx.insert(pushes).values([
        ...others.map(({ i, other }) => ({
          managerId: other,
          ownerId: MGR,
          quarter: '2026-Q4',
          title: `owned for others ${i}`,
          createdAt: NOV_2026 - i,
          updatedAt: NOV_2026 - i,
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          managerId: MGR,
          ownerId: MGR,
          quarter: '2026-Q4',
          title: `mine ${i}`,
          createdAt: NOV_2026,
          updatedAt: NOV_2026,
        })),
      ]);
      await tx.insert(recognitions).values(
        others.map(({ i, other }) => ({
          recognizerId: i % 2 ? MGR : other,
          advocateId: i % 2 ? other : MGR,
          advocateFunction: 'finance' as const,
          what: `helped ${i}`,
          createdAt: NOV_2026 - i,
        })),
      );
    });
    await h.slack.event({ type: 'app_home_opened', user: MGR, channel: 'D0HOME', tab: 'home' });
    const publish = await answered('views.publish', (a) => a.user_id === MGR);
    expect(breaches()).toEqual([]);
    const view = publish.args.view as { blocks: unknown[] };
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).toContain('Awaiting you (300)');
  });
});
