import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';
import { link, mention, special, typed } from '../support/slack-driver.js';

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
const blocksText = (args: Record<string, unknown>) =>
  JSON.stringify(args.blocks ?? '') + String(args.text ?? '');

/** `need` is in Slack's form: build it with `typed`. */
async function createPull(need = 'Can we give Initech a 20% discount?') {
  const res = await h.slack.command('/pull', `<@${MGR}|maria> ${need}`, REQ);
  expect(res.status).toBe(200);
  const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
  // The manager can only click once the DM exists, by which time its ts is stored.
  const pull = await eventually(async () => {
    const last = (await allPulls()).at(-1);
    if (!last?.managerTs) throw new Error('manager DM not recorded yet');
    return last;
  });
  return { res, dm, pull };
}

describe('/pull @manager text', () => {
  it('stores the pull, confirms ephemerally naming the manager, and DMs the manager with the five buttons', async () => {
    const { res, dm, pull } = await createPull();
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(res.body)).toContain(`<@${MGR}>`);
    expect(pull).toMatchObject({
      requesterId: REQ,
      managerId: MGR,
      status: 'open',
      need: 'Can we give Initech a 20% discount?',
    });
    const labels = JSON.stringify(dm.args.blocks);
    for (const label of ['Acknowledge', 'Your call', 'Input', 'Decision', "Let's talk"])
      expect(labels).toContain(`"${label}"`);
    expect(blocksText(dm.args)).toContain(`<@${REQ}>`);
    await eventually(async () => expect((await allPulls())[0]?.managerChannel).toBe(`D${MGR.slice(1)}`));
    expect((await allPulls())[0]?.managerTs).toBeTruthy();
  });

  it('stores what the person typed and shows it to the manager exactly once escaped', async () => {
    const { dm, pull } = await createPull(typed`Q&A on the <draft> — 3 > 2 & "quotes" 🎉`);
    expect(pull.need).toBe('Q&A on the <draft> — 3 > 2 & "quotes" 🎉');
    const text = blocksText(dm.args);
    expect(text).toContain('Q&amp;A on the &lt;draft&gt; — 3 &gt; 2 &amp;');
    expect(text).not.toContain('&amp;amp;');
    expect(text).not.toContain('&amp;lt;');
  });

  it('never pings @channel, keeps the writer’s mentions and links', async () => {
    await createPull(
      typed`${special('channel')} urgent & ${mention('UFAKE123')} said ${link('https://example.com/a?b=1&c=2', 'the doc')}`,
    );
    const dm = h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)[0];
    const text = blocksText(dm?.args ?? {});
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('urgent &amp;');
    expect(text).toContain('<@UFAKE123>');
    expect(text).toContain('<https://example.com/a?b=1&amp;c=2|the doc>');
  });

  it('counts the 3,000-character limit on what was typed, not on its escaped form', async () => {
    const { pull } = await createPull(typed`${'&'.repeat(3000)}`);
    expect(pull.need).toBe('&'.repeat(3000));
  });

  it('takes Enterprise Grid W… ids, mentioned without a name', async () => {
    await h.slack.command('/pull', typed`${mention('W0MGR001')} Budget sign-off?`, 'W0REQ001');
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === 'W0MGR001');
    expect((await allPulls())[0]).toMatchObject({
      requesterId: 'W0REQ001',
      managerId: 'W0MGR001',
      need: 'Budget sign-off?',
    });
  });

  it('refuses an over-long request with a message and stores nothing', async () => {
    const res = await h.slack.command('/pull', `<@${MGR}> ${'x'.repeat(3001)}`, REQ);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('3,000');
    // Anything the app does after the ack has finished before absence is checked.
    await h.app.inflight.drained();
    expect(await allPulls()).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('refuses pulling yourself in', async () => {
    const res = await h.slack.command('/pull', `<@${REQ}> should I?`, REQ);
    expect(JSON.stringify(res.body)).toContain('your call');
    await h.app.inflight.drained();
    expect(await allPulls()).toHaveLength(0);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('tells the requester when the manager cannot be reached, and keeps the pull', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'user_not_found' });
    await h.slack.command('/pull', `<@${MGR}> need a hand`, REQ);
    const warning = await h.fake.waitForResponse((b) => String(b.text).includes('user_not_found'));
    expect(warning.text).toContain('saved');
    expect(await allPulls()).toHaveLength(1);
  });
});

describe('/pull with a default manager', () => {
  it('sets the default manager, then sends mention-less pulls to them', async () => {
    const set = await h.slack.command('/pull', `manager <@${MGR}|maria>`, REQ);
    expect(JSON.stringify(set.body)).toContain(`<@${MGR}>`);
    const { members } = tables(h.store.db);
    expect(
      (await h.store.db.select().from(members).where(eq(members.userId, REQ)).limit(1))[0]?.managerId,
    ).toBe(MGR);
    await h.slack.command('/pull', 'which vendor for the pilot?', REQ);
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect((await allPulls())[0]).toMatchObject({ managerId: MGR, need: 'which vendor for the pilot?' });
  });

  it('opens the modal prefilled when no default manager is set', async () => {
    await h.slack.command('/pull', typed`which vendor for the <pilot> & when?`, REQ);
    const open = await h.fake.waitFor('views.open');
    // A plain_text_input shows initial_value as is: it must be what was typed, not Slack's entities.
    expect(JSON.stringify(open.args.view)).toContain(
      '"initial_value":"which vendor for the <pilot> & when?"',
    );
    expect(await allPulls()).toHaveLength(0);
  });

  it('keeps the mentions and links of a prefilled request when the form is sent back unchanged', async () => {
    await h.slack.command(
      '/pull',
      `ask <@UADV0001|ada> about <https://x.io/?a=1&amp;b=2|Q&amp;A> &amp; the &lt;draft&gt;`,
      REQ,
    );
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as {
      private_metadata?: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };
    const initial = view.blocks.find((b) => b.block_id === 'need')?.element?.initial_value ?? '';
    await h.slack.viewSubmission(
      REQ,
      'pull_create',
      { manager: input.user(MGR, 'pull_manager_selected'), need: input.text(initial) },
      view.private_metadata ?? '',
    );
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    const text = blocksText(dm.args);
    expect(text).toContain('<@UADV0001>');
    expect(text).toContain('<https://x.io/?a=1&amp;b=2|Q&amp;A>');
    expect(text).toContain('&amp; the &lt;draft&gt;');
    expect(text).not.toContain('&amp;amp;');
    expect(text).not.toContain('&lt;@');
  });

  it('preselects the person named in `/pull @someone` with nothing after it', async () => {
    await h.slack.command('/pull', `<@${MGR}|maria>`, REQ);
    const open = await h.fake.waitFor('views.open');
    expect(JSON.stringify(open.args.view)).toContain(`"initial_user":"${MGR}"`);
  });

  it('opens an empty modal with no text, and the default manager preselected', async () => {
    await h.slack.command('/pull', `manager <@${MGR}>`, REQ);
    await h.slack.command('/pull', '', REQ);
    const open = await h.fake.waitFor('views.open');
    expect(JSON.stringify(open.args.view)).toContain(`"initial_user":"${MGR}"`);
  });
});

describe('/pull list and help', () => {
  it('lists pulls sent and awaiting', async () => {
    await createPull('first');
    await h.slack.command('/pull', `<@${REQ}> reverse`, MGR);
    const res = await h.slack.command('/pull', 'list', REQ);
    const text = JSON.stringify(res.body);
    expect(text).toContain('Awaiting you (1)');
    expect(text).toContain('You pulled in (1)');
    expect(text).toContain('reverse');
    expect(text).toContain('first');
  });

  it('says so when nothing is open', async () => {
    const res = await h.slack.command('/pull', 'list', REQ);
    expect(JSON.stringify(res.body)).toContain('Nothing open');
  });

  it('explains every form in help', async () => {
    const res = await h.slack.command('/pull', 'help', REQ);
    const text = JSON.stringify(res.body);
    for (const form of ['/pull @manager', '/pull list', '/pull manager @someone', '/pull help'])
      expect(text).toContain(form);
  });
});

describe('the pull modal', () => {
  it('opens from the pull_in global shortcut', async () => {
    const res = await h.slack.shortcut(REQ, 'pull_in');
    expect(res.status).toBe(200);
    const open = await h.fake.waitFor('views.open');
    expect(open.args.view).toMatchObject({ callback_id: 'pull_create' });
  });

  it('gives field errors for a blank request and no manager, writing nothing', async () => {
    const res = await h.slack.viewSubmission(REQ, 'pull_create', {
      manager: input.user(null, 'pull_manager_selected'),
      need: input.text('   '),
      kind: input.option('decision'),
    });
    expect(res.body).toMatchObject({ response_action: 'errors' });
    const errors = (res.body as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual(['manager', 'need']);
    expect(await allPulls()).toHaveLength(0);
  });

  it('creates the pull with every field, DMs the manager and confirms to the requester', async () => {
    const res = await h.slack.viewSubmission(REQ, 'pull_create', {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text('Define success for the Q1 pilot'),
      kind: input.option('define-success'),
      context: input.text('Customer wants a 3-month pilot'),
      needed_by: input.date('2026-12-04'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect(blocksText(dm.args)).toContain('Define success');
    expect(blocksText(dm.args)).toContain('Fri, Dec 4');
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === REQ);
    expect((await allPulls())[0]).toMatchObject({
      kind: 'define-success',
      neededBy: '2026-12-04',
      context: 'Customer wants a 3-month pilot',
    });
  });

  it('survives wrong types in state.values with a field error', async () => {
    const res = await h.slack.viewSubmission(REQ, 'pull_create', {
      manager: { pull_manager_selected: { selected_user: 42 } },
      need: { value: { value: ['not', 'text'] } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_action: 'errors' });
    expect(await allPulls()).toHaveLength(0);
  });
});

describe("the manager's answers", () => {
  it('acknowledges: the requester hears it and the manager message is updated in place', async () => {
    const { pull } = await createPull();
    await h.slack.action(MGR, 'pull_acknowledge', String(pull.id));
    const update = await h.fake.waitFor('chat.update');
    expect(update.args).toMatchObject({ channel: pull.managerChannel, ts: pull.managerTs });
    expect(JSON.stringify(update.args.blocks)).toContain('Acknowledged');
    expect(JSON.stringify(update.args.blocks)).not.toContain('"Acknowledge"');
    const told = await h.fake.waitFor('chat.postMessage', (a) => a.channel === REQ);
    expect(String(told.args.text)).toContain('saw your pull');
    expect((await allPulls())[0]?.status).toBe('acknowledged');
    expect((await allPulls())[0]?.acknowledgedAt).toBeTypeOf('number');
  });

  it('refuses anyone but the manager, ephemerally, and changes nothing', async () => {
    const { pull } = await createPull();
    for (const action of ['pull_acknowledge', 'pull_your_call', 'pull_input', 'pull_decision', 'pull_talk']) {
      await h.slack.action(OTHER, action, String(pull.id));
    }
    await eventually(() =>
      expect(h.fake.responses.filter((r) => String(r.body.text).includes('Only'))).toHaveLength(5),
    );
    await h.app.inflight.drained();
    for (const r of h.fake.responses)
      expect(r.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect((await allPulls())[0]?.status).toBe('open');
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });

  for (const [action, resolution, note] of [
    ['pull_your_call', 'your-call', ''],
    ['pull_input', 'input', 'Anchor on value, not price'],
    ['pull_decision', 'decision', 'Yes to 15%, not 20%'],
    ['pull_talk', 'talk', ''],
  ] as const) {
    it(`resolves with ${resolution} through its modal`, async () => {
      const { pull } = await createPull();
      await h.slack.action(MGR, action, String(pull.id));
      const open = await h.fake.waitFor('views.open');
      const view = open.args.view as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe('pull_resolve');
      const res = await h.slack.viewSubmission(
        MGR,
        'pull_resolve',
        { note: input.text(note || null) },
        view.private_metadata,
      );
      expect(res.body).toBe('');
      await h.fake.waitFor('chat.update');
      const told = await h.fake.waitFor('chat.postMessage', (a) => a.channel === REQ);
      if (note) expect(JSON.stringify(told.args.blocks)).toContain(note);
      expect((await allPulls())[0]).toMatchObject({
        status: 'resolved',
        resolution,
        resolutionNote: note || null,
      });
    });
  }

  it('requires a note for Input and Decision', async () => {
    const { pull } = await createPull();
    const metadata = JSON.stringify({ pullId: pull.id, resolution: 'decision' });
    const res = await h.slack.viewSubmission(MGR, 'pull_resolve', { note: input.text('') }, metadata);
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: { note: expect.stringContaining('note') },
    });
    expect((await allPulls())[0]?.status).toBe('open');
  });

  it('refuses a forged resolve submission from someone else', async () => {
    const { pull } = await createPull();
    const metadata = JSON.stringify({ pullId: pull.id, resolution: 'decision' });
    const res = await h.slack.viewSubmission(
      OTHER,
      'pull_resolve',
      { note: input.text('I decide') },
      metadata,
    );
    expect(res.body).toMatchObject({ response_action: 'errors' });
    expect((await allPulls())[0]?.status).toBe('open');
  });
});

describe('withdrawing', () => {
  it('lets the requester withdraw from the confirmation, updating the manager DM', async () => {
    const { pull } = await createPull();
    // The confirmation is the ephemeral reply to /pull: Slack sends no `message` for it.
    await h.slack.action(REQ, 'pull_withdraw', String(pull.id), {
      container: 'ephemeral',
      channel: 'C0GENERAL',
    });
    const update = await h.fake.waitFor('chat.update');
    expect(JSON.stringify(update.args.blocks)).toContain('withdrew');
    expect((await allPulls())[0]?.status).toBe('withdrawn');
    await h.fake.waitForResponse((b) => b.replace_original === true);
  });

  it('refuses a withdraw from anyone else', async () => {
    const { pull } = await createPull();
    await h.slack.action(MGR, 'pull_withdraw', String(pull.id), {
      container: 'ephemeral',
      channel: 'C0GENERAL',
    });
    await h.fake.waitForResponse((b) => String(b.text).includes('Only'));
    await h.app.inflight.drained();
    expect((await allPulls())[0]?.status).toBe('open');
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
  });
});
