// A forged answer from a Home tab button changes nothing. (`npx pushpull forget`: test/process/forget.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

describe('authorization from the Home tab', () => {
  it('refuses a forged answer from a Home tab button by DM, changing nothing', async () => {
    h = await startHarness();
    await h.slack.command('/pull', '<@UMGR0001> home forgery', 'UREQ0001');
    const { pulls } = tables(h.store.db);
    await eventually(async () =>
      expect((await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0]?.managerTs).toBeTruthy(),
    );
    const id = String((await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0]?.id);
    await h.slack.action('UOUTSID1', 'pull_acknowledge', id, { container: 'view' });
    await h.slack.action('UOUTSID1', 'pull_decision', id, { container: 'view' });
    await h.slack.action('UOUTSID1', 'pull_withdraw', id, { container: 'view' });
    await h.app.inflight.drained();
    const refusals = h.fake.callsTo('chat.postMessage', (a) => a.channel === 'UOUTSID1');
    expect(refusals).toHaveLength(3);
    for (const r of refusals) expect(String(r.args.text)).toContain('Only');
    expect((await h.store.db.select().from(pulls).orderBy(pulls.id).limit(1))[0]?.status).toBe('open');
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });
});
