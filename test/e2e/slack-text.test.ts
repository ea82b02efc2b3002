// `/pull` fed text as Slack delivers it — entities, markup, emoji at every cut point, 3,000 `&` — through the
// real receiver: never a 404 or 5xx, never a block Slack would refuse, and the need stored is what was typed.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { shownText } from '../../src/domain/text.js';
import { slackMessage } from '../support/block-kit.js';
import { type Harness, startHarness } from '../support/harness.js';
import { escapeTyped, link, mention, type SlackMarkup, special, typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const graphemes = (s: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].length;

/** What a person might type: Slack's control characters, things that look like entities and markup, emoji. */
const piece = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.constantFrom(
    '&',
    '<',
    '>',
    '&amp;',
    '&lt;b&gt;',
    '<@U123>',
    '<!channel>',
    'Q&A',
    '3 > 2',
    '"quoted"',
    '\n',
  ),
  fc.constantFrom('🎉', '👩‍👩‍👧', '🇫🇷', '👍🏽', 'é', 'ñ', '漢字', '\u200d'),
);
/** Long runs put an emoji or an `&` across every cut a builder might make (140, 300, 500, 3,000…). */
const long = fc
  .tuple(fc.integer({ min: 0, max: 2_990 }), fc.constantFrom('🎉', '👩‍👩‍👧', '&', '<', 'é'))
  .map(([n, tail]) => `${'x'.repeat(n)}${tail.repeat(Math.max(1, Math.floor((3_000 - n) / 8)))}`);
const typedText = fc
  .oneof(
    { weight: 4, arbitrary: fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join('')) },
    { weight: 1, arbitrary: long },
    { weight: 1, arbitrary: fc.constant('&'.repeat(3_000)) },
  )
  .map((s) => s.trim())
  .filter((s) => s !== '' && !s.includes('\uFFFD') && !LONE_SURROGATE.test(s) && graphemes(s) <= 3_000);

const markup = fc.constantFrom<SlackMarkup>(
  mention('UOTH0001', 'otto'),
  mention('W0ENTER1'),
  special('here'),
  special('channel'),
  link('https://example.com/?a=1&b=2', 'the doc'),
);

/** The Slack-side problems found since the last call, by name. */
const breaches = () =>
  h.fake.takeViolations().flatMap((v) => v.breaches.map((b) => `${v.method}: ${slackMessage(b)}`));

async function pull(text: string) {
  // A minute between runs: the per-person limit on pulls a minute is not what this property is about.
  h.clock.now += 61_000;
  const { pulls } = tables(h.store.db);
  const before = (await h.store.db.select().from(pulls).orderBy(pulls.id)).length;
  const res = await h.slack.command('/pull', text, REQ);
  await h.app.inflight.drained();
  expect(res.status).toBe(200);
  const after = await h.store.db.select().from(pulls).orderBy(pulls.id);
  return { res, created: after.length > before ? after.at(-1) : undefined };
}

describe('/pull with text as Slack delivers it', () => {
  it('stores exactly what was typed, and every message about it is one Slack accepts', async () => {
    await fc.assert(
      fc.asyncProperty(typedText, async (need) => {
        h.fake.reset();
        const { created } = await pull(typed`${mention(MGR, 'maria')} ${need}`);
        // Typed text that merely looks like markup is kept as text (see src/slack/text.ts), so compare what a
        // reader is shown with what was typed.
        expect(shownText(created?.need ?? '')).toBe(need);
        expect(breaches()).toEqual([]);
        const sent = JSON.stringify(h.fake.calls.map((c) => c.args));
        // A cut that split a surrogate pair reaches Slack as U+FFFD through the client's form encoding.
        expect(sent).not.toContain('\\ufffd');
        expect(sent).not.toContain('\uFFFD');
      }),
      { numRuns: 40 },
    );
  });

  it('never fails or breaks a block with markup mixed in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            typedText.map(escapeTyped),
            markup.map((m) => m.slack),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (parts) => {
          h.fake.reset();
          const { res } = await pull(`<@${MGR}|maria> ${parts.join(' ')}`);
          expect(res.status).toBe(200);
          expect(breaches()).toEqual([]);
          // @here and @channel never ping, whatever the writer sent.
          const posted = JSON.stringify(
            h.fake.callsTo('chat.postMessage').map((c) => [c.args.text, c.args.blocks]),
          );
          expect(posted).not.toMatch(/<!(here|channel|everyone)/);
        },
      ),
      { numRuns: 30 },
    );
  });
});
