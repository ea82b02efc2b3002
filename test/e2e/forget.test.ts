import { afterEach, describe, expect, it } from 'vitest';
import { agreements, members, pulls, pushes, pushUpdates, recognitions } from '../../src/db/schema.js';
import {
  agreementsForExport,
  confirmAgreement,
  defineSuccess,
  repeatBack,
} from '../../src/domain/agreements.js';
import { runCli } from '../support/cli.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

describe('npx pushpull forget', () => {
  it("erases a person's data on request, keeping everyone else's", async () => {
    h = await startHarness();
    const GONE = 'UGONE001';
    await h.slack.command('/pull', `manager <@UMGR0001>`, GONE);
    await h.slack.command('/pull', `<@UMGR0001> mine to forget`, GONE);
    await h.slack.command('/pull', `<@${GONE}> asked of them`, 'UREQ0001');
    await h.slack.command('/pull', `<@UMGR0001> someone else's`, 'UREQ0001');
    await h.slack.command('/push', 'add Their push', GONE);
    await h.slack.viewSubmission('UMGR0001', 'push_create', {
      title: input.text('Owned by them'),
      owner: { value: { type: 'users_select', selected_user: GONE } },
    });
    await h.slack.viewSubmission(GONE, 'recognize_advocate_submit', {
      advocate: input.user('UADV0001'),
      function: input.option('legal'),
      what: input.text('Fast contract review'),
    });
    await eventually(() => expect(h.store.db.select().from(recognitions).all()).toHaveLength(1));
    await h.app.inflight.drained();

    const out = await runCli(['forget', GONE], h.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Forgot ${GONE}: profile deleted, 2 pulls, 1 pushes`);

    const all = JSON.stringify([
      h.store.db.select().from(members).all(),
      h.store.db.select().from(pulls).all(),
      h.store.db.select().from(pushes).all(),
      h.store.db.select().from(pushUpdates).all(),
      h.store.db.select().from(recognitions).all(),
    ]);
    expect(all).not.toContain(GONE);
    expect(
      h.store.db
        .select()
        .from(pulls)
        .all()
        .map((p) => p.need),
    ).toEqual(["someone else's"]);
    expect(h.store.db.select().from(pushes).all()).toMatchObject([
      { title: 'Owned by them', ownerId: 'UMGR0001' },
    ]);

    const bad = await runCli(['forget', 'not-an-id'], h.env);
    expect(bad.code).toBe(2);
  });
});

describe('npx pushpull forget, for agreements', () => {
  it('erases every agreement the person is part of, on either side, and keeps the others', async () => {
    h = await startHarness();
    const GONE = 'UGONE001';
    const agreeOn = async (requester: string, manager: string, success: string) => {
      await h.slack.viewSubmission(requester, 'pull_create', {
        manager: input.user(manager, 'pull_manager_selected'),
        need: input.text(`Define success: ${success}`),
        kind: input.option('define-success'),
      });
      const id = await eventually(() => {
        const pull = h.store.db
          .select()
          .from(pulls)
          .all()
          .find((p) => p.need.endsWith(success));
        if (!pull) throw new Error('not yet');
        return pull.id;
      });
      const db = h.store.db;
      expect(defineSuccess(db, id, manager, { success, guardrails: 'No new hires' }, 1).ok).toBe(true);
      expect(repeatBack(db, id, requester, { ownWords: `${success}, in my words` }).ok).toBe(true);
      expect(confirmAgreement(db, id, manager, 2).ok).toBe(true);
    };
    await agreeOn(GONE, 'UMGR0001', 'theirs as requester');
    await agreeOn('UREQ0001', GONE, 'theirs as manager');
    await agreeOn('UREQ0001', 'UMGR0001', 'someone else’s');
    await h.app.inflight.drained();

    const out = await runCli(['forget', GONE], h.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('2 agreements');
    const left = h.store.db.select().from(agreements).all();
    expect(JSON.stringify(left)).not.toContain(GONE);
    expect(left.map((a) => a.success)).toEqual(['someone else’s']);
    expect(JSON.stringify(agreementsForExport(h.store.db))).not.toContain(GONE);
  });
});

describe('authorization from the Home tab', () => {
  it('refuses a forged answer from a Home tab button by DM, changing nothing', async () => {
    h = await startHarness();
    await h.slack.command('/pull', '<@UMGR0001> home forgery', 'UREQ0001');
    await eventually(() => expect(h.store.db.select().from(pulls).get()?.managerTs).toBeTruthy());
    const id = String(h.store.db.select().from(pulls).get()?.id);
    await h.slack.action('UOUTSID1', 'pull_acknowledge', id, { container: 'view' });
    await h.slack.action('UOUTSID1', 'pull_decision', id, { container: 'view' });
    await h.slack.action('UOUTSID1', 'pull_withdraw', id, { container: 'view' });
    await h.app.inflight.drained();
    const refusals = h.fake.callsTo('chat.postMessage', (a) => a.channel === 'UOUTSID1');
    expect(refusals).toHaveLength(3);
    for (const r of refusals) expect(String(r.args.text)).toContain('Only');
    expect(h.store.db.select().from(pulls).get()?.status).toBe('open');
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });
});
