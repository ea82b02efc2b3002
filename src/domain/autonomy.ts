// Autonomy, granted explicitly by a person's manager: from then on no count of their activity is shown.
import { and, eq } from 'drizzle-orm';
import type { Member } from '../db/schema.js';
import { type Db, tables, transaction } from '../db/store.js';
import { getMember } from './members.js';
import { fail, ok, type Result } from './result.js';

export type AutonomyRefusal = 'self' | 'not-your-report';

/**
 * Only the manager a person named with `/pull manager` may grant or take back their autonomy: it is a
 * statement of trust between the two of them, not something anyone can set on someone else. The write checks
 * the manager again, so a change of manager landing in between (which ends autonomy) is never overwritten.
 */
export async function setAutonomy(
  db: Db,
  managerId: string,
  personId: string,
  granted: boolean,
  now: number,
): Promise<Result<{ member: Member; changed: boolean }, AutonomyRefusal>> {
  if (managerId === personId) return fail('self');
  return transaction(db, async (tx) => {
    const person = await getMember(tx, personId);
    if (!person || person.managerId !== managerId) return fail('not-your-report' as const);
    const changed = Boolean(person.autonomyGrantedAt) !== granted;
    if (changed) {
      const { members } = tables(tx);
      // The manager is checked again in the write: PostgreSQL does not lock the row read above.
      const written = await tx
        .update(members)
        .set({ autonomyGrantedAt: granted ? now : null, updatedAt: now })
        .where(and(eq(members.userId, personId), eq(members.managerId, managerId)))
        .returning({ userId: members.userId });
      if (written.length === 0) return fail('not-your-report' as const);
    }
    return ok({ member: (await getMember(tx, personId)) as Member, changed });
  });
}

export const hasAutonomy = (member: Pick<Member, 'autonomyGrantedAt'> | undefined): boolean =>
  Boolean(member?.autonomyGrantedAt);
