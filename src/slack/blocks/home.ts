// The Home tab: pulls awaiting you, pulls you sent, your pushes, pushes you own for others.
import type { HomeView } from '@slack/types';
import type { HomeData, HomeShown } from '../../domain/home.js';
import { mention } from '../text.js';
import { agreementSections } from './agreements.js';
import {
  actions,
  type Blocks,
  button,
  capBlocks,
  context,
  divider,
  header,
  LIMITS,
  listed,
  section,
} from './common.js';
import { awaitingPullBlocks, sentPullBlocks } from './pulls.js';
import { pushLine, pushSections, updateButton } from './pushes.js';
import { recognitionLine } from './recognitions.js';

export const HOME_PULL_IN = 'home_pull_in';
export const HOME_PUSH_ADD = 'home_push_add';
export const HOME_ACTIONS_BLOCK = 'home_actions';

/** Block Kit allows 100 blocks in a Home view; each section below has a budget that keeps the sum under it. */
export const HOME_BLOCK_LIMIT = LIMITS.viewBlocks;
const AWAITING_SHOWN = 12; // 2 blocks each
const SENT_SHOWN = 8; // 2 blocks each
const OWNED_SHOWN = 5;
const RECOGNITIONS_SHOWN = 5;
const AGREEMENTS_HOME = 5;
/** What the Home tab shows of each list: `homeFor` reads no more than this. */
export const HOME_SHOWN: HomeShown = {
  awaiting: AWAITING_SHOWN,
  sent: SENT_SHOWN,
  recognitions: RECOGNITIONS_SHOWN,
  agreements: AGREEMENTS_HOME,
};
const SEE_LIST = '`/pull list` shows them too';
const SEE_AGREEMENTS = '`/pull agreements` shows more';

export function homeView(data: HomeData, now: number, extra: Blocks = []): HomeView {
  const blocks: Blocks = [
    header('Pushpull'),
    context('Push on a few priorities. Pull your manager in for the rest.'),
    actions(
      HOME_ACTIONS_BLOCK,
      button('Pull someone in', HOME_PULL_IN, 'pull', 'primary'),
      button('Add a push', HOME_PUSH_ADD, 'push'),
    ),
    divider(),
  ];

  if (data.awaiting.total > 0) {
    blocks.push(header(`Awaiting you (${data.awaiting.total})`));
    blocks.push(
      ...listed(
        data.awaiting.shown,
        AWAITING_SHOWN,
        (pull) =>
          awaitingPullBlocks({
            pull,
            pushTitle: pull.pushId ? data.pushTitles.get(pull.pushId) : undefined,
            handshake: data.handshakes.get(pull.id),
            now,
          }),
        'pull',
        SEE_LIST,
        data.awaiting.total,
      ),
    );
  }

  if (data.sent.total > 0) {
    blocks.push(header(`You pulled in (${data.sent.total})`));
    blocks.push(
      ...listed(
        data.sent.shown,
        SENT_SHOWN,
        (pull) => sentPullBlocks(pull, now, data.handshakes.get(pull.id)),
        'pull',
        SEE_LIST,
        data.sent.total,
      ),
    );
  }

  if (data.awaiting.total === 0 && data.sent.total === 0) {
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
  blocks.push(...pushSections(data.pushes, now, true));

  if (data.owned.length > 0) {
    blocks.push(header('Pushes you own for others'));
    blocks.push(
      ...listed(
        data.owned,
        OWNED_SHOWN,
        (line) => [
          section(
            `${pushLine(line, undefined, now)}\n_for ${mention(line.push.managerId)}_`,
            ['done', 'dropped'].includes(line.push.status) ? undefined : updateButton(line.push),
          ),
        ],
        ['push', 'pushes'],
      ),
    );
  }

  if (data.agreements.total > 0) {
    blocks.push(divider(), header(`Agreements (${data.agreements.total})`));
    blocks.push(
      ...agreementSections(
        data.agreements,
        data.userId,
        now,
        data.pushTitles,
        AGREEMENTS_HOME,
        SEE_AGREEMENTS,
      ),
    );
  }

  const { received, given } = data.recognitions;
  if (received + given > 0) {
    blocks.push(divider(), header(`Recognitions this quarter — ${received} received, ${given} given`));
    blocks.push(
      ...listed(
        data.recognitions.shown,
        RECOGNITIONS_SHOWN,
        (r) => [section(recognitionLine(r, data.userId))],
        'recognition',
        undefined,
        received + given,
      ),
    );
  }

  blocks.push(...extra);
  // The budgets above keep us well under the limit; this is the guarantee if they are ever changed.
  return {
    type: 'home',
    blocks: capBlocks(
      blocks,
      HOME_BLOCK_LIMIT,
      'There is more than fits here; `/pull list` and `/push list` show the rest.',
    ),
  };
}
