// What happens around time away: the notice to a requester, passing a pull on, the one summary on return.
import type { webApi } from '@slack/bolt';
import type { Pull } from '../../db/schema.js';
import { arrivedWhileAway, awayNotice, backBy, comeBack } from '../../domain/away.js';
import {
  awayNoticeBlocks,
  passedOnManagerMessage,
  passedToDeputy,
  welcomeBack,
  withAwayNotice,
} from '../blocks/away.js';
import { type Blocks, context } from '../blocks/common.js';
import { managerNotReached } from '../copy.js';
import { directMessage, sendPullToManager, slackErrorCode } from '../deliver.js';
import type { Deps } from '../deps.js';
import { refreshHomes } from '../home.js';

type WebClient = webApi.WebClient;

/** The requester's confirmation, with the away notice (and the deputy button) when their manager is away. */
export async function confirmationFor(
  deps: Deps,
  pull: Pull,
  confirmation: { text: string; blocks: Blocks },
) {
  const notice = await awayNotice(
    deps.db,
    pull.managerId,
    pull.requesterId,
    deps.clock(),
    deps.config.defaultTimezone,
  );
  return withAwayNotice(confirmation, notice && awayNoticeBlocks(pull, notice));
}

/**
 * The welcome-back DM, sent by whoever ended the time away (`/pull back` or the tick that saw the date
 * pass): `comeBack` hands the time back to exactly one caller, so the summary goes once.
 */
export async function sendWelcomeBack(
  client: WebClient,
  deps: Deps,
  userId: string,
  ended: { since: number },
): Promise<void> {
  const summary = welcomeBack(await arrivedWhileAway(deps.db, userId, ended.since), deps.clock());
  await directMessage(client, deps, userId, summary, 'send the welcome-back summary');
  await refreshHomes(client, deps, [userId]);
}

/** The tick's return of one person: ends their time away and, when it was this call that ended it, says so. */
async function returnFromAway(client: WebClient, deps: Deps, userId: string): Promise<boolean> {
  const ended = await comeBack(deps.db, userId, deps.clock());
  if (!ended) return false;
  await sendWelcomeBack(client, deps, userId, ended);
  return true;
}

/** The tick's part: everyone whose last day away has passed on their own calendar comes back. */
export async function returnThoseBack(client: WebClient, deps: Deps): Promise<number> {
  let returned = 0;
  for (const userId of await backBy(deps.db, deps.clock(), deps.config.defaultTimezone)) {
    try {
      if (await returnFromAway(client, deps, userId)) returned += 1;
    } catch (error) {
      deps.logger.error('could not end someone’s time away; the next tick tries again', { userId, error });
    }
  }
  return returned;
}

/**
 * After a pull was sent on to the away manager's deputy (`passToDeputy`): the away manager's DM says where it
 * went, the deputy gets it as any pull; what comes back is the requester's message saying so.
 */
export async function sentOnToDeputy(
  client: WebClient,
  deps: Deps,
  { pull, before }: { pull: Pull; before: Pull },
): Promise<{ text: string; blocks: Blocks }> {
  const pullId = pull.id;
  if (before.managerChannel && before.managerTs) {
    const { managerChannel: channel, managerTs: ts } = before;
    try {
      await client.chat.update({ channel, ts, ...passedOnManagerMessage(pull) });
    } catch (error) {
      deps.logger.warn("could not update the away manager's DM", { pullId, error: slackErrorCode(error) });
    }
  }
  const delivered = await sendPullToManager(client, deps, pull);
  const message = passedToDeputy(pull);
  if (!delivered.ok) message.blocks.push(context(managerNotReached(pull.managerId, delivered)));
  await refreshHomes(client, deps, [before.managerId, pull.managerId, pull.requesterId]);
  return message;
}
