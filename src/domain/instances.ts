// The app processes sharing one database: a heartbeat row each, so they can split Slack's rate budget and tell a
// crashed process from a live one.
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import { type Db, tables } from '../db/store.js';

/** A heartbeat row left this long ago is a dead process's: deleted when an instance starts. */
const FORGOTTEN_AFTER_MS = 24 * 60 * 60 * 1000;

/** Writes this instance's heartbeat: alive at `now`, and whether it is sending on its own. */
export async function heartbeat(
  db: Db,
  beat: { id: string; startedAt: number; sending: boolean; now: number },
): Promise<void> {
  const { instances } = tables(db);
  await db
    .insert(instances)
    .values({ id: beat.id, startedAt: beat.startedAt, seenAt: beat.now, sending: beat.sending })
    .onConflictDoUpdate({ target: instances.id, set: { seenAt: beat.now, sending: beat.sending } });
}

/**
 * The instances sending now, oldest first (then by id): those whose last heartbeat is after `aliveSince` and
 * said they were sending. The order is the same for every instance that reads it, so each knows its rank.
 */
export async function sendingInstances(db: Db, aliveSince: number): Promise<string[]> {
  const { instances } = tables(db);
  const found = await db
    .select({ id: instances.id })
    .from(instances)
    .where(and(eq(instances.sending, true), gt(instances.seenAt, aliveSince)))
    .orderBy(asc(instances.startedAt), asc(instances.id));
  return found.map((row) => row.id);
}

/** A clean shutdown: this instance no longer takes a share. */
export async function leave(db: Db, id: string): Promise<void> {
  const { instances } = tables(db);
  await db.delete(instances).where(eq(instances.id, id));
}

/** Deletes the rows of processes gone for a day (their claims' leases ran out long ago). */
export async function forgetLongGone(db: Db, now: number): Promise<void> {
  const { instances } = tables(db);
  await db.delete(instances).where(lt(instances.seenAt, now - FORGOTTEN_AFTER_MS));
}

/**
 * Ends at once the digest leases held by instances whose heartbeat stopped before `aliveSince` (a process
 * killed mid-fan-out), so the live ones retake those managers now instead of when the lease would run out.
 * Retaking a `sending` claim reads the manager's DM before posting, so a digest the dead process did deliver
 * is found, not sent again. A claimant with no heartbeat row (`pushpull digest send`) keeps its lease.
 * Instances in `known` were dealt with already and are skipped. Says which instances were found dead and how
 * many leases were ended.
 */
export async function endLeasesOfTheDead(
  db: Db,
  aliveSince: number,
  now: number,
  known: ReadonlySet<string>,
): Promise<{ dead: string[]; leases: number }> {
  const { digestClaims, instances } = tables(db);
  const stale = await db.select({ id: instances.id }).from(instances).where(lt(instances.seenAt, aliveSince));
  const dead = stale.map((row) => row.id).filter((id) => !known.has(id));
  if (dead.length === 0) return { dead, leases: 0 };
  const ended = await db
    .update(digestClaims)
    .set({ leaseUntil: now - 1 })
    .where(
      and(
        eq(digestClaims.status, 'sending'),
        gt(digestClaims.leaseUntil, now - 1),
        inArray(digestClaims.claimedBy, dead),
      ),
    )
    .returning({ managerId: digestClaims.managerId });
  return { dead, leases: ended.length };
}
