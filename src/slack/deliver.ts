// Sending what a listener decided: render with the builders, call the Web API, remember where messages went.
import { webApi } from '@slack/bolt';
import { whenNotBusy } from '../db/busy.js';
import type { Member, Pull } from '../db/schema.js';
import { agreementForPull } from '../domain/agreements.js';
import { getMember, profileIsStale, saveProfile } from '../domain/members.js';
import {
  clearManagerDmUnknown,
  getPull,
  markManagerDmUnknown,
  recordManagerMessage,
} from '../domain/pulls.js';
import { getPush } from '../domain/pushes.js';
import { managerPullMessage, type PullView, type PushFrame, requesterUpdate } from './blocks/pulls.js';
import type { Deps } from './deps.js';
import { findTaggedInDm } from './notify/find-in-dm.js';

type WebClient = webApi.WebClient;

/** The Slack error code of a failed Web API call (`channel_not_found`, `ratelimited`, …), or the error's message. */
export function slackErrorCode(error: unknown): string {
  const e = error as { data?: { error?: unknown }; code?: unknown; message?: unknown };
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.code === 'string') return e.code;
  return error instanceof Error ? error.message : String(error);
}

export type Delivery = { ok: true } | { ok: false; error: string };

export async function attempt(
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

/** The push a pull is about, as the limits it is answered within. */
export async function pushFrameOf(deps: Deps, pull: Pull): Promise<PushFrame | undefined> {
  const push = pull.pushId ? await getPush(deps.db, pull.pushId) : undefined;
  return push ? { title: push.title, success: push.success, guardrails: push.guardrails } : undefined;
}

/** Everything the manager's DM of a pull shows: its push and that push's limits, and its handshake if any. */
async function managerView(deps: Deps, pull: Pull): Promise<PullView> {
  const frame = await pushFrameOf(deps, pull);
  const handshake = pull.kind === 'define-success' ? await agreementForPull(deps.db, pull.id) : undefined;
  return { pull, pushTitle: frame?.title, frame, handshake, now: deps.clock() };
}

/** The message metadata on every manager DM of a pull, so a copy that landed unseen can be found. */
export const PULL_EVENT = 'pushpull_pull';

/**
 * A 429 the client waited out: it then throws a plain Error saying "A rate limit was exceeded", wrapped
 * in a request error (WebClient.js, makeRequest). The call was not carried out.
 */
export function isWaitedOutRateLimit(error: unknown): boolean {
  const original = (error as { original?: unknown })?.original ?? error;
  return original instanceof Error && original.message.startsWith('A rate limit was exceeded');
}

/**
 * Did Slack refuse (it answered, so nothing was delivered), or is the outcome unknown (no answer, a
 * timeout, a 5xx: it may have been delivered)? 429s that outlast the retries count as refused.
 */
export function slackRefused(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === webApi.ErrorCode.PlatformError ||
    code === webApi.ErrorCode.RateLimitedError ||
    isWaitedOutRateLimit(error)
  );
}

/** A manager DM: delivered, refused, or posted with no answer and not found in their DM (`unknown`). */
export type PullDelivery = { ok: true } | { ok: false; error: string; unknown: boolean };

/** A write after the ack: a busy database is waited out; a failure is logged, never thrown at the sender. */
export async function saveAfterAck(
  deps: Deps,
  what: string,
  context: Record<string, unknown>,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await whenNotBusy(write);
  } catch (error) {
    deps.logger.error(`could not save ${what}`, { ...context, error });
  }
}

function rememberManagerMessage(deps: Deps, pullId: number, channel: string, ts: string): Promise<void> {
  // If this fails the pull is still marked unknown, so the next step finds the DM again by its metadata.
  return saveAfterAck(deps, "where the manager's DM is", { pullId }, () =>
    recordManagerMessage(deps.db, pullId, channel, ts),
  );
}

/**
 * Whether the pull knows its manager DM, looking for it by its metadata first when its post had no
 * answer (and remembering what it finds). Never posts.
 */
export async function recoverManagerMessage(client: WebClient, deps: Deps, pullId: number): Promise<boolean> {
  const pull = await getPull(deps.db, pullId);
  if (!pull) return false;
  if (pull.managerTs) return true;
  if (pull.managerDmUnknownAt === null) return false;
  try {
    const found = await findTaggedInDm(client, pull.managerId, PULL_EVENT, (p) => p.pull === pull.id);
    if (!found) return false;
    await rememberManagerMessage(deps, pull.id, found.channel, found.ts);
    deps.logger.info("the manager's DM had landed after all; found by its metadata", { pullId });
    return true;
  } catch (error) {
    deps.logger.warn("could not look for the manager's DM", { pullId, error: slackErrorCode(error) });
    return false;
  }
}

/**
 * DM the manager a new pull and remember the message, so each later step can update it in place.
 * Never repeated: a post Slack did not answer (a timeout, a 5xx) may still land, so it is recorded as
 * unknown and the DM is read for it now and at each later step. Not found, it is not posted again:
 * the pull waits in the manager's list, Home tab and digest. At most one DM, never a copy.
 */
export async function sendPullToManager(client: WebClient, deps: Deps, pull: Pull): Promise<PullDelivery> {
  const message = managerPullMessage(await managerView(deps, pull));
  const context = { pullId: pull.id, managerId: pull.managerId };
  // Marked before the post and cleared when its place is saved (or Slack refused it): whatever fails in
  // between — no answer, a busy database, a crash — later steps look for the DM before relying on it.
  // A new pull was written already marked (openPull's `dmOnItsWay`), saving a write on every /pull.
  if (pull.managerDmUnknownAt === null) {
    await saveAfterAck(deps, 'that a manager DM is on its way', context, () =>
      markManagerDmUnknown(deps.db, pull.id, deps.clock()),
    );
  }
  let posted: webApi.ChatPostMessageResponse;
  try {
    posted = await client.chat.postMessage({
      channel: pull.managerId,
      ...message,
      metadata: { event_type: PULL_EVENT, event_payload: { pull: pull.id } },
    });
  } catch (error) {
    const code = slackErrorCode(error);
    if (slackRefused(error)) {
      deps.logger.warn('could not DM the manager a new pull', { ...context, error: code });
      await saveAfterAck(deps, 'that a manager DM was refused', context, () =>
        clearManagerDmUnknown(deps.db, pull.id),
      );
      return { ok: false, error: code, unknown: false };
    }
    deps.logger.warn('manager DM outcome unknown (Slack did not answer); it is looked for, never resent', {
      ...context,
      error: code,
    });
    if (await recoverManagerMessage(client, deps, pull.id)) return { ok: true };
    return { ok: false, error: code, unknown: true };
  }
  if (posted.channel && posted.ts) await rememberManagerMessage(deps, pull.id, posted.channel, posted.ts);
  return { ok: true };
}

/** Show the pull's current state on the manager's original DM (found first if its post had no answer). */
export async function refreshManagerMessage(
  client: WebClient,
  deps: Deps,
  pullId: number,
): Promise<Delivery> {
  if (!(await recoverManagerMessage(client, deps, pullId))) return { ok: true };
  const pull = await getPull(deps.db, pullId);
  if (!pull?.managerChannel || !pull.managerTs) return { ok: true };
  const { managerChannel: channel, managerTs: ts } = pull;
  const message = managerPullMessage(await managerView(deps, pull));
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

/**
 * Lets the event loop take the requests already waiting before this one's work goes on. Called right
 * after an ack: building a DM and the writes that follow would otherwise run in the same turn as the
 * ack and hold up the next request's acknowledgement behind this one's follow-up work.
 */
export function afterAcks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Refresh what Slack says of a person (timezone, name, bot or not) when our copy is older than a day, and
 * hand back what is known of them now (undefined for someone never seen whom Slack did not describe).
 */
export async function refreshProfile(
  client: WebClient,
  deps: Deps,
  userId: string,
  via: Via = direct,
): Promise<Member | undefined> {
  const now = deps.clock();
  const known = await getMember(deps.db, userId);
  if (!profileIsStale(known, now)) return known;
  try {
    const info = await via(() => client.users.info({ user: userId }));
    const user = info.user;
    if (!user) return known;
    return await whenNotBusy(() =>
      saveProfile(
        deps.db,
        userId,
        {
          displayName: user.profile?.display_name || user.real_name || user.name || null,
          timezone: user.tz ?? null,
          isBot: Boolean(user.is_bot) || userId === 'USLACKBOT',
        },
        now,
      ),
    );
  } catch (error) {
    deps.logger.warn('could not refresh a profile', { userId, error: slackErrorCode(error) });
    return known;
  }
}
