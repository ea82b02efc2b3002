// Decisions on the record: every answered pull says who holds the decision, what was decided and when.
// Derived from the pulls themselves, so the record can never drift from what the manager answered.
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Agreement, Pull, Resolution } from '../db/schema.js';
import { type Db, tables } from '../db/store.js';
import { handshakesOf } from './agreements.js';

/** Who the decision rests with after an answer. */
export type DecisionHolder = 'requester' | 'manager' | 'shared';

/**
 * Your call hands the decision back; Decision is the manager making the call; Input is context for a call
 * the two now share. Let's talk is shared too: nobody has made the call yet, it is being worked out together
 * live — management as coordination and context-sharing, not authority (seed.md), so neither side owns it alone.
 * An agreed definition of success leaves the requester holding the decision of how to get there: the goal is
 * the manager's, repeated back and confirmed, and the room to run it their way is what the handshake earned.
 */
export const DECISION_HOLDER: Record<Resolution, DecisionHolder> = {
  'your-call': 'requester',
  decision: 'manager',
  input: 'shared',
  talk: 'shared',
  agreed: 'requester',
};

export interface Decision {
  pull: Pull;
  resolution: Resolution;
  holder: DecisionHolder;
  /** The person (or both) who holds it. */
  holderIds: string[];
  note: string | null;
  decidedAt: number;
}

/**
 * The decision record of a pull, or undefined while it is unanswered (or was withdrawn: nothing was decided).
 * What was decided is the manager's note; for an agreed definition of success, it is what was agreed.
 */
export function decisionOf(pull: Pull, agreement?: Pick<Agreement, 'success'>): Decision | undefined {
  if (pull.status !== 'resolved' || !pull.resolution || pull.resolvedAt === null) return undefined;
  const holder = DECISION_HOLDER[pull.resolution];
  const holderIds =
    holder === 'requester'
      ? [pull.requesterId]
      : holder === 'manager'
        ? [pull.managerId]
        : [pull.requesterId, pull.managerId];
  return {
    pull,
    resolution: pull.resolution,
    holder,
    holderIds,
    note: pull.resolution === 'agreed' ? (agreement?.success ?? pull.resolutionNote) : pull.resolutionNote,
    decidedAt: pull.resolvedAt,
  };
}

/** How many decisions `/pull decisions` shows. */
export const DECISIONS_SHOWN = 20;

/**
 * The newest decisions this person was part of, as requester or manager, newest first. Each side is read
 * from its own index, `limit` at most, and the two merged: no scan of everyone's pulls.
 */
export async function decisionsInvolving(
  db: Db,
  userId: string,
  limit = DECISIONS_SHOWN,
): Promise<Decision[]> {
  const { pulls } = tables(db);
  const side = (column: 'requesterId' | 'managerId') =>
    db
      .select()
      .from(pulls)
      .where(and(eq(pulls[column], userId), isNotNull(pulls.resolvedAt)))
      // The same order as the merge below, so ties at the limit keep the same pulls on either dialect.
      .orderBy(desc(pulls.resolvedAt), desc(pulls.id))
      .limit(limit);
  const byId = new Map<number, Pull>();
  for (const pull of [...(await side('requesterId')), ...(await side('managerId'))]) byId.set(pull.id, pull);
  const newest = [...byId.values()]
    .flatMap((pull) => decisionOf(pull) ?? [])
    .sort((a, b) => b.decidedAt - a.decidedAt || b.pull.id - a.pull.id)
    .slice(0, limit);
  const agreed = await handshakesOf(
    db,
    newest.flatMap((d) => (d.resolution === 'agreed' ? [d.pull.id] : [])),
  );
  return newest.map((d) =>
    d.resolution === 'agreed' ? (decisionOf(d.pull, agreed.get(d.pull.id)) ?? d) : d,
  );
}
