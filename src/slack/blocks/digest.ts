// The weekly digest: pushes, pulls awaiting, what was resolved, advocates recognized. At most 50 blocks.
import type { Agreement, Pull } from '../../db/schema.js';
import type { DigestContent } from '../../domain/digest.js';
import { excerpt, mention, shownText } from '../text.js';

const oneLine = (stored: string) => shownText(stored).replace(/\s+/g, ' ');

import {
  ago,
  type Blocks,
  capBlocks,
  context,
  divider,
  formatAge,
  formatDate,
  header,
  joinedWithin,
  LIMITS,
  listed,
  plural,
  section,
} from './common.js';
import { mirrorLines } from './mirror.js';
import { answerButtons, awaitingPullBlocks, KIND_LABEL, RESOLUTION_LABEL } from './pulls.js';
import { pushLine } from './pushes.js';
import { recognitionLine } from './recognitions.js';

/** Block Kit's limit for one message. */
export const MESSAGE_BLOCK_LIMIT = LIMITS.messageBlocks;
const PUSHES_SHOWN = 10;
const AWAITING_SHOWN = 10; // two blocks each
const RESOLVED_SHOWN = 8;
const RECOGNITIONS_SHOWN = 6;
const ON_HOME = 'all of them are on your Pushpull Home tab';

/** False when a recognition involves someone with autonomy: listed as work, never counted. */
function recognitionsCountable(content: DigestContent): boolean {
  return (content.recognitionsCounted ?? content.recognitions.length) === content.recognitions.length;
}

/** ` (3)`, or nothing when the number would count the activity of someone with autonomy. */
function recognitionCount(content: DigestContent): string {
  return recognitionsCountable(content) ? ` (${content.recognitions.length})` : '';
}

export function digestMessage(content: DigestContent, now: number): { text: string; blocks: Blocks } {
  const blocks: Blocks = [
    header('Your week in Pushpull'),
    context(`Pushes for ${content.quarterLabel} · pulls · advocates`),
  ];

  if (content.mirror) {
    blocks.push(
      divider(),
      section(`*Your mirror — ${content.quarterLabel}*\n${mirrorLines(content.mirror, now).join('\n')}`),
    );
  }

  if (content.pushes.length > 0) {
    blocks.push(divider(), section(`*Pushing on* (${content.pushes.length})`));
    blocks.push(
      ...listed(
        content.pushes,
        PUSHES_SHOWN,
        (line) => [section(pushLine(line, undefined, now))],
        ['push', 'pushes'],
        ON_HOME,
      ),
    );
  }

  if (content.awaiting.length > 0) {
    const overdue = content.awaiting.filter((a) => a.overdue).length;
    blocks.push(
      divider(),
      section(
        `*Pulls awaiting you* (${content.awaiting.length}${overdue > 0 ? `, ${overdue} overdue` : ''}) — oldest first`,
      ),
    );
    blocks.push(
      ...listed(
        content.awaiting,
        AWAITING_SHOWN,
        ({ pull, overdue: late }) =>
          awaitingPullBlocks({
            pull,
            overdue: late,
            pushTitle: pull.pushId ? content.pushTitles.get(pull.pushId) : undefined,
            handshake: content.handshakes.get(pull.id),
            now,
          }),
        'pull',
        ON_HOME,
      ),
    );
  }

  if (content.resolved.length > 0) {
    const median =
      content.medianAnswerMs !== undefined
        ? ` · median time to answer ${formatAge(content.medianAnswerMs)}`
        : '';
    const counts = new Map<string, number>();
    for (const p of content.resolved) {
      const label = p.resolution ? RESOLUTION_LABEL[p.resolution] : 'Answered';
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const how = [...counts].map(([label, n]) => `${label} ${n}`).join(' · ');
    const lines = content.resolved
      .slice(0, RESOLVED_SHOWN)
      .map(
        (p) =>
          `• ${mention(p.requesterId)}: ${excerpt(p.need, 90)} — *${p.resolution ? RESOLUTION_LABEL[p.resolution] : 'Answered'}*`,
      );
    blocks.push(
      divider(),
      section(`*Resolved this week* (${content.resolved.length})${median}\n${how}`),
      section(joinedWithin(lines, '\n', LIMITS.text, 'pull', content.resolved.length)),
    );
  }

  if (content.recognitions.length > 0) {
    const lines = content.recognitions.slice(0, RECOGNITIONS_SHOWN).map((r) => `• ${recognitionLine(r)}`);
    const title = `*Advocates recognized in your team*${recognitionCount(content)}\n`;
    const list = joinedWithin(
      lines,
      '\n',
      LIMITS.text - title.length,
      'advocate',
      content.recognitions.length,
      recognitionsCountable(content),
    );
    blocks.push(divider(), section(`${title}${list}`));
  }

  blocks.push(context('Everything else is the team’s to run. Your Home tab has the full picture.'));
  const text = `Your week: ${plural(content.pushes.length, 'push', 'pushes')}, ${plural(content.awaiting.length, 'pull')} awaiting you, ${content.resolved.length} resolved, ${recognitionCount(content) ? plural(content.recognitions.length, 'advocate') : 'advocates'} recognized.`;
  return { text, blocks: capBlocks(blocks, MESSAGE_BLOCK_LIMIT, 'More on your Home tab.') };
}

/** The digest as readable text, for `pushpull digest preview`. */
export function digestPreview(content: DigestContent, now: number): string {
  const out: string[] = [`Weekly digest for ${content.managerId} — ${content.quarterLabel}`, ''];
  if (content.pushes.length > 0) {
    out.push(`Pushing on (${content.pushes.length}):`);
    for (const { push, last, nudge } of content.pushes) {
      out.push(
        `  - [${push.status}] ${oneLine(push.title)}${push.ownerId !== push.managerId ? ` (owner ${push.ownerId})` : ''}`,
      );
      out.push(
        `      ${last ? `last update ${ago(now - last.createdAt)}${last.note ? `: ${shownText(last.note)}` : ''}` : 'no update yet'}`,
      );
      if (nudge) out.push('      ! no update in over a week');
    }
    out.push('');
  }
  if (content.awaiting.length > 0) {
    out.push(`Pulls awaiting you (${content.awaiting.length}), oldest first:`);
    for (const { pull, overdue } of content.awaiting) {
      const by = pull.neededBy ? `, needed by ${pull.neededBy}${overdue ? ' — OVERDUE' : ''}` : '';
      out.push(
        `  - ${pull.requesterId}: ${oneLine(pull.need)} (${pull.kind}, waiting ${formatAge(now - pull.createdAt)}${by})`,
      );
    }
    out.push('');
  }
  if (content.resolved.length > 0) {
    const median =
      content.medianAnswerMs !== undefined
        ? `, median time to answer ${formatAge(content.medianAnswerMs)}`
        : '';
    out.push(`Resolved this week (${content.resolved.length}${median}):`);
    for (const p of content.resolved)
      out.push(`  - ${p.requesterId}: ${oneLine(p.need)} — ${p.resolution ?? 'answered'}`);
    out.push('');
  }
  if (content.recognitions.length > 0) {
    out.push(`Advocates recognized in your team${recognitionCount(content)}:`);
    for (const r of content.recognitions)
      out.push(`  - ${r.advocateId} (${r.advocateFunction}) by ${r.recognizerId}: ${oneLine(r.what)}`);
    out.push('');
  }
  if (out.length === 2) out.push('Nothing this week: no digest would be sent.');
  else if (content.mirror)
    out.push(`Your mirror — ${content.quarterLabel}:`, ...mirrorLines(content.mirror, now), '');
  return out.join('\n');
}

/** A reminder of a pull past its needed-by date, with the answer buttons as the handshake (if any) left them. */
export function overdueReminder(
  pull: Pull,
  now: number,
  handshake?: Agreement,
): { text: string; blocks: Blocks } {
  const text = `:alarm_clock: A pull from ${mention(pull.requesterId)} was needed by ${pull.neededBy ? formatDate(pull.neededBy) : 'now'} and is still waiting on you.`;
  return {
    text,
    blocks: [
      section(text),
      section(`${excerpt(pull.need, 500)}\n_${KIND_LABEL[pull.kind]} · asked ${ago(now - pull.createdAt)}_`),
      answerButtons(pull, handshake),
    ],
  };
}
