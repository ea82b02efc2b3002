// Autonomy, granted explicitly by a person's manager: from then on no count of their activity is shown.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type Member, members } from '../db/schema.js';
import { getMember } from './members.js';
import { fail, ok, type Result } from './result.js';

export type AutonomyRefusal = 'self' | 'not-your-report';

/**
 * Only the manager a person named with `/pull manager` may grant or take back their autonomy: it is a
 * statement of trust between the two of them, not something anyone can set on someone else.
 */
export function setAutonomy(
  db: Db,
  managerId: string,
  personId: string,
  granted: boolean,
  now: number,
): Result<{ member: Member; changed: boolean }, AutonomyRefusal> {
  if (managerId === personId) return fail('self');
  const person = getMember(db, personId);
  if (!person || person.managerId !== managerId) return fail('not-your-report');
  const changed = Boolean(person.autonomyGrantedAt) !== granted;
  if (changed) {
    db.update(members)
      .set({ autonomyGrantedAt: granted ? now : null, updatedAt: now })
      .where(eq(members.userId, personId))
      .run();
  }
  return ok({ member: getMember(db, personId) as Member, changed });
}

export const hasAutonomy = (member: Pick<Member, 'autonomyGrantedAt'> | undefined): boolean =>
  Boolean(member?.autonomyGrantedAt);
