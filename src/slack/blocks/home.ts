// The Home tab: pulls awaiting you, pulls you sent, your pushes, pushes you own for others.
import type { HomeView } from '@slack/types';
import type { HomeData } from '../../domain/home.js';
import { excerpt, mention } from '../text.js';
import {
  actions,
  type Blocks,
  button,
  context,
  divider,
  formatAge,
  header,
  plural,
  section,
} from './common.js';
import { answerButtons, KIND_LABEL, PULL_ACTIONS, pullStateLine } from './pulls.js';
import { pushLine, updateButton } from './pushes.js';
import { recognitionLine } from './recognitions.js';

export const HOME_PULL_IN = 'home_pull_in';
export const HOME_PUSH_ADD = 'home_push_add';

/** Block Kit allows 100 blocks in a Home view; each section below has a budget that keeps the sum under it. */
export const HOME_BLOCK_LIMIT = 100;
const AWAITING_SHOWN = 12; // 3 blocks each
const SENT_SHOWN = 10; // 1 block each
const OWNED_SHOWN = 5;
const RECOGNITIONS_SHOWN = 5;

function more(count: number, shown: number, what: string): Blocks {
  return count > shown
    ? [context(`…and ${plural(count - shown, what)} more. \`/pull list\` shows them too.`)]
    : [];
}

export function homeView(data: HomeData, now: number, extra: Blocks = []): HomeView {
  const blocks: Blocks = [
    header('Pushpull'),
    context('Push on a few priorities. Pull your manager in for the rest.'),
    actions(
      'home_actions',
      button('Pull someone in', HOME_PULL_IN, 'pull', 'primary'),
      button('Add a push', HOME_PUSH_ADD, 'push'),
    ),
    divider(),
  ];

  if (data.awaiting.length > 0) {
    blocks.push(header(`Awaiting you (${data.awaiting.length})`));
    for (const pull of data.awaiting.slice(0, AWAITING_SHOWN)) {
      const push = pull.pushId ? data.pushTitles.get(pull.pushId) : undefined;
      const meta = [
        KIND_LABEL[pull.kind],
        `waiting ${formatAge(now - pull.createdAt)}`,
        pull.neededBy ? `needed by ${pull.neededBy}` : undefined,
        push ? `push: ${excerpt(push, 60)}` : undefined,
      ].filter(Boolean);
      blocks.push(section(`${mention(pull.requesterId)}: ${excerpt(pull.need, 280)}`));
      blocks.push(context(meta.join(' · ')));
      blocks.push(answerButtons(pull));
    }
    blocks.push(...more(data.awaiting.length, AWAITING_SHOWN, 'pull'));
  }

  if (data.sent.length > 0) {
    blocks.push(header(`You pulled in (${data.sent.length})`));
    for (const pull of data.sent.slice(0, SENT_SHOWN)) {
      blocks.push(
        section(
          `${mention(pull.managerId)}: ${excerpt(pull.need, 200)}\n${pullStateLine(pull)} · ${formatAge(now - pull.createdAt)}`,
          button('Withdraw', PULL_ACTIONS.withdraw, String(pull.id)),
        ),
      );
    }
    blocks.push(...more(data.sent.length, SENT_SHOWN, 'pull'));
  }

  if (data.awaiting.length === 0 && data.sent.length === 0) {
    blocks.push(section(':sparkles: No open pulls. The team is running on its own.'));
  }

  blocks.push(divider(), header(`Your pushes — ${data.quarterLabel}`));
  if (data.pushes.length === 0) {
    blocks.push(
      section(
        `Nothing pushed this quarter. Pick up to ${data.pushLimit} things you will stay deeply involved in — everything else is the team's to own.`,
      ),
    );
  }
  data.pushes.forEach((line, i) => {
    const open = !['done', 'dropped'].includes(line.push.status);
    blocks.push(section(pushLine(line, i + 1, now), open ? updateButton(line.push) : undefined));
  });

  if (data.owned.length > 0) {
    blocks.push(header('Pushes you own for others'));
    for (const line of data.owned.slice(0, OWNED_SHOWN)) {
      const open = !['done', 'dropped'].includes(line.push.status);
      blocks.push(
        section(
          `${pushLine(line, undefined, now)}\n_for ${mention(line.push.managerId)}_`,
          open ? updateButton(line.push) : undefined,
        ),
      );
    }
    blocks.push(...more(data.owned.length, OWNED_SHOWN, 'push'));
  }

  if (data.recognitions.length > 0) {
    const received = data.recognitions.filter((r) => r.advocateId === data.userId).length;
    const given = data.recognitions.length - received;
    blocks.push(divider(), header(`Recognitions this quarter — ${received} received, ${given} given`));
    for (const r of data.recognitions.slice(0, RECOGNITIONS_SHOWN))
      blocks.push(section(recognitionLine(r, data.userId)));
    if (data.recognitions.length > RECOGNITIONS_SHOWN) {
      blocks.push(
        context(`…and ${plural(data.recognitions.length - RECOGNITIONS_SHOWN, 'more recognition')}.`),
      );
    }
  }

  blocks.push(...extra);
  // The budgets above keep us well under the limit; this is the guarantee if they are ever changed.
  const capped =
    blocks.length > HOME_BLOCK_LIMIT
      ? [
          ...blocks.slice(0, HOME_BLOCK_LIMIT - 1),
          context('There is more than fits here; `/pull list` and `/push list` show the rest.'),
        ]
      : blocks;
  return { type: 'home', blocks: capped };
}
