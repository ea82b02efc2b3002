// Slack redelivers an event it believes was missed (x-slack-retry-num) under the same event_id: act on each once.
import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../deps.js';

/** Slack retries three times within minutes, so the last few thousand ids cover every redelivery. */
const REMEMBERED = 5000;

/**
 * Lets the first delivery of an event through and drops its redeliveries. A retry whose first delivery
 * never arrived (the app was down) is the first this process sees, so it is handled.
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
    await next();
  };
}
