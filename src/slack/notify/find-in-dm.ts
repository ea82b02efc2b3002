// Finding a message Pushpull already posted in someone's DM, by the metadata it was tagged with.
import type { webApi } from '@slack/bolt';

/** A message's `metadata` as conversations.history returns it (with `include_all_metadata`). */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** How each Web API call is made: at once, or through the background pacer's lane for that method. */
export type Paced = <T>(method: string, send: () => Promise<T>) => Promise<T>;

/** How far back a lookup reads: the copies looked for are at most a week old, far fewer than this. */
const MAX_PAGES = 10;

/**
 * The first (newest) message in the app's DM with `userId` whose metadata has `eventType` and a payload
 * that `matches`: its channel and ts, or undefined when there is none. Throws when the DM cannot be read,
 * and then nothing may be resent. A post whose outcome is unknown is looked for here before any resend.
 *
 * Needs `im:write` (conversations.open) and `im:history`; Pushpull's DMs are read-only for people, so all
 * it can find there is its own messages.
 */
export async function findTaggedInDm(
  client: webApi.WebClient,
  userId: string,
  eventType: string,
  matches: (payload: Record<string, unknown>) => boolean,
  via: Paced = (_method, send) => send(),
): Promise<{ channel: string; ts: string } | undefined> {
  const opened = await via('conversations.open', () => client.conversations.open({ users: userId }));
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open named no channel');
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const history = await via('conversations.history', () =>
      client.conversations.history({
        channel,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const message of history.messages ?? []) {
      const meta = message.metadata as Partial<MessageMetadata> | undefined;
      if (meta?.event_type === eventType && matches(meta.event_payload ?? {}))
        return { channel, ts: message.ts ?? '' };
    }
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return undefined;
  }
  throw new Error('the DM is too long to check');
}
