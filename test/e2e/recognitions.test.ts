import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';
import { mention, special, typed } from '../support/slack-driver.js';

const LEAD = 'ULEAD001';
const ADV = 'UADV0001';
const ADV_MGR = 'UAMG0001';
const KUDOS = 'C0KUDOS1';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});
const start = async (env: Record<string, string> = { RECOGNITION_CHANNEL: KUDOS }) => {
  h = await startHarness({ env });
  return h;
};
const stored = async () => {
  const { recognitions } = tables(h.store.db);
  return h.store.db.select().from(recognitions).orderBy(recognitions.id);
};

function submit(values: Partial<Record<string, Record<string, unknown>>>, metadata = '{}', user = LEAD) {
  return h.slack.viewSubmission(
    user,
    'recognize_advocate_submit',
    {
      advocate: input.user(ADV),
      function: input.option('finance'),
      what: input.text('Turned around the Initech credit check in a day'),
      project: input.text('Initech renewal'),
      share: input.checkboxes(['share']),
      ...values,
    } as Record<string, Record<string, unknown>>,
    metadata,
  );
}

describe('the message shortcut', () => {
  it('opens the modal with the author as advocate and the message quoted, then attaches its permalink', async () => {
    await start();
    const res = await h.slack.messageShortcut(LEAD, 'recognize_advocate_message', {
      user: ADV,
      text: typed`Credit check is done, ${special('here')} you are clear to sign & ${mention(ADV_MGR, 'ana')} has the <final> copy`,
      ts: '1732000000.000100',
    });
    expect(res.status).toBe(200);
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { private_metadata: string; blocks: unknown[] };
    const json = JSON.stringify(view);
    expect(json).toContain(`"initial_user":"${ADV}"`);
    // The quote reads as the message did: @here never pings, the mention stays a mention, text escaped once.
    expect(json).toContain('Credit check is done,');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('&lt;!here');
    expect(json).toContain(`you are clear to sign &amp; <@${ADV_MGR}> has the &lt;final&gt; copy`);
    expect(json).not.toContain('&amp;amp;');
    await submit({}, view.private_metadata);
    await h.fake.waitFor(
      'chat.getPermalink',
      (a) => a.channel === 'C0SALES' && a.message_ts === '1732000000.000100',
    );
    const thanks = await h.fake.waitFor('chat.postMessage', (a) => a.channel === ADV);
    expect(JSON.stringify(thanks.args.blocks)).toContain(
      'https://acme.slack.com/archives/C0SALES/p1732000000000100',
    );
    await eventually(async () => expect((await stored())[0]?.permalink).toContain('/archives/C0SALES/'));
  });

  it('refuses a bot message and your own message, opening nothing', async () => {
    await start();
    await h.slack.messageShortcut(LEAD, 'recognize_advocate_message', {
      user: LEAD,
      text: 'mine',
      ts: '1.1',
    });
    await h.fake.waitForResponse((b) => String(b.text).includes('your own message'));
    await h.slack.messageShortcut(LEAD, 'recognize_advocate_message', {
      bot_id: 'B123',
      text: 'deploy finished',
      ts: '1.2',
    });
    await h.fake.waitForResponse((b) => String(b.text).includes('came from an app'));
    await h.app.inflight.drained();
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });

  it('opens from a reply in a thread, linking the reply itself', async () => {
    await start();
    await h.slack.messageShortcut(LEAD, 'recognize_advocate_message', {
      user: ADV,
      text: 'Legal signed off',
      ts: '1732000000.000300',
      thread_ts: '1732000000.000100',
    });
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { private_metadata: string };
    expect(JSON.stringify(view)).toContain(`"initial_user":"${ADV}"`);
    await submit({}, view.private_metadata);
    await h.fake.waitFor(
      'chat.getPermalink',
      (a) => a.channel === 'C0SALES' && a.message_ts === '1732000000.000300',
    );
  });
});

describe('the global shortcut and submission', () => {
  it('opens an empty modal with sharing on by default when a channel is set', async () => {
    await start();
    await h.slack.shortcut(LEAD, 'recognize_advocate');
    const open = await h.fake.waitFor('views.open');
    const json = JSON.stringify(open.args.view);
    expect(json).not.toContain('initial_user');
    expect(json).toContain(`Share it in ${KUDOS}`);
    expect(json).toContain('"initial_options"');
    for (const f of ['Operations', 'Support', 'Finance', 'Legal', 'Product', 'Engineering', 'Other'])
      expect(json).toContain(f);
  });

  it('offers no sharing when no recognition channel is set', async () => {
    await start({});
    await h.slack.shortcut(LEAD, 'recognize_advocate');
    const open = await h.fake.waitFor('views.open');
    expect(JSON.stringify(open.args.view)).not.toContain('"block_id":"share"');
  });

  it('thanks the advocate, tells their manager, posts in the channel, and stores it', async () => {
    await start();
    await h.slack.command('/pull', `manager <@${ADV_MGR}>`, ADV);
    const res = await submit({});
    expect(res.body).toBe('');
    const thanks = await h.fake.waitFor('chat.postMessage', (a) => a.channel === ADV);
    expect(String(thanks.args.text)).toContain(`<@${LEAD}> recognized you`);
    const notice = await h.fake.waitFor('chat.postMessage', (a) => a.channel === ADV_MGR);
    expect(String(notice.args.text)).toContain(`<@${ADV}> (Finance)`);
    const post = await h.fake.waitFor('chat.postMessage', (a) => a.channel === KUDOS);
    expect(JSON.stringify(post.args.blocks)).toContain('Turned around the Initech credit check');
    const receipt = await h.fake.waitFor('chat.postMessage', (a) => a.channel === LEAD);
    expect(String(receipt.args.text)).toContain('Thanks for recognizing');
    expect((await stored())[0]).toMatchObject({
      recognizerId: LEAD,
      advocateId: ADV,
      advocateFunction: 'finance',
      project: 'Initech renewal',
      shared: true,
    });
  });

  it('knows the manager from pulls when no default is set', async () => {
    await start();
    await h.slack.command('/pull', `<@${ADV_MGR}> can I waive the fee?`, ADV);
    await submit({});
    await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === ADV_MGR && String(a.text).includes('was recognized'),
    );
  });

  it('does not post in the channel when sharing is unticked', async () => {
    await start();
    await submit({ share: input.checkboxes([]) });
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === LEAD);
    await h.app.inflight.drained();
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === KUDOS)).toHaveLength(0);
    expect((await stored())[0]?.shared).toBe(false);
  });

  it('tells the recognizer clearly when the bot is not in the channel, and still keeps and DMs it', async () => {
    await start();
    h.fake.channelsWithoutBot.add(KUDOS);
    await submit({});
    const receipt = await h.fake.waitFor('chat.postMessage', (a) => a.channel === LEAD);
    expect(String(receipt.args.text)).toContain('not a member of that channel');
    expect(String(receipt.args.text)).toContain('/invite @Pushpull');
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === ADV)).toHaveLength(1);
    expect(await stored()).toHaveLength(1);
  });

  it('escapes user text in all three messages', async () => {
    await start();
    await h.slack.command('/pull', `manager <@${ADV_MGR}>`, ADV);
    await submit({
      what: input.text('<!channel> & <@UFAKE999> <https://evil.example|x>'),
      project: input.text('<!everyone>'),
    });
    for (const channel of [ADV, ADV_MGR, KUDOS]) {
      const call = await h.fake.waitFor('chat.postMessage', (a) => a.channel === channel);
      const json = JSON.stringify(call.args);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<!everyone>');
      expect(json).not.toContain('<@UFAKE999>');
      expect(json).not.toContain('<https://evil');
      expect(json).toContain('&lt;!channel&gt; &amp;');
    }
  });
});

describe('refusals', () => {
  it('refuses recognizing yourself, a bot, and an empty "what they did", storing nothing', async () => {
    await start();
    const self = await submit({ advocate: input.user(LEAD) });
    expect(self.body).toMatchObject({
      response_action: 'errors',
      errors: { advocate: expect.stringContaining('not yourself') },
    });

    h.fake.users.set('UBOTX001', { isBot: true });
    await h.slack.messageShortcut(LEAD, 'recognize_advocate_message', {
      user: 'UBOTX001',
      text: 'beep',
      ts: '1.3',
    });
    await h.fake.waitFor('users.info', (a) => a.user === 'UBOTX001');
    await eventually(async () => {
      const bot = await submit({ advocate: input.user('UBOTX001') });
      expect(bot.body).toMatchObject({
        response_action: 'errors',
        errors: { advocate: expect.stringContaining('bot') },
      });
    });
    const slackbot = await submit({ advocate: input.user('USLACKBOT') });
    expect(slackbot.body).toMatchObject({ response_action: 'errors' });

    const empty = await submit({ what: input.text('   ') });
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { what: expect.any(String) } });
    const long = await submit({ what: input.text('x'.repeat(1001)) });
    expect(long.body).toMatchObject({
      response_action: 'errors',
      errors: { what: expect.stringContaining('1,000') },
    });
    const noFunction = await submit({ function: input.option(null) });
    expect(noFunction.body).toMatchObject({
      response_action: 'errors',
      errors: { function: expect.any(String) },
    });
    expect(await stored()).toHaveLength(0);
  });
});

describe('the Home tab', () => {
  it('shows recognitions given and received this quarter', async () => {
    await start();
    await submit({});
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === LEAD);
    h.fake.reset();
    await h.slack.event({ type: 'app_home_opened', user: ADV, tab: 'home', channel: 'D1' });
    const home = await h.fake.waitFor('views.publish', (a) => a.user_id === ADV);
    const json = JSON.stringify(home.args.view);
    expect(json).toContain('1 received, 0 given');
    expect(json).toContain(`<@${LEAD}> recognized you`);
  });
});
