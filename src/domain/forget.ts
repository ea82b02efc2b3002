// Erasing what Pushpull keeps about a person, on their request.
import { eq, inArray, or } from 'drizzle-orm';
import { type Db, tables, transaction } from '../db/store.js';

export interface Forgotten {
  pulls: number;
  pushes: number;
  pushUpdates: number;
  recognitions: number;
  agreements: number;
  member: boolean;
}

/**
 * Deletes the person's profile, every agreement they are part of (it holds both people's words), every pull
 * they sent or were sent (both hold their words), the pushes
 * they manage with their updates, the updates they wrote, and the recognitions they gave or received.
 * Pushes they owned for someone else stay with that manager, who becomes the owner. One transaction:
 * all of it or none.
 */
export async function forgetPerson(db: Db, userId: string): Promise<Forgotten> {
  return transaction(db, async (tx) => {
    const { agreements, digestClaims, members, pulls, pushes, pushUpdates, recognitions } = tables(tx);
    const agreementsDeleted = (
      await tx
        .delete(agreements)
        .where(or(eq(agreements.requesterId, userId), eq(agreements.managerId, userId)))
        .returning({ id: agreements.id })
    ).length;
    const pullsDeleted = (
      await tx
        .delete(pulls)
        .where(or(eq(pulls.requesterId, userId), eq(pulls.managerId, userId)))
        .returning({ id: pulls.id })
    ).length;
    const managed = (await tx.select({ id: pushes.id }).from(pushes).where(eq(pushes.managerId, userId))).map(
      (p) => p.id,
    );
    let updatesDeleted = 0;
    if (managed.length > 0) {
      updatesDeleted += (
        await tx
          .delete(pushUpdates)
          .where(inArray(pushUpdates.pushId, managed))
          .returning({ id: pushUpdates.id })
      ).length;
      await tx.update(pulls).set({ pushId: null }).where(inArray(pulls.pushId, managed));
      await tx.update(agreements).set({ pushId: null }).where(inArray(agreements.pushId, managed));
    }
    const pushesDeleted = (
      await tx.delete(pushes).where(eq(pushes.managerId, userId)).returning({ id: pushes.id })
    ).length;
    await tx.update(pushes).set({ ownerId: pushes.managerId }).where(eq(pushes.ownerId, userId));
    updatesDeleted += (
      await tx.delete(pushUpdates).where(eq(pushUpdates.authorId, userId)).returning({ id: pushUpdates.id })
    ).length;
    const recognitionsDeleted = (
      await tx
        .delete(recognitions)
        .where(or(eq(recognitions.advocateId, userId), eq(recognitions.recognizerId, userId)))
        .returning({ id: recognitions.id })
    ).length;
    await tx.delete(digestClaims).where(eq(digestClaims.managerId, userId));
    await tx.update(members).set({ managerId: null }).where(eq(members.managerId, userId));
    // Named as someone's deputy, or the away manager a pull was sent on from: neither is kept.
    await tx.update(members).set({ awayDeputyId: null }).where(eq(members.awayDeputyId, userId));
    await tx.update(pulls).set({ awayFromId: null }).where(eq(pulls.awayFromId, userId));
    const member =
      (await tx.delete(members).where(eq(members.userId, userId)).returning({ userId: members.userId }))
        .length > 0;
    return {
      pulls: pullsDeleted,
      pushes: pushesDeleted,
      pushUpdates: updatesDeleted,
      recognitions: recognitionsDeleted,
      agreements: agreementsDeleted,
      member,
    };
  });
}
