// Editing an open pull: the same form prefilled, the manager's DM updated in place and marked edited, the
// manager told what changed; answered or withdrawn pulls and anyone but the requester refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';
import { mention, typed } from '../support/slack-driver.js';

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

const onlyPull = async () => {
  const { pulls } = tables(h.store.db);
  const all = await h.store.db.select().from(pulls).orderBy(pulls.id);
  expect(all).toHaveLength(1);
  return all[0] as (typeof all)[number];
};

interface OpenedView {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: Record<string, unknown> }[];
}

async function createPull(need = typed`Can we give Initech a 20% discount?`) {
  await h.slack.command('/pull', `<@${MGR}|maria> ${need}`, REQ);
  await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
  return eventually(async () => {
    const pull = await onlyPull();
    if (!pull.managerTs) throw new Error('manager DM not recorded yet');
    return pull;
  });
}

/** The requester presses Edit (on the ephemeral confirmation by default) and gets the form. */
async function openEdit(pullId: number, user = REQ): Promise<OpenedView> {
  const before = h.fake.callsTo('views.open').length;
  await h.slack.action(user, 'pull_edit', String(pullId), { container: 'ephemeral', channel: 'C0GENERAL' });
  const open = await eventually(() => {
    const call = h.fake.callsTo('views.open')[before];
    if (!call) throw new Error('no form yet');
    return call;
  });
  return open.args.view as OpenedView;
}

const initial = (view: OpenedView, block: string) => view.blocks.find((b) => b.block_id === block)?.element;

function submitEdit(
  view: OpenedView,
  values: Record<string, Record<string, unknown>>,
  user = REQ,
  ids: { id?: string; hash?: string } = {},
) {
  return h.slack.viewSubmission(user, view.callback_id, values, view.private_metadata, ids);
}

const managerNotices = () =>
  h.fake.callsTo(
    'chat.postMessage',
    (a) => a.channel === MGR && String(a.text).includes('edited their pull'),
  );

async function answer(pullId: number, action = 'pull_decision', note = 'Yes to 15%') {
  const before = h.fake.callsTo('views.open').length;
  await h.slack.action(MGR, action, String(pullId));
  const open = await eventually(() => {
    const call = h.fake.callsTo('views.open')[before];
    if (!call) throw new Error('no answer form yet');
    return call;
  });
  const view = open.args.view as { private_metadata: string };
  await h.slack.viewSubmission(MGR, 'pull_resolve', { note: input.text(note) }, view.private_metadata);
  await eventually(async () => expect((await onlyPull()).status).toBe('resolved'));
  await h.app.inflight.drained();
}

describe('Edit on an open pull', () => {
  it('is offered on the confirmation, in /pull list and on Home', async () => {
    await h.slack.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D1' });
    await h.fake.waitFor('views.publish', (a) => a.user_id === REQ);
    const res = await h.slack.command('/pull', typed`${mention(MGR)} budget sign-off?`, REQ);
    const pull = await eventually(() => onlyPull());
    const editButton = `"action_id":"pull_edit","value":"${pull.id}"`;
    expect(JSON.stringify(res.body)).toContain(editButton);
    const list = await h.slack.command('/pull', 'list', REQ);
    expect(JSON.stringify(list.body)).toContain(editButton);
    const home = await eventually(() => {
      const last = h.fake.callsTo('views.publish', (a) => a.user_id === REQ).at(-1);
      if (!JSON.stringify(last?.args.view).includes('You pulled in')) throw new Error('not refreshed yet');
      return last;
    });
    expect(JSON.stringify(home?.args.view)).toContain(editButton);
    // The manager's side of the list answers; it does not edit someone else's words.
    const managerList = await h.slack.command('/pull', 'list', MGR);
    expect(JSON.stringify(managerList.body)).not.toContain('"action_id":"pull_edit"');
  });

  it('opens the same form prefilled; on save the manager DM is updated in place, marked edited, and the manager told what changed', async () => {
    const pull = await createPull();
    const view = await openEdit(pull.id);
    expect(view.callback_id).toBe('pull_edit_submit');
    expect(initial(view, 'need')).toMatchObject({ initial_value: 'Can we give Initech a 20% discount?' });
    expect(initial(view, 'kind')).toMatchObject({ initial_option: { value: 'decision' } });

    const res = await submitEdit(view, {
      need: input.text('Can we give Initech a 15% discount?'),
      kind: input.option('decision'),
      needed_by: input.date('2026-12-04'),
    });
    expect(res.body).toBe('');
    const update = await h.fake.waitFor('chat.update');
    expect(update.args).toMatchObject({ channel: pull.managerChannel, ts: pull.managerTs });
    const shown = JSON.stringify(update.args.blocks);
    expect(shown).toContain('15% discount');
    expect(shown).toContain('Edited by');
    // Still answerable: the buttons are on the updated message.
    expect(shown).toContain('"action_id":"pull_your_call"');
    const notice = await eventually(() => {
      const [only] = managerNotices();
      if (!only) throw new Error('no notice yet');
      return only;
    });
    expect(String(notice.args.text)).toContain('the request and the needed-by date');
    expect(String(notice.args.text)).not.toContain('kind');
    expect(await onlyPull()).toMatchObject({
      need: 'Can we give Initech a 15% discount?',
      neededBy: '2026-12-04',
      status: 'open',
      editedAt: h.clock.now,
    });
  });

  it('keeps the mentions and links of the prefilled request when only the context changes', async () => {
    const pull = await createPull(typed`ask ${mention('UADV0001')} about the <draft> & pricing`);
    const view = await openEdit(pull.id);
    const need = String(initial(view, 'need')?.initial_value);
    await submitEdit(view, {
      need: input.text(need),
      kind: input.option('decision'),
      context: input.text('Legal already said yes'),
    });
    await eventually(() => expect(managerNotices()).toHaveLength(1));
    expect(String(managerNotices()[0]?.args.text)).toContain('(the context)');
    const after = await onlyPull();
    expect(after.need).toBe(pull.need);
    expect(after.need).toContain('<@UADV0001>');
    expect(after.context).toBe('Legal already said yes');
    const update = await h.fake.waitFor('chat.update');
    expect(JSON.stringify(update.args.blocks)).toContain('<@UADV0001>');
  });

  it('applies a double submit once', async () => {
    const pull = await createPull();
    const view = await openEdit(pull.id);
    const values = { need: input.text('Changed once'), kind: input.option('unblock') };
    const ids = { id: 'VEDIT0001', hash: 'h-edit' };
    await Promise.all([submitEdit(view, values, REQ, ids), submitEdit(view, values, REQ, ids)]);
    await h.app.inflight.drained();
    expect(managerNotices()).toHaveLength(1);
    expect(h.fake.callsTo('chat.update')).toHaveLength(1);
    expect(await onlyPull()).toMatchObject({ need: 'Changed once', kind: 'unblock' });

    // A later edit, then a late replay of the first submission: the replay finds its first outcome and does
    // not put the old words back.
    const again = await openEdit(pull.id);
    await submitEdit(again, { need: input.text('Changed twice'), kind: input.option('unblock') });
    await eventually(() => expect(managerNotices()).toHaveLength(2));
    const replay = await submitEdit(view, values, REQ, ids);
    expect(replay.body).toBe('');
    await h.app.inflight.drained();
    expect((await onlyPull()).need).toBe('Changed twice');
    expect(managerNotices()).toHaveLength(2);
  });

  it('changes nothing and tells nobody when saved unchanged', async () => {
    const pull = await createPull();
    const view = await openEdit(pull.id);
    const res = await submitEdit(view, {
      need: input.text(String(initial(view, 'need')?.initial_value)),
      kind: input.option('decision'),
    });
    expect(res.body).toBe('');
    await h.app.inflight.drained();
    expect(managerNotices()).toHaveLength(0);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    expect((await onlyPull()).editedAt).toBeNull();
  });
});

describe('edits refused', () => {
  it('refuses a form opened before the manager answered and sent after, changing nothing', async () => {
    const pull = await createPull();
    const view = await openEdit(pull.id);
    await answer(pull.id);
    const updatesBefore = h.fake.callsTo('chat.update').length;
    const res = await submitEdit(view, {
      need: input.text('Sneaky rewrite'),
      kind: input.option('decision'),
    });
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: { need: expect.stringContaining('answered') },
    });
    await h.app.inflight.drained();
    expect(await onlyPull()).toMatchObject({ need: pull.need, status: 'resolved', editedAt: null });
    expect(h.fake.callsTo('chat.update')).toHaveLength(updatesBefore);
    expect(managerNotices()).toHaveLength(0);
  });

  it('refuses Edit on an answered pull and on a withdrawn one, with a clear message and no form', async () => {
    const pull = await createPull();
    await answer(pull.id, 'pull_your_call', '');
    const formsBefore = h.fake.callsTo('views.open').length;
    await h.slack.action(REQ, 'pull_edit', String(pull.id), { container: 'ephemeral', channel: 'C0GENERAL' });
    const refusal = await h.fake.waitForResponse((b) => String(b.text).includes('answered'));
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });

    await h.slack.command('/pull', typed`${mention(MGR)} another one`, REQ);
    const { pulls } = tables(h.store.db);
    const second = await eventually(async () => {
      const row = (await h.store.db.select().from(pulls).orderBy(pulls.id))[1];
      if (!row?.managerTs) throw new Error('not yet');
      return row;
    });
    await h.slack.action(REQ, 'pull_withdraw', String(second.id), {
      container: 'ephemeral',
      channel: 'C0GENERAL',
    });
    await eventually(async () =>
      expect((await h.store.db.select().from(pulls).orderBy(pulls.id))[1]?.status).toBe('withdrawn'),
    );
    await h.slack.action(REQ, 'pull_edit', String(second.id), { container: 'view' });
    // From Home there is no response_url: the refusal comes by DM.
    const dm = await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === REQ && String(a.text).includes('withdrew this pull'),
    );
    expect(String(dm.args.text)).toContain('nothing was changed');
    await h.app.inflight.drained();
    expect(h.fake.callsTo('views.open')).toHaveLength(formsBefore);
  });

  it('refuses someone else pressing Edit, and a forged submission naming another’s pull; nothing changes', async () => {
    const pull = await createPull();
    await h.slack.action(OTHER, 'pull_edit', String(pull.id), {
      container: 'ephemeral',
      channel: 'C0GENERAL',
    });
    const refusal = await h.fake.waitForResponse((b) => String(b.text).includes('Only'));
    expect(String(refusal.text)).toContain(`<@${REQ}>`);
    await h.app.inflight.drained();
    expect(h.fake.callsTo('views.open')).toHaveLength(0);

    // A form built by hand (or the requester's own, submitted by someone else) names the pull in its metadata.
    const res = await h.slack.viewSubmission(
      OTHER,
      'pull_edit_submit',
      { need: input.text('Hijacked'), kind: input.option('decision') },
      JSON.stringify({ pullId: pull.id, keep: [] }),
    );
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: { need: expect.stringContaining('Only') },
    });
    // The manager cannot rewrite the requester's words either.
    const byManager = await h.slack.viewSubmission(
      MGR,
      'pull_edit_submit',
      { need: input.text('What I wish they asked'), kind: input.option('decision') },
      JSON.stringify({ pullId: pull.id }),
    );
    expect(byManager.body).toMatchObject({ response_action: 'errors' });
    await h.app.inflight.drained();
    expect(await onlyPull()).toMatchObject({ need: pull.need, editedAt: null });
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    expect(managerNotices()).toHaveLength(0);
  });

  it('refuses malformed metadata and a blank request with a field error', async () => {
    const pull = await createPull();
    const bad = await h.slack.viewSubmission(REQ, 'pull_edit_submit', { need: input.text('x') }, 'not json');
    expect(bad.body).toMatchObject({ response_action: 'errors' });
    const view = await openEdit(pull.id);
    const blank = await submitEdit(view, { need: input.text('   '), kind: input.option('decision') });
    expect(blank.body).toMatchObject({ response_action: 'errors', errors: { need: expect.any(String) } });
    expect(await onlyPull()).toMatchObject({ need: pull.need, editedAt: null });
  });
});
