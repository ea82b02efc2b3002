// What a manager's weekly digest holds, and who gets one.
import { and, eq, gte, inArray, isNull, lt, min, notInArray, sql } from 'drizzle-orm';
import {
  type Agreement,
  OPEN,
  type Pull,
  type Push,
  type PushUpdate,
  type Recognition,
} from '../db/schema.js';
import { type Db, rows, tables } from '../db/store.js';
import { handshakesAmong } from './agreements.js';
import { answeredSince, autonomousAmong, type Mirror, median, mirrorOf } from './mirror.js';
import { pullsAwaiting, pullsResolvedSince, UNRESOLVED } from './pulls.js';
import { CLOSED, lastUpdates, listPushes, needsNudge, pushTitles } from './pushes.js';
import { recognitionsInvolving, teamOf } from './recognitions.js';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
export const MANAGER_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;

/** Everyone with an active push this quarter or a pull addressed to them in the last 90 days. */
export async function managersToDigest(db: Db, quarterKey: string, now: number): Promise<string[]> {
  const { pulls, pushes } = tables(db);
  const pushing = await db
    .selectDistinct({ id: pushes.managerId })
    .from(pushes)
    .where(and(eq(pushes.quarter, quarterKey), notInArray(pushes.status, CLOSED)));
  // Every manager who was ever pulled in, one index step each, kept when they have a pull in the window:
  // two index reads per manager, however long the history, where a DISTINCT reads months of pulls. The same
  // recursive skip-scan runs on PostgreSQL, which also answers each min() from the index.
  const pulled = await rows<{ id: string }>(
    db,
    sql`
    with recursive pulled(id) as (
      select min(${pulls.managerId}) from ${pulls}
      union all
      select (select min(${pulls.managerId}) from ${pulls} where ${pulls.managerId} > pulled.id)
      from pulled where pulled.id is not null
    )
    select id from pulled
    where id is not null and exists (
      select 1 from ${pulls} where ${pulls.managerId} = pulled.id and ${pulls.createdAt} >= ${now - MANAGER_WINDOW_MS}
    )`,
  );
  return [...new Set([...pushing, ...pulled].map((r) => r.id))].sort();
}

/**
 * Every timezone someone's local clock is read in: each member's, and the default for people never
 * seen. One index step per distinct zone (a few dozen), however many members: the idle tick asks this
 * first and stops when no zone is at its digest time.
 */
export async function timezonesInUse(db: Db, defaultTimezone: string): Promise<string[]> {
  const { members } = tables(db);
  const zones = await rows<{ tz: string | null }>(
    db,
    sql`
    with recursive zones(tz) as (
      select min(${members.timezone}) from ${members}
      union all
      select (select min(${members.timezone}) from ${members} where ${members.timezone} > zones.tz)
      from zones where zones.tz is not null
    )
    select tz from zones where tz is not null`,
  );
  // Sorted here: PostgreSQL's min() follows the database's collation, SQLite's the bytes.
  return [...new Set([defaultTimezone, ...zones.map((r) => r.tz as string).sort()])];
}

/**
 * Managers (in the sense of `managersToDigest`) whose cached profile is older than `staleBefore`, the
 * stalest first, at most `limit`. Walks the members' profile times from the oldest and stops at the
 * limit: when every profile is fresh it reads nothing, however large the company.
 */
export async function staleManagerProfiles(
  db: Db,
  quarterKeys: string[],
  staleBefore: number,
  now: number,
  limit: number,
): Promise<string[]> {
  const { members, pulls, pushes } = tables(db);
  // inArray/notInArray rather than a hand-joined list: with no quarter at all they say `false`, where an empty
  // `in ()` is an error on PostgreSQL.
  const stale = await rows<{ id: string }>(
    db,
    sql`
    select ${members.userId} as id from ${members}
    where ${members.profileFetchedAt} < ${staleBefore}
      and (
        exists (
          select 1 from ${pulls}
          where ${pulls.managerId} = ${members.userId} and ${pulls.createdAt} >= ${now - MANAGER_WINDOW_MS}
        )
        or exists (
          select 1 from ${pushes}
          where ${pushes.managerId} = ${members.userId}
            and ${inArray(pushes.quarter, quarterKeys)}
            and ${notInArray(pushes.status, CLOSED)}
        )
      )
    order by ${members.profileFetchedAt}
    limit ${limit}`,
  );
  return stale.map((r) => r.id);
}

/** Managers whose digest for `week` is settled (sent, or had nothing to say): nothing to do for them. */
export async function settledForWeek(db: Db, week: string): Promise<Set<string>> {
  const { digestClaims } = tables(db);
  const settled = await db
    .select({ id: digestClaims.managerId })
    .from(digestClaims)
    .where(and(eq(digestClaims.week, week), inArray(digestClaims.status, ['sent', 'empty', 'abandoned'])));
  return new Set(settled.map((r) => r.id));
}

/**
 * Since when `managerId` has been a manager in the sense of `managersToDigest`: their first active
 * push this quarter or first pull of the last 90 days. Undefined when they are not one.
 */
export async function managerSince(
  db: Db,
  managerId: string,
  quarterKey: string,
  now: number,
): Promise<number | undefined> {
  const { pulls, pushes } = tables(db);
  const [push] = await db
    .select({ at: min(pushes.createdAt) })
    .from(pushes)
    .where(
      and(eq(pushes.managerId, managerId), eq(pushes.quarter, quarterKey), notInArray(pushes.status, CLOSED)),
    );
  const [pull] = await db
    .select({ at: min(pulls.createdAt) })
    .from(pulls)
    .where(and(eq(pulls.managerId, managerId), gte(pulls.createdAt, now - MANAGER_WINDOW_MS)));
  const times = [push?.at, pull?.at].filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.min(...times) : undefined;
}

export interface DigestContent {
  managerId: string;
  quarterLabel: string;
  pushes: { push: Push; last: PushUpdate | undefined; nudge: boolean }[];
  awaiting: { pull: Pull; overdue: boolean }[];
  resolved: Pull[];
  /** Median time from asking to answer over `resolved`, in ms; undefined when none. */
  medianAnswerMs: number | undefined;
  recognitions: Recognition[];
  /** How many of `recognitions` count: those of people with autonomy are shown, never counted. */
  recognitionsCounted?: number;
  /** The manager's own signals this quarter. */
  mirror?: Mirror;
  pushTitles: Map<number, string>;
  /** The handshakes of define-success pulls awaiting, by pull id: Define success only where not yet defined. */
  handshakes: Map<number, Agreement>;
}

export { median } from './mirror.js';

export async function digestFor(
  db: Db,
  managerId: string,
  options: {
    quarterKey: string;
    quarterLabel: string;
    now: number;
    localDate: string;
    /** This quarter's start in the manager's timezone, for their mirror. */
    quarterStartsAt?: number;
  },
): Promise<DigestContent> {
  const { now } = options;
  const mine = (await listPushes(db, managerId, options.quarterKey)).filter(
    (p) => !CLOSED.includes(p.status),
  );
  const latest = await lastUpdates(
    db,
    mine.map((p) => p.id),
  );
  const awaiting = (await pullsAwaiting(db, managerId)).map((pull) => ({
    pull,
    overdue: pull.neededBy !== null && pull.neededBy < options.localDate,
  }));
  const resolved = (await pullsResolvedSince(db, managerId, now - WEEK_MS)).filter(
    (p) => p.status === 'resolved',
  );
  const team = await teamOf(db, managerId, now - MANAGER_WINDOW_MS);
  const recognitions = await recognitionsInvolving(db, team, now - WEEK_MS);
  const autonomous = await autonomousAmong(db, team);
  const mirror =
    options.quarterStartsAt === undefined
      ? undefined
      : mirrorOf(await answeredSince(db, managerId, options.quarterStartsAt), awaiting[0]?.pull);
  const titles = await pushTitles(
    db,
    awaiting.flatMap(({ pull }) => (pull.pushId ? [pull.pushId] : [])),
  );
  const handshakes = await handshakesAmong(
    db,
    awaiting.map(({ pull }) => pull),
  );
  return {
    managerId,
    quarterLabel: options.quarterLabel,
    pushes: mine.map((push) => {
      const last = latest.get(push.id);
      return { push, last, nudge: needsNudge(push, last, now) };
    }),
    awaiting,
    resolved,
    medianAnswerMs: median(resolved.map((p) => (p.resolvedAt ?? p.createdAt) - p.createdAt)),
    recognitions,
    recognitionsCounted: recognitions.filter(
      (r) => !autonomous.has(r.advocateId) && !autonomous.has(r.recognizerId),
    ).length,
    ...(mirror === undefined ? {} : { mirror }),
    pushTitles: titles,
    handshakes,
  };
}

/** A manager with nothing in any section gets no digest: no empty DMs. */
export function digestIsEmpty(content: DigestContent): boolean {
  return (
    content.pushes.length === 0 &&
    content.awaiting.length === 0 &&
    content.resolved.length === 0 &&
    content.recognitions.length === 0
  );
}

/** Overdue pulls this digest flagged count as reminded: the manager is not told twice. */
export async function markReminded(db: Db, pullIds: number[], now: number): Promise<void> {
  if (pullIds.length === 0) return;
  const { pulls } = tables(db);
  await db
    .update(pulls)
    .set({ overdueRemindedAt: now })
    .where(and(inArray(pulls.id, pullIds), isNull(pulls.overdueRemindedAt)));
}

/** Open pulls past their needed-by date (a calendar date in the manager's timezone) not yet reminded. */
export async function overduePulls(db: Db, managerId: string, localDate: string): Promise<Pull[]> {
  const { pulls } = tables(db);
  const overdue = await db
    .select()
    .from(pulls)
    .where(
      and(
        eq(pulls.managerId, managerId),
        OPEN,
        lt(pulls.neededBy, localDate),
        isNull(pulls.overdueRemindedAt),
      ),
    );
  // By needed-by date, as the `pulls_overdue` index gives them; sorted here for PostgreSQL, because an ORDER BY
  // would lead SQLite off that small index.
  return overdue.sort((a, b) => (a.neededBy ?? '').localeCompare(b.neededBy ?? '') || a.id - b.id);
}

/** Managers with at least one overdue, unreminded pull, by any local date: cheap to find before timezones. */
export async function managersWithOverdue(db: Db, latestLocalDate: string): Promise<string[]> {
  const { pulls } = tables(db);
  const overdue = await db
    .select({ id: pulls.managerId })
    .from(pulls)
    // The condition of the partial index `pulls_overdue`, so only those rows are read. Not DISTINCT: SQLite
    // would rather walk every open pull in manager order than sort these few.
    .where(and(OPEN, lt(pulls.neededBy, latestLocalDate), isNull(pulls.overdueRemindedAt)));
  return [...new Set(overdue.map((r) => r.id))].sort();
}

/** Takes the right to remind about one pull: true for exactly one caller, across processes. */
export async function claimReminder(db: Db, pullId: number, now: number): Promise<boolean> {
  const { pulls } = tables(db);
  const claimed = await db
    .update(pulls)
    .set({ overdueRemindedAt: now })
    .where(and(eq(pulls.id, pullId), isNull(pulls.overdueRemindedAt), inArray(pulls.status, UNRESOLVED)))
    .returning({ id: pulls.id });
  return claimed.length === 1;
}

/** Gives back a reminder claim that was never sent (the fan-out stopped first), so a later tick sends it. */
export async function releaseReminder(db: Db, pullId: number, claimedAt: number): Promise<void> {
  const { pulls } = tables(db);
  await db
    .update(pulls)
    .set({ overdueRemindedAt: null })
    .where(and(eq(pulls.id, pullId), eq(pulls.overdueRemindedAt, claimedAt)));
}
