// Editing an open pull: only its requester, only while it waits for an answer, and the manager told what changed.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type Pull, pulls } from '../db/schema.js';
import { getPull, newPullSchema, UNRESOLVED } from './pulls.js';
import { getPush } from './pushes.js';
import { fail, ok, type Result } from './result.js';

/** What an edit may change. The manager stays: their DM is the one updated in place. */
export const editSchema = newPullSchema.pick({
  need: true,
  context: true,
  kind: true,
  neededBy: true,
  pushId: true,
});
export type PullChanges = Parameters<typeof editSchema.parse>[0];

export type EditRefusal =
  | 'not-found'
  | 'not-requester'
  | 'answered'
  | 'withdrawn'
  | 'need-empty'
  | 'need-too-long'
  | 'context-too-long'
  | 'push-elsewhere'
  | 'invalid';

/** The fields of a pull a person edits, in the order the form shows them. */
export const EDITABLE = ['need', 'kind', 'context', 'neededBy', 'pushId'] as const;
export type EditableField = (typeof EDITABLE)[number];

export interface Edited {
  /** The pull's id, so an edit can be carried out once per submission (`createOnce`). */
  id: number;
  pull: Pull;
  changed: EditableField[];
}

/** Why this person may not edit this pull now, or undefined when they may. */
export function editRefusal(pull: Pull | undefined, actorId: string): EditRefusal | undefined {
  if (!pull) return 'not-found';
  if (pull.requesterId !== actorId) return 'not-requester';
  if (pull.status === 'withdrawn') return 'withdrawn';
  if (!UNRESOLVED.includes(pull.status)) return 'answered';
  return undefined;
}

/** Checks that `actorId` may edit this pull, without changing anything (before the form opens). */
export function mayEdit(db: Db, id: number, actorId: string): Result<Pull, EditRefusal> {
  const pull = getPull(db, id);
  const refusal = editRefusal(pull, actorId);
  return refusal ? fail(refusal) : ok(pull as Pull);
}

/**
 * Applies the requester's edit. The status is checked again in the update itself, so a form opened before the
 * manager answered and sent after changes nothing. No change at all is not an edit: nothing is written.
 */
export function editPull(
  db: Db,
  id: number,
  actorId: string,
  changes: PullChanges,
  now: number,
): Result<Edited, EditRefusal> {
  const before = getPull(db, id);
  const refusal = editRefusal(before, actorId);
  if (refusal || !before) return fail(refusal ?? 'not-found');
  const parsed = editSchema.safeParse(changes);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    if (field === 'need') return fail(issue?.message === 'too-long' ? 'need-too-long' : 'need-empty');
    if (field === 'context') return fail('context-too-long');
    return fail('invalid');
  }
  const next = {
    need: parsed.data.need,
    kind: parsed.data.kind,
    context: parsed.data.context ?? null,
    neededBy: parsed.data.neededBy ?? null,
    pushId: parsed.data.pushId ?? null,
  };
  if (next.pushId !== null && getPush(db, next.pushId)?.managerId !== before.managerId)
    return fail('push-elsewhere');
  const changed = EDITABLE.filter((field) => next[field] !== before[field]);
  if (changed.length === 0) return ok({ id, pull: before, changed });
  return db.transaction(
    (tx) => {
      const row = tx
        .update(pulls)
        .set({ ...next, editedAt: now })
        .where(and(eq(pulls.id, id), eq(pulls.requesterId, actorId), inArray(pulls.status, UNRESOLVED)))
        .returning()
        .get();
      if (row) return ok({ id, pull: row, changed });
      return fail(getPull(db, id)?.status === 'withdrawn' ? ('withdrawn' as const) : ('answered' as const));
    },
    { behavior: 'immediate' },
  );
}
