// The digest fan-out: find who is due, claim, build, send at Slack's pace; and the overdue reminders.
import { randomUUID } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { DigestClaim } from '../db/schema.js';
import { handshakesAmong } from '../domain/agreements.js';
import { isAway } from '../domain/away.js';
import {
  claimReminder,
  digestFor,
  digestIsEmpty,
  managerSince,
  managersToDigest,
  managersWithOverdue,
  markReminded,
  overduePulls,
  releaseReminder,
  settledForWeek,
  staleManagerProfiles,
  timezonesInUse,
} from '../domain/digest.js';
import {
  claimDigest,
  MAX_ATTEMPTS,
  markEmpty,
  markFailed,
  markSent,
  markUnknown,
  releaseClaim,
  renewLease,
} from '../domain/digest-claims.js';
import { getMember, PROFILE_TTL_MS, timeZoneOf } from '../domain/members.js';
import { currentQuarter, type Quarter } from '../domain/quarters.js';
import { type Due, digestDue, reminderDue } from '../domain/schedule.js';
import { localDate } from '../domain/time.js';
import { digestMessage, overdueReminder } from '../slack/blocks/digest.js';
import { refreshProfile, slackErrorCode, slackRefused } from '../slack/deliver.js';
import type { Deps } from '../slack/deps.js';
import { quarterFor, timezoneOf } from '../slack/local-time.js';
import { findTaggedInDm } from '../slack/notify/find-in-dm.js';
import { eachWithConcurrency, FanOutStopped, SlackPace } from './pace.js';

export interface FanOut {
  deps: Deps;
  client: webApi.WebClient;
  pace?: SlackPace;
  /** Who is claiming: a process id, so a claim row says which instance sent it. */
  claimant?: string;
  concurrency?: number;
  /** Aborted at shutdown: sends under way finish, no further manager is started, waits end at once. */
  signal?: AbortSignal;
}

export interface DigestRun {
  /** Posted by this run. */
  sent: number;
  /** An earlier post that had landed after all (its run died, or Slack answered too late), found in the DM. */
  found: number;
  /** Not due yet, or already had this week's. */
  skipped: number;
  empty: number;
  /** Slack refused (it said so, nothing was delivered); a later tick tries again. */
  failed: number;
  /** Refused MAX_ATTEMPTS times: left alone for the week, the errors are in the log. */
  gaveUp: number;
  /** Slack may or may not have delivered: checked in the DM before any resend, or left to the operator. */
  unknown: number;
  /** Another run holds the lease right now (it is sending, or it died and the lease has yet to run out). */
  busy: number;
  /** The latest lease among `busy`: when they are taken again if their run died. */
  busyUntil: number | undefined;
  /** Claims taken again this run: a refused send, an unknown outcome, or a run that died mid-send. */
  retaken: number;
  /** Left for the next run because this one was told to stop. */
  stopped: number;
  rateLimited: number;
}

/** The message metadata every digest carries, so a copy that landed unseen can be found before a resend. */
export const DIGEST_EVENT = 'pushpull_digest';
export const OVERDUE_EVENT = 'pushpull_overdue';

export const INSTANCE_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * A post waits at most this long after its lease was renewed: well inside the lease, and inside the time
 * after which a silent instance's leases are ended (src/scheduler/instances.ts).
 */
const RENEW_AGAIN_AFTER_MS = 3_000;

/** The lease ran out and another run took the claim: this one must not post. */
class LeaseLost extends Error {}

async function awayNow(deps: Deps, managerId: string, now: number): Promise<boolean> {
  const manager = await getMember(deps.db, managerId);
  return isAway(manager, now, timeZoneOf(manager, deps.config.defaultTimezone));
}

/**
 * Everyone a digest may be due to: managers as `managersToDigest` sees them in every quarter someone
 * on Earth is in right now (around New Year, Auckland is already in the next one while Honolulu is not).
 */
export async function digestManagers(deps: Deps, now: number): Promise<string[]> {
  const ids = new Set<string>();
  for (const key of quartersOnEarth(deps, now))
    for (const id of await managersToDigest(deps.db, key, now)) ids.add(id);
  return [...ids].sort();
}

/** The keys of every quarter someone on Earth is in at `now`: one, or two around a quarter's turn. */
function quartersOnEarth(deps: Deps, now: number): string[] {
  const start = deps.config.fiscalYearStartMonth;
  return [...new Set(['Etc/GMT+12', 'Pacific/Kiritimati'].map((tz) => currentQuarter(now, tz, start).key))];
}

/** At most this many profiles are refreshed per tick: 60 every 5 minutes is 17,000 a day, far under users.info's Tier 4. */
export const PROFILES_PER_TICK = 60;

/**
 * Refreshes the stalest profiles among the digest's managers (oldest first, at most `max`), through
 * users.info's own lane. Digests never wait for this: they read the cached timezone, or the default
 * one for someone never seen, and a profile left stale today is refreshed on a later tick.
 */
export async function refreshStaleProfiles(
  run: FanOut,
  max = PROFILES_PER_TICK,
  pace: SlackPace = run.pace ?? new SlackPace(run.deps.config.slackPace),
): Promise<number> {
  const { deps, client, signal } = run;
  const now = deps.clock();
  // Read in the database, stalest first, stopping at `max`: an idle tick reads nothing when every
  // profile is fresh. Someone never fetched is fetched when they are first pulled in or add a push.
  const stale = await staleManagerProfiles(
    deps.db,
    quartersOnEarth(deps, now),
    now - PROFILE_TTL_MS,
    now,
    max,
  );
  let refreshed = 0;
  for (const userId of stale) {
    if (signal?.aborted) break;
    await refreshProfile(client, deps, userId, pace.via('users.info', signal));
    refreshed += 1;
  }
  return refreshed;
}

/** What `managerId`'s digest holds at `now`, read in their own timezone. */
export async function digestContentFor(
  deps: Deps,
  managerId: string,
  now: number,
  known?: Quarter & { startsAt: number },
) {
  const quarter = known ?? (await quarterFor(deps, managerId, now));
  return digestFor(deps.db, managerId, {
    quarterKey: quarter.key,
    quarterLabel: quarter.label,
    now,
    localDate: localDate(now, await timezoneOf(deps, managerId)),
    quarterStartsAt: quarter.startsAt,
  });
}

/** The ts of `week`'s digest in the manager's DM, or undefined; throws when the DM cannot be read. */
async function findDigestInDm(
  run: FanOut,
  pace: SlackPace,
  managerId: string,
  week: string,
): Promise<string | undefined> {
  const found = await findTaggedInDm(
    run.client,
    managerId,
    DIGEST_EVENT,
    (payload) => payload.week === week && payload.manager === managerId,
    (method, send) => pace.call(method, send, run.signal),
  );
  return found?.ts;
}

/** How a claim another run holds (or that is done) shows in the run's report. */
function countHeldElsewhere(result: DigestRun, claim: DigestClaim | undefined, now: number): void {
  if (!claim || claim.status === 'sent' || claim.status === 'empty' || claim.status === 'abandoned') {
    result.skipped += 1;
  } else if (claim.status === 'failed' && claim.attempts >= MAX_ATTEMPTS) {
    result.gaveUp += 1;
  } else if (claim.status === 'unknown' || (claim.leaseUntil ?? 0) < now) {
    // Waiting to be checked, or its checks are used up: either way, nobody resends it blindly.
    result.unknown += 1;
  } else {
    result.busy += 1;
    result.busyUntil = Math.max(result.busyUntil ?? 0, claim.leaseUntil ?? 0);
  }
}

/**
 * Sends this week's digest to every manager who is due and has not had it. With `force`, "due" means
 * "has not had this week's yet", whatever the hour (the CLI's `digest send`).
 *
 * No digest is posted twice because of us: only 429s are retried (a limited call was not carried
 * out); a post that times out or meets a 5xx is `unknown`, and before it is sent again the manager's
 * DM is read for a message tagged with this week's digest metadata. If the DM cannot be read, the
 * claim stays `unknown` and is reported, never resent.
 */
export async function sendDigests(run: FanOut, options: { force?: boolean } = {}): Promise<DigestRun> {
  const { deps, client, signal } = run;
  const pace = run.pace ?? new SlackPace(deps.config.slackPace);
  const claimant = run.claimant ?? INSTANCE_ID;
  const now = deps.clock();
  const result: DigestRun = {
    sent: 0,
    found: 0,
    skipped: 0,
    empty: 0,
    failed: 0,
    gaveUp: 0,
    unknown: 0,
    busy: 0,
    busyUntil: undefined,
    retaken: 0,
    stopped: 0,
    rateLimited: 0,
  };
  // The digest moment is read per timezone, not per manager: a few dozen zones, however many managers.
  // When no zone is at or past its digest time this week, the tick ends here without listing anyone.
  const zones = new Map<string, Due>();
  for (const tz of await timezonesInUse(deps.db, deps.config.defaultTimezone)) {
    zones.set(tz, digestDue(now, tz, deps.config.digest));
  }
  if (!options.force && ![...zones.values()].some((due) => due.due)) return result;
  const managers = await digestManagers(deps, now);
  if (managers.length === 0) return result;
  const limitedBefore = pace.rateLimited;
  // Managers whose digest for a week is settled are counted without touching their claim. The read is
  // kept as a promise: managers handled at once share the one read of their week.
  const settled = new Map<string, Promise<Set<string>>>();
  const settledIn = (week: string) => {
    const known = settled.get(week);
    if (known) return known;
    const set = settledForWeek(deps.db, week);
    settled.set(week, set);
    return set;
  };

  const isDue = async (managerId: string, quarter: Quarter) => {
    const tz = await timezoneOf(deps, managerId);
    const due = zones.get(tz) ?? digestDue(now, tz, deps.config.digest);
    if (options.force) return { ...due, due: true };
    if (due.due && (await settledIn(due.week)).has(managerId)) return { ...due, due: false };
    if (due.due && due.digestDayEnded !== undefined) {
      // A catch-up after the digest day: only for someone who was a manager by the end of that day.
      const since = await managerSince(deps.db, managerId, quarter.key, now);
      return { ...due, due: since !== undefined && since < due.digestDayEnded };
    }
    return due;
  };

  await eachWithConcurrency(
    managers,
    run.concurrency ?? 4,
    async (managerId) => {
      const quarter = await quarterFor(deps, managerId, now);
      const due = await isDue(managerId, quarter);
      // Away, they get no digest: the week's claim is left untaken, so one comes if they are back in time.
      if (!due.due || (await awayNow(deps, managerId, now))) {
        result.skipped += 1;
        return;
      }
      const { week } = due;
      const claim = await claimDigest(deps.db, managerId, week, claimant, deps.clock());
      if (!claim.taken) {
        countHeldElsewhere(result, claim.claim, deps.clock());
        return;
      }
      if (claim.previous) result.retaken += 1;
      const held = { managerId, week, claimant, attempt: claim.attempt };
      if (claim.verify) {
        let found: string | undefined;
        try {
          found = await findDigestInDm(run, pace, managerId, week);
        } catch (error) {
          if (error instanceof FanOutStopped) {
            await releaseClaim(deps.db, held, claim.previous);
            result.stopped += 1;
            return;
          }
          const code = slackErrorCode(error);
          await markUnknown(deps.db, held, `could not read the DM: ${code}`, deps.clock());
          deps.logger.warn(
            'digest outcome unknown and the DM could not be checked; nothing is sent until it can be',
            {
              managerId,
              week,
              error: code,
            },
          );
          result.unknown += 1;
          return;
        }
        if (found !== undefined) {
          await markSent(deps.db, managerId, week, deps.clock(), found);
          deps.logger.info('digest had landed after all; found in the DM, not sent again', {
            managerId,
            week,
          });
          result.found += 1;
          return;
        }
      }
      let posting = false;
      try {
        const content = await digestContentFor(deps, managerId, now, quarter);
        if (digestIsEmpty(content)) {
          await markEmpty(deps.db, held);
          result.empty += 1;
          return;
        }
        const message = digestMessage(content, now);
        let renewedAt = Number.NEGATIVE_INFINITY;
        const renew = async () => {
          if (!(await renewLease(deps.db, managerId, week, claimant, claim.attempt, deps.clock())))
            throw new LeaseLost();
          renewedAt = Date.now();
        };
        // Renewed before waiting for the slot, so the post leaves the moment its slot comes: a query inside
        // the slot would make the gap between sends as uneven as the database is slow, and bunch them at Slack.
        await renew();
        const posted = await pace.call(
          'chat.postMessage',
          async () => {
            // A long wait for the slot (a Retry-After) has eaten into the lease: renew it again first.
            if (Date.now() - renewedAt > RENEW_AGAIN_AFTER_MS) await renew();
            posting = true;
            // Posting to the user id lands in the app's DM with them: no conversations.open per manager.
            return client.chat.postMessage({
              channel: managerId,
              text: message.text,
              blocks: message.blocks,
              metadata: { event_type: DIGEST_EVENT, event_payload: { week, manager: managerId } },
            });
          },
          signal,
        );
        await markSent(deps.db, managerId, week, deps.clock(), posted.ts);
        await markReminded(
          deps.db,
          content.awaiting.filter((a) => a.overdue).map((a) => a.pull.id),
          deps.clock(),
        );
        result.sent += 1;
      } catch (error) {
        if (error instanceof FanOutStopped) {
          // Only rate-limited tries (not carried out) came before: nothing was delivered.
          await releaseClaim(deps.db, held, claim.previous);
          result.stopped += 1;
          return;
        }
        if (error instanceof LeaseLost) {
          result.busy += 1;
          return;
        }
        const code = slackErrorCode(error);
        if (posting && !slackRefused(error)) {
          await markUnknown(deps.db, held, code, deps.clock());
          deps.logger.warn(
            'digest outcome unknown (Slack did not answer); the DM is checked before any resend',
            {
              managerId,
              week,
              error: code,
            },
          );
          result.unknown += 1;
          return;
        }
        await markFailed(deps.db, held, code);
        const last = claim.attempt >= MAX_ATTEMPTS;
        deps.logger.error(
          last
            ? `digest not delivered; giving up for this week after ${MAX_ATTEMPTS} attempts`
            : 'digest not delivered; it will be tried again on a later tick',
          { managerId, week, error: code },
        );
        result.failed += 1;
      }
    },
    signal,
    (managerId, error) => {
      result.failed += 1;
      deps.logger.error("a manager's digest failed before it was sent; the others go on", {
        managerId,
        error,
      });
    },
  );
  result.rateLimited = pace.rateLimited - limitedBefore;
  return result;
}

/**
 * A pull past its needed-by date reminds its manager once, on a weekday at their digest time. At most
 * once: the reminder is claimed before it is posted, and only a 429 (not carried out) is tried again.
 * A reminder whose post timed out may or may not have landed; it is logged and never sent again.
 */
export async function sendOverdueReminders(run: FanOut): Promise<number> {
  const { deps, client, signal } = run;
  const pace = run.pace ?? new SlackPace(deps.config.slackPace);
  const now = deps.clock();
  // The date furthest ahead anywhere on Earth: a cheap first cut before each manager's own date.
  const latest = localDate(now, 'Pacific/Kiritimati');
  let reminded = 0;
  await eachWithConcurrency(
    await managersWithOverdue(deps.db, latest),
    run.concurrency ?? 4,
    async (managerId) => {
      const tz = await timezoneOf(deps, managerId);
      if (!reminderDue(now, tz, deps.config.digest) || (await awayNow(deps, managerId, now))) return;
      const overdue = await overduePulls(deps.db, managerId, localDate(now, tz));
      const handshakes = await handshakesAmong(deps.db, overdue);
      for (const pull of overdue) {
        if (signal?.aborted) return;
        const claimedAt = deps.clock();
        if (!(await claimReminder(deps.db, pull.id, claimedAt))) continue;
        let posting = false;
        try {
          await pace.call(
            'chat.postMessage',
            () => {
              posting = true;
              return client.chat.postMessage({
                channel: managerId,
                ...overdueReminder(pull, now, handshakes.get(pull.id)),
                metadata: { event_type: OVERDUE_EVENT, event_payload: { pull: pull.id } },
              });
            },
            signal,
          );
          reminded += 1;
        } catch (error) {
          if (error instanceof FanOutStopped || !posting) {
            await releaseReminder(deps.db, pull.id, claimedAt);
            continue;
          }
          const unknown = !slackRefused(error);
          deps.logger.warn(
            unknown
              ? 'overdue reminder outcome unknown (Slack did not answer); it is not sent again'
              : 'could not send an overdue reminder',
            { pullId: pull.id, managerId, error: slackErrorCode(error) },
          );
        }
      }
    },
    signal,
    (managerId, error) =>
      deps.logger.error('overdue reminders for a manager failed; the others go on', { managerId, error }),
  );
  return reminded;
}
