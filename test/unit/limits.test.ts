// Every builder keeps to Slack's Block Kit limits, whatever the data: many rows, long text, emoji, entities.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agreement, Pull, Push, PushStatus, PushUpdate, Recognition } from '../../src/db/schema.js';
import { RESOLUTIONS } from '../../src/db/schema.js';
import { DECISIONS_SHOWN, decisionOf } from '../../src/domain/decisions.js';
import { mirrorOf } from '../../src/domain/mirror.js';
import {
  agreementList,
  confirmMessage,
  defineModal,
  notQuiteModal,
  repeatModal,
  requesterHandshakeMessage,
} from '../../src/slack/blocks/agreements.js';
import {
  awayNoticeBlocks,
  passedOnManagerMessage,
  passedToDeputy,
  welcomeBack,
  withAwayNotice,
} from '../../src/slack/blocks/away.js';
import { decisionList } from '../../src/slack/blocks/decisions.js';
import { digestMessage, overdueReminder } from '../../src/slack/blocks/digest.js';
import { HOME_OVERFLOW, homeView } from '../../src/slack/blocks/home.js';
import {
  managerPullMessage,
  pullConfirmation,
  pullEditedNotice,
  pullHelp,
  pullList,
  pullModal,
  requesterUpdate,
  resolveModal,
} from '../../src/slack/blocks/pulls.js';
import {
  ownerNamedMessage,
  pushHelp,
  pushList,
  pushModal,
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
import { editMetadata } from '../../src/slack/payloads.js';
import { escapeText, fromSlack } from '../../src/slack/text.js';
import { agreementRow, page, pullRow, pushRow } from '../support/rows.js';
import { checkLimits } from './block-limits.js';

const NOW = Date.UTC(2026, 10, 24, 12);

const ok = (surface: 'message' | 'modal' | 'home', payload: unknown) => {
  expect(checkLimits(surface, payload as Record<string, unknown>)).toEqual([]);
  // Home's sections have budgets that add up to under 100 blocks: the last-resort cut must never be needed.
  if (surface === 'home')
    expect(JSON.stringify(payload)).not.toContain(JSON.stringify(HOME_OVERFLOW).slice(1, -1));
};

const EMOJI = ['👍🏽', '👩‍👩‍👧‍👦', '🇫🇷', '&', '<', '>', '\n'];
/** What a person may have typed, stored: up to the longest any limit allows, heavy in what escapes or splits. */
const stored = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...EMOJI, 'Q&A '), fc.integer({ min: 1, max: 3000 }))
      .map(([s, n]) => s.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('<@U0MARIA1|maria>', '<!channel>', '<https://x.io|doc>', 'Q&amp;A', '&lt;b&gt;'))
      .map((parts) => fromSlack(parts.join(' '))),
  },
);

const STATUSES: PushStatus[] = ['on-track', 'at-risk', 'off-track', 'done', 'dropped'];

const pullOf = (t: string, i: number, over: Partial<Pull> = {}): Pull =>
  pullRow({
    id: i + 1,
    need: t || 'x',
    context: t || null,
    neededBy: '2026-11-20',
    pushId: 1,
    resolutionNote: t || null,
    createdAt: NOW - i * 60_000,
    ...over,
  });
const pushOf = (t: string, i: number): Push =>
  pushRow({
    id: i + 1,
    title: t || 'x',
    why: t,
    guardrails: t,
    success: t,
    ownerId: i % 2 ? 'UOWN1' : 'UMGR1',
    support: t,
    status: STATUSES[i % STATUSES.length] ?? 'on-track',
    createdAt: NOW - 20 * 86_400_000,
    updatedAt: NOW,
  });
const updateOf = (t: string, i: number): PushUpdate => ({
  id: i + 1,
  pushId: i + 1,
  authorId: 'UOWN1',
  status: 'at-risk',
  note: t,
  createdAt: NOW - 1000,
});
const recognitionOf = (t: string, i: number): Recognition => ({
  id: i + 1,
  teamId: 'T1',
  recognizerId: i % 2 ? 'UREQ1' : 'UMGR1',
  advocateId: 'UADV1',
  advocateFunction: 'legal',
  what: t || 'x',
  project: [...t].slice(0, 150).join('') || null,
  permalink: 'https://acme.slack.com/archives/C1/p1',
  shared: true,
  createdAt: NOW,
});

/** Agreement fields hold 1,000 typed characters. */
const short = (t: string) => [...t].slice(0, 1000).join('');
const agreementOf = (t: string, i: number, over: Partial<Agreement> = {}): Agreement =>
  agreementRow({
    id: i + 1,
    pullId: i + 1,
    pushId: 1,
    success: short(t) || 'x',
    byWhen: '2026-12-31',
    guardrails: short(t) || null,
    ownWords: short(t) || 'x',
    approach: short(t) || null,
    notQuiteNote: short(t) || null,
    agreedAt: NOW - i * 60_000,
    ...over,
  });

const data = fc.record({
  texts: fc.array(stored, { minLength: 1, maxLength: 4 }),
  pulls: fc.integer({ min: 0, max: 70 }),
  pushes: fc.integer({ min: 0, max: 70 }),
  recognitions: fc.integer({ min: 0, max: 25 }),
});

describe('Block Kit limits in every builder', () => {
  it('holds in the define-success handshake and wherever agreements are shown', () => {
    fc.assert(
      fc.property(data, ({ texts, pulls: np, pushes: nq }) => {
        const t = (i: number) => texts[i % texts.length] ?? '';
        const one = pullOf(t(0), 0);
        const pushes = Array.from({ length: nq }, (_, i) => pushOf(t(i), i));
        const agreements = Array.from({ length: np }, (_, i) => agreementOf(t(i), i));
        const frame = { title: t(1) || 'x', success: t(2) || null, guardrails: t(3) || null };
        const defining = pullOf(t(0), 0, { kind: 'define-success', status: 'acknowledged' });
        for (const stage of ['repeat', 'confirm', 'agreed'] as const) {
          const a = agreementOf(t(1), 0, { stage });
          ok(
            'message',
            managerPullMessage({ pull: defining, pushTitle: t(1), frame, handshake: a, now: NOW }),
          );
          ok('message', requesterHandshakeMessage(defining, a, frame));
          ok('message', confirmMessage(defining, a));
        }
        ok('message', pullConfirmation(one, t(2), frame));
        ok('modal', defineModal(defining, frame));
        ok('modal', repeatModal(defining, agreementOf(t(2), 0, { stage: 'repeat' }), frame));
        ok('modal', notQuiteModal(defining, agreementOf(t(2), 0, { stage: 'confirm' })));
        ok('message', agreementList(page(agreements), 'UMGR1', NOW, new Map([[1, t(1)]])));
        ok(
          'message',
          pushList({
            managerId: 'UMGR1',
            viewerId: 'UMGR1',
            quarterLabel: 'Q4 2026',
            lines: pushes.map((push, i) => ({
              push,
              last: undefined,
              agreed: agreements[i] ? { count: np, latest: agreements[i] } : undefined,
            })),
            limit: 3,
            now: NOW,
          }),
        );
      }),
      { numRuns: 25 },
    );
    // CPU-bound: on a shared two-core machine it can take several times what it takes alone.
  }, 60_000);

  it('holds for any number of rows and any text', () => {
    fc.assert(
      fc.property(data, ({ texts, pulls: np, pushes: nq, recognitions: nr }) => {
        const t = (i: number) => texts[i % texts.length] ?? '';
        const pulls = Array.from({ length: np }, (_, i) => pullOf(t(i), i));
        const pushes = Array.from({ length: nq }, (_, i) => pushOf(t(i), i));
        const lines = pushes.map((push, i) => ({ push, last: i % 3 ? updateOf(t(i), i) : undefined }));
        const recognitions = Array.from({ length: nr }, (_, i) => recognitionOf(t(i), i));
        const one = pullOf(t(0), 0);
        const resolved = pullOf(t(1), 1, { status: 'resolved', resolution: 'input' });
        const agreements = Array.from({ length: np }, (_, i) => agreementOf(t(i), i));
        ok('message', managerPullMessage({ pull: one, pushTitle: t(1), now: NOW }));
        ok('message', managerPullMessage({ pull: resolved, pushTitle: t(1), now: NOW }));
        ok('message', requesterUpdate(resolved));
        ok('message', pullConfirmation(one, t(2)));
        ok('message', pullList(page(pulls), page(pulls), NOW));
        ok('message', pullHelp());
        ok(
          'modal',
          pullModal({
            managerId: 'UMGR1',
            need: t(0),
            pushOptions: pushes.map((p) => ({ id: p.id, title: p.title })),
          }),
        );
        ok('modal', resolveModal(one, 'decision'));
        const edited = pullOf(t(0), 0, { context: t(2), neededBy: '2026-12-04', pushId: 1, editedAt: NOW });
        ok('message', managerPullMessage({ pull: edited, pushTitle: t(1), now: NOW }));
        ok('message', pullEditedNotice(edited, ['need', 'kind', 'context', 'neededBy', 'pushId']));
        ok(
          'modal',
          pullModal({
            editing: edited,
            pushOptions: pushes.map((p) => ({ id: p.id, title: p.title })),
            privateMetadata: editMetadata(edited.id, edited.need, edited.context),
          }),
        );
        const decisions = pulls
          .map((p, i) => ({
            ...p,
            status: 'resolved' as const,
            resolution: RESOLUTIONS[i % 4] ?? null,
            resolutionNote: t(i + 1),
            resolvedAt: NOW - i,
          }))
          .flatMap((p) => decisionOf(p) ?? []);
        ok('message', decisionList(decisions.slice(0, DECISIONS_SHOWN), 'UREQ1', 'Europe/Paris'));
        ok(
          'message',
          pushList({
            managerId: 'UMGR1',
            viewerId: 'UMGR1',
            quarterLabel: 'Q4 2026',
            lines,
            limit: 3,
            previous: { quarterLabel: 'Q3 2026', pushes },
            now: NOW,
          }),
        );
        ok('message', pushHelp(3));
        ok('modal', pushModal({ managerId: 'UMGR1', title: t(0), quarterLabel: 'Q4 2026' }));
        if (pushes[0]) {
          ok('modal', pushUpdateModal(pushes[0]));
          ok('message', ownerNamedMessage(pushes[0], 'Q4 2026'));
          ok('message', pushUpdatedMessage(pushes[0], { authorId: 'UOWN1', note: t(1) }));
        }
        ok(
          'modal',
          recognitionModal({
            advocateId: 'UADV1',
            quotedText: t(0),
            recognitionChannel: `#${'x'.repeat(80)}`,
          }),
        );
        for (const r of recognitions.slice(0, 2)) {
          ok('message', advocateThanks(r));
          ok('message', managerNotice(r));
          ok('message', channelPost(r));
          ok('message', recognizerReceipt(r, ['<@UADV1>'], t(2)));
        }
        ok(
          'home',
          homeView(
            {
              userId: 'UMGR1',
              quarterLabel: 'Q4 2026',
              awaiting: page(pulls),
              sent: page(pulls),
              pushes: lines,
              owned: lines,
              pushTitles: new Map(pushes.map((p) => [p.id, p.title])),
              pushLimit: 3,
              handshakes: new Map(),
              agreements: page(agreements),
              recognitions: { shown: recognitions, received: nr, given: nr },
            },
            NOW,
          ),
        );
        ok(
          'message',
          digestMessage(
            {
              managerId: 'UMGR1',
              quarterLabel: 'Q4 2026',
              pushes: lines.map((l) => ({ ...l, nudge: true })),
              awaiting: pulls.map((pull, i) => ({ pull, overdue: i % 2 === 0 })),
              resolved: pulls.map((p) => ({
                ...p,
                status: 'resolved' as const,
                resolution: 'decision' as const,
              })),
              medianAnswerMs: 1000,
              recognitions,
              pushTitles: new Map(pushes.map((p) => [p.id, p.title])),
              handshakes: new Map(),
            },
            NOW,
          ),
        );
        ok('message', overdueReminder(one, NOW));
      }),
      { numRuns: 60 },
    );
  });

  it('holds for Home and the digest with time away, autonomy, the mirror and Your team', () => {
    fc.assert(
      fc.property(data, ({ texts, pulls: np, pushes: nq, recognitions: nr }) => {
        const t = (i: number) => texts[i % texts.length] ?? '';
        const pulls = Array.from({ length: np }, (_, i) => pullOf(t(i), i));
        const recognitions = Array.from({ length: nr }, (_, i) => recognitionOf(t(i), i));
        // Every other section full too, so the worst case of the whole Home is what is checked.
        const pushes = Array.from({ length: nq }, (_, i) => pushOf(t(i), i));
        const lines = pushes.map((push, i) => ({ push, last: i % 3 ? updateOf(t(i), i) : undefined }));
        const agreements = Array.from({ length: np }, (_, i) => agreementOf(t(i), i));
        const mirror = mirrorOf(
          pulls.map((p, i) => ({
            createdAt: p.createdAt,
            resolvedAt: p.createdAt + i * 1000,
            resolution: 'your-call' as const,
            onTheirPush: i % 2 === 0,
          })),
          pulls[0],
        );
        ok(
          'home',
          homeView(
            {
              userId: 'UMGR1',
              quarterLabel: 'Q4 2026',
              awaiting: page(pulls),
              sent: page(pulls),
              pushes: lines,
              owned: lines,
              pushTitles: new Map(pushes.map((p) => [p.id, p.title])),
              pushLimit: 3,
              handshakes: new Map(),
              agreements: page(agreements),
              recognitions: { shown: recognitions, received: nr, given: nr },
              me: {
                awayUntil: '2026-12-24',
                awayDeputyId: 'UDEP1',
                managerId: 'UBOSS1',
                autonomy: np % 2 === 0,
              },
              mirror,
              team: {
                shown: pulls
                  .slice(0, 25)
                  .map((p, i) =>
                    i % 3
                      ? { userId: p.requesterId, counts: { pullsSent: i, recognitionsReceived: i } }
                      : { userId: p.requesterId },
                  ),
                total: np * 3,
              },
            },
            NOW,
          ),
        );
        ok(
          'message',
          digestMessage(
            {
              managerId: 'UMGR1',
              quarterLabel: 'Q4 2026',
              pushes: [],
              awaiting: pulls.map((pull) => ({ pull, overdue: false })),
              resolved: [],
              medianAnswerMs: undefined,
              recognitions,
              recognitionsCounted: Math.max(0, nr - 1),
              mirror,
              pushTitles: new Map(),
              handshakes: new Map(),
            },
            NOW,
          ),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('holds for the away messages: notice, deputy, welcome back', () => {
    fc.assert(
      fc.property(data, ({ texts, pulls: np }) => {
        const t = (i: number) => texts[i % texts.length] ?? '';
        const pulls = Array.from({ length: np }, (_, i) => pullOf(t(i), i));
        const one = pullOf(t(0), 0);
        ok('message', welcomeBack({ since: NOW - 86_400_000, shown: pulls.slice(0, 10), total: np }, NOW));
        ok(
          'message',
          withAwayNotice(
            pullConfirmation(one, t(2)),
            awayNoticeBlocks(one, { until: '2026-12-24', deputyId: 'UDEP1' }),
          ),
        );
        ok('message', passedToDeputy({ ...one, awayFromId: 'UMGR9' }));
        ok('message', passedOnManagerMessage(one));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps /push list under 50 blocks after many add-and-drop cycles, showing the open ones', () => {
    const pushes = Array.from({ length: 54 }, (_, i) => ({
      ...pushOf(`Push ${i + 1}`, i),
      status: (i < 53 ? 'dropped' : 'on-track') as PushStatus,
    }));
    const list = pushList({
      managerId: 'UMGR1',
      viewerId: 'UMGR1',
      quarterLabel: 'Q4 2026',
      lines: pushes.map((push) => ({ push, last: undefined })),
      limit: 3,
      now: NOW,
    });
    ok('message', list);
    expect(JSON.stringify(list.blocks)).toContain('*54.* :large_green_circle: On track');
  });

  it('keeps the previous quarter summary within one text object', () => {
    const previous = Array.from({ length: 80 }, (_, i) => pushOf('R&D '.repeat(40), i));
    const list = pushList({
      managerId: 'UMGR1',
      viewerId: 'UMGR1',
      quarterLabel: 'Q4 2026',
      lines: [],
      limit: 3,
      previous: { quarterLabel: 'Q3 2026', pushes: previous },
      now: NOW,
    });
    ok('message', list);
    expect(JSON.stringify(list.blocks)).toMatch(/and \d+ more pushes/);
  });

  it('opens the recognition form even for an 80-character channel name', () => {
    const view = recognitionModal({
      recognitionChannel: `#${'a-very-long-channel-name-'.repeat(4)}`.slice(0, 81),
    });
    ok('modal', view);
  });

  it('the checker itself catches a breach', () => {
    const errors = checkLimits('message', {
      text: 'x',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeText('&'.repeat(700)) } }],
    });
    expect(errors).toEqual(['blocks[0].text: text 3500 > 3000']);
    expect(checkLimits('message', { blocks: [{ type: 'divider' }] })).toEqual([
      'text: a message with blocks needs a text fallback',
    ]);
    expect(checkLimits('modal', { title: { type: 'plain_text', text: '\uD83D' }, blocks: [] })).toEqual([
      '.title.text: lone surrogate',
    ]);
  });
});
