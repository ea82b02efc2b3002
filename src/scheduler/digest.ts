// The digest fan-out: find who is due, claim, build, send at Slack's pace; and the overdue reminders.
import { randomUUID } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import {
  claimReminder,
  digestFor,
  digestIsEmpty,
  managersToDigest,
  managersWithOverdue,
  markReminded,
  overduePulls,
} from '../domain/digest.js';
import { claimDigest, markEmpty, markFailed, markSent } from '../domain/digest-claims.js';
import { getMember } from '../domain/members.js';
import { currentQuarter } from '../domain/quarters.js';
import { digestDue, reminderDue, weekOf } from '../domain/schedule.js';
import { localDate } from '../domain/time.js';
import { digestMessage, overdueReminder } from '../slack/blocks/digest.js';
import { refreshProfile, slackErrorCode } from '../slack/deliver.js';
import type { Deps } from '../slack/deps.js';
import { eachWithConcurrency, SlackPace } from './pace.js';

export interface FanOut {
  deps: Deps;
  client: webApi.WebClient;
  pace?: SlackPace;
  /** Who is claiming: a process id, so a claim row says which instance sent it. */
  claimant?: string;
  concurrency?: number;
}

export interface DigestRun {
  sent: number;
  skipped: number;
  empty: number;
  failed: number;
  rateLimited: number;
}

export const INSTANCE_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;

function timezoneOf(deps: Deps, userId: string): string {
  return getMember(deps.db, userId)?.timezone ?? deps.config.defaultTimezone;
}

/** Refresh timezones older than a day (users.info), so digests read a cached one and never ask per send. */
async function refreshStaleTimezones(run: FanOut, userIds: string[], pace: SlackPace): Promise<void> {
  const { deps, client } = run;
  await eachWithConcurrency(userIds, run.concurrency ?? 4, (userId) =>
    refreshProfile(client, deps, userId, (send) => pace.call(send)),
  );
}

/** What `managerId`'s digest holds at `now`, read in their own timezone. */
export function digestContentFor(
  deps: Deps,
  managerId: string,
  now: number,
  quarter = currentQuarter(now, deps.config.defaultTimezone, deps.config.fiscalYearStartMonth),
) {
  return digestFor(deps.db, managerId, {
    quarterKey: quarter.key,
    quarterLabel: quarter.label,
    now,
    localDate: localDate(now, timezoneOf(deps, managerId)),
  });
}

/**
 * Sends this week's digest to every manager who is due and has not had it. With `force`, "due" means
 * "has not had this week's yet", whatever the hour (the CLI's `digest send`).
 */
export async function sendDigests(run: FanOut, options: { force?: boolean } = {}): Promise<DigestRun> {
  const { deps, client } = run;
  const pace = run.pace ?? new SlackPace();
  const claimant = run.claimant ?? INSTANCE_ID;
  const now = deps.clock();
  const quarter = currentQuarter(now, deps.config.defaultTimezone, deps.config.fiscalYearStartMonth);
  const managers = managersToDigest(deps.db, quarter.key, now);
  const result: DigestRun = { sent: 0, skipped: 0, empty: 0, failed: 0, rateLimited: 0 };
  if (managers.length === 0) return result;
  const limitedBefore = pace.rateLimited;
  await refreshStaleTimezones(run, managers, pace);

  await eachWithConcurrency(managers, run.concurrency ?? 4, async (managerId) => {
    const tz = timezoneOf(deps, managerId);
    const due = digestDue(now, tz, deps.config.digest);
    const week = options.force ? weekOf(now, tz) : due.week;
    if ((!due.due && !options.force) || !claimDigest(deps.db, managerId, week, claimant, deps.clock())) {
      result.skipped += 1;
      return;
    }
    try {
      const content = digestContentFor(deps, managerId, now, quarter);
      if (digestIsEmpty(content)) {
        markEmpty(deps.db, managerId, week);
        result.empty += 1;
        return;
      }
      const message = digestMessage(content, now);
      // Posting to the user id lands in the app's DM with them: no conversations.open per manager.
      await pace.call(() =>
        client.chat.postMessage({ channel: managerId, text: message.text, blocks: message.blocks }),
      );
      markSent(deps.db, managerId, week, deps.clock());
      markReminded(
        deps.db,
        content.awaiting.filter((a) => a.overdue).map((a) => a.pull.id),
        deps.clock(),
      );
      result.sent += 1;
    } catch (error) {
      const code = slackErrorCode(error);
      markFailed(deps.db, managerId, week, code);
      deps.logger.error('digest not delivered; it will be tried again on a later tick', {
        managerId,
        week,
        error: code,
      });
      result.failed += 1;
    }
  });
  result.rateLimited = pace.rateLimited - limitedBefore;
  return result;
}

/** A pull past its needed-by date reminds its manager once, on a weekday at their digest time. */
export async function sendOverdueReminders(run: FanOut): Promise<number> {
  const { deps, client } = run;
  const pace = run.pace ?? new SlackPace();
  const now = deps.clock();
  // The date furthest ahead anywhere on Earth: a cheap first cut before each manager's own date.
  const latest = localDate(now, 'Pacific/Kiritimati');
  let reminded = 0;
  await eachWithConcurrency(managersWithOverdue(deps.db, latest), run.concurrency ?? 4, async (managerId) => {
    const tz = timezoneOf(deps, managerId);
    if (!reminderDue(now, tz, deps.config.digest)) return;
    for (const pull of overduePulls(deps.db, managerId, localDate(now, tz))) {
      if (!claimReminder(deps.db, pull.id, deps.clock())) continue;
      try {
        await pace.call(() => client.chat.postMessage({ channel: managerId, ...overdueReminder(pull, now) }));
        reminded += 1;
      } catch (error) {
        deps.logger.warn('could not send an overdue reminder', {
          pullId: pull.id,
          managerId,
          error: slackErrorCode(error),
        });
      }
    }
  });
  return reminded;
}
