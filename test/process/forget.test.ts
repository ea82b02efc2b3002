// `npx pushpull forget`: the real CLI process erases a person from the app's database, keeping everyone else.
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
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
    const { members, pulls, pushUpdates, pushes, recognitions } = tables(h.store.db);
    await eventually(async () =>
      expect(await h.store.db.select().from(recognitions).orderBy(recognitions.id)).toHaveLength(1),
    );
    await h.app.inflight.drained();

    const out = await runCli(['forget', GONE], h.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Forgot ${GONE}: profile deleted, 2 pulls, 1 pushes`);

    const all = JSON.stringify([
      await h.store.db.select().from(members).orderBy(members.userId),
      await h.store.db.select().from(pulls).orderBy(pulls.id),
      await h.store.db.select().from(pushes).orderBy(pushes.id),
      await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id),
      await h.store.db.select().from(recognitions).orderBy(recognitions.id),
    ]);
    expect(all).not.toContain(GONE);
    expect((await h.store.db.select().from(pulls).orderBy(pulls.id)).map((p) => p.need)).toEqual([
      "someone else's",
    ]);
    expect(await h.store.db.select().from(pushes).orderBy(pushes.id)).toMatchObject([
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
    const { agreements, pulls } = tables(h.store.db);
    const agreeOn = async (requester: string, manager: string, success: string) => {
      await h.slack.viewSubmission(requester, 'pull_create', {
        manager: input.user(manager, 'pull_manager_selected'),
        need: input.text(`Define success: ${success}`),
        kind: input.option('define-success'),
      });
      const id = await eventually(async () => {
        const pull = (await h.store.db.select().from(pulls).orderBy(pulls.id)).find((p) =>
          p.need.endsWith(success),
        );
        if (!pull) throw new Error('not yet');
        return pull.id;
      });
      const db = h.store.db;
      expect((await defineSuccess(db, id, manager, { success, guardrails: 'No new hires' }, 1)).ok).toBe(
        true,
      );
      expect((await repeatBack(db, id, requester, { ownWords: `${success}, in my words` })).ok).toBe(true);
      expect((await confirmAgreement(db, id, manager, 2)).ok).toBe(true);
    };
    await agreeOn(GONE, 'UMGR0001', 'theirs as requester');
    await agreeOn('UREQ0001', GONE, 'theirs as manager');
    await agreeOn('UREQ0001', 'UMGR0001', 'someone else’s');
    await h.app.inflight.drained();

    const out = await runCli(['forget', GONE], h.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('2 agreements');
    const left = await h.store.db.select().from(agreements).orderBy(agreements.id);
    expect(JSON.stringify(left)).not.toContain(GONE);
    expect(left.map((a) => a.success)).toEqual(['someone else’s']);
    expect(JSON.stringify(await agreementsForExport(h.store.db))).not.toContain(GONE);
  });
});

describe('forget and time away', () => {
  it('clears them as a deputy and as the away manager a pull was sent on from', async () => {
    h = await startHarness({ now: Date.UTC(2026, 10, 23, 9, 30) });
    const GONE = 'UGONE001';
    const DEP = 'UDEP0001';
    await h.slack.command('/pull', `away 2026-12-04 <@${DEP}>`, GONE);
    await h.slack.command('/pull', `away 2026-12-04 <@${GONE}>`, 'UMGR0001');
    await h.slack.command('/pull', `<@${GONE}> while they are away`, 'UREQ0001');
    const { members, pulls } = tables(h.store.db);
    const pull = await eventually(async () => {
      const found = (await h.store.db.select().from(pulls).orderBy(pulls.id))[0];
      if (!found?.managerTs) throw new Error('not yet');
      return found;
    });
    await h.slack.action('UREQ0001', 'pull_pass_to_deputy', String(pull.id), { container: 'ephemeral' });
    await eventually(async () =>
      expect((await h.store.db.select().from(pulls).orderBy(pulls.id))[0]?.awayFromId).toBe(GONE),
    );
    await h.app.inflight.drained();

    const out = await runCli(['forget', GONE], h.env);
    expect(out.code, out.stderr).toBe(0);
    const all = JSON.stringify([
      await h.store.db.select().from(members).orderBy(members.userId),
      await h.store.db.select().from(pulls).orderBy(pulls.id),
    ]);
    expect(all).not.toContain(GONE);
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toMatchObject([
      { managerId: DEP, awayFromId: null },
    ]);
    expect((await h.store.db.select().from(members)).find((m) => m.userId === 'UMGR0001')).toMatchObject({
      awayUntil: '2026-12-04',
      awayDeputyId: null,
    });
  });
});
