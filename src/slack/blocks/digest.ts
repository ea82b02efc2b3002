// The weekly digest: pushes, pulls awaiting, what was resolved, advocates recognized. At most 50 blocks.
import type { Pull } from '../../db/schema.js';
import type { DigestContent } from '../../domain/digest.js';
import { escapeText, excerpt, mention } from '../text.js';
import { type Blocks, context, divider, formatAge, formatDate, header, plural, section } from './common.js';
import { answerButtons, KIND_LABEL, RESOLUTION_LABEL } from './pulls.js';
import { PUSH_STATUS_LABEL } from './pushes.js';
import { FUNCTION_LABEL } from './recognitions.js';

/** Block Kit's limit for one message. */
export const MESSAGE_BLOCK_LIMIT = 50;
const AWAITING_SHOWN = 10; // two blocks each
const RESOLVED_SHOWN = 8;
const RECOGNITIONS_SHOWN = 6;

function ago(ms: number): string {
  return formatAge(ms).replace('just now', 'under a minute');
}

function awaitingLine(pull: Pull, overdue: boolean, now: number, pushTitle: string | undefined): string {
  const parts = [`${mention(pull.requesterId)}: ${excerpt(pull.need, 200)}`];
  const meta = [`${KIND_LABEL[pull.kind]}`, `waiting ${ago(now - pull.createdAt)}`];
  if (pull.neededBy)
    meta.push(
      overdue
        ? `:warning: *overdue* (needed by ${formatDate(pull.neededBy)})`
        : `needed by ${formatDate(pull.neededBy)}`,
    );
  if (pushTitle) meta.push(`push: _${excerpt(pushTitle, 60)}_`);
  parts.push(meta.join(' · '));
  return parts.join('\n');
}

export function digestMessage(content: DigestContent, now: number): { text: string; blocks: Blocks } {
  const blocks: Blocks = [
    header('Your week in Pushpull'),
    context(`Pushes for ${content.quarterLabel} · pulls · advocates`),
  ];

  if (content.pushes.length > 0) {
    blocks.push(divider(), section(`*Pushing on* (${content.pushes.length})`));
    for (const { push, last, nudge } of content.pushes) {
      const owner = push.ownerId !== push.managerId ? ` · owner ${mention(push.ownerId)}` : '';
      const update = last
        ? `_Last update ${ago(now - last.createdAt)} ago${last.note ? `: ${excerpt(last.note, 120)}` : ''}_`
        : '_No update yet_';
      const lines = [`${PUSH_STATUS_LABEL[push.status]} · *${escapeText(push.title)}*${owner}`, update];
      if (nudge)
        lines.push(':bell: No update in over a week — this is one you said you would stay close to.');
      blocks.push(section(lines.join('\n')));
    }
  }

  if (content.awaiting.length > 0) {
    const overdue = content.awaiting.filter((a) => a.overdue).length;
    blocks.push(
      divider(),
      section(
        `*Pulls awaiting you* (${content.awaiting.length}${overdue > 0 ? `, ${overdue} overdue` : ''}) — oldest first`,
      ),
    );
    for (const { pull, overdue: late } of content.awaiting.slice(0, AWAITING_SHOWN)) {
      const pushTitle = pull.pushId ? content.pushTitles.get(pull.pushId) : undefined;
      blocks.push(section(awaitingLine(pull, late, now, pushTitle)), answerButtons(pull));
    }
    if (content.awaiting.length > AWAITING_SHOWN) {
      blocks.push(
        context(
          `…and ${plural(content.awaiting.length - AWAITING_SHOWN, 'more pull')} — all of them are on your Pushpull Home tab.`,
        ),
      );
    }
  }

  if (content.resolved.length > 0) {
    const median =
      content.medianAnswerMs !== undefined ? ` · median time to answer ${ago(content.medianAnswerMs)}` : '';
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
    if (content.resolved.length > RESOLVED_SHOWN)
      lines.push(`…and ${content.resolved.length - RESOLVED_SHOWN} more`);
    blocks.push(
      divider(),
      section(`*Resolved this week* (${content.resolved.length})${median}\n${how}`),
      section(lines.join('\n')),
    );
  }

  if (content.recognitions.length > 0) {
    const lines = content.recognitions
      .slice(0, RECOGNITIONS_SHOWN)
      .map(
        (r) =>
          `• ${mention(r.advocateId)} (${FUNCTION_LABEL[r.advocateFunction]}) recognized by ${mention(r.recognizerId)}: ${excerpt(r.what, 100)}`,
      );
    if (content.recognitions.length > RECOGNITIONS_SHOWN)
      lines.push(`…and ${content.recognitions.length - RECOGNITIONS_SHOWN} more`);
    blocks.push(
      divider(),
      section(`*Advocates recognized in your team* (${content.recognitions.length})\n${lines.join('\n')}`),
    );
  }

  blocks.push(context('Everything else is the team’s to run. Your Home tab has the full picture.'));
  const capped =
    blocks.length > MESSAGE_BLOCK_LIMIT
      ? [...blocks.slice(0, MESSAGE_BLOCK_LIMIT - 1), context('More on your Home tab.')]
      : blocks;
  const text = `Your week: ${plural(content.pushes.length, 'push', 'pushes')}, ${plural(content.awaiting.length, 'pull')} awaiting you, ${content.resolved.length} resolved, ${plural(content.recognitions.length, 'advocate')} recognized.`;
  return { text, blocks: capped };
}

/** The digest as readable text, for `pushpull digest preview`. */
export function digestPreview(content: DigestContent, now: number): string {
  const out: string[] = [`Weekly digest for ${content.managerId} — ${content.quarterLabel}`, ''];
  if (content.pushes.length > 0) {
    out.push(`Pushing on (${content.pushes.length}):`);
    for (const { push, last, nudge } of content.pushes) {
      out.push(
        `  - [${push.status}] ${push.title}${push.ownerId !== push.managerId ? ` (owner ${push.ownerId})` : ''}`,
      );
      out.push(
        `      ${last ? `last update ${ago(now - last.createdAt)} ago${last.note ? `: ${last.note}` : ''}` : 'no update yet'}`,
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
        `  - ${pull.requesterId}: ${pull.need.replace(/\s+/g, ' ')} (${pull.kind}, waiting ${ago(now - pull.createdAt)}${by})`,
      );
    }
    out.push('');
  }
  if (content.resolved.length > 0) {
    const median =
      content.medianAnswerMs !== undefined ? `, median time to answer ${ago(content.medianAnswerMs)}` : '';
    out.push(`Resolved this week (${content.resolved.length}${median}):`);
    for (const p of content.resolved)
      out.push(`  - ${p.requesterId}: ${p.need.replace(/\s+/g, ' ')} — ${p.resolution ?? 'answered'}`);
    out.push('');
  }
  if (content.recognitions.length > 0) {
    out.push(`Advocates recognized in your team (${content.recognitions.length}):`);
    for (const r of content.recognitions)
      out.push(
        `  - ${r.advocateId} (${r.advocateFunction}) by ${r.recognizerId}: ${r.what.replace(/\s+/g, ' ')}`,
      );
    out.push('');
  }
  if (out.length === 2) out.push('Nothing this week: no digest would be sent.');
  return out.join('\n');
}

export function overdueReminder(pull: Pull, now: number): { text: string; blocks: Blocks } {
  const text = `:alarm_clock: A pull from ${mention(pull.requesterId)} was needed by ${pull.neededBy ? formatDate(pull.neededBy) : 'now'} and is still waiting on you.`;
  return {
    text,
    blocks: [
      section(text),
      section(
        `${excerpt(pull.need, 500)}\n_${KIND_LABEL[pull.kind]} · asked ${ago(now - pull.createdAt)} ago_`,
      ),
      answerButtons(pull),
    ],
  };
}
