// `/pull decisions`: the caller's answered pulls as a record of who holds each decision.
import type { Decision, DecisionHolder } from '../../domain/decisions.js';
import { excerpt, mention } from '../text.js';
import { type Blocks, capBlocks, context, header, LIMITS, section } from './common.js';
import { RESOLUTION_LABEL } from './pulls.js';

function holderLine(decision: Decision, viewerId: string): string {
  const { pull } = decision;
  const who = (id: string) => (id === viewerId ? 'you' : mention(id));
  const holders: Record<DecisionHolder, string> = {
    requester:
      pull.requesterId === viewerId ? 'the call is yours' : `the call is ${mention(pull.requesterId)}'s`,
    manager: `${who(pull.managerId)} made the call`,
    shared: `shared by ${who(pull.requesterId)} and ${who(pull.managerId)}`,
  };
  return holders[decision.holder];
}

/** A day in the reader's timezone: `Tue, Nov 24`. */
function day(ms: number, timezone: string): string {
  return new Date(ms).toLocaleDateString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: timezone,
  });
}

/** One section per decision: what was asked, the answer and who holds it, the note, the day. */
export function decisionList(
  decisions: readonly Decision[],
  viewerId: string,
  timezone: string,
): { text: string; blocks: Blocks } {
  if (decisions.length === 0) {
    const text =
      ':card_index: No decisions on the record yet. Every answered pull lands here: who holds the call, what was decided, and when.';
    return { text, blocks: [section(text)] };
  }
  const blocks: Blocks = [header(`Decisions on the record (${decisions.length})`)];
  for (const d of decisions) {
    const lines = [
      `*${RESOLUTION_LABEL[d.resolution]}* — ${holderLine(d, viewerId)} · ${day(d.decidedAt, timezone)}`,
      `${mention(d.pull.requesterId)} asked ${mention(d.pull.managerId)}: _${excerpt(d.pull.need, 200)}_`,
    ];
    if (d.note) lines.push(`> ${excerpt(d.note, 600)}`);
    blocks.push(section(lines.join('\n')));
  }
  blocks.push(context('Only the two people on each pull see it here.'));
  return {
    text: `Your last ${decisions.length} decisions on the record.`,
    blocks: capBlocks(blocks, LIMITS.messageBlocks, 'The rest are older.'),
  };
}
