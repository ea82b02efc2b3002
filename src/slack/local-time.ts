// Each person's own clock: their Slack timezone as last fetched, else the configured default.
import { getMember, timeZoneOf } from '../domain/members.js';
import { currentQuarter } from '../domain/quarters.js';
import type { Deps } from './deps.js';

export async function timezoneOf(deps: Deps, userId: string): Promise<string> {
  return timeZoneOf(await getMember(deps.db, userId), deps.config.defaultTimezone);
}

/**
 * The quarter `userId` is in at `now`. Pushes belong to their manager's quarter, which turns at the
 * manager's own midnight: on New Year morning in Auckland the new quarter's pushes are open there
 * while a manager in Honolulu still works in the old one.
 */
export async function quarterFor(deps: Deps, userId: string, now = deps.clock()) {
  return currentQuarter(now, await timezoneOf(deps, userId), deps.config.fiscalYearStartMonth);
}
