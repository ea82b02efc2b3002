// The define-success handshake, end to end: Define success → Repeat it back → That's it / Not quite, the
// agreement it leaves (Home, /pull agreements, the push), and every step taken by the wrong person.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { sendDigests, sendOverdueReminders } from '../../src/scheduler/digest.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import type { SlackCall } from '../support/fake-slack.js';
import { BOT_TOKEN, eventually, type Harness, input, startHarness } from '../support/harness.js';
import { pullById } from '../support/reads.js';
import { mention, typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const OTHER = 'UOTH0001';
const NOW = Date.UTC(2026, 10, 24, 12);

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: NOW });
});
afterEach(async () => {
  await h.stop();
});

const pullRow = (id: number) => pullById(h, id);
const agreementRow = async (pullId: number) => {
  const { agreements } = tables(h.store.db);
  return (await h.store.db.select().from(agreements).where(eq(agreements.pullId, pullId)).limit(1))[0];
};
const json = (value: unknown) => JSON.stringify(value);
const shown = (call: SlackCall) => json(call.args.blocks) + String(call.args.text);

/** Runs `act`, then waits for a `method` call matching `matches` that was not there before. */
async function next(
  method: string,
  matches: (args: Record<string, unknown>) => boolean,
  act: () => Promise<unknown>,
): Promise<SlackCall> {
  const before = h.fake.callsTo(method, matches).length;
  await act();
  return eventually(() => {
    const calls = h.fake.callsTo(method, matches);
    if (calls.length <= before) throw new Error(`no new ${method} yet`);
    return calls[calls.length - 1] as SlackCall;
  });
}

/** Presses a button that opens a modal, and hands back the modal Slack was asked to open. */
async function modalFrom(user: string, actionId: string, pullId: number) {
  const open = await next(
    'views.open',
    () => true,
    () => h.slack.action(user, actionId, String(pullId)),
  );
  return open.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
}

/** A push with its own success definition and guardrails, then a define-success pull about it. */
async function definePull(requester = REQ, manager = MGR, withPush = true): Promise<number> {
  if (withPush) {
    const res = await h.slack.viewSubmission(manager, 'push_create', {
      title: input.text('Enterprise tier'),
      success: input.text('Three design partners live by March'),
      guardrails: input.text('No custom contracts & no discounts over 20%'),
    });
    expect(res.body).toBe('');
  }
  const pushId = withPush ? '1' : null;
  const res = await h.slack.viewSubmission(requester, 'pull_create', {
    manager: input.user(manager, 'pull_manager_selected'),
    need: input.text('What does a good pilot look like?'),
    kind: input.option('define-success'),
    ...(pushId ? { push: input.option(pushId) } : {}),
  });
  expect(res.body).toBe('');
  const { pulls } = tables(h.store.db);
  return eventually(async () => {
    const pull = (await h.store.db.select().from(pulls).orderBy(pulls.id)).at(-1);
    if (!pull?.managerTs) throw new Error('manager DM not recorded yet');
    return pull.id;
  });
}

async function define(pullId: number, success = 'Two paying pilots by year end') {
  const view = await modalFrom(MGR, 'pull_define_success', pullId);
  expect(view.callback_id).toBe('agreement_define');
  const told = await next(
    'chat.postMessage',
    (a) => a.channel === REQ,
    () =>
      h.slack.viewSubmission(
        MGR,
        'agreement_define',
        {
          success: input.text(success),
          by_when: input.date('2026-12-31'),
          guardrails: input.text('No new headcount'),
        },
        view.private_metadata,
      ),
  );
  return told;
}

async function repeat(pullId: number, words: string, requester = REQ, manager = MGR) {
  const view = await modalFrom(requester, 'agreement_repeat_back', pullId);
  expect(view.callback_id).toBe('agreement_repeat');
  return next(
    'chat.postMessage',
    (a) => a.channel === manager && json(a.blocks).includes('Not quite'),
    () =>
      h.slack.viewSubmission(
        requester,
        'agreement_repeat',
        { own_words: input.text(words), approach: input.text('Run it with two friendly customers first') },
        view.private_metadata,
      ),
  );
}

/** The whole handshake in one go, for tests about what it leaves behind. */
async function agree(requester: string, manager: string, success: string, withPush = false): Promise<number> {
  const id = await definePull(requester, manager, withPush);
  const view = await modalFrom(manager, 'pull_define_success', id);
  await next(
    'chat.postMessage',
    (a) => a.channel === requester,
    () =>
      h.slack.viewSubmission(
        manager,
        'agreement_define',
        { success: input.text(success) },
        view.private_metadata,
      ),
  );
  await repeat(id, `In my words: ${success}`, requester, manager);
  await h.slack.action(manager, 'agreement_thats_it', String(id));
  await eventually(async () => expect((await pullRow(id))?.resolution).toBe('agreed'));
  await h.app.inflight.drained();
  return id;
}

describe('the define-success handshake', () => {
  it('offers Define success and Let’s talk, not Your call, Input or Decision', async () => {
    await definePull();
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    const labels = json(dm.args.blocks);
    for (const label of ['Acknowledge', 'Define success', "Let's talk"])
      expect(labels).toContain(`"${label}"`);
    for (const label of ['Your call', 'Input', 'Decision']) expect(labels).not.toContain(`"${label}"`);
  });

  it('runs define → repeat → not quite → repeat → that’s it, each step DMing the other and updating the earlier message', async () => {
    const id = await definePull();
    const pull = await pullRow(id);

    // 1. Define success: the manager's DM is updated in place; the requester is asked to repeat it back.
    const asked = await define(id);
    expect(shown(asked)).toContain('Two paying pilots by year end');
    expect(shown(asked)).toContain('"Repeat it back"');
    expect(asked.args.metadata).toMatchObject({
      event_type: 'pushpull_agreement',
      event_payload: { pull: id },
    });
    const card = await h.fake.waitFor(
      'chat.update',
      (a) => a.ts === pull?.managerTs && json(a.blocks).includes('Two paying pilots'),
    );
    expect(json(card.args.blocks)).not.toContain('"Define success"');
    expect(json(card.args.blocks)).toContain('repeat it back');
    expect((await pullRow(id))?.status).toBe('acknowledged');
    // Listed on the manager's Home, it no longer offers Define success: that step is done.
    const home = await next(
      'views.publish',
      (a) => a.user_id === MGR,
      () => h.slack.event({ type: 'app_home_opened', user: MGR, channel: 'D0HOME', tab: 'home' }),
    );
    expect(json(home.args.view)).toContain(`"pull_answer_${id}"`);
    expect(json(home.args.view)).not.toContain('"Define success"');
    // The requester's Home says the next move is theirs, with Repeat it back at hand.
    const requesterHome = await next(
      'views.publish',
      (a) => a.user_id === REQ,
      () => h.slack.event({ type: 'app_home_opened', user: REQ, channel: 'D0HOME', tab: 'home' }),
    );
    expect(json(requesterHome.args.view)).toContain('Your turn');
    expect(json(requesterHome.args.view)).toContain('"agreement_repeat_back"');
    const firstAsk = await eventually(async () => {
      const row = await agreementRow(id);
      if (!row?.requesterTs) throw new Error('requester DM not recorded yet');
      return row;
    });
    expect(firstAsk).toMatchObject({
      stage: 'repeat',
      success: 'Two paying pilots by year end',
      byWhen: '2026-12-31',
    });

    // 2. Repeat it back: the requester's DM is updated; the manager sees both side by side.
    const sideBySide = await repeat(id, 'Two customers paying for the pilot before January');
    expect(shown(sideBySide)).toContain('Two paying pilots by year end');
    expect(shown(sideBySide)).toContain('Two customers paying for the pilot before January');
    expect(shown(sideBySide)).toContain('Run it with two friendly customers first');
    expect(shown(sideBySide)).toContain('"That\'s it"');
    await h.fake.waitFor(
      'chat.update',
      (a) => a.ts === firstAsk.requesterTs && json(a.blocks).includes('waiting for them'),
    );
    const confirming = await eventually(async () => {
      const row = await agreementRow(id);
      if (!row?.confirmTs) throw new Error('confirm DM not recorded yet');
      return row;
    });
    expect(confirming.stage).toBe('confirm');

    // 3a. Not quite: a note; the side-by-side says so, and the requester is asked again with the note.
    const notQuite = await modalFrom(MGR, 'agreement_not_quite', id);
    const again = await next(
      'chat.postMessage',
      (a) => a.channel === REQ,
      () =>
        h.slack.viewSubmission(
          MGR,
          'agreement_not_quite',
          { note: input.text('Paying, yes — but both must be enterprise accounts') },
          notQuite.private_metadata,
        ),
    );
    expect(shown(again)).toContain('Not quite');
    expect(shown(again)).toContain('both must be enterprise accounts');
    expect(shown(again)).toContain('"Repeat it back"');
    await h.fake.waitFor(
      'chat.update',
      (a) => a.ts === confirming.confirmTs && json(a.blocks).includes('sent back'),
    );
    expect((await agreementRow(id))?.stage).toBe('repeat');
    expect((await pullRow(id))?.status).toBe('acknowledged');

    // 2 again, then 3b. That's it: the pull is resolved as agreed and the agreement kept.
    const second = await repeat(id, 'Two enterprise customers paying for the pilot before January');
    await eventually(async () => expect((await agreementRow(id))?.confirmTs).not.toBe(confirming.confirmTs));
    const secondTs = (await agreementRow(id))?.confirmTs;
    expect(shown(second)).toContain('Two enterprise customers');
    const agreed = await next(
      'chat.postMessage',
      (a) => a.channel === REQ,
      () => h.slack.action(MGR, 'agreement_thats_it', String(id)),
    );
    expect(String(agreed.args.text)).toContain('Agreed');
    await h.fake.waitFor('chat.update', (a) => a.ts === secondTs && json(a.blocks).includes('agreed'));
    await h.fake.waitFor('chat.update', (a) => a.ts === pull?.managerTs && json(a.blocks).includes('Agreed'));
    expect(await pullRow(id)).toMatchObject({ status: 'resolved', resolution: 'agreed' });
    expect(await agreementRow(id)).toMatchObject({
      stage: 'agreed',
      agreedAt: NOW,
      rounds: 2,
      ownWords: 'Two enterprise customers paying for the pilot before January',
      approach: 'Run it with two friendly customers first',
      guardrails: 'No new headcount',
      pushId: 1,
      notQuiteNote: null,
    });

    // Pressed again (a double click, a retry): nothing changes and nobody is told twice.
    await h.app.inflight.drained();
    const calls = h.fake.calls.length;
    await h.slack.action(MGR, 'agreement_thats_it', String(id));
    await h.app.inflight.drained();
    expect(h.fake.calls.length).toBe(calls);
    expect(h.fake.responses.filter((r) => String(r.body.text).includes('already'))).toHaveLength(0);
  });

  it('carries out a repeat-back sent twice only once', async () => {
    const id = await definePull();
    await define(id);
    const view = await modalFrom(REQ, 'agreement_repeat_back', id);
    const same = { id: 'VREPEAT1', hash: 'h-same' };
    const values = { own_words: input.text('Two paying pilots') };
    await h.slack.viewSubmission(REQ, 'agreement_repeat', values, view.private_metadata, same);
    await h.slack.viewSubmission(REQ, 'agreement_repeat', values, view.private_metadata, same);
    await h.app.inflight.drained();
    expect(
      h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR && json(a.blocks).includes('Not quite')),
    ).toHaveLength(1);
    expect((await agreementRow(id))?.rounds).toBe(1);
  });

  it('gives a field error when the required field of each form is empty, and changes nothing', async () => {
    const id = await definePull();
    const view = await modalFrom(MGR, 'pull_define_success', id);
    const empty = await h.slack.viewSubmission(
      MGR,
      'agreement_define',
      { success: input.text('   ') },
      view.private_metadata,
    );
    expect(empty.body).toMatchObject({
      response_action: 'errors',
      errors: { success: expect.stringContaining('success') },
    });
    // A by-when shaped like a date but not on the calendar is an error on that field.
    const notADay = await h.slack.viewSubmission(
      MGR,
      'agreement_define',
      { success: input.text('Two paying pilots'), by_when: input.date('2026-02-31') },
      view.private_metadata,
    );
    expect(notADay.body).toMatchObject({
      response_action: 'errors',
      errors: { by_when: expect.stringContaining('Pick the date') },
    });
    expect(await agreementRow(id)).toBeUndefined();
    expect((await pullRow(id))?.status).toBe('open');

    await define(id);
    const repeatView = await modalFrom(REQ, 'agreement_repeat_back', id);
    const noWords = await h.slack.viewSubmission(
      REQ,
      'agreement_repeat',
      { own_words: input.text('') },
      repeatView.private_metadata,
    );
    expect(noWords.body).toMatchObject({
      response_action: 'errors',
      errors: { own_words: expect.any(String) },
    });
    expect((await agreementRow(id))?.stage).toBe('repeat');

    await repeat(id, 'Two paying pilots');
    const notQuite = await modalFrom(MGR, 'agreement_not_quite', id);
    const noNote = await h.slack.viewSubmission(
      MGR,
      'agreement_not_quite',
      { note: input.text(null) },
      notQuite.private_metadata,
    );
    expect(noNote.body).toMatchObject({ response_action: 'errors', errors: { note: expect.any(String) } });
    expect((await agreementRow(id))?.stage).toBe('confirm');
  });
});

describe('only the right person takes each step', () => {
  /** Every refusal is ephemeral, says who may, and leaves the pull, its agreement and every message as they were. */
  async function refused(user: string, actionId: string, id: number, who: string) {
    await h.app.inflight.drained();
    const before = { pull: await pullRow(id), agreement: await agreementRow(id), calls: h.fake.calls.length };
    const replies = h.fake.responses.length;
    await h.slack.action(user, actionId, String(id));
    const reply = await eventually(() => {
      const found = h.fake.responses
        .slice(replies)
        .find((r) => String(r.body.text).includes(`Only <@${who}>`));
      if (!found) throw new Error('no refusal yet');
      return found.body;
    });
    expect(reply).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    await h.app.inflight.drained();
    expect(await pullRow(id)).toEqual(before.pull);
    expect(await agreementRow(id)).toEqual(before.agreement);
    expect(h.fake.calls.length).toBe(before.calls);
  }

  it('refuses the requester pressing Define success, a stranger pressing Repeat it back, and the requester pressing That’s it', async () => {
    const id = await definePull();
    await refused(REQ, 'pull_define_success', id, MGR);
    await define(id);
    await refused(OTHER, 'agreement_repeat_back', id, REQ);
    await refused(MGR, 'agreement_repeat_back', id, REQ);
    await repeat(id, 'Two paying pilots');
    await refused(REQ, 'agreement_thats_it', id, MGR);
    await refused(OTHER, 'agreement_not_quite', id, MGR);
    expect((await agreementRow(id))?.stage).toBe('confirm');
  });

  it('refuses forged form submissions, whatever the metadata says', async () => {
    const id = await definePull();
    const metadata = JSON.stringify({ pullId: id });
    const asRequester = await h.slack.viewSubmission(
      REQ,
      'agreement_define',
      { success: input.text('I say') },
      metadata,
    );
    expect(asRequester.body).toMatchObject({
      response_action: 'errors',
      errors: { success: expect.stringContaining('Only') },
    });
    expect(await agreementRow(id)).toBeUndefined();
    await define(id);
    const asStranger = await h.slack.viewSubmission(
      OTHER,
      'agreement_repeat',
      { own_words: input.text('mine') },
      metadata,
    );
    expect(asStranger.body).toMatchObject({
      response_action: 'errors',
      errors: { own_words: expect.stringContaining('Only') },
    });
    await repeat(id, 'Two paying pilots');
    const notQuite = await h.slack.viewSubmission(
      REQ,
      'agreement_not_quite',
      { note: input.text('no') },
      metadata,
    );
    expect(notQuite.body).toMatchObject({ response_action: 'errors' });
    expect(await agreementRow(id)).toMatchObject({ stage: 'confirm', notQuiteNote: null });
  });

  it('refuses a one-shot answer on a define-success pull, forged button or forged form', async () => {
    const id = await definePull();
    await h.slack.action(MGR, 'pull_your_call', String(id));
    await h.fake.waitForResponse((b) => String(b.text).includes('Define success'));
    const forged = await h.slack.viewSubmission(
      MGR,
      'pull_resolve',
      { note: input.text('Your call') },
      JSON.stringify({ pullId: id, resolution: 'your-call' }),
    );
    expect(forged.body).toMatchObject({ response_action: 'errors' });
    const agreedByHand = await h.slack.viewSubmission(
      MGR,
      'pull_resolve',
      { note: input.text('done') },
      JSON.stringify({ pullId: id, resolution: 'agreed' }),
    );
    expect(agreedByHand.body).toMatchObject({ response_action: 'errors' });
    await h.app.inflight.drained();
    expect((await pullRow(id))?.status).toBe('open');
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });
});

describe('guardrails where they matter', () => {
  it('shows the push’s success and guardrails on the manager’s DM and the requester’s confirmation', async () => {
    await definePull();
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR && a.metadata !== undefined);
    expect(shown(dm)).toContain('Three design partners live by March');
    expect(shown(dm)).toContain('No custom contracts &amp; no discounts over 20%');
    const confirmation = await h.fake.waitFor('chat.postMessage', (a) => a.channel === REQ);
    expect(shown(confirmation)).toContain('Three design partners live by March');
    expect(shown(confirmation)).toContain('No custom contracts &amp; no discounts over 20%');
  });

  it('adds nothing for a pull about no push', async () => {
    await definePull(REQ, MGR, false);
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR && a.metadata !== undefined);
    expect(shown(dm)).not.toContain('Guardrails');
    expect(shown(dm)).not.toContain('Within the push');
  });
});

describe('agreements, kept', () => {
  it('lists only the caller’s in /pull agreements', async () => {
    await agree(REQ, MGR, 'Two paying pilots by year end');
    await agree(OTHER, 'UMGR0002', 'Churn under 3% this quarter');
    const mine = json((await h.slack.command('/pull', 'agreements', REQ)).body);
    expect(mine).toContain('Two paying pilots by year end');
    expect(mine).not.toContain('Churn under 3%');
    expect(mine).toContain('"response_type":"ephemeral"');
    const managers = json((await h.slack.command('/pull', 'agreements', MGR)).body);
    expect(managers).toContain('Two paying pilots by year end');
    expect(managers).toContain(`<@${REQ}>`);
    expect(managers).not.toContain('Churn under 3%');
    const none = json((await h.slack.command('/pull', 'agreements', 'UNOBODY1')).body);
    expect(none).toContain('No agreements yet');
  });

  it('shows the agreement on both people’s Home tabs, and with its push in /push list and on Home', async () => {
    await agree(REQ, MGR, 'Two paying pilots by year end', true);
    for (const user of [REQ, MGR]) {
      const published = await next(
        'views.publish',
        (a) => a.user_id === user,
        () => h.slack.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }),
      );
      const view = json(published.args.view);
      expect(view).toContain('Agreements (1)');
      expect(view).toContain('Two paying pilots by year end');
    }
    const managerHome = h.fake.callsTo('views.publish', (a) => a.user_id === MGR).at(-1);
    expect(json(managerHome?.args.view)).toContain(`Agreed with <@${REQ}>`);
    const list = json((await h.slack.command('/push', 'list', MGR)).body);
    expect(list).toContain(`Agreed with <@${REQ}>`);
    expect(list).toContain('Two paying pilots by year end');
  });

  it('explains the handshake and /pull agreements in /pull help', async () => {
    const help = json((await h.slack.command('/pull', 'help', REQ)).body);
    expect(help).toContain('/pull agreements');
    expect(help).toContain('Repeat it back');
    expect(help).toContain("That's it");
  });
});

describe('a handshake under way, wherever the pull shows up', () => {
  const DEP = 'UDEP0001';
  const editOf = (id: number) => `"action_id":"pull_edit","value":"${id}"`;
  const list = async (user: string) => json((await h.slack.command('/pull', 'list', user)).body);

  it('refuses an edit once success is defined, from Edit and from a form opened before; Edit is not offered', async () => {
    const id = await definePull();
    const before = await pullRow(id);
    const form = await modalFrom(REQ, 'pull_edit', id);
    expect(await list(REQ)).toContain(editOf(id));
    await define(id);

    const replies = h.fake.responses.length;
    const opened = h.fake.callsTo('views.open').length;
    await h.slack.action(REQ, 'pull_edit', String(id));
    const refusal = await eventually(() => {
      const found = h.fake.responses
        .slice(replies)
        .find((r) => String(r.body.text).includes('defined success'));
      if (!found) throw new Error('no refusal yet');
      return found.body;
    });
    expect(refusal).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal.text)).toContain('nothing was changed');
    const stale = await h.slack.viewSubmission(
      REQ,
      'pull_edit_submit',
      { need: input.text('Actually, just approve the budget'), kind: input.option('decision') },
      form.private_metadata,
    );
    expect(stale.body).toMatchObject({
      response_action: 'errors',
      errors: { need: expect.stringContaining('defined success') },
    });
    await h.app.inflight.drained();
    expect(h.fake.callsTo('views.open')).toHaveLength(opened);
    expect(await pullRow(id)).toMatchObject({ need: before?.need, kind: 'define-success', editedAt: null });
    expect(await agreementRow(id)).toMatchObject({
      stage: 'repeat',
      success: 'Two paying pilots by year end',
    });

    // Their turn: /pull list says so with Repeat it back (and Withdraw), never Edit.
    const theirTurn = await list(REQ);
    expect(theirTurn).toContain('Your turn');
    expect(theirTurn).toContain(`"action_id":"agreement_repeat_back","value":"${id}"`);
    expect(theirTurn).toContain(`"action_id":"pull_withdraw","value":"${id}"`);
    expect(theirTurn).not.toContain(editOf(id));
    // The manager's list no longer offers Define success: that step is done.
    const managers = await list(MGR);
    expect(managers).toContain(`"pull_answer_${id}"`);
    expect(managers).not.toContain('"Define success"');

    // Said back, waiting for That's it: still no Edit, in the list or on Home.
    await repeat(id, 'Two customers paying for the pilot before January');
    const waiting = await list(REQ);
    expect(waiting).toContain("waiting for *That's it*");
    expect(waiting).toContain(`"action_id":"pull_withdraw","value":"${id}"`);
    expect(waiting).not.toContain(editOf(id));
    const home = await next(
      'views.publish',
      (a) => a.user_id === REQ,
      () => h.slack.event({ type: 'app_home_opened', user: REQ, channel: 'D0HOME', tab: 'home' }),
    );
    expect(json(home.args.view)).toContain("waiting for *That's it*");
    expect(json(home.args.view)).not.toContain(editOf(id));
  });

  it('shows the digest’s pull as the handshake left it: Define success only where success is not yet defined', async () => {
    const defined = await definePull(REQ, MGR, false);
    await define(defined);
    const undefinedYet = await definePull(OTHER, MGR, false);
    await h.app.inflight.drained();
    await sendDigests(
      { deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) },
      { force: true },
    );
    const digest = await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === MGR && json(a.blocks).includes('Your week in Pushpull'),
    );
    const blocks = (digest.args.blocks ?? []) as { block_id?: string }[];
    const buttonsOf = (id: number) => json(blocks.find((b) => b.block_id === `pull_answer_${id}`));
    expect(buttonsOf(defined)).toContain("Let's talk");
    expect(buttonsOf(defined)).not.toContain('"Define success"');
    expect(buttonsOf(undefinedYet)).toContain('"Define success"');
  });

  it('reminds the manager of an overdue pull without offering Define success once it is defined', async () => {
    const id = await definePull(REQ, MGR, false);
    await define(id);
    const { pulls } = tables(h.store.db);
    await h.store.db.update(pulls).set({ neededBy: '2026-11-23' }).where(eq(pulls.id, id));
    await h.app.inflight.drained();
    const run = { deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) };
    expect(await sendOverdueReminders(run)).toBe(1);
    const reminder = await h.fake.waitFor('chat.postMessage', (a) =>
      String(a.text).includes('still waiting on you'),
    );
    expect(json(reminder.args.blocks)).toContain(`"pull_answer_${id}"`);
    expect(json(reminder.args.blocks)).not.toContain('"Define success"');
  });

  it('keeps a pull with its manager once they acknowledged it or defined success: no sending it on to the deputy', async () => {
    const away = await h.slack.command('/pull', typed`away 2026-12-04 ${mention(DEP)}`, MGR);
    expect(away.status).toBe(200);
    await eventually(() => expect(h.fake.callsTo('users.info').length).toBeGreaterThan(0));
    const defined = await definePull(REQ, MGR, false);
    await define(defined);
    const replies = h.fake.responses.length;
    await h.slack.action(REQ, 'pull_pass_to_deputy', String(defined), { container: 'ephemeral' });
    await h.fake.waitForResponse((b) => String(b.text).includes('already defined success'));
    await h.app.inflight.drained();
    expect(await pullRow(defined)).toMatchObject({
      managerId: MGR,
      awayFromId: null,
      status: 'acknowledged',
    });
    expect((await agreementRow(defined))?.stage).toBe('repeat');

    await h.slack.command('/pull', typed`${mention(MGR)} Can we ship Friday?`, REQ);
    const { pulls } = tables(h.store.db);
    const acknowledged = await eventually(async () => {
      const pull = (await h.store.db.select().from(pulls).orderBy(pulls.id)).at(-1);
      if (pull?.id === defined || !pull?.managerTs) throw new Error('manager DM not recorded yet');
      return pull.id;
    });
    await h.slack.action(MGR, 'pull_acknowledge', String(acknowledged));
    await eventually(async () => expect((await pullRow(acknowledged))?.status).toBe('acknowledged'));
    await h.slack.action(REQ, 'pull_pass_to_deputy', String(acknowledged), { container: 'ephemeral' });
    await h.fake.waitForResponse((b) => String(b.text).includes('already picked this pull up'));
    await h.app.inflight.drained();
    expect(await pullRow(acknowledged)).toMatchObject({
      managerId: MGR,
      awayFromId: null,
      status: 'acknowledged',
    });
    expect(h.fake.responses.slice(replies).every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === DEP)).toHaveLength(0);
  });

  it('says the handshake ended on both handshake DMs when the requester withdraws, with no button left', async () => {
    const id = await definePull();
    await define(id);
    await repeat(id, 'Two customers paying for the pilot before January');
    const { requesterTs, confirmTs } = await eventually(async () => {
      const row = await agreementRow(id);
      if (!row?.requesterTs || !row.confirmTs) throw new Error('handshake DMs not recorded yet');
      return row;
    });
    await h.slack.action(REQ, 'pull_withdraw', String(id), { container: 'ephemeral' });
    const mine = await h.fake.waitFor(
      'chat.update',
      (a) => a.ts === requesterTs && String(a.text).includes('handshake ended'),
    );
    expect(String(mine.args.text)).toContain('You withdrew');
    expect(json(mine.args.blocks)).not.toContain('"agreement_repeat_back"');
    const theirs = await h.fake.waitFor(
      'chat.update',
      (a) => a.ts === confirmTs && json(a.blocks).includes('handshake ended'),
    );
    expect(json(theirs.args.blocks)).toContain(`<@${REQ}> withdrew`);
    expect(json(theirs.args.blocks)).not.toContain('"agreement_thats_it"');
    expect(json(theirs.args.blocks)).not.toContain('"agreement_not_quite"');
  });

  it('says the handshake ended on the requester’s DM when the manager chooses Let’s talk', async () => {
    const id = await definePull();
    await define(id);
    const { requesterTs } = await eventually(async () => {
      const row = await agreementRow(id);
      if (!row?.requesterTs) throw new Error('requester DM not recorded yet');
      return row;
    });
    const view = await modalFrom(MGR, 'pull_talk', id);
    const res = await h.slack.viewSubmission(
      MGR,
      'pull_resolve',
      { note: input.text('Thursday 1:1') },
      view.private_metadata,
    );
    expect(res.body).toBe('');
    const ended = await h.fake.waitFor(
      'chat.update',
      (a) => a.ts === requesterTs && String(a.text).includes('handshake ended'),
    );
    expect(String(ended.args.text)).toContain('talk it through live');
    expect(json(ended.args.blocks)).not.toContain('"agreement_repeat_back"');
    expect(await pullRow(id)).toMatchObject({ status: 'resolved', resolution: 'talk' });
  });
});
