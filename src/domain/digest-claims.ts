// The claim protocol that makes the digest go out once per manager per ISO week, whoever ticks.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { digestClaims } from '../db/schema.js';

/** A send Slack refused is tried again on later ticks, up to this many attempts in all. */
export const MAX_ATTEMPTS = 3;

/**
 * Takes the right to send `managerId` their digest for `week`. The unique (manager, week) row is
 * taken before sending, so of any number of processes ticking at once exactly one gets `true`.
 * A claim whose send failed may be taken again until it has had MAX_ATTEMPTS.
 */
export function claimDigest(db: Db, managerId: string, week: string, claimant: string, now: number): boolean {
  const inserted = db
    .insert(digestClaims)
    .values({ managerId, week, status: 'sending', attempts: 1, claimedBy: claimant, claimedAt: now })
    .onConflictDoNothing()
    .run();
  if (inserted.changes === 1) return true;
  const retaken = db
    .update(digestClaims)
    .set({
      status: 'sending',
      attempts: sql`${digestClaims.attempts} + 1`,
      claimedBy: claimant,
      claimedAt: now,
    })
    .where(
      and(
        eq(digestClaims.managerId, managerId),
        eq(digestClaims.week, week),
        eq(digestClaims.status, 'failed'),
        lt(digestClaims.attempts, MAX_ATTEMPTS),
      ),
    )
    .run();
  return retaken.changes === 1;
}

function settle(
  db: Db,
  managerId: string,
  week: string,
  set: Partial<typeof digestClaims.$inferInsert>,
): void {
  db.update(digestClaims)
    .set(set)
    .where(and(eq(digestClaims.managerId, managerId), eq(digestClaims.week, week)))
    .run();
}

export const markSent = (db: Db, managerId: string, week: string, now: number) =>
  settle(db, managerId, week, { status: 'sent', sentAt: now, lastError: null });

export const markEmpty = (db: Db, managerId: string, week: string) =>
  settle(db, managerId, week, { status: 'empty' });

export const markFailed = (db: Db, managerId: string, week: string, error: string) =>
  settle(db, managerId, week, { status: 'failed', lastError: error.slice(0, 500) });

export function claimFor(db: Db, managerId: string, week: string) {
  return db
    .select()
    .from(digestClaims)
    .where(and(eq(digestClaims.managerId, managerId), eq(digestClaims.week, week)))
    .get();
}
