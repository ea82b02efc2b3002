// No user-supplied string, rendered by any Block Kit builder, can become a broadcast or markup it did not hold,
// and every character is escaped exactly once (the text model: src/slack/text.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agreement, Pull, Push, PushUpdate, Recognition } from '../../src/db/schema.js';
import {
  agreementList,
  confirmMessage,
  defineModal,
  notQuiteModal,
  repeatModal,
  requesterHandshakeMessage,
} from '../../src/slack/blocks/agreements.js';
import { digestMessage } from '../../src/slack/blocks/digest.js';
import { homeView } from '../../src/slack/blocks/home.js';
import {
  managerPullMessage,
  pullConfirmation,
  pullList,
  pullModal,
  requesterUpdate,
  resolveModal,
} from '../../src/slack/blocks/pulls.js';
import {
  ownerNamedMessage,
  pushList,
  pushUpdatedMessage,
  pushUpdateModal,
} from '../../src/slack/blocks/pushes.js';
import {
  advocateThanks,
  channelPost,
  managerNotice,
  recognitionModal,
  recognizerReceipt,
} from '../../src/slack/blocks/recognitions.js';
import { fromSlack, literal } from '../../src/slack/text.js';
import { agreementRow, page, pullRow, pushRow } from '../support/rows.js';

const NOW = Date.UTC(2026, 10, 24);
const KNOWN_IDS = ['UREQ1', 'UMGR1', 'UOWN1', 'UADV1', 'U0MARIA1'];
const PERMALINK = 'https://acme.slack.com/archives/C1/p1';

/** The strings Slack parses as mrkdwn: `mrkdwn` text objects and a message's fallback `text`. plain_text is shown as typed. */
function mrkdwnStrings(node: unknown, top = true): string[] {
  if (Array.isArray(node)) return node.flatMap((n) => mrkdwnStrings(n, false));
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  if (o.type === 'plain_text') return [];
  const own = (o.type === 'mrkdwn' || (top && !o.type)) && typeof o.text === 'string' ? [o.text] : [];
  return [
    ...own,
    ...Object.entries(o).flatMap(([k, v]) =>
      k === 'text' && typeof v === 'string' ? [] : mrkdwnStrings(v, false),
    ),
  ];
}

/**
 * Every `<…>` token Slack would parse is one the builder made (a known mention, our permalink) or a mention Slack
 * itself sent in command text; nothing is a broadcast; every `&` starts an entity; no half characters.
 */
function onlyOurTokens(output: unknown, hasMrkdwn = true) {
  const strings = mrkdwnStrings(output);
  if (hasMrkdwn) expect(strings.length).toBeGreaterThan(0);
  const json = strings.join('\n');
  for (const match of json.matchAll(/<([^>]*)>/g)) {
    const token = match[1] ?? '';
    const allowed = KNOWN_IDS.some((id) => token === `@${id}`) || token.startsWith(`${PERMALINK}|`);
    expect(allowed, `unexpected token <${token}> in ${json.slice(0, 300)}`).toBe(true);
  }
  expect(json).not.toMatch(/<!/);
  expect(json).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(json).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
}

/** Modal values (raw) and command or message text (Slack's form, decoded at the edge). */
/** Command or message text as Slack sends it, decoded at the edge. */
const slackText = fc
  .array(
    fc.constantFrom(
      '<!channel>',
      '<!here|here>',
      '<@U0MARIA1|maria>',
      'Q&amp;A',
      '&lt;b&gt;',
      '&lt;@UEVIL1&gt;',
      '<!subteam^S1|@x>',
      ' ',
    ),
  )
  .map((parts) => fromSlack(parts.join('')));

/** Modal values, raw as typed, read through `literal` as the payload readers do. */
const raw = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom(
    '<!channel>',
    '<!here>',
    '<!everyone>',
    '<@UEVIL1>',
    '<https://evil.example|click>',
    '<#C123|general>',
    '&lt;!channel&gt;',
    '<<!channel>>',
  ),
  fc
    .tuple(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('<!here>', '<@W1>', '>'),
      fc.string({ maxLength: 20 }),
    )
    .map((p) => p.join('')),
);

const text = fc.oneof(raw.map(literal), slackText);

const pull = (t: string): Pull =>
  pullRow({
    teamId: null,
    need: t,
    context: t,
    neededBy: '2026-11-20',
    pushId: 1,
    status: 'resolved',
    resolution: 'input',
    resolutionNote: t,
    createdAt: NOW - 1000,
    resolvedAt: NOW,
  });
const push = (t: string): Push =>
  pushRow({
    teamId: null,
    title: t,
    why: t,
    guardrails: t,
    success: t,
    ownerId: 'UOWN1',
    support: t,
    status: 'at-risk',
    createdAt: NOW - 30 * 86_400_000,
    updatedAt: NOW,
  });
const update = (t: string): PushUpdate => ({
  id: 1,
  pushId: 1,
  authorId: 'UOWN1',
  status: 'at-risk',
  note: t,
  createdAt: NOW - 1000,
});
const agreement = (t: string, over: Partial<Agreement> = {}): Agreement =>
  agreementRow({
    teamId: null,
    pushId: 1,
    success: t,
    byWhen: '2026-12-31',
    guardrails: t,
    ownWords: t,
    approach: t,
    notQuiteNote: t,
    agreedAt: NOW,
    ...over,
  });
const recognition = (t: string): Recognition => ({
  id: 1,
  teamId: null,
  recognizerId: 'UREQ1',
  advocateId: 'UADV1',
  advocateFunction: 'legal',
  what: t,
  project: t,
  permalink: PERMALINK,
  shared: true,
  createdAt: NOW,
});

describe('escaping in every builder', () => {
  it('keeps user text inert in pull, push, recognition, home and digest output', () => {
    fc.assert(
      fc.property(text, (t) => {
        const p = pull(t);
        const open = { ...p, status: 'open' as const };
        onlyOurTokens(managerPullMessage({ pull: p, pushTitle: t, now: NOW }));
        onlyOurTokens(managerPullMessage({ pull: open, pushTitle: t, now: NOW }));
        onlyOurTokens(requesterUpdate(p));
        onlyOurTokens(pullConfirmation(open));
        onlyOurTokens(pullList(page([open]), page([open]), NOW));
        onlyOurTokens(pullModal({ need: t, pushOptions: [{ id: 1, title: t }] }), false);
        onlyOurTokens(resolveModal(open, 'decision'));
        const frame = { title: t, success: t, guardrails: t };
        const defining = { ...open, kind: 'define-success' as const };
        for (const stage of ['repeat', 'confirm', 'agreed'] as const) {
          const a = agreement(t, { stage });
          onlyOurTokens(managerPullMessage({ pull: defining, pushTitle: t, frame, handshake: a, now: NOW }));
          onlyOurTokens(requesterHandshakeMessage(defining, a, frame));
          onlyOurTokens(confirmMessage(defining, a));
        }
        onlyOurTokens(pullConfirmation(open, undefined, frame));
        onlyOurTokens(defineModal(defining, frame));
        onlyOurTokens(repeatModal(defining, agreement(t), frame));
        onlyOurTokens(notQuiteModal(defining, agreement(t)));
        onlyOurTokens(agreementList(page([agreement(t)]), 'UMGR1', NOW, new Map([[1, t]])));
        onlyOurTokens(
          pushList({
            managerId: 'UMGR1',
            viewerId: 'UMGR1',
            quarterLabel: '2026 Q4',
            lines: [{ push: push(t), last: update(t) }],
            limit: 3,
            previous: { quarterLabel: '2026 Q3', pushes: [push(t)] },
            now: NOW,
          }),
        );
        onlyOurTokens(pushUpdateModal(push(t)));
        onlyOurTokens(ownerNamedMessage(push(t), '2026 Q4'));
        onlyOurTokens(pushUpdatedMessage(push(t), { authorId: 'UOWN1', note: t }));
        onlyOurTokens(recognitionModal({ advocateId: 'UADV1', quotedText: t }), false);
        onlyOurTokens(advocateThanks(recognition(t)));
        onlyOurTokens(managerNotice(recognition(t)));
        onlyOurTokens(channelPost(recognition(t)));
        onlyOurTokens(recognizerReceipt(recognition(t), []));
        onlyOurTokens(
          homeView(
            {
              userId: 'UMGR1',
              quarterLabel: '2026 Q4',
              awaiting: page([open]),
              sent: page([open]),
              pushes: [{ push: push(t), last: update(t) }],
              owned: [{ push: push(t), last: update(t) }],
              pushTitles: new Map([[1, t]]),
              pushLimit: 3,
              handshakes: new Map(),
              agreements: page([agreement(t)]),
              recognitions: { shown: [recognition(t)], received: 0, given: 1 },
            },
            NOW,
          ),
        );
        onlyOurTokens(
          digestMessage(
            {
              managerId: 'UMGR1',
              quarterLabel: '2026 Q4',
              pushes: [{ push: push(t), last: update(t), nudge: true }],
              awaiting: [{ pull: open, overdue: true }],
              resolved: [p],
              medianAnswerMs: 1000,
              recognitions: [recognition(t)],
              pushTitles: new Map([[1, t]]),
              handshakes: new Map(),
            },
            NOW,
          ),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('drops a permalink that is not a Slack URL rather than render it as a link', () => {
    const forged = { ...recognition('x'), permalink: 'https://evil.example/x' };
    expect(JSON.stringify(advocateThanks(forged))).not.toContain('evil.example');
  });
});
