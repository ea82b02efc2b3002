// People Pushpull knows: who their manager is, their timezone and name as Slack last told us.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { type Member, members } from '../db/schema.js';
import { fail, ok, type Result } from './result.js';

export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

export function getMember(db: Db, userId: string): Member | undefined {
  return prepared(db, 'getMember', (d) =>
    d
      .select()
      .from(members)
      .where(eq(members.userId, sql.placeholder('userId')))
      .prepare(),
  ).get({ userId });
}

export function ensureMember(db: Db, userId: string, teamId: string | undefined, now: number): Member {
  const known = getMember(db, userId);
  if (known) return known;
  db.insert(members)
    .values({ userId, teamId: teamId ?? null, updatedAt: now })
    .onConflictDoNothing()
    .run();
  return getMember(db, userId) as Member;
}

export interface ManagerChange {
  member: Member;
  /** Who they named before, when it was someone else. */
  previousManagerId: string | undefined;
  /** Their autonomy ended with the change: it was granted by the manager they left. */
  autonomyEnded: boolean;
}

/**
 * Names someone's default manager. Autonomy is a statement of trust between a person and the manager who
 * granted it, so a new manager starts without it: it is theirs to grant, not inherited.
 */
export function setDefaultManager(
  db: Db,
  userId: string,
  managerId: string,
  teamId: string | undefined,
  now: number,
): Result<ManagerChange, 'self' | 'bot'> {
  if (userId === managerId) return fail('self');
  if (getMember(db, managerId)?.isBot) return fail('bot');
  return db.transaction(
    () => {
      const before = ensureMember(db, userId, teamId, now);
      const changed = before.managerId !== managerId;
      db.update(members)
        .set({ managerId, updatedAt: now, ...(changed ? { autonomyGrantedAt: null } : {}) })
        .where(eq(members.userId, userId))
        .run();
      return ok({
        member: getMember(db, userId) as Member,
        previousManagerId: changed ? (before.managerId ?? undefined) : undefined,
        autonomyEnded: changed && before.autonomyGrantedAt !== null,
      });
    },
    { behavior: 'immediate' },
  );
}

/** The timezone Pushpull reads someone's calendar in: theirs as Slack gave it, else the default. */
export function timeZoneOf(member: Pick<Member, 'timezone'> | undefined, fallback: string): string {
  return member?.timezone ?? fallback;
}

export function profileIsStale(member: Member | undefined, now: number): boolean {
  return !member?.profileFetchedAt || now - member.profileFetchedAt > PROFILE_TTL_MS;
}

export interface Profile {
  displayName: string | null;
  timezone: string | null;
  isBot: boolean;
}

/** Keeps what Slack says of a person, and hands back their row as it now stands. */
export function saveProfile(db: Db, userId: string, profile: Profile, now: number): Member {
  return db
    .insert(members)
    .values({ userId, ...profile, profileFetchedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: members.userId,
      set: { ...profile, profileFetchedAt: now, updatedAt: now },
    })
    .returning()
    .get();
}

/** Of `userIds`, those who have opened Pushpull's Home tab: one read, whoever they are. */
export function homeViewers(db: Db, userIds: string[]): string[] {
  if (userIds.length === 0) return [];
  return db
    .select({ id: members.userId })
    .from(members)
    .where(and(inArray(members.userId, userIds), isNotNull(members.homeOpenedAt)))
    .all()
    .map((r) => r.id);
}

export function recordHomeOpened(db: Db, userId: string, teamId: string | undefined, now: number): void {
  ensureMember(db, userId, teamId, now);
  db.update(members).set({ homeOpenedAt: now }).where(eq(members.userId, userId)).run();
}
