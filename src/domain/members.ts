// People Pushpull knows: who their manager is, their timezone and name as Slack last told us.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { prepared } from '../db/prepared.js';
import type { Member } from '../db/schema.js';
import { type Db, serialize, tables, transaction } from '../db/store.js';
import { fail, ok, type Result } from './result.js';

export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

export async function getMember(db: Db, userId: string): Promise<Member | undefined> {
  const found = await prepared(db, 'getMember', (d) => {
    const { members } = tables(d);
    return d
      .select()
      .from(members)
      .where(eq(members.userId, sql.placeholder('userId')))
      .prepare();
  }).execute({ userId });
  return found[0];
}

export async function ensureMember(
  db: Db,
  userId: string,
  teamId: string | undefined,
  now: number,
): Promise<Member> {
  const known = await getMember(db, userId);
  if (known) return known;
  const { members } = tables(db);
  await db
    .insert(members)
    .values({ userId, teamId: teamId ?? null, updatedAt: now })
    .onConflictDoNothing();
  return (await getMember(db, userId)) as Member;
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
export async function setDefaultManager(
  db: Db,
  userId: string,
  managerId: string,
  teamId: string | undefined,
  now: number,
): Promise<Result<ManagerChange, 'self' | 'bot'>> {
  if (userId === managerId) return fail('self');
  if ((await getMember(db, managerId))?.isBot) return fail('bot');
  return transaction(db, async (tx) => {
    // Two instances setting it at once: each reads the `before` the other left, so who was replaced is told once.
    await serialize(tx, `member:${userId}`);
    const { members } = tables(tx);
    const before = await ensureMember(tx, userId, teamId, now);
    const changed = before.managerId !== managerId;
    await tx
      .update(members)
      .set({ managerId, updatedAt: now, ...(changed ? { autonomyGrantedAt: null } : {}) })
      .where(eq(members.userId, userId));
    return ok({
      member: (await getMember(tx, userId)) as Member,
      previousManagerId: changed ? (before.managerId ?? undefined) : undefined,
      autonomyEnded: changed && before.autonomyGrantedAt !== null,
    });
  });
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
export async function saveProfile(db: Db, userId: string, profile: Profile, now: number): Promise<Member> {
  const { members } = tables(db);
  const saved = await db
    .insert(members)
    .values({ userId, ...profile, profileFetchedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: members.userId,
      set: { ...profile, profileFetchedAt: now, updatedAt: now },
    })
    .returning();
  return saved[0] as Member;
}

/** Of `userIds`, those who have opened Pushpull's Home tab: one read, whoever they are. */
export async function homeViewers(db: Db, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const { members } = tables(db);
  const viewers = await db
    .select({ id: members.userId })
    .from(members)
    .where(and(inArray(members.userId, userIds), isNotNull(members.homeOpenedAt)));
  return viewers.map((r) => r.id);
}

export async function recordHomeOpened(
  db: Db,
  userId: string,
  teamId: string | undefined,
  now: number,
): Promise<void> {
  const { members } = tables(db);
  // One statement: known or not, the person ends up with a row that says they opened Home.
  await db
    .insert(members)
    .values({ userId, teamId: teamId ?? null, updatedAt: now, homeOpenedAt: now })
    .onConflictDoUpdate({ target: members.userId, set: { homeOpenedAt: now } });
}
