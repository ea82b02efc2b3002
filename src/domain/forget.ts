// Erasing what Pushpull keeps about a person, on their request.
import { eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { agreements, digestClaims, members, pulls, pushes, pushUpdates, recognitions } from '../db/schema.js';

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
export function forgetPerson(db: Db, userId: string): Forgotten {
  return db.transaction(
    (tx) => {
      const agreementsDeleted = tx
        .delete(agreements)
        .where(or(eq(agreements.requesterId, userId), eq(agreements.managerId, userId)))
        .run().changes;
      const pullsDeleted = tx
        .delete(pulls)
        .where(or(eq(pulls.requesterId, userId), eq(pulls.managerId, userId)))
        .run().changes;
      const managed = tx
        .select({ id: pushes.id })
        .from(pushes)
        .where(eq(pushes.managerId, userId))
        .all()
        .map((p) => p.id);
      let updatesDeleted = 0;
      if (managed.length > 0) {
        updatesDeleted += tx.delete(pushUpdates).where(inArray(pushUpdates.pushId, managed)).run().changes;
        tx.update(pulls).set({ pushId: null }).where(inArray(pulls.pushId, managed)).run();
        tx.update(agreements).set({ pushId: null }).where(inArray(agreements.pushId, managed)).run();
      }
      const pushesDeleted = tx.delete(pushes).where(eq(pushes.managerId, userId)).run().changes;
      tx.update(pushes).set({ ownerId: pushes.managerId }).where(eq(pushes.ownerId, userId)).run();
      updatesDeleted += tx.delete(pushUpdates).where(eq(pushUpdates.authorId, userId)).run().changes;
      const recognitionsDeleted = tx
        .delete(recognitions)
        .where(or(eq(recognitions.advocateId, userId), eq(recognitions.recognizerId, userId)))
        .run().changes;
      tx.delete(digestClaims).where(eq(digestClaims.managerId, userId)).run();
      tx.update(members).set({ managerId: null }).where(eq(members.managerId, userId)).run();
      const member = tx.delete(members).where(eq(members.userId, userId)).run().changes > 0;
      return {
        pulls: pullsDeleted,
        pushes: pushesDeleted,
        pushUpdates: updatesDeleted,
        recognitions: recognitionsDeleted,
        agreements: agreementsDeleted,
        member,
      };
    },
    { behavior: 'immediate' },
  );
}
