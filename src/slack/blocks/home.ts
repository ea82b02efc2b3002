// The Home tab: pulls awaiting you, pulls you sent, your pushes, pushes you own for others.
import type { HomeView } from '@slack/types';
import type { HomeData, HomeShown } from '../../domain/home.js';
import { mention } from '../text.js';
import { agreementSections } from './agreements.js';
import { autonomyLine } from './autonomy.js';
import {
  actions,
  type Blocks,
  button,
  capBlocks,
  context,
  divider,
  formatDate,
  header,
  LIMITS,
  listed,
  section,
} from './common.js';
import { mirrorBlocks, teamBlocks } from './mirror.js';
import { awaitingPullBlocks, sentPullBlocks } from './pulls.js';
import { pushLine, pushSections, updateButton } from './pushes.js';
import { recognitionLine } from './recognitions.js';

export const HOME_PULL_IN = 'home_pull_in';
export const HOME_PUSH_ADD = 'home_push_add';
export const HOME_ACTIONS_BLOCK = 'home_actions';

/** The last resort when the section budgets below ever add up to more than a Home view holds. */
export const HOME_OVERFLOW = 'There is more than fits here; `/pull list` and `/push list` show the rest.';
/** Block Kit allows 100 blocks in a Home view; each section below has a budget that keeps the sum under it. */
export const HOME_BLOCK_LIMIT = LIMITS.viewBlocks;
// Every section full at once comes to about 85 blocks: standing 2, awaiting 22, sent 14, pushes 15,
// owned 7, agreements 8, mirror and team 5, recognitions 8, buttons 1.
const AWAITING_SHOWN = 10; // 2 blocks each
const SENT_SHOWN = 6; // 2 blocks each
/** Open pushes shown on Home: PUSH_LIMIT is a few; an operator who raised it far sees the rest in `/push list`. */
const PUSHES_SHOWN = 10;
const OWNED_SHOWN = 5;
const RECOGNITIONS_SHOWN = 5;
const AGREEMENTS_HOME = 5;
const TEAM_SHOWN = 25; // one section for all of them
/** What the Home tab shows of each list: `homeFor` reads no more than this. */
export const HOME_SHOWN: HomeShown = {
  awaiting: AWAITING_SHOWN,
  sent: SENT_SHOWN,
  recognitions: RECOGNITIONS_SHOWN,
  agreements: AGREEMENTS_HOME,
  team: TEAM_SHOWN,
};
const SEE_LIST = '`/pull list` shows them too';
const SEE_AGREEMENTS = '`/pull agreements` shows more';

/** Away or here, and whether they run on their own: what a person should know about themselves first. */
function standingBlocks(data: HomeData): Blocks {
  const me = data.me;
  if (!me) return [];
  const blocks: Blocks = [];
  if (me.awayUntil) {
    const deputy = me.awayDeputyId ? ` ${mention(me.awayDeputyId)} is your deputy.` : '';
    blocks.push(
      section(
        `:palm_tree: *You are away until ${formatDate(me.awayUntil)}.* No digest or reminders until then.${deputy} \`/pull back\` ends it.`,
      ),
    );
  }
  const autonomy = autonomyLine(me.managerId, me.autonomy);
  if (autonomy) blocks.push(context(autonomy));
  return blocks;
}

export function homeView(data: HomeData, now: number, extra: Blocks = []): HomeView {
  const blocks: Blocks = [
    header('Pushpull'),
    context('Push on a few priorities. Pull your manager in for the rest.'),
    actions(
      HOME_ACTIONS_BLOCK,
      button('Pull someone in', HOME_PULL_IN, 'pull', 'primary'),
      button('Add a push', HOME_PUSH_ADD, 'push'),
    ),
  ];
  blocks.push(...standingBlocks(data), divider());

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
  blocks.push(...pushSections(data.pushes, now, true, PUSHES_SHOWN));

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
  const managing =
    (data.team?.total ?? 0) > 0 ||
    data.awaiting.total > 0 ||
    data.pushes.length > 0 ||
    (data.mirror?.answered ?? 0) > 0;
  if (data.mirror && managing) {
    blocks.push(divider(), ...mirrorBlocks(data.mirror, data.quarterLabel, now));
  }
  if (data.team) blocks.push(...teamBlocks(data.team));

  const { received, given } = data.recognitions;
  if (received + given > 0) {
    // Someone with autonomy is not measured, not even on their own Home: their recognitions show, uncounted.
    const counts = data.me?.autonomy ? '' : ` — ${received} received, ${given} given`;
    blocks.push(divider(), header(`Recognitions this quarter${counts}`));
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
    blocks: capBlocks(blocks, HOME_BLOCK_LIMIT, HOME_OVERFLOW),
  };
}
