// Time away: who is away until when (a calendar date in their own timezone), their deputy, and their return.
import { and, count, desc, eq, gte, isNotNull, lt } from 'drizzle-orm';
import type { Member, Pull } from '../db/schema.js';
import { type Db, tables, transaction } from '../db/store.js';
import { agreementForPull } from './agreements.js';
import { ensureMember, getMember, timeZoneOf } from './members.js';
import { UNRESOLVED } from './pulls.js';
import { fail, ok, type Result } from './result.js';
import { calendarDate, localDate, zonedParts } from './time.js';

export type AwayDateRefusal = 'malformed' | 'past' | 'too-far';
export type AwayRefusal = AwayDateRefusal | 'self' | 'bot';

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Checks the last day someone will be away, against their own calendar: today is fine (away for the rest
 * of it), yesterday is past, and a year from today is as far as a plan reaches.
 */
export function checkAwayUntil(text: string, now: number, timeZone: string): Result<string, AwayDateRefusal> {
  if (!calendarDate(text)) return fail('malformed');
  const today = zonedParts(now, timeZone);
  if (text < localDate(now, timeZone)) return fail('past');
  const yearOn = iso(new Date(Date.UTC(today.year + 1, today.month - 1, today.day)));
  if (text > yearOn) return fail('too-far');
  return ok(text);
}

/** Away at `now`: their own calendar has not passed the last day they named. */
export function isAway(
  member: Pick<Member, 'awayUntil'> | undefined,
  now: number,
  timeZone: string,
): boolean {
  return Boolean(member?.awayUntil && localDate(now, timeZone) <= member.awayUntil);
}

export async function goAway(
  db: Db,
  input: { userId: string; teamId?: string | undefined; until: string; deputyId?: string | undefined },
  now: number,
  fallbackTimeZone: string,
): Promise<Result<Member, AwayRefusal>> {
  const me = await getMember(db, input.userId);
  const checked = checkAwayUntil(input.until, now, timeZoneOf(me, fallbackTimeZone));
  if (!checked.ok) return checked;
  if (input.deputyId === input.userId) return fail('self');
  if (input.deputyId && (await getMember(db, input.deputyId))?.isBot) return fail('bot');
  return transaction(db, async (tx) => {
    const { members } = tables(tx);
    await ensureMember(tx, input.userId, input.teamId, now);
    const current = await getMember(tx, input.userId);
    // Changing the date while away keeps the start: the summary on return covers the whole absence.
    const since = current?.awayUntil && current.awaySince ? current.awaySince : now;
    await tx
      .update(members)
      .set({
        awayUntil: checked.value,
        awayDeputyId: input.deputyId ?? null,
        awaySince: since,
        updatedAt: now,
      })
      .where(eq(members.userId, input.userId));
    return ok((await getMember(tx, input.userId)) as Member);
  });
}

/**
 * Ends someone's time away and says since when they were away; undefined when they were not (or another
 * instance ended it first): whoever gets the time back is the one who sends the summary, so it goes once.
 */
export async function comeBack(
  db: Db,
  userId: string,
  now: number,
): Promise<{ since: number; until: string } | undefined> {
  return transaction(db, async (tx) => {
    const { members } = tables(tx);
    const current = await getMember(tx, userId);
    if (!current?.awayUntil) return undefined;
    const ended = (
      await tx
        .update(members)
        .set({ awayUntil: null, awayDeputyId: null, awaySince: null, updatedAt: now })
        .where(and(eq(members.userId, userId), eq(members.awayUntil, current.awayUntil)))
        .returning({ userId: members.userId })
    ).length;
    return ended === 1 ? { since: current.awaySince ?? now, until: current.awayUntil } : undefined;
  });
}

/** Whose time away is over by `now`: first the cheap cut (a date past everywhere on Earth is not needed), then each calendar. */
export async function backBy(db: Db, now: number, fallbackTimeZone: string): Promise<string[]> {
  const earliestToday = localDate(now, 'Etc/GMT+12');
  const latestToday = localDate(now, 'Pacific/Kiritimati');
  const { members } = tables(db);
  const candidates = await db
    .select({ userId: members.userId, awayUntil: members.awayUntil, timezone: members.timezone })
    .from(members)
    .where(and(isNotNull(members.awayUntil), lt(members.awayUntil, latestToday)));
  // Sorted here, not by the query: either dialect returns the rows in its own order.
  return candidates
    .filter((m) => (m.awayUntil ?? '') < earliestToday || !isAway(m, now, timeZoneOf(m, fallbackTimeZone)))
    .map((m) => m.userId)
    .sort();
}

/** How many pulls the welcome-back summary lists; the rest are counted. */
export const SUMMARY_SHOWN = 10;

export interface WhileAway {
  since: number;
  /** Newest first, at most SUMMARY_SHOWN: sent to them, or sent on to their deputy. */
  shown: Pull[];
  total: number;
}

/** The pulls that arrived while someone was away: to them, or to their deputy on their behalf. */
export async function arrivedWhileAway(
  db: Db,
  userId: string,
  since: number,
  shown = SUMMARY_SHOWN,
): Promise<WhileAway> {
  const { pulls } = tables(db);
  const toThem = and(eq(pulls.managerId, userId), gte(pulls.createdAt, since));
  const onTheirBehalf = and(
    eq(pulls.awayFromId, userId),
    isNotNull(pulls.awayFromId),
    gte(pulls.createdAt, since),
  );
  const read = (where: ReturnType<typeof and>) =>
    db.select().from(pulls).where(where).orderBy(desc(pulls.createdAt), desc(pulls.id)).limit(shown);
  const counted = async (where: ReturnType<typeof and>) =>
    (await db.select({ n: count() }).from(pulls).where(where))[0]?.n ?? 0;
  const rows = [...(await read(toThem)), ...(await read(onTheirBehalf))]
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
    .slice(0, shown);
  return { since, shown: rows, total: (await counted(toThem)) + (await counted(onTheirBehalf)) };
}

export type PassRefusal =
  | 'not-found'
  | 'not-requester'
  | 'closed'
  | 'acknowledged'
  | 'success-defined'
  | 'not-away'
  | 'no-deputy';

/**
 * The requester sends an open pull on to the deputy of the manager who is away. Only the requester may, only
 * while that manager is away with a deputy named; the away manager keeps it in their summary on return. Only a
 * pull nobody has taken up yet moves: once the manager acknowledged it or defined success, it is theirs in
 * hand, and handing it to someone else would start it over behind their back.
 */
export async function passToDeputy(
  db: Db,
  pullId: number,
  actorId: string,
  now: number,
  fallbackTimeZone: string,
): Promise<Result<{ pull: Pull; before: Pull }, PassRefusal>> {
  return transaction(db, async (tx) => {
    const { pulls } = tables(tx);
    const [before] = await tx.select().from(pulls).where(eq(pulls.id, pullId)).limit(1);
    if (!before) return fail('not-found' as const);
    if (before.requesterId !== actorId) return fail('not-requester' as const);
    if (!UNRESOLVED.includes(before.status)) return fail('closed' as const);
    if (await agreementForPull(tx, pullId)) return fail('success-defined' as const);
    if (before.status !== 'open') return fail('acknowledged' as const);
    const manager = await getMember(tx, before.managerId);
    if (!isAway(manager, now, timeZoneOf(manager, fallbackTimeZone))) return fail('not-away' as const);
    const deputyId = manager?.awayDeputyId;
    if (!deputyId || deputyId === actorId) return fail('no-deputy' as const);
    const [pull] = await tx
      .update(pulls)
      .set({
        managerId: deputyId,
        awayFromId: before.managerId,
        managerChannel: null,
        managerTs: null,
        managerDmUnknownAt: null,
      })
      .where(and(eq(pulls.id, pullId), eq(pulls.managerId, before.managerId), eq(pulls.status, 'open')))
      .returning();
    return pull ? ok({ pull, before }) : fail('closed' as const);
  });
}

/** The deputy to offer a requester pulling `managerId` in, when that manager is away. */
export async function awayNotice(
  db: Db,
  managerId: string,
  requesterId: string,
  now: number,
  fallbackTimeZone: string,
): Promise<{ until: string; deputyId: string | undefined } | undefined> {
  const manager = await getMember(db, managerId);
  if (!manager || !isAway(manager, now, timeZoneOf(manager, fallbackTimeZone))) return undefined;
  const deputy = manager.awayDeputyId;
  return {
    until: manager.awayUntil as string,
    deputyId: deputy && deputy !== requesterId ? deputy : undefined,
  };
}
