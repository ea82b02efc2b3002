// The Home tab: published on open and refreshed after any change that concerns the person.
import type { webApi } from '@slack/bolt';
import { homeFor } from '../domain/home.js';
import { homeViewers } from '../domain/members.js';
import { HOME_SHOWN, homeView } from './blocks/home.js';
import { slackErrorCode } from './deliver.js';
import type { Deps } from './deps.js';
import { quarterFor } from './local-time.js';
import { RefreshQueue } from './refresh-queue.js';

export async function publishHome(client: webApi.WebClient, deps: Deps, userId: string): Promise<void> {
  const quarter = await quarterFor(deps, userId);
  const data = await homeFor(deps.db, userId, quarter, deps.config.pushLimit, HOME_SHOWN);
  try {
    await client.views.publish({ user_id: userId, view: homeView(data, deps.clock()) });
  } catch (error) {
    // A Home tab that fails to refresh is stale, not lost: it is rebuilt the next time it is opened.
    deps.logger.warn('could not publish the Home tab', { userId, error: slackErrorCode(error) });
  }
}

/** A change waits this long for others about the same person: a burst of pulls is one publish. */
export const HOME_COALESCE_MS = 50;
/**
 * People waiting for a Home refresh at most. Past it a refresh is dropped and counted: a stale Home is
 * rebuilt the next time it is opened, while an unbounded queue would grow with a flood of requests.
 */
export const HOME_QUEUE_MAX = 5_000;

const queues = new WeakMap<Deps, RefreshQueue>();

/** The app's one queue of Home refreshes: kept by the app's Deps, which a request's own Deps names as `app`. */
export function homeQueue(client: webApi.WebClient, deps: Deps): RefreshQueue {
  const app = deps.app ?? deps;
  let queue = queues.get(app);
  if (!queue) {
    queue = new RefreshQueue((userId) => publishHome(client, app, userId), {
      coalesceMs: HOME_COALESCE_MS,
      max: HOME_QUEUE_MAX,
      concurrency: 2,
    });
    queues.set(app, queue);
  }
  return queue;
}

/** Resolves once no Home refresh waits or runs: shutdown waits for it, as for any work in flight. */
export function homesDrained(deps: Deps): Promise<void> {
  return queues.get(deps.app ?? deps)?.drained() ?? Promise.resolve();
}

/**
 * Republishes, after the request and coalesced, for those who have ever opened their Home tab; everyone
 * else gets a fresh one when they first do. Resolves once the one read of who has a Home is done: reading
 * and rendering a Home never holds up the listener, and the next request's ack never waits for it.
 */
export async function refreshHomes(client: webApi.WebClient, deps: Deps, userIds: string[]): Promise<void> {
  const viewers = await homeViewers(deps.db, [...new Set(userIds)]);
  if (viewers.length > 0) homeQueue(client, deps).request(viewers);
}
