// The text model end to end: text sent the way Slack sends it (mrkdwn, entities, markup), stored as typed,
// shown escaped exactly once, limits counted on what was typed, and every surface within Slack's limits.
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { escapeText } from '../../src/slack/text.js';
import { type Harness, input, startHarness } from '../support/harness.js';
import { checkLimits } from '../unit/block-limits.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const ADV = 'UADV0001';
const LEAD = 'ULEAD001';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};
type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };
const sectionTexts = (args: Record<string, unknown>) =>
  (args.blocks as Block[]).flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

describe('command text arrives as Slack mrkdwn', () => {
  it('stores what was typed and shows the manager exactly that, mentions kept and no broadcast', async () => {
    h = await startHarness();
    const res = await h.slack.command(
      '/pull',
      `<@${MGR}|maya> Q&amp;A on the &lt;draft&gt; with <@W0GRID01|lee> <!channel>`,
      REQ,
    );
    expect(res.status).toBe(200);
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect((await allPulls())[0]?.need).toBe('Q&A on the <draft> with <@W0GRID01> @channel');

    const texts = sectionTexts(dm.args).join('\n');
    expect(texts).toContain('>Q&amp;A on the &lt;draft&gt; with <@W0GRID01> @channel');
    expect(String(dm.args.text)).toContain('Q&amp;A on the &lt;draft&gt;');
    const everything = JSON.stringify(dm.args);
    expect(everything).not.toContain('&amp;amp;');
    expect(everything).not.toContain('&amp;lt;');
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('just now ago');
    expect(checkLimits('message', dm.args)).toEqual([]);
  });

  it('a 3,000-character request full of & and newlines reaches the manager in full', async () => {
    h = await startHarness();
    const typed = `${'&'.repeat(99)}\n`.repeat(30).trim();
    await h.slack.command('/pull', `<@${MGR}> ${escapeText(typed)}`, REQ);
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect((await allPulls())[0]?.need).toBe(typed);
    const quoted = sectionTexts(dm.args).filter((t) => t.startsWith('>'));
    expect(quoted.length).toBeGreaterThan(4);
    for (const t of quoted) expect(t.length).toBeLessThanOrEqual(3000);
    expect(quoted.join('\n').replace(/^>/gm, '')).toBe(escapeText(typed));
    expect(checkLimits('message', dm.args)).toEqual([]);
  });

  it('counts the 3,000-character limit on what was typed, not on the escaped form', async () => {
    h = await startHarness();
    await h.slack.command('/pull', `<@${MGR}> ${'&amp;'.repeat(3000)}`, REQ);
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect((await allPulls())[0]?.need).toBe('&'.repeat(3000));
    const refused = await h.slack.command('/pull', `<@${MGR}> ${'&amp;'.repeat(3001)}`, REQ);
    expect(JSON.stringify(refused.body)).toContain('That request is 3,001 characters');
    expect(await allPulls()).toHaveLength(1);
  });

  it('prefills the form from `/pull what you need` with the raw typed text', async () => {
    h = await startHarness();
    await h.slack.command('/pull', 'Q&amp;A on the &lt;draft&gt;', REQ);
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { blocks: { block_id: string; element: { initial_value?: string } }[] };
    expect(view.blocks.find((b) => b.block_id === 'need')?.element.initial_value).toBe('Q&A on the <draft>');
    expect(checkLimits('modal', view as never)).toEqual([]);
  });
});

describe('/push', () => {
  it('counts the 150-character title limit on what was typed', async () => {
    h = await startHarness();
    const ok = await h.slack.command('/push', `add ${'R&amp;D'.repeat(50)}`, MGR);
    expect(JSON.stringify(ok.body)).toContain('Pushing on');
    expect(JSON.stringify(ok.body)).toContain(`*${'R&amp;D'.repeat(50)}*`);
    const { pushes } = tables(h.store.db);
    expect((await h.store.db.select().from(pushes).orderBy(pushes.id))[0]?.title).toBe('R&D'.repeat(50));
    const refused = await h.slack.command('/push', `add ${'&lt;'.repeat(151)}`, MGR);
    expect(JSON.stringify(refused.body)).toContain('that one is 151');
  });

  it('never echoes a 6,000-character bad input back', async () => {
    h = await startHarness();
    const res = await h.slack.command('/push', `frobnicate ${'&amp;'.repeat(6000)}`, MGR);
    const text = (res.body as { text: string }).text;
    expect(text).toContain("I don't know");
    expect(text.length).toBeLessThan(200);
    const mention = await h.slack.command('/push', `list @${'x'.repeat(6000)}`, MGR);
    expect((mention.body as { text: string }).text.length).toBeLessThan(300);
  });

  it('keeps `/push list` under 50 blocks after many add-and-drop cycles, the open push shown', async () => {
    h = await startHarness();
    for (let i = 1; i <= 54; i++) {
      await h.slack.command('/push', `add Push ${i}`, MGR);
      if (i < 54) await h.slack.command('/push', `drop ${i}`, MGR);
    }
    const list = await h.slack.command('/push', 'list', MGR);
    const body = list.body as Record<string, unknown>;
    expect(checkLimits('message', body)).toEqual([]);
    expect(JSON.stringify(body)).toContain('*54.* :large_green_circle: On track · *Push 54*');
    expect(JSON.stringify(body)).toContain('*53.* Dropped: Push 53');
  });
});

describe('recognition', () => {
  it('quotes the message with mentions as mentions and entities shown once', async () => {
    h = await startHarness({ env: { RECOGNITION_CHANNEL: '#kudos' } });
    await h.slack.messageShortcut(LEAD, 'recognize_advocate_message', {
      user: ADV,
      text: `Thanks <@${LEAD}|lead> for the Q&amp;A &lt;3 <!here>`,
      ts: '1700000000.000100',
    });
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { blocks: Block[] };
    const quoted = view.blocks[0]?.elements?.[0]?.text ?? '';
    expect(quoted).toContain(`>Thanks <@${LEAD}> for the Q&amp;A &lt;3 @here`);
    expect(quoted).not.toContain('&lt;@');
    expect(quoted).not.toContain('&amp;amp;');
    expect(checkLimits('modal', view as never)).toEqual([]);

    // The recognition itself, typed in the form, arrives raw and is shown escaped once.
    await h.slack.viewSubmission(
      LEAD,
      'recognize_advocate_submit',
      {
        advocate: input.user(ADV),
        function: input.option('legal'),
        what: input.text('Q&A on the <draft> contract, thanks to <@UFAKE999> <!here>'),
        project: input.text(''),
        share: input.checkboxes(['share']),
      },
      JSON.stringify({ source: { channel: 'C0SALES', ts: '1700000000.000100' } }),
    );
    const thanks = await h.fake.waitFor('chat.postMessage', (a) => a.channel === ADV);
    expect(JSON.stringify(thanks.args.blocks)).toContain(
      'Q&amp;A on the &lt;draft&gt; contract, thanks to &lt;@UFAKE999&gt; &lt;!here&gt;',
    );
    expect(JSON.stringify(thanks.args)).not.toContain('\\u2060');
  });

  it('opens the form for a channel name at the 80-character maximum', async () => {
    const channel = `#${'a'.repeat(79)}`;
    h = await startHarness({ env: { RECOGNITION_CHANNEL: channel } });
    await h.slack.shortcut(LEAD, 'recognize_advocate');
    const open = await h.fake.waitFor('views.open');
    expect(checkLimits('modal', open.args.view as never)).toEqual([]);
    expect(JSON.stringify(open.args.view)).toContain('Share it in #aaa');
  });
});
