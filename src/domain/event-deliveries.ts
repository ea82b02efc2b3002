// Events carried out once across instances: Slack may redeliver an event to any instance behind the load balancer.
import { type Db, tables } from '../db/store.js';

/** The key an event is known by among the request keys (requests_seen, swept with them after REQUEST_KEPT_MS). */
export const eventKey = (eventId: string) => `event:${eventId}`;

/**
 * Records that `eventId` is being handled and says whether this is its first delivery. The insert is the
 * decision: two instances given the same event at once both try it, the database lets one through.
 */
export async function firstDelivery(db: Db, eventId: string, now: number): Promise<boolean> {
  const { requestsSeen } = tables(db);
  const written = await db
    .insert(requestsSeen)
    .values({ key: eventKey(eventId), createdId: null, seenAt: now })
    .onConflictDoNothing()
    .returning({ key: requestsSeen.key });
  return written.length > 0;
}
