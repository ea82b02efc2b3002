// The lease that makes the digest go out once per manager per ISO week, whoever ticks and whoever dies.
import { and, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { DigestClaim } from '../db/schema.js';
import { type Db, type Tables, tables, transaction } from '../db/store.js';

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

export async function claimFor(db: Db, managerId: string, week: string): Promise<DigestClaim | undefined> {
  const { digestClaims } = tables(db);
  const found = await db
    .select()
    .from(digestClaims)
    .where(and(eq(digestClaims.managerId, managerId), eq(digestClaims.week, week)))
    .limit(1);
  return found[0];
}

/**
 * Takes the lease on `managerId`'s digest for `week`. Of any number of processes trying at once, on either
 * dialect, exactly one wins: a first claim is the INSERT of the unique (manager, week) row, and a retake is one
 * UPDATE whose WHERE repeats the row as it was read (its attempt count, status, claimant and lease), so of two
 * runs that read the same row only the first to write matches, and `previous` is exactly what it replaced. An
 * existing row is taken again only when its send was refused (`failed`), its outcome is unknown and has settled
 * (`unknown`), or its lease expired (`sending`, the run died); never more than MAX_ATTEMPTS times in all.
 */
export async function claimDigest(
  db: Db,
  managerId: string,
  week: string,
  claimant: string,
  now: number,
): Promise<ClaimResult> {
  const leaseUntil = now + LEASE_MS;
  return transaction(db, async (tx): Promise<ClaimResult> => {
    const { digestClaims } = tables(tx);
    const inserted = await tx
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
      .returning({ attempts: digestClaims.attempts });
    if (inserted.length === 1) return { taken: true, attempt: 1, verify: false, previous: undefined };
    const previous = await claimFor(tx, managerId, week);
    if (!previous) return { taken: false, claim: undefined };
    const retaken = await tx
      .update(digestClaims)
      .set({
        status: 'sending',
        attempts: sql`${digestClaims.attempts} + 1`,
        claimedBy: claimant,
        leaseUntil,
      })
      .where(
        and(
          eq(digestClaims.managerId, managerId),
          eq(digestClaims.week, week),
          // The row as read: if another run retook or settled it in between, one of these moved on.
          eq(digestClaims.attempts, previous.attempts),
          eq(digestClaims.status, previous.status),
          eq(digestClaims.claimedBy, previous.claimedBy),
          previous.leaseUntil === null
            ? isNull(digestClaims.leaseUntil)
            : eq(digestClaims.leaseUntil, previous.leaseUntil),
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
      .returning({ attempts: digestClaims.attempts });
    if (retaken.length !== 1) return { taken: false, claim: await claimFor(tx, managerId, week) };
    return {
      taken: true,
      attempt: previous.attempts + 1,
      verify: previous.status !== 'failed',
      previous,
    };
  });
}

const held = (
  digestClaims: Tables['digestClaims'],
  managerId: string,
  week: string,
  claimant: string,
  attempt: number,
): SQL | undefined =>
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
export async function renewLease(
  db: Db,
  managerId: string,
  week: string,
  claimant: string,
  attempt: number,
  now: number,
): Promise<boolean> {
  const { digestClaims } = tables(db);
  const renewed = await db
    .update(digestClaims)
    .set({ leaseUntil: now + LEASE_MS })
    .where(held(digestClaims, managerId, week, claimant, attempt))
    .returning({ attempts: digestClaims.attempts });
  return renewed.length === 1;
}

/** Sent: whatever else happened, the manager has this week's digest. */
export async function markSent(
  db: Db,
  managerId: string,
  week: string,
  now: number,
  messageTs?: string,
): Promise<void> {
  const { digestClaims } = tables(db);
  await db
    .update(digestClaims)
    .set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null, messageTs: messageTs ?? null })
    .where(and(eq(digestClaims.managerId, managerId), eq(digestClaims.week, week)));
}

type Held = { managerId: string; week: string; claimant: string; attempt: number };

async function settleHeld(
  db: Db,
  h: Held,
  set: Partial<Tables['digestClaims']['$inferInsert']>,
): Promise<void> {
  const { digestClaims } = tables(db);
  await db
    .update(digestClaims)
    .set(set)
    .where(held(digestClaims, h.managerId, h.week, h.claimant, h.attempt));
}

export const markEmpty = (db: Db, h: Held): Promise<void> =>
  settleHeld(db, h, { status: 'empty', leaseUntil: null });

/** Slack refused the post (it said so): nothing was delivered, so a later tick may simply try again. */
export const markFailed = (db: Db, h: Held, error: string): Promise<void> =>
  settleHeld(db, h, { status: 'failed', leaseUntil: null, lastError: error.slice(0, 500) });

/** Slack never answered (timeout, 5xx): the post may have landed. The DM is read before any resend. */
export const markUnknown = (db: Db, h: Held, error: string, now: number): Promise<void> =>
  settleHeld(db, h, {
    status: 'unknown',
    leaseUntil: now + UNKNOWN_SETTLE_MS,
    lastError: error.slice(0, 500),
  });

/**
 * This run stopped (shutdown) before posting: the row goes back to what it said before the claim, so
 * the next tick or instance takes it as if this run had never tried.
 */
export async function releaseClaim(db: Db, h: Held, previous: DigestClaim | undefined): Promise<void> {
  if (!previous) {
    const { digestClaims } = tables(db);
    await db.delete(digestClaims).where(held(digestClaims, h.managerId, h.week, h.claimant, h.attempt));
    return;
  }
  const { managerId: _m, week: _w, ...restore } = previous;
  await settleHeld(db, h, restore);
}
