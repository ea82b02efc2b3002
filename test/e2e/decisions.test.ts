// Decisions on the record: `/pull decisions` lists the caller's newest 20 answered pulls, with who holds each
// call, and only the two people on a pull ever see it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { confirmAgreement, defineSuccess, repeatBack } from '../../src/domain/agreements.js';
import { openPull, resolvePull, withdrawPull } from '../../src/domain/pulls.js';
import { exportDataset } from '../../src/export/index.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';
import { typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const OTHER = 'UOTH0001';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};

/** A pull asked and answered the way Slack sends it: the command, the answer button, the answer form. */
async function askAndAnswer(need: string, action: string, note: string, requester = REQ, manager = MGR) {
  const count = (await allPulls()).length;
  await h.slack.command('/pull', `<@${manager}> ${need}`, requester);
  const pull = await eventually(async () => {
    const row = (await allPulls())[count];
    if (!row?.managerTs) throw new Error('not yet');
    return row;
  });
  const forms = h.fake.callsTo('views.open').length;
  await h.slack.action(manager, action, String(pull.id));
  const open = await eventually(() => {
    const call = h.fake.callsTo('views.open')[forms];
    if (!call) throw new Error('no form yet');
    return call;
  });
  const view = open.args.view as { private_metadata: string };
  await h.slack.viewSubmission(
    manager,
    'pull_resolve',
    { note: input.text(note || null) },
    view.private_metadata,
  );
  await eventually(async () => expect((await allPulls())[count]?.status).toBe('resolved'));
  await h.app.inflight.drained();
  // Each answer a minute later than the last, so "newest first" has an order to show.
  h.clock.now += 60_000;
}

const textOf = (body: unknown) => JSON.stringify(body);

describe('/pull decisions', () => {
  it('shows each answered pull with who holds the decision, what was decided and when, to both people on it', async () => {
    await askAndAnswer(typed`Which vendor for the pilot?`, 'pull_your_call', 'Trust your read of it');
    await askAndAnswer(typed`Discount for Initech?`, 'pull_decision', 'Yes to 15%, not 20%');
    await askAndAnswer(typed`Pricing page copy?`, 'pull_input', 'Lead with value');
    await askAndAnswer(typed`Reorg timing?`, 'pull_talk', '');

    const res = await h.slack.command('/pull', 'decisions', REQ);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    const text = textOf(res.body);
    expect(text).toContain('Decisions on the record (4)');
    expect(text).toContain('*Your call* — the call is yours');
    expect(text).toContain('Trust your read of it');
    expect(text).toContain(`*Decision* — <@${MGR}> made the call`);
    expect(text).toContain('Yes to 15%, not 20%');
    expect(text).toContain(`*Input* — shared by you and <@${MGR}>`);
    expect(text).toContain(`*Let's talk* — shared by you and <@${MGR}>`);
    // Newest first.
    const order = ['Reorg timing', 'Pricing page copy', 'Discount for Initech', 'Which vendor'].map((s) =>
      text.indexOf(s),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const mine = textOf((await h.slack.command('/pull', 'decisions', MGR)).body);
    expect(mine).toContain('Decisions on the record (4)');
    expect(mine).toContain('*Decision* — you made the call');
    expect(mine).toContain(`the call is <@${REQ}>'s`);
  });

  it('shows a record to nobody but the two people on it', async () => {
    await askAndAnswer(typed`Secret deal terms?`, 'pull_decision', 'Confidential: floor is 12%');
    await askAndAnswer(typed`Their own question`, 'pull_your_call', '', OTHER, 'UMGR0002');

    const outsider = textOf((await h.slack.command('/pull', 'decisions', OTHER)).body);
    expect(outsider).toContain('Decisions on the record (1)');
    expect(outsider).toContain('Their own question');
    expect(outsider).not.toContain('Secret deal terms');
    expect(outsider).not.toContain('floor is 12%');

    const stranger = textOf((await h.slack.command('/pull', 'decisions', 'USTRANGE1')).body);
    expect(stranger).toContain('No decisions on the record yet');
    expect(stranger).not.toContain('Secret');
    // Asked for, never broadcast: nothing about it was posted anywhere.
    expect(
      h.fake.callsTo('chat.postMessage', (a) => JSON.stringify(a).includes('Decisions on the record')),
    ).toEqual([]);
  });

  it('lists the newest 20, leaving out open and withdrawn pulls', async () => {
    const base = h.clock.now;
    for (let i = 1; i <= 23; i += 1) {
      // A minute apart: one person may open only so many pulls a minute. Odd ones REQ asked, even ones
      // someone asked of REQ: both sides of the record, interleaved.
      const at = base + 61_000 * i;
      const [requesterId, managerId] = i % 2 === 1 ? [REQ, MGR] : [OTHER, REQ];
      const opened = await openPull(h.store.db, { requesterId, managerId, need: `Question ${i}?` }, at);
      if (!opened.ok) throw new Error(opened.reason);
      if (i <= 22)
        await resolvePull(h.store.db, opened.value.id, managerId, 'your-call', undefined, at + 1000);
    }
    const withdrawn = await openPull(
      h.store.db,
      { requesterId: REQ, managerId: MGR, need: 'Took it back' },
      base + 24 * 61_000,
    );
    if (!withdrawn.ok) throw new Error(withdrawn.reason);
    await withdrawPull(h.store.db, withdrawn.value.id, REQ, base + 25 * 61_000);

    const text = textOf((await h.slack.command('/pull', 'decisions', REQ)).body);
    expect(text).toContain('Decisions on the record (20)');
    const shown = [...text.matchAll(/Question (\d+)\?/g)].map((m) => Number(m[1]));
    expect(shown).toEqual(Array.from({ length: 20 }, (_, i) => 22 - i));
    expect(text).not.toContain('Took it back');
  });

  it('records what was agreed for an agreed definition of success, in /pull decisions and in the export', async () => {
    const opened = await openPull(
      h.store.db,
      { requesterId: REQ, managerId: MGR, need: 'What does a good pilot look like?', kind: 'define-success' },
      h.clock.now,
    );
    if (!opened.ok) throw new Error(opened.reason);
    const id = opened.value.id;
    const steps = [
      await defineSuccess(h.store.db, id, MGR, { success: 'Two paying pilots by March' }, h.clock.now),
      await repeatBack(h.store.db, id, REQ, { ownWords: 'Two pilots that pay, live by March' }),
      await confirmAgreement(h.store.db, id, MGR, h.clock.now + 1000),
    ];
    expect(steps.map((s) => s.ok)).toEqual([true, true, true]);

    const text = textOf((await h.slack.command('/pull', 'decisions', REQ)).body);
    expect(text).toContain('*Agreed* — the call is yours');
    expect(text).toContain('> Two paying pilots by March');
    const exported = (await exportDataset(h.store.db, 'decisions', 'json'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(exported).toMatchObject([
      { pull_id: id, resolution: 'agreed', note: 'Two paying pilots by March' },
    ]);
  });

  it('is in /pull help, with Edit', async () => {
    const text = textOf((await h.slack.command('/pull', 'help', REQ)).body);
    expect(text).toContain('/pull decisions');
    expect(text).toContain('*Edit*');
  });
});
