// Slack redelivers an event it believes was missed (x-slack-retry-num) under the same event_id, to whichever
// instance the load balancer picks: act on each once, decided by the database.
import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { firstDelivery } from '../../../domain/event-deliveries.js';
import type { Deps } from '../../deps.js';

/** Slack retries three times within minutes, so the last few thousand ids cover every redelivery this process saw. */
const REMEMBERED = 5000;

/**
 * Lets the first delivery of an event through and drops its redeliveries. The ids this process has handled
 * are kept in memory, so a retry to the same instance costs no query; any other delivery is recorded in the
 * database first, and only the instance whose record landed handles it. A retry whose first delivery never
 * arrived anywhere (every instance was down) is recorded now, so it is handled.
 */
export function oncePerEvent(deps: Deps): Middleware<SlackEventMiddlewareArgs> {
  const seen = new Set<string>();
  return async ({ body, context, next }) => {
    const eventId = body.event_id;
    if (seen.has(eventId)) {
      deps.logger.debug('skipped a redelivered event', { eventId, retryNum: context.retryNum });
      return;
    }
    seen.add(eventId);
    // A Set iterates in insertion order: the first value is the oldest.
    if (seen.size > REMEMBERED) seen.delete(seen.values().next().value as string);
    let first = true;
    try {
      first = await firstDelivery(deps.db, eventId, deps.clock());
    } catch (error) {
      // The database cannot say (it is down or busy): handling an event twice beats dropping it. The only
      // event is a Home tab opened, whose effect is publishing the same view again.
      deps.logger.warn('could not record an event as seen; handling it anyway', { eventId, error });
    }
    if (!first) {
      deps.logger.debug('skipped an event another instance handled', { eventId, retryNum: context.retryNum });
      return;
    }
    await next();
  };
}
