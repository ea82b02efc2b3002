// A SQLite file that stops taking writes under the running app (deleted, closed, or made read-only): nobody is told
// something happened that was not saved, and /healthz says so. A server going away is test/postgres's.
import { unlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from '../support/harness.js';
import { lastPullWithDm, memberById, pullById, welcomesTo } from '../support/reads.js';
import { mention, typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const DEP = 'UDEP0001';
const MONDAY_0930_UTC = Date.UTC(2026, 10, 23, 9, 30);

let h: Harness;
afterEach(async () => {
  await h.stop();
});

describe('a database file that cannot take a write', () => {
  it('says welcome back only once the return is saved: a database that cannot take it leaves them away', async () => {
    h = await startHarness({ now: MONDAY_0930_UTC });
    h.fake.users.set(MGR, { tz: 'America/New_York' });
    expect((await h.slack.command('/pull', 'away 2026-12-04', MGR)).status).toBe(200);
    unlinkSync(h.sqlite().path);
    const res = await h.slack.command('/pull', 'back', MGR);
    expect(res.status).toBe(200);
    expect((res.body as { text: string }).text).toContain('could not save that');
    expect(JSON.stringify(res.body)).not.toContain('Welcome back');
    await h.app.inflight.drained();
    expect(welcomesTo(h, MGR)).toHaveLength(0);
    expect(await memberById(h, MGR)).toMatchObject({ awayUntil: '2026-12-04', awaySince: MONDAY_0930_UTC });
  });

  it('tells the requester when sending on to the deputy could not be saved, and sends nothing', async () => {
    h = await startHarness({ now: Date.UTC(2026, 10, 24, 12) });
    await h.slack.command('/pull', typed`away 2026-12-04 ${mention(DEP)}`, MGR);
    await h.slack.command('/pull', typed`${mention(MGR)} Can we ship Friday?`, REQ);
    const { id } = await eventually(() => lastPullWithDm(h));
    await h.app.inflight.drained();
    h.sqlite().sqlite.pragma('query_only = ON');
    try {
      await h.slack.action(REQ, 'pull_pass_to_deputy', String(id), { container: 'ephemeral' });
      const told = await h.fake.waitForResponse((b) => String(b.text).includes('could not save'));
      expect(told).toMatchObject({ response_type: 'ephemeral' });
      await h.app.inflight.drained();
    } finally {
      h.sqlite().sqlite.pragma('query_only = OFF');
    }
    expect(await pullById(h, id)).toMatchObject({ managerId: MGR, awayFromId: null, status: 'open' });
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === DEP)).toHaveLength(0);
    expect(h.logs.some((l) => l.includes('could not save a pull sent on to a deputy'))).toBe(true);
  });

  it('answers /healthz with 503 when the database is gone', async () => {
    h = await startHarness();
    h.sqlite().sqlite.close();
    const res = await fetch(`${h.slack.appUrl}/healthz`);
    expect(res.status).toBe(503);
  });
});
