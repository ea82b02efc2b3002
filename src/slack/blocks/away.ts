// Time away in Slack: the reply to `/pull away`, the notice to someone pulling an away manager, the summary on return.
import type { Member, Pull } from '../../db/schema.js';
import type { WhileAway } from '../../domain/away.js';
import { excerpt, mention } from '../text.js';
import {
  actions,
  type Blocks,
  button,
  context,
  formatAge,
  formatDate,
  joinedWithin,
  LIMITS,
  plural,
  section,
} from './common.js';
import { pullStateLine } from './pulls.js';

export const PULL_PASS_TO_DEPUTY = 'pull_pass_to_deputy';

export function awayConfirmation(member: Pick<Member, 'awayUntil' | 'awayDeputyId'>): { text: string } {
  const until = formatDate(member.awayUntil ?? '');
  const deputy = member.awayDeputyId
    ? ` Anyone who pulls you in hears you are away and can send it to ${mention(member.awayDeputyId)} instead.`
    : ' Anyone who pulls you in hears you are away until then; their pull waits for you.';
  return {
    text: `:palm_tree: You are away until ${until} (the end of that day, your time). No digest and no reminders until then.${deputy} When you are back I will sum up what arrived in one DM — \`/pull back\` if you are back early.`,
  };
}

/** Added to the requester's confirmation when the person they pulled in is away. */
export function awayNoticeBlocks(
  pull: Pull,
  notice: { until: string; deputyId: string | undefined },
): { text: string; blocks: Blocks } {
  const until = formatDate(notice.until);
  const text = notice.deputyId
    ? `:palm_tree: ${mention(pull.managerId)} is away until ${until}. They will see your pull when they are back — or send it to their deputy, ${mention(notice.deputyId)}, now.`
    : `:palm_tree: ${mention(pull.managerId)} is away until ${until}. Your pull waits for them; they will see it when they are back.`;
  const blocks: Blocks = [section(text)];
  if (notice.deputyId)
    blocks.push(
      actions(
        `pull_deputy_${pull.id}`,
        button('Send it to their deputy', PULL_PASS_TO_DEPUTY, String(pull.id), 'primary'),
      ),
    );
  return { text, blocks };
}

/** Appends the away notice to a confirmation; Slack shows the first 50 blocks of a message. */
export function withAwayNotice(
  message: { text: string; blocks: Blocks },
  notice: { text: string; blocks: Blocks } | undefined,
): { text: string; blocks: Blocks } {
  if (!notice) return message;
  return {
    text: `${message.text} ${notice.text}`,
    blocks: [...message.blocks, ...notice.blocks].slice(0, LIMITS.messageBlocks),
  };
}

/** The requester's message once the pull went on to the deputy. */
export function passedToDeputy(pull: Pull): { text: string; blocks: Blocks } {
  const text = `:arrow_right: Sent to ${mention(pull.managerId)} instead. ${pull.awayFromId ? mention(pull.awayFromId) : 'Your manager'} will see it when they are back.`;
  return { text, blocks: [section(text), section(`> ${excerpt(pull.need, 2900)}`)] };
}

/** What the away manager's DM says once the pull went on to their deputy: nothing left to answer there. */
export function passedOnManagerMessage(pull: Pull): { text: string; blocks: Blocks } {
  const text = `:arrow_right: ${mention(pull.requesterId)} sent this pull to ${mention(pull.managerId)}, your deputy, while you were away.`;
  return { text, blocks: [section(text), section(`> ${excerpt(pull.need, 2900)}`)] };
}

/** The one DM on return: what arrived while they were away, newest first. */
export function welcomeBack(away: WhileAway, now: number): { text: string; blocks: Blocks } {
  if (away.total === 0) {
    const text = ':wave: Welcome back. No pulls arrived while you were away — the team ran on its own.';
    return { text, blocks: [section(text)] };
  }
  const text = `:wave: Welcome back. ${plural(away.total, 'pull')} arrived in the ${formatAge(now - away.since)} you were away.`;
  const lines = away.shown.map((p) => {
    const deputy = p.awayFromId ? ` — sent to ${mention(p.managerId)}` : '';
    return `• ${mention(p.requesterId)}: ${excerpt(p.need, 140)}${deputy} · ${pullStateLine(p)}`;
  });
  return {
    text,
    blocks: [
      section(text),
      section(joinedWithin(lines, '\n', LIMITS.text, 'pull', away.total)),
      context('What still waits on you is on your Home tab and in `/pull list`, oldest first.'),
    ],
  };
}
