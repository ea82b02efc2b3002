// Sending what a listener decided: render with the builders, call the Web API, remember where messages went.
import type { webApi } from '@slack/bolt';
import type { Pull } from '../db/schema.js';
import { getMember, profileIsStale, saveProfile } from '../domain/members.js';
import { getPull, recordManagerMessage } from '../domain/pulls.js';
import { getPush } from '../domain/pushes.js';
import { managerPullMessage, requesterUpdate } from './blocks/pulls.js';
import type { Deps } from './deps.js';

type WebClient = webApi.WebClient;

/** The Slack error code of a failed Web API call (`channel_not_found`, `ratelimited`, …), or the error's message. */
export function slackErrorCode(error: unknown): string {
  const e = error as { data?: { error?: unknown }; code?: unknown; message?: unknown };
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.code === 'string') return e.code;
  return error instanceof Error ? error.message : String(error);
}

export type Delivery = { ok: true } | { ok: false; error: string };

async function attempt(
  deps: Deps,
  what: string,
  context: Record<string, unknown>,
  call: () => Promise<unknown>,
) {
  try {
    await call();
    return { ok: true } as const;
  } catch (error) {
    const code = slackErrorCode(error);
    deps.logger.warn(`could not ${what}`, { ...context, error: code });
    return { ok: false, error: code } as const;
  }
}

function pushTitleOf(deps: Deps, pull: Pull): string | undefined {
  return pull.pushId ? getPush(deps.db, pull.pushId)?.title : undefined;
}

/** DM the manager a new pull and remember the message, so each later step can update it in place. */
export async function sendPullToManager(client: WebClient, deps: Deps, pull: Pull): Promise<Delivery> {
  const message = managerPullMessage({ pull, pushTitle: pushTitleOf(deps, pull), now: deps.clock() });
  return attempt(
    deps,
    'DM the manager a new pull',
    { pullId: pull.id, managerId: pull.managerId },
    async () => {
      const posted = await client.chat.postMessage({ channel: pull.managerId, ...message });
      if (posted.channel && posted.ts) recordManagerMessage(deps.db, pull.id, posted.channel, posted.ts);
    },
  );
}

/** Show the pull's current state on the manager's original DM. */
export async function refreshManagerMessage(
  client: WebClient,
  deps: Deps,
  pullId: number,
): Promise<Delivery> {
  const pull = getPull(deps.db, pullId);
  if (!pull?.managerChannel || !pull.managerTs) return { ok: true };
  const { managerChannel: channel, managerTs: ts } = pull;
  const message = managerPullMessage({ pull, pushTitle: pushTitleOf(deps, pull), now: deps.clock() });
  return attempt(deps, "update the manager's pull message", { pullId }, () =>
    client.chat.update({ channel, ts, ...message }),
  );
}

export async function tellRequester(client: WebClient, deps: Deps, pull: Pull): Promise<Delivery> {
  return attempt(deps, 'DM the requester', { pullId: pull.id, requesterId: pull.requesterId }, () =>
    client.chat.postMessage({ channel: pull.requesterId, ...requesterUpdate(pull) }),
  );
}

export async function directMessage(
  client: WebClient,
  deps: Deps,
  userId: string,
  message: { text: string; blocks?: unknown[] },
  what = 'send a DM',
): Promise<Delivery> {
  return attempt(deps, what, { userId }, () =>
    client.chat.postMessage({
      channel: userId,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
    }),
  );
}

/** How a call to Slack is made: directly, or through a pacer that waits out rate limits. */
export type Via = <T>(send: () => Promise<T>) => Promise<T>;
const direct: Via = (send) => send();

/** Refresh what Slack says of a person (timezone, name, bot or not) when our copy is older than a day. */
export async function refreshProfile(
  client: WebClient,
  deps: Deps,
  userId: string,
  via: Via = direct,
): Promise<void> {
  const now = deps.clock();
  if (!profileIsStale(getMember(deps.db, userId), now)) return;
  try {
    const info = await via(() => client.users.info({ user: userId }));
    const user = info.user;
    if (!user) return;
    saveProfile(
      deps.db,
      userId,
      {
        displayName: user.profile?.display_name || user.real_name || user.name || null,
        timezone: user.tz ?? null,
        isBot: Boolean(user.is_bot) || userId === 'USLACKBOT',
      },
      now,
    );
  } catch (error) {
    deps.logger.warn('could not refresh a profile', { userId, error: slackErrorCode(error) });
  }
}
