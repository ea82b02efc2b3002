// The Home tab: published on open and refreshed after any change that concerns the person.
import type { webApi } from '@slack/bolt';
import { homeFor } from '../domain/home.js';
import { getMember } from '../domain/members.js';
import { currentQuarter } from '../domain/quarters.js';
import { HOME_SHOWN, homeView } from './blocks/home.js';
import { slackErrorCode } from './deliver.js';
import type { Deps } from './deps.js';
import { quarterNow } from './modals.js';

export async function publishHome(client: webApi.WebClient, deps: Deps, userId: string): Promise<void> {
  const timeZone = getMember(deps.db, userId)?.timezone ?? deps.config.defaultTimezone;
  const own = currentQuarter(deps.clock(), timeZone, deps.config.fiscalYearStartMonth);
  const data = homeFor(deps.db, userId, quarterNow(deps), deps.config.pushLimit, HOME_SHOWN, own);
  try {
    await client.views.publish({ user_id: userId, view: homeView(data, deps.clock()) });
  } catch (error) {
    // A Home tab that fails to refresh is stale, not lost: it is rebuilt the next time it is opened.
    deps.logger.warn('could not publish the Home tab', { userId, error: slackErrorCode(error) });
  }
}

/** Republish for those who have ever opened their Home tab; everyone else gets a fresh one when they first do. */
export async function refreshHomes(client: webApi.WebClient, deps: Deps, userIds: string[]): Promise<void> {
  const viewers = [...new Set(userIds)].filter((id) => getMember(deps.db, id)?.homeOpenedAt);
  await Promise.all(viewers.map((id) => publishHome(client, deps, id)));
}
