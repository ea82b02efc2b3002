// Lists read only what they show: `/pull list` and the Home tab show the first of each list, oldest or newest
// first as before, and count the rest, whatever is mixed in around them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { homesDrained } from '../../src/slack/home.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';
import { mention, typed } from '../support/slack-driver.js';

const NOW = Date.UTC(2026, 10, 24, 15);
const DAY = 86_400_000;
const MGR = 'UMGR0001';
const LEAD = 'ULEAD001';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: NOW });
});
afterEach(async () => {
  await h.stop();
});

type Status = 'open' | 'acknowledged' | 'resolved' | 'withdrawn';
async function pull(
  need: string,
  over: { requesterId?: string; managerId?: string; status?: Status; at: number },
) {
  const { pulls } = tables(h.store.db);
  await h.store.db.insert(pulls).values({
    requesterId: over.requesterId ?? `UREQ${need.replace(/\D/g, '').padStart(4, '0')}`,
    managerId: over.managerId ?? MGR,
    need,
    status: over.status ?? 'open',
    createdAt: over.at,
  });
}

describe('/pull list', () => {
  it('shows the ten oldest open pulls of each list, counts all of them, and leaves closed ones out', async () => {
    // Awaiting MGR: 25 open or acknowledged, oldest first by number, with closed ones older still.
    for (let i = 0; i < 25; i++) {
      await pull(`awaiting ${i}`, {
        status: i % 3 === 0 ? 'acknowledged' : 'open',
        at: NOW - (100 - i) * DAY,
      });
      await pull(`closed ${i}`, { status: i % 2 ? 'resolved' : 'withdrawn', at: NOW - (200 - i) * DAY });
    }
    // Sent by MGR to their lead: 12 open, and one resolved.
    for (let i = 0; i < 12; i++) {
      await pull(`sent ${i}`, { requesterId: MGR, managerId: LEAD, at: NOW - (50 - i) * DAY });
    }
    await pull('sent done', { requesterId: MGR, managerId: LEAD, status: 'resolved', at: NOW - 60 * DAY });

    const res = await h.slack.command('/pull', 'list', MGR);
    const text = JSON.stringify(res.body);
    expect(text).toContain('Awaiting you (25)');
    expect(text).toContain('You pulled in (12)');
    expect(text).toContain('25 pulls awaiting you, 12 sent and open.');
    const shownAwaiting = [...text.matchAll(/awaiting (\d+)/g)].map((m) => Number(m[1]));
    expect(shownAwaiting).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const shownSent = [...text.matchAll(/sent (\d+)/g)].map((m) => Number(m[1]));
    expect(shownSent).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(text).toContain('…and 15 more pulls');
    expect(text).toContain('…and 2 more pulls');
    expect(text).not.toContain('closed ');
    expect(text).not.toContain('sent done');
  });
});

describe('the Home tab', () => {
  it('shows the five newest recognitions this quarter and counts all it received and gave', async () => {
    const { recognitions } = tables(h.store.db);
    const add = async (recognizerId: string, advocateId: string, what: string, at: number) => {
      await h.store.db
        .insert(recognitions)
        .values({ recognizerId, advocateId, advocateFunction: 'support', what, createdAt: at });
    };
    for (let i = 0; i < 7; i++) await add(`UPEER00${i}`, MGR, `received ${i}`, NOW - (i + 1) * DAY);
    for (let i = 0; i < 3; i++) await add(MGR, `UPEER00${i}`, `gave ${i}`, NOW - (i + 1) * DAY - 3_600_000);
    // Last quarter, and someone else's: neither counts.
    await add('UPEER009', MGR, 'long ago', NOW - 200 * DAY);
    await add('UPEER008', 'UPEER007', 'not mine', NOW - DAY);

    await h.slack.event({ type: 'app_home_opened', user: MGR, channel: 'D0HOME', tab: 'home' });
    const publish = await h.fake.waitFor('views.publish', (a) => a.user_id === MGR);
    const json = JSON.stringify(publish.args.view);
    expect(json).toContain('7 received, 3 given');
    // Newest first: a day ago received 0, then gave 0 an hour earlier, and so on.
    const shown = [...json.matchAll(/(received|gave) (\d)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(shown).toEqual(['received 0', 'gave 0', 'received 1', 'gave 1', 'received 2']);
    expect(json).toContain('…and 5 more recognitions');
    expect(json).not.toContain('long ago');
    expect(json).not.toContain('not mine');
  });
});

describe('Home refreshes', () => {
  it('a burst of pulls to a manager is one or two publishes of their Home, the last showing all of them', async () => {
    await h.slack.event({ type: 'app_home_opened', user: MGR, channel: 'D0HOME', tab: 'home' });
    await h.fake.waitFor('views.publish', (a) => a.user_id === MGR);
    const before = h.fake.callsTo('views.publish', (a) => a.user_id === MGR).length;

    const sent = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) =>
        h.slack.command('/pull', typed`${mention(MGR)} burst need ${i}`, `UREQ000${i}`),
      ),
    );
    expect(sent.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await eventually(() => {
      const last = h.fake.callsTo('views.publish', (a) => a.user_id === MGR).at(-1);
      const json = JSON.stringify(last?.args.view);
      for (const i of [1, 2, 3, 4, 5, 6]) expect(json).toContain(`burst need ${i}`);
    });
    await homesDrained(h.app.deps);
    const publishes = h.fake.callsTo('views.publish', (a) => a.user_id === MGR).length - before;
    // Six changes, coalesced: one publish, or two when the burst straddles one under way.
    expect(publishes).toBeGreaterThanOrEqual(1);
    expect(publishes).toBeLessThanOrEqual(2);
  });
});
