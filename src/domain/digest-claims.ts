// The lease that makes the digest go out once per manager per ISO week, whoever ticks and whoever dies.
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type DigestClaim, digestClaims } from '../db/schema.js';

/** Claims of one week are taken at most this many times in all (sends, checks and retakes together). */
export const MAX_ATTEMPTS = 3;

/**
 * How long a claimant may hold a manager's digest. The lease is renewed just before each post and a
 * post gives up after the fan-out client's timeout (15 s), so a live sender never outlasts it; a
 * claim still `sending` past it belongs to a run that died, and is taken again.
 */
export const LEASE_MS = 2 * 60_000;

/** A post whose answer never came is looked for in the DM no sooner than this, so a late one has landed. */
export const UNKNOWN_SETTLE_MS = 60_000;

export type ClaimResult =
  | {
      taken: true;
      /** The attempt number: the fencing token every later write of this claimant carries. */
      attempt: number;
      /**
       * An earlier attempt may have delivered (its run died mid-send, or Slack never answered): the
       * manager's DM must be read before anything is sent again.
       */
      verify: boolean;
      /** What the row said before: restored if this run stops before it posts. */
      previous: DigestClaim | undefined;
    }
  | { taken: false; claim: DigestClaim | undefined };

export function claimFor(db: Db, managerId: string, week: string): DigestClaim | undefined {
  return db
    .select()
    .from(digestClaims)
    .where(and(eq(digestClaims.managerId, managerId), eq(digestClaims.week, week)))
    .get();
}

/**
 * Takes the lease on `managerId`'s digest for `week`. Of any number of processes trying at once,
 * exactly one wins, by the unique (manager, week) row. An existing row is taken again only when its
 * send was refused (`failed`), its outcome is unknown and has settled (`unknown`), or its lease
 * expired (`sending`, the run died); never more than MAX_ATTEMPTS times in all.
 */
export function claimDigest(
  db: Db,
  managerId: string,
  week: string,
  claimant: string,
  now: number,
): ClaimResult {
  const leaseUntil = now + LEASE_MS;
  const inserted = db
    .insert(digestClaims)
    .values({
      managerId,
      week,
      status: 'sending',
      attempts: 1,
      claimedBy: claimant,
      claimedAt: now,
      leaseUntil,
    })
    .onConflictDoNothing()
    .run();
  if (inserted.changes === 1) return { taken: true, attempt: 1, verify: false, previous: undefined };
  const previous = claimFor(db, managerId, week);
  if (!previous) return { taken: false, claim: undefined };
  const retaken = db
    .update(digestClaims)
    .set({ status: 'sending', attempts: sql`${digestClaims.attempts} + 1`, claimedBy: claimant, leaseUntil })
    .where(
      and(
        eq(digestClaims.managerId, managerId),
        eq(digestClaims.week, week),
        // The row as read: if another run retook it in between, the attempt count moved on.
        eq(digestClaims.attempts, previous.attempts),
        lt(digestClaims.attempts, MAX_ATTEMPTS),
        or(
          eq(digestClaims.status, 'failed'),
          and(
            or(eq(digestClaims.status, 'unknown'), eq(digestClaims.status, 'sending')),
            or(isNull(digestClaims.leaseUntil), lt(digestClaims.leaseUntil, now)),
          ),
        ),
      ),
    )
    .run();
  if (retaken.changes !== 1) return { taken: false, claim: claimFor(db, managerId, week) };
  return {
    taken: true,
    attempt: previous.attempts + 1,
    verify: previous.status !== 'failed',
    previous,
  };
}

const held = (managerId: string, week: string, claimant: string, attempt: number) =>
  and(
    eq(digestClaims.managerId, managerId),
    eq(digestClaims.week, week),
    eq(digestClaims.claimedBy, claimant),
    eq(digestClaims.attempts, attempt),
    eq(digestClaims.status, 'sending'),
  );

/**
 * Extends the lease just before a post. False when the claim is no longer this claimant's (its lease
 * ran out and another run took it): then this run must not post.
 */
export function renewLease(
  db: Db,
  managerId: string,
  week: string,
  claimant: string,
  attempt: number,
  now: number,
): boolean {
  return (
    db
      .update(digestClaims)
      .set({ leaseUntil: now + LEASE_MS })
      .where(held(managerId, week, claimant, attempt))
      .run().changes === 1
  );
}

/** Sent: whatever else happened, the manager has this week's digest. */
export function markSent(db: Db, managerId: string, week: string, now: number, messageTs?: string): void {
  db.update(digestClaims)
    .set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null, messageTs: messageTs ?? null })
    .where(and(eq(digestClaims.managerId, managerId), eq(digestClaims.week, week)))
    .run();
}

type Held = { managerId: string; week: string; claimant: string; attempt: number };

function settleHeld(db: Db, h: Held, set: Partial<typeof digestClaims.$inferInsert>): void {
  db.update(digestClaims)
    .set(set)
    .where(held(h.managerId, h.week, h.claimant, h.attempt))
    .run();
}

export const markEmpty = (db: Db, h: Held) => settleHeld(db, h, { status: 'empty', leaseUntil: null });

/** Slack refused the post (it said so): nothing was delivered, so a later tick may simply try again. */
export const markFailed = (db: Db, h: Held, error: string) =>
  settleHeld(db, h, { status: 'failed', leaseUntil: null, lastError: error.slice(0, 500) });

/** Slack never answered (timeout, 5xx): the post may have landed. The DM is read before any resend. */
export const markUnknown = (db: Db, h: Held, error: string, now: number) =>
  settleHeld(db, h, {
    status: 'unknown',
    leaseUntil: now + UNKNOWN_SETTLE_MS,
    lastError: error.slice(0, 500),
  });

/**
 * This run stopped (shutdown) before posting: the row goes back to what it said before the claim, so
 * the next tick or instance takes it as if this run had never tried.
 */
export function releaseClaim(db: Db, h: Held, previous: DigestClaim | undefined): void {
  if (!previous) {
    db.delete(digestClaims)
      .where(held(h.managerId, h.week, h.claimant, h.attempt))
      .run();
    return;
  }
  const { managerId: _m, week: _w, ...restore } = previous;
  settleHeld(db, h, restore);
}
